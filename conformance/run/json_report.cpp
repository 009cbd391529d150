// conform.json: everything the Markdown shows, as data; and read back into the outcome it was
// written from, for merge-reports (a test checks the round trip).
#include <cmath>
#include <nlohmann/json.hpp>

#include "conformance/known_divergences.hpp"
#include "conformance/run/checklist.hpp"
#include "conformance/run/report.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/text.hpp"

namespace tripletcheck::conformance {
namespace {

using nlohmann::json;

// JSON has no NaN or Inf; errors are finite by construction, but stay safe.
json number(double v) { return std::isfinite(v) ? json(v) : json(nonfinite_name(v)); }

json suspect_json(const Suspect& x) {
  return {{"mutant", x.mutant},   {"mistake", x.mistake},           {"reproduced", x.reproduced},
          {"failing", x.failing}, {"contradicted", x.contradicted}, {"passing", x.passing}};
}

// What the backend declared: the matrix's "not implemented" cells and the traits' excuses.
json capabilities_json(const Capabilities& c) {
  const Coverage& v = c.implements;
  return {{"float32", c.float32},
          {"float64", c.float64},
          {"gradients", c.gradients},
          {"precomputed_distances", c.precomputed_distances},
          {"tf_exact_ties", c.tf_exact_ties},
          {"deterministic", c.deterministic},
          {"thread_count_invariant", c.thread_count_invariant},
          {"device", c.device == Device::kCuda ? "cuda" : "cpu"},
          {"implements",
           {{"hard", v.hard},
            {"hard_soft", v.hard_soft},
            {"semihard", v.semihard},
            {"L2", v.l2},
            {"squared_L2", v.squared_l2},
            {"angular", v.angular}}},
          {"traits", declared_traits(c.traits)}};
}

json backend_json(const BackendOutcome& b) {
  json checks = json::array();
  for (const auto& c : b.checks) {
    checks.push_back({{"kind", to_string(c.kind)},
                      {"name", c.name},
                      {"passed", c.passed()},
                      {"cases", c.cases},
                      {"failures", c.failures},
                      {"artifacts", c.artifacts},
                      {"skipped", c.skipped},
                      {"note", c.note},
                      {"seconds", c.seconds},
                      {"edge_classes", c.edge_classes},
                      {"unit", c.unit}});
  }
  json matrix = json::array();
  for (const auto& variant : VariantMatrix::variants()) {
    for (const auto& metric : VariantMatrix::metrics()) {
      const Cell* c = b.matrix.find(variant, metric);
      json cell = {{"variant", variant}, {"metric", metric}, {"cases", c ? c->cases : 0}};
      if (c != nullptr) {
        cell["passed"] = c->failures == 0;
        cell["failures"] = c->failures;
        cell["artifacts"] = c->artifacts;
        cell["ordinary_cases"] = c->ordinary_cases;
        cell["ordinary_failures"] = c->ordinary_failures;
        cell["loss_abs_error"] = number(c->loss_abs);
        cell["loss_rel_error"] = number(c->loss_rel);
        cell["gradient_abs_error"] = number(c->grad_abs);
        cell["gradient_rel_error"] = number(c->grad_rel);
        cell["edge_classes"] = c->edge_classes;
      }
      matrix.push_back(cell);
    }
  }
  json failures = json::array();
  for (const auto& f : b.failures) {
    failures.push_back({{"kind", to_string(f.kind)},
                        {"check", f.check},
                        {"class", class_name(f)},
                        {"artifact_trait", f.artifact_trait},
                        {"fails_the_run", b.counts(f)},
                        {"summary", f.summary},
                        {"details", f.details},
                        {"replay", f.replay},
                        {"corpus_file", f.corpus_file},
                        {"unit", f.unit}});
  }
  json known = json::array();
  for (const auto& [entry, use] : b.known_divergences_used) {
    known.push_back({{"entry", entry}, {"comparisons", use.comparisons}, {"reason", use.reason}});
  }
  json suspects = json::array();
  for (const auto& x : b.suspects) suspects.push_back(suspect_json(x));
  json tallies = json::array();
  for (const auto& x : b.mutant_tallies) tallies.push_back(suspect_json(x));
  json golden = json::array();
  for (const auto& [key, r] : b.golden.rows()) {
    golden.push_back({{"category", key.first},
                      {"precision", key.second},
                      {"cases", r.cases},
                      {"worst_loss_error", number(r.loss)},
                      {"worst_gradient_error", number(r.gradient)},
                      {"ill_conditioned", r.ill_conditioned},
                      {"known_divergences", r.known_divergences},
                      {"other_subgradients", r.other_subgradients},
                      {"failures", r.failures},
                      {"artifacts", r.artifacts}});
  }
  json checklist = json::array();
  for (const auto& r : b.checklist) {
    const auto* rule = find_checklist_rule(r.fixture);
    checklist.push_back({{"rule", rule != nullptr ? rule->rule : ""},
                         {"fixture", r.fixture},
                         {"tf_loss", number(r.tf_loss)},
                         {"loss", number(r.loss)},
                         {"gradient_abs_error", number(r.gradient_error)},
                         {"gradient_nonfinite_pattern_differs", r.gradient_pattern_differs},
                         {"failed", r.failed},
                         {"verdict", r.verdict}});
  }
  const Failure* worst = b.worst();
  return {{"name", b.backend},
          {"description", b.description},
          {"passed", b.passed()},
          {"worst_class", worst != nullptr ? json(class_name(*worst)) : json(nullptr)},
          {"suspects", suspects},
          {"checklist", checklist},
          {"cases", b.cases},
          {"cases_to_first_failure",
           b.failures.empty() ? json(nullptr) : json(b.cases_to_first_failure)},
          {"seconds", b.seconds},
          {"stopped", b.stopped},
          {"checks", checks},
          {"matrix", matrix},
          {"failures", failures},
          {"known_divergences_used", known},
          {"capabilities", capabilities_json(b.capabilities)},
          {"golden_complete", b.golden_complete},
          {"golden_summary", golden},
          {"mutant_tallies", tallies}};
}

}  // namespace

std::string json_report(const RunOutcome& run) {
  const RunSettings& s = run.settings;
  json backends = json::array();
  for (const auto& b : run.backends) backends.push_back(backend_json(b));
  json stale = json::array();
  for (const auto& e : run.stale) {
    stale.push_back({{"key", conformance::divergence_key(e)},
                     {"subject", e.subject},
                     {"dtype", conformance::to_string(e.precision)},
                     {"category", e.category},
                     {"variant", e.variant},
                     {"quantity", conformance::to_string(e.quantity)},
                     {"reason", e.reason}});
  }
  json unavailable = json::array();
  for (const auto& [name, reason] : run.unavailable) {
    unavailable.push_back({{"name", name}, {"reason", reason}});
  }
  const json j = {{"tool", "tripletcheck conform"},
                  {"passed", run.passed()},
                  {"seconds", run.seconds},
                  {"settings",
                   {{"seed", s.seed},
                    {"cases", s.cases},
                    {"exec_cases", s.exec_cases},
                    {"max_size", s.max_size},
                    {"exec_max_size", s.exec_max_size},
                    {"time_budget", s.time_budget},
                    {"artifacts", s.artifacts_fail ? "fail" : "report"},
                    {"checks", s.checks},
                    {"golden", s.golden_source},
                    {"corpus_cases", s.corpus_cases},
                    {"command", s.command},
                    {"shard", s.shard.empty() ? json(nullptr) : json(s.shard)}}},
                  {"backends", backends},
                  {"unavailable", unavailable},
                  {"stale_known_divergences", stale},
                  {"unmatched_known_divergences", run.unmatched_known_divergences}};
  return j.dump(1) + "\n";
}

namespace {

double read_number(const json& j) {
  if (j.is_number()) return j.get<double>();
  if (const auto v = nonfinite_from_name(j.get<std::string>())) return *v;
  throw std::invalid_argument("not a number: " + j.dump());
}

CheckKind read_kind(const std::string& name) {
  for (const auto k : {CheckKind::kGolden, CheckKind::kCorpus, CheckKind::kProperty}) {
    if (to_string(k) == name) return k;
  }
  throw std::invalid_argument("unknown check kind \"" + name + "\"");
}

void read_class(const std::string& name, Failure& f) {
  f.error = name == "error";
  if (f.error) return;
  for (const auto c : {FailureClass::kSemantics, FailureClass::kTies, FailureClass::kArtifact}) {
    if (to_string(c) == name) {
      f.failure_class = c;
      return;
    }
  }
  throw std::invalid_argument("unknown failure class \"" + name + "\"");
}

Suspect read_suspect(const json& j) {
  Suspect x;
  x.mutant = j.at("mutant");
  x.mistake = j.at("mistake");
  x.reproduced = j.at("reproduced");
  x.failing = j.at("failing");
  x.contradicted = j.at("contradicted");
  x.passing = j.at("passing");
  return x;
}

Capabilities read_capabilities(const json& j) {
  Capabilities c;
  c.float32 = j.at("float32");
  c.float64 = j.at("float64");
  c.gradients = j.at("gradients");
  c.precomputed_distances = j.at("precomputed_distances");
  c.tf_exact_ties = j.at("tf_exact_ties");
  c.deterministic = j.at("deterministic");
  c.thread_count_invariant = j.at("thread_count_invariant");
  c.device = j.at("device") == "cuda" ? Device::kCuda : Device::kCpu;
  const json& v = j.at("implements");
  c.implements = {v.at("hard"), v.at("hard_soft"),  v.at("semihard"),
                  v.at("L2"),   v.at("squared_L2"), v.at("angular")};
  for (const auto& t : j.at("traits")) {
    if (!set_numeric_trait(c.traits, t.get<std::string>())) {
      throw std::invalid_argument("unknown numeric trait " + t.dump());
    }
  }
  return c;
}

BackendOutcome read_backend(const json& j) {
  BackendOutcome b;
  b.backend = j.at("name");
  b.description = j.at("description");
  b.capabilities = read_capabilities(j.at("capabilities"));
  for (const auto& c : j.at("checks")) {
    CheckResult& r = b.check(read_kind(c.at("kind")), c.at("name"), c.at("unit"));
    r.cases = c.at("cases");
    r.failures = c.at("failures");
    r.artifacts = c.at("artifacts");
    r.skipped = c.at("skipped");
    r.note = c.at("note");
    r.seconds = c.at("seconds");
    r.edge_classes = c.at("edge_classes").get<std::map<std::string, int>>();
  }
  for (const auto& f : j.at("failures")) {
    Failure x;
    x.kind = read_kind(f.at("kind"));
    x.check = f.at("check");
    read_class(f.at("class"), x);
    x.artifact_trait = f.at("artifact_trait");
    x.summary = f.at("summary");
    x.details = f.at("details");
    x.replay = f.at("replay").get<std::vector<std::string>>();
    x.corpus_file = f.at("corpus_file");
    x.unit = f.at("unit");
    b.failures.push_back(std::move(x));
  }
  for (const auto& c : j.at("matrix")) {
    if (!c.contains("passed")) continue;  // a cell nothing reached
    Cell cell;
    cell.cases = c.at("cases");
    cell.failures = c.at("failures");
    cell.artifacts = c.at("artifacts");
    cell.ordinary_cases = c.at("ordinary_cases");
    cell.ordinary_failures = c.at("ordinary_failures");
    cell.loss_abs = read_number(c.at("loss_abs_error"));
    cell.loss_rel = read_number(c.at("loss_rel_error"));
    cell.grad_abs = read_number(c.at("gradient_abs_error"));
    cell.grad_rel = read_number(c.at("gradient_rel_error"));
    cell.edge_classes = c.at("edge_classes").get<std::set<std::string>>();
    b.matrix.add(c.at("variant"), c.at("metric"), cell);
  }
  for (const auto& r : j.at("golden_summary")) {
    GoldenSummary::Row row;
    row.cases = r.at("cases");
    row.loss = read_number(r.at("worst_loss_error"));
    row.gradient = read_number(r.at("worst_gradient_error"));
    row.ill_conditioned = r.at("ill_conditioned");
    row.known_divergences = r.at("known_divergences");
    row.other_subgradients = r.at("other_subgradients");
    row.failures = r.at("failures");
    row.artifacts = r.at("artifacts");
    b.golden.add({r.at("category"), r.at("precision")}, row);
  }
  b.golden_complete = j.at("golden_complete");
  for (const auto& k : j.at("known_divergences_used")) {
    auto& use = b.known_divergences_used[k.at("entry")];
    use.comparisons = k.at("comparisons");
    use.reason = k.at("reason");
  }
  b.stopped = j.at("stopped");
  b.cases = j.at("cases");
  const json& first = j.at("cases_to_first_failure");
  b.cases_to_first_failure = first.is_null() ? 0 : first.get<int>();
  b.seconds = j.at("seconds");
  for (const auto& x : j.at("suspects")) b.suspects.push_back(read_suspect(x));
  for (const auto& x : j.at("mutant_tallies")) b.mutant_tallies.push_back(read_suspect(x));
  for (const auto& r : j.at("checklist")) {
    ChecklistResult c;
    c.fixture = r.at("fixture");
    c.tf_loss = read_number(r.at("tf_loss"));
    c.loss = read_number(r.at("loss"));
    c.gradient_error = read_number(r.at("gradient_abs_error"));
    c.gradient_pattern_differs = r.at("gradient_nonfinite_pattern_differs");
    c.failed = r.at("failed");
    c.verdict = r.at("verdict");
    b.checklist.push_back(std::move(c));
  }
  return b;
}

}  // namespace

RunOutcome read_json_report(const std::string& text, const std::string& where) {
  try {
    const json j = json::parse(text);
    if (j.at("tool") != "tripletcheck conform") throw std::invalid_argument("not a conform report");
    RunOutcome run;
    run.seconds = j.at("seconds");
    const json& t = j.at("settings");
    RunSettings& s = run.settings;
    s.seed = t.at("seed");
    s.cases = t.at("cases");
    s.exec_cases = t.at("exec_cases");
    s.max_size = t.at("max_size");
    s.exec_max_size = t.at("exec_max_size");
    s.time_budget = t.at("time_budget");
    s.artifacts_fail = t.at("artifacts") == "fail";
    s.checks = t.at("checks");
    s.golden_source = t.at("golden");
    s.corpus_cases = t.at("corpus_cases");
    s.command = t.at("command");
    s.shard = t.at("shard").is_null() ? "" : t.at("shard").get<std::string>();
    for (const auto& b : j.at("backends")) {
      run.backends.push_back(read_backend(b));
      run.backends.back().artifacts_fail = s.artifacts_fail;
    }
    for (const auto& u : j.at("unavailable"))
      run.unavailable.emplace_back(u.at("name"), u.at("reason"));
    for (const auto& e : j.at("stale_known_divergences")) {
      const std::string key = e.at("key").get<std::string>();
      const KnownDivergence* entry = find_known_divergence_by_key(key);
      if (entry == nullptr) throw std::invalid_argument("unknown known divergence " + key);
      run.stale.push_back(*entry);
    }
    run.unmatched_known_divergences =
        j.at("unmatched_known_divergences").get<std::vector<std::string>>();
    return run;
  } catch (const std::exception& e) {
    throw InvalidArgument(where, "conform.json",
                          std::string("not a conform report of this version: ") + e.what());
  }
}

}  // namespace tripletcheck::conformance
