// The magnitudes that error bounds are relative to, computed from a case's inputs.
#pragma once

#include <string>

#include "conformance/evaluate.hpp"
#include "conformance/tolerances.hpp"

namespace tripletcheck::conformance {

// The size of one loss term: |margin| plus the largest distance the metric can produce from these
// inputs (2·max‖x‖ for L2, 4·max‖x‖² for squared-L2, 2 for angular, max|D| for a matrix). Every
// loss is a mean of terms bounded by this, and their rounding errors are relative to it.
double loss_scale(const CaseInput& input);

// An upper bound on how far one float32 evaluation of a distance can be from another's for these
// embeddings (docs/SEMANTICS.md §1.1): ‖x_i‖², ‖x_j‖² and x_i·x_j each within γ_D·max‖x‖², so
// |ΔS_raw| <= (4γ_D + 3u)·max‖x‖², and |Δ√S| <= √|ΔS|. Meaningful for near-duplicates, where
// the distances are of the order of this noise.
double distance_noise_bound(const CaseInput& input);

// The size of one contribution to one gradient entry in TF's graph: the largest weight of a loss
// term (1/B for the hard loss, 1/P for the semi-hard, P ordered positive pairs) times the largest
// derivative of a distance or of its pieces: 4·max‖x‖ for squared-L2 (2(x_i − x_j)); for L2 the
// larger of 1 (the unit vector) and max‖x‖/d_min (the expanded formula's 2x over the sqrt's 2D);
// 2/min‖x‖ over nonzero rows for angular (|∂(1 − f_i·f_j)/∂x_i|); 1 for a matrix. A gradient entry
// sums such contributions; where they cancel (an exactly-zero gradient at duplicates and ties) the
// float32 rounding left is relative to them, not to the result. 0 for a semi-hard batch without
// positive pairs.
double gradient_term_scale(const CaseInput& input);

// How far one float64 evaluation of the loss can be from the exact value, for central
// differences: the loss is a mean of terms each moving by at most the change of two distances
// (hinge or softplus of d_pos − d_neg: slope <= 1), so it is 2-Lipschitz in a uniform bound on the
// distances' error; each distance is within the float64 form of distance_noise_bound (for L2
// through the sqrt: δS/(2·d) at the smallest nonzero distance d, at most √δS); plus the
// reduction's 4·ε·max(|loss|, 1). The expanded formula's rounding is relative to ‖x‖², not to
// the loss: a hard-soft L2 batch at D = 1 with ‖x‖ = 0.73 and d = 0.0039 rounds the loss by
// ~1e-14, 5e-6 of its gradient scale at h = 2e-9 (seed 3926529538 of ci/soak.sh), where
// 4·ε·|loss| alone allowed 1e-6.
double float64_loss_rounding_bound(const CaseInput& input, double loss);

// The rounding of the loss's own reduction, relative to loss_scale: the loss is a mean of n terms
// (n = B anchors for the hard loss, P positive pairs for the semi-hard), each at most loss_scale,
// and a float32 sum of n terms in any order is within γ_{n−1}·Σ|t| of the exact sum (Higham,
// Accuracy and Stability, §4.2), so the mean is within (n−1)·2^-24/(1 − (n−1)·2^-24) of the scale.
// TF sums in a tree (error ~log2 n) and a port may sum sequentially: the bound covers both. It
// is what a correct float32 port can differ by beyond its distances' rounding (a semi-hard batch
// of B = 90 at D = 1 with P = 1100 pairs: 6.6e-5 against a fixed 2^-15 = 3.05e-5).
double loss_summation_bound(const CaseInput& input, Precision precision);
// A loss tolerance from the table with this case's summation bound added to its relative part.
Tolerance with_loss_summation(Tolerance tolerance, const CaseInput& input, Precision precision);

}  // namespace tripletcheck::conformance
