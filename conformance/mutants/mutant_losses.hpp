// TFA's two losses on a distance matrix in the loop style of docs/SEMANTICS.md §10, with one
// mistake switched in by a Mutation. Everything not mutated follows TF's rules exactly (the
// reference's masked reductions, tie splitting and hinge), so that the control passes and each
// mutant is caught for its own mistake and nothing else.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "conformance/mutants/mutation.hpp"
#include "reference/loss_on_distances.hpp"
#include "reference/masked_reductions.hpp"
#include "reference/matrix.hpp"
#include "reference/tf_scalar_ops.hpp"
#include "tripletcheck/half.hpp"

namespace tripletcheck::conformance::mutants {

using reference::Direction;
using reference::LossOnDistances;
using reference::Matrix;

namespace detail {

template <class T>
struct Masks {
  Matrix<T> negative;
  Matrix<T> positive;
  std::vector<bool> has_negative;  // per anchor
};

template <class T>
Masks<T> label_masks(const std::int64_t* labels, std::int64_t b, Mutation m) {
  Masks<T> masks{Matrix<T>(b, b), Matrix<T>(b, b), std::vector<bool>(b, false)};
  // TFA compares the int64 labels exactly; the label mutants compare them after a cast.
  const auto same_label = [&](std::int64_t i, std::int64_t j) {
    switch (m) {
      case Mutation::kLabelsAsFloat16:
        return round_to_half(static_cast<float>(labels[i]), HalfType::kFloat16) ==
               round_to_half(static_cast<float>(labels[j]), HalfType::kFloat16);
      case Mutation::kLabelsAsFloat32:
        return static_cast<float>(labels[i]) == static_cast<float>(labels[j]);
      case Mutation::kLabelsAsFloat64:
        return static_cast<double>(labels[i]) == static_cast<double>(labels[j]);
      default:
        return labels[i] == labels[j];
    }
  };
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t j = 0; j < b; ++j) {
      const bool same = same_label(i, j);
      masks.negative(i, j) = same ? T(0) : T(1);
      masks.positive(i, j) = same && (i != j || m == Mutation::kDiagonalPositive) ? T(1) : T(0);
      if (!same) masks.has_negative[i] = true;
    }
  }
  return masks;
}

template <class T>
bool all_finite(const T* row, std::int64_t n) {
  for (std::int64_t k = 0; k < n; ++k) {
    if (!std::isfinite(row[k])) return false;
  }
  return true;
}

// The hinge's gradient: TF's maximum passes at exactly 0; the strict-hinge mutant does not.
template <class T>
bool hinge_passes(T argument, Mutation m) {
  return m == Mutation::kStrictHinge ? argument > T(0)
                                     : reference::maximum_passes_to_first(argument, T(0));
}

// Backward of a masked max/min. TF splits the gradient among ties (the reference's rule); the
// argmax-ties mutant gives it all to the first element that wins the shifted comparison, as
// torch's max(dim) does.
template <class T>
void reduction_backward(Direction dir, const T* row, const T* mask, std::int64_t n, T g, T* grad,
                        Mutation m) {
  if (m != Mutation::kArgmaxTies) {
    reference::masked_extreme_backward(dir, row, mask, n, g, grad);
    return;
  }
  const T value = reference::masked_extreme(dir, row, mask, n);
  std::int64_t winner = -1;
  for (std::int64_t k = 0; k < n && winner < 0; ++k) {
    if (mask[k] != T(0) && row[k] == value) winner = k;
  }
  for (std::int64_t k = 0; k < n && winner < 0; ++k) {
    if (row[k] == value) winner = k;  // fallback: the row extreme
  }
  if (winner < 0) {  // the shift arithmetic rounded away from every element: the closest one
    winner = 0;
    for (std::int64_t k = 1; k < n; ++k) {
      if (std::fabs(row[k] - value) < std::fabs(row[winner] - value)) winner = k;
    }
  }
  grad[winner] += g;
}

// mask[k]: k is a negative of i beyond D[i,j] by the (possibly mutated) semi-hard rule.
// Returns whether the "outside" choice is used for (i, j).
template <class T>
bool semihard_outside(const Matrix<T>& d, const Masks<T>& masks, std::int64_t i, std::int64_t j,
                      T margin, Mutation m, std::vector<T>& mask) {
  bool any = false;
  for (std::int64_t k = 0; k < d.cols; ++k) {
    bool beyond = d(i, k) > d(i, j);
    if (m == Mutation::kSemihardGreaterEqual) beyond = d(i, k) >= d(i, j);
    if (m == Mutation::kMarginInSelection) beyond = d(i, k) > d(i, j) + margin;
    mask[k] = masks.negative(i, k) != T(0) && beyond ? T(1) : T(0);
    any = any || mask[k] != T(0);
  }
  // Without the tf.where, masked_minimum's own fallback (the row maximum) is what is left.
  return any || m == Mutation::kNoLargestNegativeFallback;
}

// The triplets with a nonzero hinge: what a mean over "mined" triplets divides by.
template <class T>
T count_active(const Matrix<T>& hinge_argument) {
  T n = 0;
  for (const T a : hinge_argument.values) n += a > T(0) ? T(1) : T(0);
  return n;
}

}  // namespace detail

template <class T>
LossOnDistances<T> one_triplet_per_anchor_loss(const Matrix<T>& d, const std::int64_t* labels,
                                               T margin, bool gradient);
template <class T>
LossOnDistances<T> batch_all_loss(const Matrix<T>& d, const std::int64_t* labels, T margin,
                                  bool gradient);

template <class T>
LossOnDistances<T> semihard_loss(const Matrix<T>& d, const std::int64_t* labels, T margin,
                                 bool gradient, Mutation m) {
  if (m == Mutation::kOneTripletPerAnchor)
    return one_triplet_per_anchor_loss(d, labels, margin, gradient);
  if (m == Mutation::kBatchAllNonZero) return batch_all_loss(d, labels, margin, gradient);
  const std::int64_t b = d.rows;
  const auto masks = detail::label_masks<T>(labels, b, m);
  std::vector<T> mask(static_cast<std::size_t>(b));
  Matrix<T> weight(b, b);          // the positive mask, or 0 for a skipped anchor
  Matrix<T> hinge_argument(b, b);  // L[i,j]·weight
  T total = 0;
  T num_positive_pairs = 0;
  for (std::int64_t i = 0; i < b; ++i) {
    const T largest_negative =
        reference::masked_extreme(Direction::kMaximum, d.row(i), masks.negative.row(i), b);
    const bool finite_row = detail::all_finite(d.row(i), b);
    for (std::int64_t j = 0; j < b; ++j) {
      num_positive_pairs += masks.positive(i, j);
      weight(i, j) = masks.positive(i, j);
      if (m == Mutation::kSkipNoNegativeAnchor && !masks.has_negative[i]) weight(i, j) = 0;
      // Not a positive pair: ±0 in TF's sum, except through a non-finite row (0·Inf = NaN).
      if (masks.positive(i, j) == T(0) && finite_row) continue;
      const T negative =
          detail::semihard_outside(d, masks, i, j, margin, m, mask)
              ? reference::masked_extreme(Direction::kMinimum, d.row(i), mask.data(), b)
              : largest_negative;
      hinge_argument(i, j) = (margin + (d(i, j) - negative)) * weight(i, j);
      total += reference::tf_maximum(hinge_argument(i, j), T(0));
    }
  }
  T divisor = num_positive_pairs;
  if (m == Mutation::kUnorderedPairDivisor) divisor = num_positive_pairs / T(2);
  if (m == Mutation::kMeanOverAnchors) divisor = static_cast<T>(b);
  if (m == Mutation::kMeanOverMinedTriplets) divisor = detail::count_active(hinge_argument);

  LossOnDistances<T> out;
  const bool guarded = (m == Mutation::kZeroWithoutPositivePairs && num_positive_pairs == T(0)) ||
                       (m == Mutation::kMeanOverMinedTriplets && divisor == T(0));
  out.loss = guarded ? T(0) : total / divisor;
  if (!gradient) return out;
  out.grad_d = Matrix<T>(b, b);
  if (guarded) return out;

  const T grad_total = T(1) / divisor;
  for (std::int64_t i = 0; i < b; ++i) {
    T grad_largest_negative = 0;
    T* grad_row = out.grad_d.row(i);
    const bool finite_row = detail::all_finite(d.row(i), b);
    for (std::int64_t j = 0; j < b; ++j) {
      const T grad_pair =
          (detail::hinge_passes(hinge_argument(i, j), m) ? grad_total : T(0)) * weight(i, j);
      if (grad_pair == T(0) && finite_row) continue;
      grad_row[j] += grad_pair;
      const bool outside = detail::semihard_outside(d, masks, i, j, margin, m, mask);
      detail::reduction_backward(Direction::kMinimum, d.row(i), mask.data(), b,
                                 outside ? -grad_pair : T(0), grad_row, m);
      grad_largest_negative += outside ? T(0) : -grad_pair;
    }
    detail::reduction_backward(Direction::kMaximum, d.row(i), masks.negative.row(i), b,
                               grad_largest_negative, grad_row, m);
  }
  return out;
}

template <class T>
LossOnDistances<T> hard_loss(const Matrix<T>& d, const std::int64_t* labels, T margin, bool soft,
                             bool gradient, Mutation m) {
  const std::int64_t b = d.rows;
  const auto masks = detail::label_masks<T>(labels, b, m);
  const T soft_shift = m == Mutation::kSoftWithMargin ? margin : T(0);
  std::vector<T> difference(static_cast<std::size_t>(b));  // hardest positive − hardest negative
  std::vector<bool> skipped(static_cast<std::size_t>(b), false);
  T total = 0;
  for (std::int64_t i = 0; i < b; ++i) {
    const T hardest_negative =
        reference::masked_extreme(Direction::kMinimum, d.row(i), masks.negative.row(i), b);
    const T hardest_positive =
        reference::masked_extreme(Direction::kMaximum, d.row(i), masks.positive.row(i), b);
    difference[i] = hardest_positive - hardest_negative;
    skipped[i] = m == Mutation::kHardNoNegativeInfinity && !masks.has_negative[i];
    if (skipped[i]) continue;  // max(z − inf + margin, 0) = 0
    total += soft ? std::log1p(std::exp(difference[i] + soft_shift))
                  : reference::tf_maximum(difference[i] + margin, T(0));
  }
  T divisor = static_cast<T>(b);
  if (m == Mutation::kMeanOverMinedTriplets) {
    divisor = 0;
    for (std::int64_t i = 0; i < b; ++i) {
      const T term = soft ? T(1) : difference[i] + margin;  // a soft term is never 0
      divisor += !skipped[i] && term > T(0) ? T(1) : T(0);
    }
  }
  LossOnDistances<T> out;
  const bool none_active = divisor == T(0);
  out.loss = none_active ? T(0) : total / divisor;
  if (!gradient) return out;

  out.grad_d = Matrix<T>(b, b);
  if (none_active) return out;
  const T grad_term = T(1) / divisor;
  for (std::int64_t i = 0; i < b; ++i) {
    if (skipped[i]) continue;
    T grad_difference;
    if (soft) {
      const T e = std::exp(difference[i] + soft_shift);
      grad_difference = (grad_term * (T(1) / (T(1) + e))) * e;
    } else {
      grad_difference = detail::hinge_passes(difference[i] + margin, m) ? grad_term : T(0);
    }
    detail::reduction_backward(Direction::kMaximum, d.row(i), masks.positive.row(i), b,
                               grad_difference, out.grad_d.row(i), m);
    detail::reduction_backward(Direction::kMinimum, d.row(i), masks.negative.row(i), b,
                               -grad_difference, out.grad_d.row(i), m);
  }
  return out;
}

// TF-Similarity's mining: per anchor its farthest positive, and for it TFA's semi-hard rule
// (the nearest negative farther than it, else the largest negative); one hinge per anchor with a
// positive, averaged over the batch. The reductions keep TF's tie splitting.
template <class T>
LossOnDistances<T> one_triplet_per_anchor_loss(const Matrix<T>& d, const std::int64_t* labels,
                                               T margin, bool gradient) {
  const std::int64_t b = d.rows;
  const auto masks = detail::label_masks<T>(labels, b, Mutation::kNone);
  std::vector<T> farther(static_cast<std::size_t>(b));
  std::vector<T> argument(static_cast<std::size_t>(b));
  std::vector<bool> outside(static_cast<std::size_t>(b), false), has_positive(outside);
  T total = 0;
  const auto choose = [&](std::int64_t i) {  // the negatives farther than the positive
    const T positive =
        reference::masked_extreme(Direction::kMaximum, d.row(i), masks.positive.row(i), b);
    bool any = false;
    for (std::int64_t k = 0; k < b; ++k) {
      farther[k] = masks.negative(i, k) != T(0) && d(i, k) > positive ? T(1) : T(0);
      any = any || farther[k] != T(0);
    }
    return std::make_pair(positive, any);
  };
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t j = 0; j < b; ++j)
      has_positive[i] = has_positive[i] || masks.positive(i, j) != T(0);
    if (!has_positive[i]) continue;
    const auto [positive, any] = choose(i);
    outside[i] = any;
    const T negative =
        any ? reference::masked_extreme(Direction::kMinimum, d.row(i), farther.data(), b)
            : reference::masked_extreme(Direction::kMaximum, d.row(i), masks.negative.row(i), b);
    argument[i] = margin + (positive - negative);
    total += reference::tf_maximum(argument[i], T(0));
  }
  LossOnDistances<T> out;
  out.loss = total / static_cast<T>(b);
  if (!gradient) return out;
  out.grad_d = Matrix<T>(b, b);
  const T grad_term = T(1) / static_cast<T>(b);
  for (std::int64_t i = 0; i < b; ++i) {
    if (!has_positive[i]) continue;
    const T g = detail::hinge_passes(argument[i], Mutation::kNone) ? grad_term : T(0);
    choose(i);
    detail::reduction_backward(Direction::kMaximum, d.row(i), masks.positive.row(i), b, g,
                               out.grad_d.row(i), Mutation::kNone);
    if (outside[i]) {
      detail::reduction_backward(Direction::kMinimum, d.row(i), farther.data(), b, -g,
                                 out.grad_d.row(i), Mutation::kNone);
    } else {
      detail::reduction_backward(Direction::kMaximum, d.row(i), masks.negative.row(i), b, -g,
                                 out.grad_d.row(i), Mutation::kNone);
    }
  }
  return out;
}

// The batch-all loss: every (anchor i, positive j, negative k) hinge D[i,j] − D[i,k] + margin,
// summed and divided by (the number above 1e-16) + 1e-16, as the widely copied
// batch_all_triplet_loss does.
template <class T>
LossOnDistances<T> batch_all_loss(const Matrix<T>& d, const std::int64_t* labels, T margin,
                                  bool gradient) {
  const std::int64_t b = d.rows;
  const auto masks = detail::label_masks<T>(labels, b, Mutation::kNone);
  T total = 0, active = 0;
  const auto each_triplet = [&](auto&& visit) {
    for (std::int64_t i = 0; i < b; ++i) {
      for (std::int64_t j = 0; j < b; ++j) {
        if (masks.positive(i, j) == T(0)) continue;
        for (std::int64_t k = 0; k < b; ++k) {
          if (masks.negative(i, k) != T(0)) visit(i, j, k, d(i, j) - d(i, k) + margin);
        }
      }
    }
  };
  each_triplet([&](std::int64_t, std::int64_t, std::int64_t, T argument) {
    const T hinge = reference::tf_maximum(argument, T(0));
    total += hinge;
    active += hinge > T(1e-16) ? T(1) : T(0);
  });
  const T divisor = active + T(1e-16);
  LossOnDistances<T> out;
  out.loss = total / divisor;
  if (!gradient) return out;
  out.grad_d = Matrix<T>(b, b);
  const T g = T(1) / divisor;
  each_triplet([&](std::int64_t i, std::int64_t j, std::int64_t k, T argument) {
    if (!detail::hinge_passes(argument, Mutation::kNone)) return;
    out.grad_d(i, j) += g;
    out.grad_d(i, k) -= g;
  });
  return out;
}

}  // namespace tripletcheck::conformance::mutants
