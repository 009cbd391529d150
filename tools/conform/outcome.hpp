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

#include "properties/support/comparison.hpp"
#include "properties/support/evaluate.hpp"
#include "properties/support/golden_check.hpp"
#include "properties/support/known_divergences.hpp"

namespace tripletcheck::cli::conform {

enum class CheckKind { kGolden, kCorpus, kProperty };
std::string to_string(CheckKind kind);

struct Failure {
  CheckKind kind = CheckKind::kGolden;
  std::string check;                // golden category, corpus file name, or property name
  std::string summary;              // one line: what disagreed, and by how much
  std::string details;              // the counterexample, RapidCheck's message
  std::vector<std::string> replay;  // commands that reproduce it
  std::string corpus_file;          // where the shrunk case was saved
};

struct CheckResult {
  CheckKind kind = CheckKind::kGolden;
  std::string name;
  int cases = 0;  // comparisons (golden: fixture × precision) or generated cases
  int failures = 0;
  int skipped = 0;   // cases this backend cannot evaluate (precomputed distances, dtype)
  std::string note;  // e.g. ill-conditioned or known-divergence counts, "out of time"
  double seconds = 0;
  std::map<std::string, int> edge_classes;  // edge class -> cases reaching it
  bool passed() const { return failures == 0; }
};

// One cell of the matrix: every comparison of one (loss variant, metric).
struct Cell {
  int cases = 0;
  int failures = 0;
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
  static std::pair<std::string, std::string> key(const testing::CaseInput& input);

  Cell& cell(const testing::CaseInput& input) { return cells_[key(input)]; }
  // Worst errors: only comparisons whose non-finite pattern matched carry a meaningful number.
  void add(const testing::CaseInput& input, bool gradient, const testing::Agreement& agreement);
  const Cell* find(const std::string& variant, const std::string& metric) const;

 private:
  std::map<std::pair<std::string, std::string>, Cell> cells_;
};

struct BackendOutcome {
  std::string backend;
  std::string description;
  Capabilities capabilities;  // what it declared: the variants it implements, its traits
  std::vector<CheckResult> checks;
  std::vector<Failure> failures;
  VariantMatrix matrix;
  testing::GoldenSummary golden;
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
  // Nothing failed and something was compared: "0 checks ran" is never a pass.
  bool passed() const { return failures.empty() && cases > 0; }
  CheckResult& check(CheckKind kind, const std::string& name);
};

struct RunSettings {
  std::uint64_t seed = 0;
  int cases = 0;       // per property, for registered and mutant backends
  int exec_cases = 0;  // per property, for exec: backends
  int max_size = 0;
  int exec_max_size = 0;
  double time_budget = 0;     // seconds per backend for the properties; 0: by cases
  std::string checks;         // e.g. "golden,corpus,properties"
  std::string golden_source;  // "TF 2.15.1 + TFA 0.23.0, 274 cases"
  int corpus_cases = 0;
  std::string command;  // the command line that reproduces this run
};

struct RunOutcome {
  RunSettings settings;
  std::vector<BackendOutcome> backends;
  std::vector<testing::KnownDivergence> stale;  // entries that matched nothing
  // Registered backends that cannot run here, with the reason: a skip, never a pass.
  std::vector<std::pair<std::string, std::string>> unavailable;
  double seconds = 0;
  bool passed() const;
};

}  // namespace tripletcheck::cli::conform
