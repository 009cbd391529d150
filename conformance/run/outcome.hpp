// What a conform run found: per backend the checks and their verdicts, the failures with the
// commands that replay them, and the loss variant × metric matrix; per run the settings and the
// known divergences. The report writers read only this.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "conformance/comparison.hpp"
#include "conformance/evaluate.hpp"
#include "conformance/golden_check.hpp"
#include "conformance/known_divergences.hpp"

namespace tripletcheck::conformance {

enum class CheckKind { kGolden, kCorpus, kProperty };
std::string to_string(CheckKind kind);

struct Failure {
  CheckKind kind = CheckKind::kGolden;
  std::string check;                // golden category, corpus file name, or property name
  std::string summary;              // one line: what disagreed, and by how much
  std::string details;              // the counterexample, RapidCheck's message
  std::vector<std::string> replay;  // commands that reproduce it
  std::string corpus_file;          // where the shrunk case was saved
  // What kind of difference it is (golden comparisons are classified; properties and the corpus
  // compare against the float64 oracle on ordinary inputs: semantics), and for a TF float32
  // artifact the numeric trait that explains it.
  conformance::FailureClass failure_class = conformance::FailureClass::kSemantics;
  std::string artifact_trait;
  bool error = false;  // the evaluation raised an error: no values to judge
  // The position of its fixture, corpus case or property in the run: one run lists failures
  // in this order within a severity, and merged shards do the same (shard.hpp).
  std::size_t unit = 0;
};

// Display order, most severe first: errors, then the classes in their enum order.
int severity(const Failure& f);
std::string class_name(const Failure& f);  // "error", "semantics", "ties", "TF float32 artifact"

struct CheckResult {
  CheckKind kind = CheckKind::kGolden;
  std::string name;
  int cases = 0;  // comparisons (golden: fixture × precision) or generated cases
  int failures = 0;
  int artifacts = 0;  // failing comparisons that are TF float32 artifacts, not failing the run
  int skipped = 0;    // cases this backend cannot evaluate (precomputed distances, dtype)
  std::string note;   // e.g. ill-conditioned or known-divergence counts, "out of time"
  double seconds = 0;
  std::map<std::string, int> edge_classes;  // edge class -> cases reaching it
  std::size_t unit = 0;  // the first unit that reached it (as Failure::unit): the listing order
  bool passed() const { return failures == 0; }
};

// One cell of the matrix: every comparison of one (loss variant, metric).
struct Cell {
  int cases = 0;
  int failures = 0;
  int artifacts = 0;  // as CheckResult::artifacts
  // The golden fixtures of ordinary inputs (conformance::is_ordinary_category): a cell that fails
  // only on edge cases is usable where a cell failing here is not.
  int ordinary_cases = 0;
  int ordinary_failures = 0;
  double loss_abs = 0, loss_rel = 0, grad_abs = 0, grad_rel = 0;
  std::set<std::string> edge_classes;
};

// Whether the backend implements a cell of the matrix ("precomputed" is the metric of
// precomputed distances).
bool implements_cell(const Capabilities& caps, const std::string& variant,
                     const std::string& metric);

class VariantMatrix {
 public:
  static const std::vector<std::string>& variants();  // hard, hard-soft, semihard
  static const std::vector<std::string>& metrics();   // L2, squared-L2, angular, precomputed
  static std::pair<std::string, std::string> key(const conformance::CaseInput& input);

  Cell& cell(const conformance::CaseInput& input) { return cells_[key(input)]; }
  // Worst errors: only comparisons whose non-finite pattern matched carry a meaningful number.
  void add(const conformance::CaseInput& input, bool gradient,
           const conformance::Agreement& agreement);
  const Cell* find(const std::string& variant, const std::string& metric) const;
  // Another matrix's cell over other cases (a shard's): counts add, worst errors are the larger,
  // edge classes unite.
  void add(const std::string& variant, const std::string& metric, const Cell& other);

 private:
  std::map<std::pair<std::string, std::string>, Cell> cells_;
};

// A porting mistake of the mutation catalogue that reproduces what a failing port returned.
struct Suspect {
  std::string mutant;    // the mutation's name ("mutant:<name>" is its backend)
  std::string mistake;   // what the broken port does
  int reproduced = 0;    // failing golden quantities where the port returned the mutant's result
  int failing = 0;       // failing golden quantities the mutant could evaluate
  int contradicted = 0;  // passing golden quantities where the mutant is wrong and the port right
  int passing = 0;       // passing golden quantities the mutant could evaluate
};

// One line of the checklist (checklist.hpp): the float32 comparison of its fixture.
struct ChecklistResult {
  std::string fixture;
  double tf_loss = 0;
  double loss = 0;                        // the backend's
  double gradient_error = 0;              // worst absolute gradient error against TF
  bool gradient_pattern_differs = false;  // NaN/Inf at other places than TF's
  std::string verdict;                    // "pass", "pass (excused: ...)" or "FAIL (<class>)"
  bool failed = false;
};

struct BackendOutcome {
  std::string backend;
  std::string description;
  Capabilities capabilities;  // what it declared: the variants it implements, its traits
  std::vector<CheckResult> checks;
  std::vector<Failure> failures;
  VariantMatrix matrix;
  conformance::GoldenSummary golden;
  bool golden_complete = false;  // every fixture was checked (stale entries are judged then)
  struct KnownUse {
    int comparisons = 0;
    std::string reason;
  };
  // known_divergences.cpp entries ("subject/dtype/category/variant/quantity") that excused a
  // failing comparison, and how often.
  std::map<std::string, KnownUse> known_divergences_used;
  std::string stopped;  // why the run stopped before the end; empty when it did not
  int cases = 0;        // all cases run, every check together
  int cases_to_first_failure = 0;
  double seconds = 0;
  // TF float32 artifacts are reported, and fail the run only when asked (--artifacts fail): a
  // correct port that computes in float64 or keeps subnormals is what most porters need.
  bool artifacts_fail = false;
  // The mutants that best reproduce the failing golden comparisons, best first; empty when
  // nothing failed or nothing reproduces it.
  std::vector<Suspect> suspects;
  // A shard's counts for every mutant, passing or not (diagnosis.hpp: tally_mutants), which
  // `merge-reports` adds up and ranks; empty in a whole run.
  std::vector<Suspect> mutant_tallies;
  std::vector<ChecklistResult> checklist;  // the checklist fixtures that were compared
  bool counts(const Failure& f) const {
    return artifacts_fail || f.error || f.failure_class != conformance::FailureClass::kArtifact;
  }
  // Failures that count against the verdict.
  int failing() const;
  // The most severe failure, or nullptr when there is none.
  const Failure* worst() const;
  // Nothing failed and something was compared: "0 checks ran" is never a pass.
  bool passed() const { return failing() == 0 && cases > 0; }
  CheckResult& check(CheckKind kind, const std::string& name, std::size_t unit = 0);
};

struct RunSettings {
  std::uint64_t seed = 0;
  int cases = 0;       // per property, for registered and mutant backends
  int exec_cases = 0;  // per property, for exec: backends
  int max_size = 0;
  int exec_max_size = 0;
  double time_budget = 0;       // seconds per backend for the properties; 0: by cases
  bool artifacts_fail = false;  // --artifacts fail
  std::string checks;           // e.g. "golden,corpus,properties"
  std::string golden_source;    // "TF 2.15.1 + TFA 0.23.0, 274 cases"
  int corpus_cases = 0;
  std::string command;  // the command line that reproduces this run
  std::string shard;    // "2/4" for one job of a sharded run (shard.hpp); empty for a whole run
};

struct RunOutcome {
  RunSettings settings;
  std::vector<BackendOutcome> backends;
  std::vector<conformance::KnownDivergence> stale;  // entries that matched nothing
  // Registered backends that cannot run here, with the reason: a skip, never a pass.
  std::vector<std::pair<std::string, std::string>> unavailable;
  // A shard's known divergences that matched nothing in it (known_divergences.hpp:
  // divergence_key): stale is judged on the merge, from the entries no shard matched.
  std::vector<std::string> unmatched_known_divergences;
  double seconds = 0;
  bool passed() const;
};

}  // namespace tripletcheck::conformance
