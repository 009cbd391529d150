// The magnitudes that error bounds are relative to, computed from a case's inputs.
#pragma once

#include "properties/support/evaluate.hpp"

namespace tripletcheck::testing {

// The size of one loss term: |margin| plus the largest distance the metric can produce from these
// inputs (2·max‖x‖ for L2, 4·max‖x‖² for squared-L2, 2 for angular, max|D| for a matrix). Every
// loss is a mean of terms bounded by this, and their rounding errors are relative to it.
double loss_scale(const CaseInput& input);

// An upper bound on how far one float32 evaluation of a distance can be from another's for these
// embeddings (SPEC.md §1.1): ‖x_i‖², ‖x_j‖² and x_i·x_j each within γ_D·max‖x‖², so
// |ΔS_raw| <= (4γ_D + 3u)·max‖x‖², and |Δ√S| <= √|ΔS|. Meaningful for near-duplicates, where
// the distances are of the order of this noise.
double distance_noise_bound(const CaseInput& input);

}  // namespace tripletcheck::testing
