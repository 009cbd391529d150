// What a correct implementation may return where a decision of the loss is a tie or a near tie:
// the results of the decisions it can take there, found by evaluating the float64 reference at
// nearby inputs. An excuse for a failed golden comparison is never "anything goes": the loss must
// lie within the range of those results, the gradient within their convex hull (a subgradient at
// an exact tie is a convex combination of the one-sided gradients, docs/SEMANTICS.md §5.3).
#pragma once

#include <vector>

#include "conformance/comparison.hpp"
#include "conformance/evaluate.hpp"

namespace tripletcheck::conformance {

struct AdmissibleResults {
  std::vector<double> losses;
  std::vector<std::vector<double>> gradients;
};

// The float64 reference at `samples` inputs moved by about `step` (in the metric's distance
// units, see admissible.cpp) in random directions, plus `anchor` (TF's own result). Rows that are
// exactly zero stay zero: their gradient is defined by TF's placement of its small constants,
// not by a limit (a port with an eps on the norm there is wrong, not another subgradient).
AdmissibleResults admissible_results(const CaseInput& input, double step, int samples,
                                     const Evaluation& anchor);

// The step that breaks exact ties without moving anything else (relative 1e-9 of the scale), and
// the one that reaches the decisions float32 rounding can flip (the distance noise bound).
double tie_breaking_step(const CaseInput& input);
double near_tie_step(const CaseInput& input);

// |actual − the nearest point of the convex hull of the gradients| in the max norm (Frank–Wolfe
// in the Euclidean norm finds the point).
double distance_to_hull(const std::vector<double>& actual,
                        const std::vector<std::vector<double>>& gradients);
// How far `actual` is outside the box around `center` whose half-width at each entry is the
// largest deviation of any admissible gradient from `center` there, in the max norm (0 inside).
// Looser than the hull where several ties combine (their corners are sums of one choice per tie,
// which random perturbations rarely draw all at once), still bounded by what the decisions do.
double distance_outside_box(const std::vector<double>& actual, const std::vector<double>& center,
                            const std::vector<std::vector<double>>& gradients);

}  // namespace tripletcheck::conformance
