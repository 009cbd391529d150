// TFA's triplet_semihard_loss on a distance matrix (docs/SEMANTICS.md §3) and dLoss/dD (docs/SEMANTICS.md §5),
// loop for loop. For anchor i and column j, the negative is the smallest negative distance
// strictly greater than D[i,j] ("outside"); if there is none, the largest negative ("inside"),
// which for an anchor without negatives is the row minimum. The sum of hinges over positive
// pairs is divided by the number of ordered positive pairs: NaN when there is none.
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

namespace detail {

// mask[(j,i), k] of TFA's tiled B²×B graph: k is a negative of i strictly farther than D[i,j].
template <class T>
bool semihard_outside_mask(const Matrix<T>& d, const LabelMasks<T>& masks, std::int64_t i,
                           std::int64_t j, std::vector<T>& mask) {
  T count = 0;  // TF sums the float mask and compares the sum with 0
  for (std::int64_t k = 0; k < d.cols; ++k) {
    mask[k] = (masks.negative(i, k) != T(0) && d(i, k) > d(i, j)) ? T(1) : T(0);
    count += mask[k];
  }
  return count > T(0);
}

template <class T>
bool all_finite(const T* row, std::int64_t n) {
  for (std::int64_t k = 0; k < n; ++k) {
    if (!std::isfinite(row[k])) return false;
  }
  return true;
}

}  // namespace detail

template <class T>
LossOnDistances<T> semihard_loss(const Matrix<T>& d, const std::int64_t* labels, T margin,
                                 bool gradient) {
  const std::int64_t b = d.rows;
  const LabelMasks<T> masks = label_masks<T>(labels, b);
  std::vector<T> mask(static_cast<std::size_t>(b));

  Matrix<T> hinge_argument(b, b);  // L[i,j]·Pm[i,j]
  T total = 0;
  T num_positive_pairs = 0;
  for (std::int64_t i = 0; i < b; ++i) {
    const T inside = masked_extreme(Direction::kMaximum, d.row(i), masks.negative.row(i), b);
    const bool finite_row = detail::all_finite(d.row(i), b);
    for (std::int64_t j = 0; j < b; ++j) {
      num_positive_pairs += masks.positive(i, j);
      // Not a positive pair: TF computes L[i,j]·0 = ±0 here, which adds nothing to the sum; only
      // a non-finite row (0·Inf = NaN) needs the literal computation. Skipping keeps the
      // reference O(B²·P) on finite input instead of O(B³).
      if (masks.positive(i, j) == T(0) && finite_row) continue;
      const bool use_outside = detail::semihard_outside_mask(d, masks, i, j, mask);
      const T semihard_negative =
          use_outside ? masked_extreme(Direction::kMinimum, d.row(i), mask.data(), b) : inside;
      const T loss_ij = margin + (d(i, j) - semihard_negative);
      hinge_argument(i, j) = loss_ij * masks.positive(i, j);
      total += tf_maximum(hinge_argument(i, j), T(0));
    }
  }

  LossOnDistances<T> out;
  out.loss = total / num_positive_pairs;
  if (!gradient) return out;

  // Backward. No positive pair: 1/0 = Inf meets the mask's zeros and every entry becomes NaN,
  // exactly as in TF (docs/SEMANTICS.md §5.5); the loops below produce that without a special case.
  out.grad_d = Matrix<T>(b, b);
  const T grad_total = T(1) / num_positive_pairs;
  for (std::int64_t i = 0; i < b; ++i) {
    T grad_inside = 0;  // tile's gradient: summed over the columns that used the fallback
    T* grad_row = out.grad_d.row(i);
    const bool finite_row = detail::all_finite(d.row(i), b);
    for (std::int64_t j = 0; j < b; ++j) {
      const T grad_hinge = maximum_passes_to_first(hinge_argument(i, j), T(0)) ? grad_total : T(0);
      const T grad_loss_ij = grad_hinge * masks.positive(i, j);
      // A zero gradient through a finite row contributes exactly zero everywhere below.
      if (grad_loss_ij == T(0) && finite_row) continue;
      grad_row[j] += grad_loss_ij;
      const T grad_negative = -grad_loss_ij;
      const bool use_outside = detail::semihard_outside_mask(d, masks, i, j, mask);
      // tf.where: the branch not taken receives a zero gradient, still pushed through its
      // masked_minimum so that a NaN row stays NaN as in TF.
      const T grad_outside = use_outside ? grad_negative : T(0);
      masked_extreme_backward(Direction::kMinimum, d.row(i), mask.data(), b, grad_outside,
                              grad_row);
      grad_inside += use_outside ? T(0) : grad_negative;
    }
    masked_extreme_backward(Direction::kMaximum, d.row(i), masks.negative.row(i), b, grad_inside,
                            grad_row);
  }
  return out;
}

}  // namespace tripletcheck::reference
