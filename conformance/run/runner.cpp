// The three phases of check_backend. Each comparison feeds the check it belongs to, the
// variant × metric matrix, and (when it fails) a Failure with the commands that replay it.
#include "conformance/run/runner.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <optional>

#include "conformance/corpus.hpp"
#include "conformance/differential_properties.hpp"
#include "conformance/edge_classes.hpp"
#include "conformance/known_divergences.hpp"
#include "conformance/run/backend_resolver.hpp"
#include "conformance/run/checklist.hpp"
#include "conformance/run/diagnosis.hpp"
#include "conformance/run/progress.hpp"
#include "conformance/run/property_run.hpp"
#include "conformance/run/session.hpp"
#include "conformance/separation.hpp"
#include "conformance/test_names.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/text.hpp"

namespace tripletcheck::conformance {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using conformance::GeneratedCase;

// Evaluations that raise an error (an exec program that crashes, say) before the backend is
// given up on: past a few, the rest would only repeat the same message.
constexpr int kMaxErrors = 5;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string case_label(const conformance::CaseInput& in) {
  return variant_name(in.spec) + "/" +
         (in.precomputed ? "precomputed" : to_string(in.spec.metric)) +
         " B=" + std::to_string(in.batch) + (in.precomputed ? "" : " D=" + std::to_string(in.dim));
}

// The first comparison that was out of bounds, or the line of RapidCheck's message that says
// what failed.
std::string property_failure_summary(const PropertyRun& run) {
  for (const auto& a : run.failing_agreements) {
    if (!a.within) {
      return to_string(a.precision) + " " + conformance::to_string(a.quantity) + " against " +
             a.against + ": " + a.agreement.describe();
    }
  }
  return run.failure_line;
}

class BackendRun {
 public:
  BackendRun(const Backend& backend, const RunOptions& options, const GoldenSet& golden,
             BackendOutcome& out)
      : backend_(backend), options_(options), golden_(golden), out_(out) {}

  void golden();
  void corpus();
  void properties();
  bool stopped() const { return !out_.stopped.empty(); }
  // Every golden comparison with its verdict, for the diagnosis.
  const std::vector<JudgedComparison>& judged() const { return judged_; }

 private:
  void add_failure(Failure failure);
  void add_checklist(const conformance::GoldenCase& c, const conformance::GoldenCheck& check);
  // Writes the shrunk case of a failing property into the corpus folder and adds its replay.
  void save_to_corpus(const conformance::DifferentialProperty& property, const PropertyRun& run,
                      Failure& failure);
  void add_error(const CheckKind kind, const std::string& check, const std::string& message);
  // The check of the unit being run (unit_: a fixture's, corpus case's or property's position,
  // which orders the checks and failures of merged shards as one run orders them).
  CheckResult& result_of(CheckKind kind, const std::string& name) {
    return out_.check(kind, name, unit_);
  }
  std::string conform_command(const std::string& rest) const {
    if (options_.replay) return options_.replay(rest);
    return options_.tripletcheck + " conform --backend " + shell_quote(backend_.name()) + " " +
           rest;
  }
  void record_edges(const conformance::CaseInput& in, const std::vector<std::string>& edges,
                    CheckResult& result) {
    Cell& cell = out_.matrix.cell(in);
    for (const auto& e : edges) {
      cell.edge_classes.insert(e);
      ++result.edge_classes[e];
    }
  }

  const Backend& backend_;
  const RunOptions& options_;
  const GoldenSet& golden_;
  BackendOutcome& out_;
  int errors_ = 0;
  std::size_t unit_ = 0;
  std::vector<JudgedComparison> judged_;
};

void BackendRun::add_failure(Failure failure) {
  failure.unit = unit_;
  const bool counts = out_.counts(failure);
  if (counts && out_.failing() == 0) out_.cases_to_first_failure = out_.cases;
  out_.failures.push_back(std::move(failure));
  if (counts && options_.choices.fail_fast)
    out_.stopped = "stopped at the first failure (--fail-fast)";
}

void BackendRun::add_checklist(const conformance::GoldenCase& c,
                               const conformance::GoldenCheck& check) {
  ChecklistResult r;
  r.fixture = c.id;
  r.tf_loss = c.loss;
  r.loss = check.actual.loss;
  r.gradient_error = check.gradient.agreement.max_abs_error;
  r.gradient_pattern_differs = !check.gradient.agreement.nonfinite_match;
  r.failed = check.failed();
  if (r.failed) {
    r.verdict = "**FAIL** (" + conformance::to_string(check.failure_class) + ")";
  } else if (check.loss.verdict != conformance::Verdict::kPass ||
             check.gradient.verdict != conformance::Verdict::kPass) {
    const auto& excused =
        check.loss.verdict != conformance::Verdict::kPass ? check.loss : check.gradient;
    r.verdict = excused.verdict == conformance::Verdict::kIllConditioned ? "pass (near tie)"
                : excused.verdict == conformance::Verdict::kKnownDivergence
                    ? "pass (known divergence)"
                    : "pass (another subgradient at a tie)";
  } else {
    r.verdict = "pass";
  }
  out_.checklist.push_back(std::move(r));
}

void BackendRun::save_to_corpus(const conformance::DifferentialProperty& property,
                                const PropertyRun& run, Failure& failure) {
  conformance::CorpusCase saved;
  saved.property = property.name;
  saved.description = failure.summary;
  saved.found_by = backend_.name();
  for (const auto& a : run.failing_agreements) {
    if (!a.within) saved.precision = a.precision;
  }
  saved.seed = options_.choices.seed;
  if (is_registered_backend(backend_)) saved.reproduce = run.reproduce;
  saved.date = utc_now();
  saved.generated = *run.shrunk;
  const fs::path file =
      fs::path(options_.corpus_out) / conformance::corpus_file_name(backend_.name(), saved);
  try {
    conformance::write_corpus_case(file.string(), saved);
    failure.corpus_file = display_path(file.string());
    failure.replay.push_back(conform_command("--replay " + shell_quote(failure.corpus_file)));
  } catch (const Error& e) {
    failure.details += "\n(could not save the case: " + std::string(e.what()) + ")";
  }
}

void BackendRun::add_error(const CheckKind kind, const std::string& check,
                           const std::string& message) {
  Failure f;
  f.kind = kind;
  f.check = check;
  f.summary = "error: " + message;
  f.error = true;
  ++result_of(kind, check).failures;  // an evaluation that errored is no passed comparison
  add_failure(std::move(f));
  if (++errors_ >= kMaxErrors && out_.stopped.empty()) {
    out_.stopped = "stopped after " + std::to_string(kMaxErrors) + " evaluations raised errors";
  }
}

void BackendRun::golden() {
  const auto& cases = golden_.manifest.cases;
  std::optional<Progress> progress;
  if (options_.choices.progress)
    progress.emplace(backend_.name() + " golden", static_cast<long>(cases.size()));
  bool complete = options_.choices.golden_cases.empty();
  for (std::size_t k = 0; k < cases.size() && !stopped(); ++k) {
    if (!options_.choices.shard.owns(k)) continue;
    unit_ = k;
    const conformance::GoldenCase& c = cases[k];
    if (!options_.choices.golden_cases.empty() &&
        std::find(options_.choices.golden_cases.begin(), options_.choices.golden_cases.end(),
                  c.id) == options_.choices.golden_cases.end()) {
      continue;
    }
    const auto start = Clock::now();
    if (!conformance::supports(backend_, c)) {
      ++result_of(CheckKind::kGolden, c.category).skipped;
      continue;
    }
    for (const auto& precision : conformance::golden_precisions(backend_, c)) {
      conformance::GoldenCheck check;
      try {
        check = conformance::check_golden_case(backend_, c, precision);
      } catch (const Unsupported&) {
        ++result_of(CheckKind::kGolden, c.category).skipped;
        continue;
      } catch (const Error& e) {
        ++out_.cases;
        ++result_of(CheckKind::kGolden, c.category).cases;
        add_error(CheckKind::kGolden, c.category,
                  c.id + " " + to_string(precision) + ": " + e.what());
        if (stopped()) break;
        continue;
      }
      ++out_.cases;
      CheckResult& result = result_of(CheckKind::kGolden, c.category);
      ++result.cases;
      out_.golden.add(c, check);
      Cell& cell = out_.matrix.cell(c.input);
      ++cell.cases;
      record_edges(c.input, golden_.edge_classes[k], result);
      for (const auto* q : {&check.loss, &check.gradient}) {
        const bool gradient = q == &check.gradient;
        // Excused comparisons (a near tie decides, or a listed divergence) would only hide the
        // backend's real agreement behind TF's or the oracle's own problem.
        if (q->verdict == conformance::Verdict::kPass ||
            q->verdict == conformance::Verdict::kFail) {
          out_.matrix.add(c.input, gradient, q->agreement);
        }
        if (q->verdict != conformance::Verdict::kKnownDivergence) continue;
        const auto* entry = conformance::find_known_divergence(
            backend_.name(), backend_.capabilities().traits, precision, c.category,
            variant_name(c.input.spec),
            gradient ? conformance::Quantity::kGradient : conformance::Quantity::kLoss);
        if (entry == nullptr) continue;
        auto& use = out_.known_divergences_used[conformance::divergence_key(*entry)];
        ++use.comparisons;
        use.reason = entry->reason;
      }
      const bool ordinary = conformance::is_ordinary_category(c.category);
      cell.ordinary_cases += ordinary;
      judged_.push_back({k, check});
      if (precision == c.precision && find_checklist_rule(c.id) != nullptr) add_checklist(c, check);
      if (!check.failed()) continue;
      Failure f;
      f.kind = CheckKind::kGolden;
      f.check = c.category;
      f.failure_class = check.failure_class;
      f.artifact_trait = check.artifact_trait;
      const std::string lines = check.describe_failure(c, backend_.name());
      f.summary = first_line(lines);
      f.details = lines;
      if (!f.artifact_trait.empty()) {
        f.details += "  TF float32 artifact (" + f.artifact_trait +
                     "): " + conformance::trait_fix(f.artifact_trait) + "\n";
      }
      f.replay.push_back(conform_command("--checks golden --golden-case " + c.id));
      if (out_.counts(f)) {
        ++result.failures;
        ++cell.failures;
        cell.ordinary_failures += ordinary;
      } else {
        ++result.artifacts;
        ++cell.artifacts;
      }
      add_failure(std::move(f));
      if (stopped()) break;
    }
    result_of(CheckKind::kGolden, c.category).seconds += seconds_since(start);
    if (progress) progress->update(static_cast<long>(k + 1));
  }
  if (progress) progress->finish();
  out_.golden_complete = complete && !stopped();
}

void BackendRun::corpus() {
  for (std::size_t i = 0; i < options_.choices.corpus_files.size(); ++i) {
    if (stopped()) break;
    if (!options_.choices.shard.owns(i)) continue;
    unit_ = i;
    const std::string& path = options_.choices.corpus_files[i];
    const std::string name = fs::path(path).filename().string();
    const auto start = Clock::now();
    conformance::CorpusCase stored;
    try {
      stored = conformance::read_corpus_case(path);
    } catch (const Error& e) {
      ++result_of(CheckKind::kCorpus, name).cases;
      add_error(CheckKind::kCorpus, name, e.what());
      continue;
    }
    const auto* property = conformance::find_differential_property(stored.property);
    const conformance::CaseInput& in = stored.generated.input;
    if (property == nullptr) {
      ++result_of(CheckKind::kCorpus, name).cases;
      add_error(CheckKind::kCorpus, name, "unknown property \"" + stored.property + "\"");
      continue;
    }
    if (!conformance::implements(backend_, in)) {
      auto& result = result_of(CheckKind::kCorpus, name);
      ++result.skipped;
      result.note = "not implemented by this backend (" + case_label(in) + ")";
      continue;
    }
    if (const auto own = property->own_oracle(backend_); own.skipped) {
      auto& result = result_of(CheckKind::kCorpus, name);
      ++result.skipped;
      result.note = stored.property + ": " + own.note;
      continue;
    }
    ++out_.cases;
    const auto on_case = [&](const GeneratedCase& c, const std::vector<std::string>&,
                             const std::vector<RecordedAgreement>& agreements) {
      for (const auto& a : agreements) {
        out_.matrix.add(c.input, a.quantity == conformance::Quantity::kGradient, a.agreement);
      }
    };
    const PropertyRun run = check_stored_case(backend_, *property, stored.generated, on_case);
    CheckResult& result = result_of(CheckKind::kCorpus, name);
    result.cases = 1;
    result.note = stored.property;
    result.seconds = seconds_since(start);
    ++out_.matrix.cell(in).cases;
    record_edges(in, conformance::edge_classes(in, conformance::exact_distances(in)), result);
    if (run.passed) continue;
    ++result.failures;
    ++out_.matrix.cell(in).failures;
    for (const auto& a : run.failing_agreements) {
      out_.matrix.add(in, a.quantity == conformance::Quantity::kGradient, a.agreement);
    }
    Failure f;
    f.kind = CheckKind::kCorpus;
    f.check = name;
    f.summary =
        "[" + stored.property + ", " + case_label(in) + "] " + property_failure_summary(run);
    f.details =
        (stored.description.empty() ? "" : "case: " + stored.description + "\n") + run.message;
    f.replay.push_back(conform_command("--replay " + shell_quote(display_path(path))));
    add_failure(std::move(f));
  }
}

void BackendRun::properties() {
  std::vector<const conformance::DifferentialProperty*> chosen;
  for (const auto& p : conformance::differential_properties()) {
    if (options_.choices.property_names.empty() ||
        std::find(options_.choices.property_names.begin(), options_.choices.property_names.end(),
                  p.name) != options_.choices.property_names.end()) {
      chosen.push_back(&p);
    }
  }
  if (chosen.empty()) return;
  std::size_t owned = 0;
  for (std::size_t p = 0; p < chosen.size(); ++p) owned += options_.choices.shard.owns(p);
  const bool by_time = options_.choices.time_budget > 0;
  std::optional<Progress> progress;
  long done = 0;
  if (options_.choices.progress && owned > 0) {
    progress.emplace(backend_.name() + " properties",
                     static_cast<long>(by_time ? owned : owned * options_.cases));
  }
  for (std::size_t p = 0; p < chosen.size(); ++p) {
    if (stopped()) break;
    if (!options_.choices.shard.owns(p)) continue;
    unit_ = p;
    const conformance::DifferentialProperty* property = chosen[p];
    if (!property->applies(backend_.capabilities().implements)) {
      CheckResult& result = result_of(CheckKind::kProperty, property->name);
      ++result.skipped;
      result.note = "not implemented: the backend declares none of the variants it draws";
      continue;
    }
    const auto own = property->own_oracle(backend_);
    if (own.skipped) {
      CheckResult& result = result_of(CheckKind::kProperty, property->name);
      ++result.skipped;
      result.note = own.note;
      continue;
    }
    const auto start = Clock::now();
    const auto on_case = [&](const GeneratedCase& c, const std::vector<std::string>& tags,
                             const std::vector<RecordedAgreement>& agreements) {
      ++out_.cases;
      Cell& cell = out_.matrix.cell(c.input);
      ++cell.cases;
      cell.edge_classes.insert(tags.begin(), tags.end());
      for (const auto& a : agreements) {
        out_.matrix.add(c.input, a.quantity == conformance::Quantity::kGradient, a.agreement);
      }
      if (progress && !by_time) progress->update(++done);
    };
    PropertyParams params;
    params.seed = options_.choices.seed;
    params.cases = options_.cases;
    params.max_size = options_.max_size;
    // Each property's share of the whole budget, in a shard too: the same cases as one run.
    params.seconds =
        by_time ? options_.choices.time_budget / static_cast<double>(chosen.size()) : 0;
    const PropertyRun run = run_property(backend_, *property, params, on_case);

    CheckResult& result = result_of(CheckKind::kProperty, property->name);
    result.cases = run.cases;
    result.edge_classes = run.tags;
    result.seconds = seconds_since(start);
    result.note = own.note;
    if (run.out_of_time)
      result.note += (result.note.empty() ? "" : ", ") + std::string("time budget reached");
    if (run.discarded > 0) {
      result.note += (result.note.empty() ? "" : ", ") + std::to_string(run.discarded) +
                     " draws discarded by the generator";
    }
    if (by_time && progress) progress->update(++done);
    if (run.passed) continue;

    ++out_.cases;  // the failing case
    ++result.failures;
    Failure f;
    f.kind = CheckKind::kProperty;
    f.check = property->name;
    f.summary = property_failure_summary(run);
    f.details = run.message + (run.counterexample.empty() ? "" : "\n" + run.counterexample);
    if (run.shrunk) {
      const conformance::CaseInput& in = run.shrunk->input;
      f.summary = "[" + case_label(in) + "] " + f.summary;
      Cell& cell = out_.matrix.cell(in);
      ++cell.cases;
      ++cell.failures;
      for (const auto& a : run.failing_agreements) {
        out_.matrix.add(in, a.quantity == conformance::Quantity::kGradient, a.agreement);
      }
      if (!options_.corpus_out.empty()) save_to_corpus(*property, run, f);
    }
    if (is_registered_backend(backend_) && !run.reproduce.empty() &&
        !options_.gtest_binary.empty()) {
      f.replay.push_back("RC_PARAMS=\"" + run.reproduce + "\" " + options_.gtest_binary +
                         " --gtest_filter='Backends/Differential.Holds/" +
                         conformance::test_name(backend_) + "_" + property->name + "'");
    }
    f.replay.push_back(conform_command("--checks properties --property " + property->name +
                                       " --seed " + std::to_string(options_.choices.seed) +
                                       " --cases " + std::to_string(options_.cases)));
    add_failure(std::move(f));
  }
  if (progress) progress->finish();
}

}  // namespace

GoldenSet load_golden_set(const std::string& directory) {
  GoldenSet set;
  set.directory = directory;
  set.manifest = conformance::load_golden_manifest(directory);
  for (auto& c : set.manifest.cases) {
    conformance::load_arrays(directory, c);
    set.edge_classes.push_back(
        conformance::edge_classes(c.input, conformance::exact_distances(c.input)));
  }
  return set;
}

BackendOutcome check_backend(const Backend& backend, const RunOptions& options,
                             const GoldenSet& golden) {
  BackendOutcome out;
  out.backend = backend.name();
  out.description = backend.description();
  out.capabilities = backend.capabilities();
  const auto start = Clock::now();
  out.artifacts_fail = options.choices.artifacts_fail;
  BackendRun run(backend, options, golden, out);
  if (options.golden) run.golden();
  if (options.corpus && !run.stopped()) run.corpus();
  if (options.properties && !run.stopped()) run.properties();
  // The report lists the most severe first: a porter reads the top of the list.
  std::stable_sort(out.failures.begin(), out.failures.end(),
                   [](const Failure& a, const Failure& b) { return severity(a) < severity(b); });
  sort_by_rule(out.checklist);
  if (options.choices.diagnose && options.choices.shard.whole()) {
    out.suspects = diagnose(run.judged(), golden);
  } else if (options.choices.diagnose) {
    out.mutant_tallies = tally_mutants(run.judged(), golden);
    out.suspects = rank_suspects(out.mutant_tallies);
  }
  out.seconds = seconds_since(start);
  return out;
}

}  // namespace tripletcheck::conformance
