#include "conformance/run/plan.hpp"

#include <algorithm>

#include "conformance/differential_properties.hpp"
#include "conformance/run/backend_resolver.hpp"
#include "conformance/run/session.hpp"
#include "tripletcheck/errors.hpp"

namespace tripletcheck::conformance {
namespace {

std::string golden_source(const GoldenSet& golden) {
  return "TF " + golden.manifest.tensorflow + " + TFA " + golden.manifest.tensorflow_addons + ", " +
         std::to_string(golden.manifest.cases.size()) + " fixtures";
}

}  // namespace

std::string CheckSelection::text() const {
  std::string out;
  for (const auto& [wanted, name] : {std::pair{golden, "golden"}, std::pair{corpus, "corpus"},
                                     std::pair{properties, "properties"}}) {
    if (wanted) out += (out.empty() ? "" : ",") + std::string(name);
  }
  return out;
}

CheckSelection parse_checks(const std::vector<std::string>& names) {
  if (names.empty()) return {};
  CheckSelection s{false, false, false};
  for (const auto& name : names) {
    if (name == "golden") {
      s.golden = true;
    } else if (name == "corpus") {
      s.corpus = true;
    } else if (name == "properties") {
      s.properties = true;
    } else {
      throw InvalidArgument("--checks", name, "expected golden, corpus or properties");
    }
  }
  return s;
}

void check_property_names(const std::vector<std::string>& names) {
  for (const auto& p : names) {
    if (find_differential_property(p) == nullptr) {
      std::string known;
      for (const auto& d : differential_properties()) known += " " + d.name;
      throw InvalidArgument("--property", p, "unknown; known:" + known);
    }
  }
}

void check_golden_cases(const std::vector<std::string>& ids, const CheckSelection& checks,
                        const GoldenSet& golden, const std::string& fixtures) {
  if (ids.empty()) return;
  if (!checks.golden) {
    throw InvalidArgument("--golden-case", ids.front(), "needs the golden check (--checks golden)");
  }
  std::vector<std::string> unknown;
  for (const auto& id : ids) {
    const auto& cases = golden.manifest.cases;
    if (std::none_of(cases.begin(), cases.end(), [&](const auto& c) { return c.id == id; })) {
      unknown.push_back(id);
    }
  }
  if (!unknown.empty()) {
    std::string text;
    for (const auto& id : unknown) text += (text.empty() ? "" : ", ") + id;
    throw InvalidArgument("--golden-case", text,
                          "no such fixture id in " + fixtures + "/manifest.json");
  }
}

const RunOptions& RunPlan::for_backend(const Backend& backend) const {
  return is_exec_backend(backend) ? exec_options : options;
}

RunPlan make_run_plan(const PlanRequest& r, const GoldenSet& golden) {
  const RunChoices& c = r.choices;
  RunPlan plan;
  RunSettings& s = plan.settings;
  s.seed = c.seed;
  // A time budget without --cases: as many cases as the time allows.
  const int uncapped = c.time_budget > 0 ? kTimeBudgetCaseCap : 0;
  s.cases = r.cases > 0 ? r.cases : uncapped > 0 ? uncapped : kDefaultCases;
  s.exec_cases = r.cases > 0 ? r.cases : uncapped > 0 ? uncapped : kExecDefaultCases;
  s.max_size = r.max_size > 0 ? r.max_size : kDefaultMaxSize;
  s.exec_max_size = r.max_size > 0 ? r.max_size : kExecDefaultMaxSize;
  s.time_budget = c.time_budget;
  s.artifacts_fail = c.artifacts_fail;
  s.checks = r.checks.text() + (c.fail_fast ? " (fail fast)" : "");
  s.golden_source = r.checks.golden ? golden_source(golden) : "not run";
  s.corpus_cases = r.checks.corpus ? static_cast<int>(c.corpus_files.size()) : 0;
  s.shard = c.shard.whole() ? "" : c.shard.text();

  RunOptions& o = plan.options;
  o.choices = c;
  o.cases = s.cases;
  o.max_size = s.max_size;
  o.golden = r.checks.golden;
  o.corpus = r.checks.corpus;
  o.properties = r.checks.properties;
  o.corpus_out = r.corpus_out;
  o.tripletcheck = this_program();
  o.gtest_binary = gtest_binary();

  plan.exec_options = o;
  plan.exec_options.cases = s.exec_cases;
  plan.exec_options.max_size = s.exec_max_size;
  plan.exec_options.corpus_out = r.exec_corpus_out;
  return plan;
}

}  // namespace tripletcheck::conformance
