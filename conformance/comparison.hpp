// One way to compare a computed loss or gradient with an expected one (one comparison
// helper). Non-finite entries must match exactly (NaN with NaN, +Inf with +Inf); finite entries
// are compared as |a − b| <= abs + rel·scale, where the scale of a loss is the size of its terms
// (loss_scale in scales.hpp: a small loss made of large cancelling distances carries their
// rounding) and the scale of a gradient is the larger of its largest finite |expected| entry and
// the size of the contributions it is summed from (gradient_term_scale in scales.hpp): where
// they cancel, to an exact 0 at a tie or to a small entry (L2's expanded formula at D = 1 sums
// 2x_i·g and −2x_j·g terms of size ‖x‖/d into an entry of size 1), float32 rounding is relative
// to them, not to the result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/tolerances.hpp"

namespace tripletcheck::conformance {

struct Agreement {
  bool nonfinite_match = true;  // NaN/±Inf at the same places
  std::int64_t first_nonfinite_mismatch = -1;
  double max_abs_error = 0;  // over entries finite on both sides
  double scale = 0;          // |expected| (loss) or max finite |expected| (gradient)
  std::int64_t worst_index = -1;
  double relative_error() const { return scale > 0 ? max_abs_error / scale : max_abs_error; }
  bool within(const Tolerance& tol) const {
    return nonfinite_match && max_abs_error <= tol.abs + tol.rel * scale;
  }
  std::string describe() const;
};

Agreement compare_loss(double actual, double expected, double scale);
// term_scale: the size of one contribution to an entry (0: none known, the entries' own scale).
Agreement compare_gradients(const std::vector<double>& actual, const std::vector<double>& expected,
                            double term_scale = 0);

// The gradient of a semi-hard batch without a positive pair (loss NaN): NaN reaches every entry
// (docs/SEMANTICS.md §5.5), except that for angular the clamp max(1 − f_i·f_i, 0) may round below 0
// on the diagonal and TF's maximum gradient then sends exactly 0 instead: which one is rounding.
bool is_no_positive_pair_gradient(const std::vector<double>& gradient, bool angular);

template <class T>
std::vector<double> widen(const std::vector<T>& v) {
  return std::vector<double>(v.begin(), v.end());
}

}  // namespace tripletcheck::conformance
