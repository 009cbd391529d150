// Checking one backend against one golden fixture, and the summary by category: shared by the
// golden test suite and the `tripletcheck golden` / `conform` commands.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "conformance/comparison.hpp"
#include "conformance/golden_fixtures.hpp"
#include "tripletcheck/backend.hpp"

namespace tripletcheck::conformance {

enum class Verdict {
  kPass,
  kIllConditioned,   // failed, but a decision sits within float32 noise of a tie: 1 ulp decides
  kKnownDivergence,  // failed, and known_divergences.cpp says why
  // The gradient differs where a decision is an exact tie, the backend does not claim TF's tie
  // rules (Capabilities::tf_exact_ties), the loss passed, and the gradient is a valid
  // subgradient there (subgradients.hpp): another choice at the tie, nothing else.
  kOtherSubgradient,
  kFail,
};

// What kind of difference a failing comparison is, for the porter who must fix it. Ordered by
// severity: the most severe class of a run is its headline.
enum class FailureClass {
  // TFA's rules are not followed: the selection, a fallback, the divisor, NaN without a positive
  // pair, the mean over anchors, the metric. Anything not recognised as one of the other two.
  kSemantics,
  // Only the gradient differs, at an exact tie of a decision, with the loss right: the port
  // takes another subgradient there than TF's split (for a backend claiming TF's tie rules).
  kTies,
  // TF's own float32 behaviour that a correct port computing otherwise need not reproduce:
  // overflow past ~1e19, flush-to-zero, log1p's range. Recognised only where a numeric trait's
  // bounded divergence (known_divergences.hpp) explains the port's result.
  kArtifact,
};
// An exact tie in a decision of the loss (equal competing distances, or a hinge argument of
// exactly 0): where TF's gradient rules split or pass the gradient in their own way.
bool has_exact_tie(const CaseInput& input);

std::string to_string(FailureClass c);

struct QuantityCheck {
  Agreement agreement;
  Tolerance tolerance;
  Verdict verdict = Verdict::kPass;
  std::string known_reason;  // for kKnownDivergence
};

struct GoldenCheck {
  Precision precision = Precision::kFloat32;
  QuantityCheck loss;
  QuantityCheck gradient;
  Evaluation actual;  // what the backend returned, shown beside TF's in a failure
  // When failed(): the most severe class among the failing quantities, and for an artifact the
  // numeric trait that explains it (what the port can declare, or change to match TF).
  FailureClass failure_class = FailureClass::kSemantics;
  std::string artifact_trait;
  bool failed() const {
    return loss.verdict == Verdict::kFail || gradient.verdict == Verdict::kFail;
  }
  // Per failing quantity: one line naming the case, the precision, the quantity and the error
  // against its bound, then a line with TF's value and the backend's (the loss; the gradient at
  // its worst entry, with its row and column, and how many entries are NaN/Inf on each side).
  std::string describe_failure(const GoldenCase& c, const std::string& backend) const;
};

// The precisions a backend is checked in for a fixture TF computed in `tf_dtype`: float32 and
// (if supported) float64 for float32 fixtures; the half type itself otherwise.
std::vector<Precision> golden_precisions(const Backend& backend, const GoldenCase& c);
// False when the backend cannot evaluate this fixture at all (precomputed distances).
bool supports(const Backend& backend, const GoldenCase& c);

// `c` must have its arrays loaded (load_arrays).
GoldenCheck check_golden_case(const Backend& backend, const GoldenCase& c, Precision precision);

// Worst differences and verdict counts by (category, precision).
class GoldenSummary {
 public:
  struct Row;
  using Key = std::pair<std::string, std::string>;  // (category, precision)

  void add(const GoldenCase& c, const GoldenCheck& check);
  // Another summary's rows, over other fixtures (a shard's): counts add, worst errors are the
  // larger.
  void add(const Key& key, const Row& row);
  // A Markdown table, one row per (category, precision).
  std::string markdown() const;
  int failures() const { return failures_; }
  int comparisons() const { return comparisons_; }
  const std::map<Key, Row>& rows() const { return rows_; }

  struct Row {
    int cases = 0;
    double loss = 0;
    double gradient = 0;
    int ill_conditioned = 0;
    int known_divergences = 0;
    int other_subgradients = 0;
    int failures = 0;   // failing quantities
    int artifacts = 0;  // failing comparisons whose class is a TF float32 artifact
  };

 private:
  std::map<Key, Row> rows_;
  int failures_ = 0;
  int comparisons_ = 0;
};

}  // namespace tripletcheck::conformance
