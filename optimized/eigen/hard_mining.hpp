// triplet_hard_loss for one anchor row (docs/SEMANTICS.md §4): the farthest positive (row minimum when the
// anchor has none), the closest negative (row maximum when it has none), a hinge with margin or
// log1p(exp(·)) without it; and the anchor's row of dLoss/dD (docs/SEMANTICS.md §5.2).
#pragma once

#include <cmath>
#include <limits>

#include "optimized/eigen/row_weights.hpp"

namespace tripletcheck::eigen {

struct HardOptions {
  double margin = 1.0;
  bool soft = false;
};

// Returns the anchor's term t_i. `grad_term` is dLoss/dt_i = 1/B; `weights` is null when no
// gradient is wanted.
template <class T>
T hard_anchor(const T* row, const Anchor& a, const HardOptions& options, T grad_term,
              RowWeights<T>* weights) {
  // The farthest positive (the class range without the anchor), the negatives' minimum, and the
  // row's extremes: TFA's fallbacks (masked_maximum of an all-zero mask is the row minimum,
  // masked_minimum's the row maximum) and its shift terms.
  const bool has_positives = a.class_end - a.class_begin > 1;
  T farthest_positive = -std::numeric_limits<T>::infinity();
  T unused = std::numeric_limits<T>::infinity();
  value_min_max(row, a.class_begin, a.index, unused, farthest_positive);
  value_min_max(row, a.index + 1, a.class_end, unused, farthest_positive);
  const RowExtremes<T> r = row_extremes(row, a);
  const T positive_value = has_positives ? farthest_positive : r.minimum;
  const T negative_value = r.has_negatives ? r.smallest_negative : r.maximum;

  const T margin = static_cast<T>(options.margin);
  const T z = positive_value - negative_value;
  // Soft: literally log1p(exp(z)), margin ignored; +Inf past z ≈ 88.7 in float32 as in TF.
  const T term = options.soft ? std::log1p(std::exp(z)) : tf_maximum(z + margin, T(0));
  if (weights == nullptr) return term;

  T grad_z;
  if (options.soft) {
    // TF's chain: log1p' = 1/(1+e), then exp' = e; Inf·0 = NaN on overflow, as in TF.
    const T e = std::exp(z);
    grad_z = (grad_term * (T(1) / (T(1) + e))) * e;
  } else {
    grad_z = z + margin >= T(0) ? grad_term : T(0);  // the hinge passes at exactly 0
  }
  if (grad_z == T(0)) return term;
  const Extreme<T> hard_positive =  // count 0: no positive
      has_positives ? located_positives(row, a, farthest_positive) : Extreme<T>{};
  route_masked_extreme(*weights, row, a, hard_positive, Members::kPositives, r.minimum, grad_z);
  const Extreme<T> hard_negative =  // count 0: no negative
      r.has_negatives ? located_negatives(row, a, r.smallest_negative) : Extreme<T>{};
  route_masked_extreme(*weights, row, a, hard_negative, Members::kNegatives, r.maximum, -grad_z);
  return term;
}

}  // namespace tripletcheck::eigen
