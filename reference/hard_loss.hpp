// TFA's triplet_hard_loss on a distance matrix (docs/SEMANTICS.md §4) and dLoss/dD (docs/SEMANTICS.md §5.2): per
// anchor the farthest positive (row minimum when there is none) and the closest negative (row
// maximum when there is none), a hinge with margin or log1p(exp(·)) without it, mean over all B.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "reference/labels.hpp"
#include "reference/loss_on_distances.hpp"
#include "reference/masked_reductions.hpp"
#include "reference/matrix.hpp"
#include "reference/tf_scalar_ops.hpp"

namespace tripletcheck::reference {

template <class T>
LossOnDistances<T> hard_loss(const Matrix<T>& d, const std::int64_t* labels, T margin, bool soft,
                             bool gradient) {
  const std::int64_t b = d.rows;
  const LabelMasks<T> masks = label_masks<T>(labels, b);
  std::vector<T> difference(static_cast<std::size_t>(b));  // hard_pos − hard_neg
  T total = 0;
  for (std::int64_t i = 0; i < b; ++i) {
    const T hard_negative = masked_extreme(Direction::kMinimum, d.row(i), masks.negative.row(i), b);
    const T hard_positive = masked_extreme(Direction::kMaximum, d.row(i), masks.positive.row(i), b);
    difference[i] = hard_positive - hard_negative;
    // Soft: computed literally, so it overflows to +Inf past z ≈ 88.7 in float32 (docs/SEMANTICS.md §4.3).
    total += soft ? std::log1p(std::exp(difference[i])) : tf_maximum(difference[i] + margin, T(0));
  }
  LossOnDistances<T> out;
  out.loss = total / static_cast<T>(b);
  if (!gradient) return out;

  out.grad_d = Matrix<T>(b, b);
  const T grad_term = T(1) / static_cast<T>(b);
  for (std::int64_t i = 0; i < b; ++i) {
    T grad_difference;
    if (soft) {
      // log1p's gradient g/(1+x), then exp's g·exp(z): Inf·0 = NaN on overflow, as in TF.
      const T e = std::exp(difference[i]);
      grad_difference = (grad_term * (T(1) / (T(1) + e))) * e;
    } else {
      grad_difference = maximum_passes_to_first(difference[i] + margin, T(0)) ? grad_term : T(0);
    }
    masked_extreme_backward(Direction::kMaximum, d.row(i), masks.positive.row(i), b,
                            grad_difference, out.grad_d.row(i));
    masked_extreme_backward(Direction::kMinimum, d.row(i), masks.negative.row(i), b,
                            -grad_difference, out.grad_d.row(i));
  }
  return out;
}

}  // namespace tripletcheck::reference
