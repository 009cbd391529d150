// The last step of tile mining (tile_mining.hpp): an anchor's term and row of W from its merged
// extremes (tile_states.hpp), bit for bit what the row code (hard_mining.hpp, semihard_mining.hpp
// with row_weights.hpp's routing) gives, or "no" where only the row can tell.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "optimized/eigen/classes.hpp"
#include "optimized/eigen/row_weights.hpp"
#include "optimized/eigen/tile_states.hpp"
#include "optimized/eigen/types.hpp"
#include "tripletcheck/options.hpp"

namespace tripletcheck::eigen::tiles {

// An anchor's row of W as row_weights.hpp's RowWeights builds it in the common case: columns in
// first-touch order, repeated additions accumulated in order; with each column's distance.
template <class T>
struct Touches {
  struct Entry {
    Index column;
    T weight;
    T distance;
  };
  std::vector<Entry> entries;
  void add(Index column, T w, T distance) {
    for (Entry& e : entries) {
      if (e.column == column) {
        e.weight += w;
        return;
      }
    }
    entries.push_back({column, T(0) + w, distance});
  }
};

// TF's routing of a masked max/min's gradient g (row_weights.hpp's route_masked_extreme) where
// the ties are known here: an extreme of one or two entries, and when it equals the shift term
// (shift_count entries of the row equal it; 0: not counted), no other entry equal to the shift.
// Returns false where the row code must route it: more ties, ties of ±0 (each column's sign
// matters), a share of the shift that reaches other entries.
template <class T>
bool route(Touches<T>& touches, const ExtremeState<T>& e, T shift, T shift_count, T batch, T g) {
  if (!(e.count >= T(1) && e.count <= T(2)) || !std::isfinite(g)) return false;
  if (e.count == T(2) && e.value == T(0)) return false;
  // The extreme equal to the shift: all B shifted products are 0 and tie, each member takes g/B
  // and the rest goes to the row's entries equal to the shift, here the same entries.
  const bool leak = e.value == shift;
  if (leak && shift_count != e.count) return false;
  // The entries in column order, as for_each_tied visits them.
  const Index n = e.count == T(1) ? 1 : 2;
  const T other = n == 1 ? e.first : e.last;
  const Index columns[2] = {static_cast<Index>(std::min(e.first, other)),
                            static_cast<Index>(std::max(e.first, other))};
  const T share = (T(1) / (leak ? batch : e.count)) * g;
  T taken = 0;
  for (Index k = 0; k < n; ++k) {
    touches.add(columns[k], share, e.value);
    taken += share;
  }
  const T grad_shift = g - taken;
  if (grad_shift == T(0)) return true;
  if (!leak) return false;
  const T shift_share = (T(1) / shift_count) * grad_shift;
  for (Index k = 0; k < n; ++k) touches.add(columns[k], shift_share, e.value);
  return true;
}

// What an anchor's mining needs besides its extremes.
template <class T>
struct AnchorContext {
  const LossSpec& spec;
  const Classes& classes;
  const Layout<T>& layout;
  T margin;
  T grad_term;  // dLoss/d(term): 1/B (hard) or 1/num_positive_pairs (each semi-hard hinge)
};

// Anchor a's term (semihard_anchor's or hard_anchor's, the same bits) and, when `touches` is
// given, its row of W. Returns false where the row code must mine it.
template <class T>
bool anchor_from_states(const AnchorContext<T>& c, Index a, const Merged<T>& m, double& term,
                        Touches<T>* touches) {
  const auto at = static_cast<std::size_t>(a);
  const Index begin = c.classes.class_begin[at];
  const Index end = c.classes.class_end[at];
  const bool has_negatives = begin > 0 || end < c.layout.b;
  const bool has_positives = end - begin > 1;
  const auto batch = static_cast<T>(c.layout.b);
  // An infinite distance (an overflowing sum of norms) ties with every other infinite one.
  if (!std::isfinite(m.row_max)) return false;
  if (c.layout.semihard) {
    if (!has_positives) return true;  // no positive pair: term 0
    const ExtremeState<T>& largest = m.slot[0];
    const T inside = has_negatives ? largest.value : m.row_min;
    T grad_inside = 0;
    for (Index j = begin, p = 0; j < end; ++j) {
      if (j == a) continue;
      const T d = c.layout.threshold[static_cast<std::size_t>(p * c.layout.stride + a)];
      const ExtremeState<T>& outside = m.slot[static_cast<std::size_t>(1 + p)];
      ++p;
      const bool use_outside = outside.count > T(0);
      const T loss = c.margin + (d - (use_outside ? outside.value : inside));
      term += static_cast<double>(tf_maximum(loss, T(0)));
      if (touches == nullptr || !(loss >= T(0))) continue;  // the hinge passes at exactly 0
      touches->add(j, c.grad_term, d);
      if (!use_outside) {
        grad_inside += -c.grad_term;  // routed once, summed
      } else if (!route(*touches, outside, m.row_max, m.row_max_count, batch, -c.grad_term)) {
        return false;
      }
    }
    if (touches == nullptr || grad_inside == T(0)) return true;
    return has_negatives && route(*touches, largest, m.row_min, T(0), batch, grad_inside);
  }
  const ExtremeState<T>& negative = m.slot[0];
  const ExtremeState<T>& positive = m.slot[1];
  const T z =
      (has_positives ? positive.value : m.row_min) - (has_negatives ? negative.value : m.row_max);
  const T value = c.spec.soft ? std::log1p(std::exp(z)) : tf_maximum(z + c.margin, T(0));
  term = static_cast<double>(value);
  if (touches == nullptr) return true;
  T grad_z;
  if (c.spec.soft) {
    const T e = std::exp(z);
    grad_z = (c.grad_term * (T(1) / (T(1) + e))) * e;
  } else {
    grad_z = z + c.margin >= T(0) ? c.grad_term : T(0);
  }
  if (grad_z == T(0)) return true;
  return has_positives && has_negatives &&
         route(*touches, positive, m.row_min, T(0), batch, grad_z) &&
         route(*touches, negative, m.row_max, m.row_max_count, batch, -grad_z);
}

}  // namespace tripletcheck::eigen::tiles
