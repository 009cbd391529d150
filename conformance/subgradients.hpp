// The subgradients of the loss at exact ties (docs/SEMANTICS.md §5.3, §5.4): which gradients a
// correct port may return where TF's split of a tie is only one valid choice.
//
// The loss is a sum of terms (one per anchor for the hard loss, one per positive pair for the
// semi-hard loss), each a hinge (or softplus) of masked maxima and minima of one row of D. At an
// exact tie a term's one-sided gradients are finitely many: one per tied candidate of each of its
// reductions (and the zero gradient when its hinge argument is exactly 0). "Tied" is as float32
// sees it: within the float32 noise of the distances, so that TF's own float32 choices, and an
// exact tie that rounding split, are candidates too. The subdifferential
// of the whole loss is then the Minkowski sum, over the tied terms, of the convex hulls of their
// one-sided gradients, plus the gradient of the terms without a tie. TF's own split of each term
// (with the shift leak of §5.3.4) is added to its hull, so TF's gradient is always inside.
//
// Membership is decided term by term (a corner where every tie takes a different candidate is
// found as easily as TF's even split), never by sampling perturbations, and never "anything":
// a gradient ~1e6× TF's at a zero row, or a constant, is far outside the set.
#pragma once

#include <optional>
#include <vector>

#include "conformance/evaluate.hpp"

namespace tripletcheck::conformance {

struct TieSubdifferential {
  std::vector<double> fixed;  // the gradient of the terms without a tie
  // Per tied term, its candidate gradients (one-sided ones and TF's split); a valid subgradient
  // is `fixed` plus one convex combination of each term's candidates.
  std::vector<std::vector<std::vector<double>>> terms;
};

// The set for a case: decisions on the distances TF's float32 graph computes, where two distances
// within the float32 noise bound of each other (scales.hpp) are tied, and the float64
// reference's distance backward. Empty when the case has no finite loss (no positive pair,
// overflow): there the gradient is TF's NaN pattern, not a choice.
std::optional<TieSubdifferential> tie_subdifferential(const CaseInput& input);

// The max-norm distance from `gradient` to the set (non-finite entries are skipped), found by
// pairwise Frank–Wolfe steps term by term. The search stops as soon as it is within `enough`:
// a returned value <= enough is a witness that the gradient is a valid subgradient.
double distance_to_subdifferential(const std::vector<double>& gradient,
                                   const TieSubdifferential& set, double enough);

}  // namespace tripletcheck::conformance
