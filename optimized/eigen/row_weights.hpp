// What the miners share besides the reductions: one anchor's place in the class-sorted batch,
// its row of dLoss/dD, and the routing of a masked reduction's gradient with TF's tie rules.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

#include "optimized/eigen/types.hpp"
#include "optimized/eigen/value_scans.hpp"

namespace tripletcheck::eigen {

// tf.maximum(x, y): NaN in x propagates, as in TF's CPU kernel.
template <class T>
T tf_maximum(T x, T y) {
  return x >= y || x != x ? x : y;
}

// An anchor in the class-sorted batch: its positives are [class_begin, class_end) without the
// anchor, its negatives [0, class_begin) and [class_end, batch).
struct Anchor {
  Index index;
  Index class_begin;
  Index class_end;
  Index batch;
};

// Which entries a masked reduction sees: the anchor's positives or its negatives.
enum class Members { kPositives, kNegatives };

// One anchor's row of W = dLoss/dD: accumulated densely (so repeated selections of one negative
// add up in place), read back sparsely in first-touch order, which depends on the input alone.
template <class T>
class RowWeights {
 public:
  explicit RowWeights(Index b)
      : weight_(static_cast<std::size_t>(b), T(0)), touched_mark_(static_cast<std::size_t>(b), 0) {}

  void add(Index col, T w) {
    const auto k = static_cast<std::size_t>(col);
    if (touched_mark_[k] == 0) {
      touched_mark_[k] = 1;
      touched_.push_back(col);
    }
    weight_[k] += w;
  }

  // Calls emit(col, weight) for each touched column and clears the row for the next anchor.
  template <class Emit>
  void drain(Emit&& emit) {
    for (const Index col : touched_) {
      const auto k = static_cast<std::size_t>(col);
      emit(col, weight_[k]);
      weight_[k] = T(0);
      touched_mark_[k] = 0;
    }
    touched_.clear();
  }

 private:
  std::vector<T> weight_;
  std::vector<unsigned char> touched_mark_;
  std::vector<Index> touched_;
};

// Calls visit(k) for each entry of `members` equal to e.value, in index order.
template <class T, class Visit>
void for_each_tied(const T* row, const Anchor& a, const Extreme<T>& e, Members members,
                   Visit&& visit) {
  if (e.count == 1) {
    visit(e.first);
    return;
  }
  for (Index k = e.first; k < a.batch; ++k) {
    if (row[k] != e.value) continue;
    const bool positive = k >= a.class_begin && k < a.class_end && k != a.index;
    const bool negative = k < a.class_begin || k >= a.class_end;
    if (members == Members::kPositives ? positive : negative) visit(k);
  }
}

// The gradient g of TFA's masked_maximum (shift = the row minimum) or masked_minimum (shift = the
// row maximum), `e` being the extreme over `members` (count 0: none, the fallback), routed as
// TF's registered gradients do (docs/SEMANTICS.md §5.1, §5.3 items 3-5):
//  * the reduction over the shifted, masked products splits g evenly among the tied products;
//    those of members reach the data, the rest goes to the shift through "− shift";
//  * "+ shift" gives the shift g, so the shift receives g − (what the members took), split
//    evenly among the row's entries equal to the shift.
// Usually the members take all of g. When the members' extreme equals the shift, every product
// is 0 and ties with all B entries, so each member takes only g/B and the rest leaks to the row's
// extreme entries (a positive or the diagonal tied with it, say); in the fallback all of g goes
// there. The shift's ties are only located then. A non-finite g (the soft loss past exp's range)
// makes the whole row NaN.
template <class T>
void route_masked_extreme(RowWeights<T>& w, const T* row, const Anchor& a, const Extreme<T>& e,
                          Members members, T shift, T g) {
  if (!std::isfinite(g)) {
    // TF's reduction gradient is indicator/count·g for every entry: 0·NaN = NaN row-wide.
    for (Index k = 0; k < a.batch; ++k) w.add(k, std::numeric_limits<T>::quiet_NaN());
    return;
  }
  T grad_shift = g;
  if (e.count > 0) {
    const Index tied_products = e.value == shift ? a.batch : e.count;
    const T share = (T(1) / static_cast<T>(tied_products)) * g;
    T taken = 0;
    for_each_tied(row, a, e, members, [&](Index k) {
      w.add(k, share);
      taken += share;
    });
    grad_shift = g - taken;
  }
  if (grad_shift == T(0)) return;
  Extreme<T> tied{shift};
  locate(row, 0, a.batch, &shift, 1, &tied);
  const T share = (T(1) / static_cast<T>(tied.count)) * grad_shift;
  for (Index k = tied.first; k < a.batch; ++k) {
    if (row[k] == shift) w.add(k, share);
  }
}

// The values of an anchor's extremes (no counts: value_scans.hpp locates ties when needed), from
// one pass over the negatives and one over the (short) class range.
template <class T>
struct RowExtremes {
  bool has_negatives = false;
  T smallest_negative = T(0);  // valid when has_negatives
  T largest_negative = T(0);
  T minimum = T(0);  // of the whole row: masked_maximum's shift and fallback
  T maximum = T(0);  // of the whole row: masked_minimum's shift and fallback
};

template <class T>
RowExtremes<T> row_extremes(const T* row, const Anchor& a) {
  RowExtremes<T> r;
  constexpr T kInf = std::numeric_limits<T>::infinity();
  r.has_negatives = a.class_begin > 0 || a.class_end < a.batch;
  T low = kInf;
  T high = -kInf;
  value_min_max(row, 0, a.class_begin, low, high);
  value_min_max(row, a.class_end, a.batch, low, high);
  r.smallest_negative = low;
  r.largest_negative = high;
  value_min_max(row, a.class_begin, a.class_end, low, high);  // the class, the anchor included
  r.minimum = low;
  r.maximum = high;
  return r;
}

// The anchor's negatives equal to `value`: their count and the first.
template <class T>
Extreme<T> located_negatives(const T* row, const Anchor& a, T value) {
  Extreme<T> e{value};
  locate(row, 0, a.class_begin, &value, 1, &e);
  locate(row, a.class_end, a.batch, &value, 1, &e);
  return e;
}

// The same for its positives.
template <class T>
Extreme<T> located_positives(const T* row, const Anchor& a, T value) {
  Extreme<T> e{value};
  locate(row, a.class_begin, a.index, &value, 1, &e);
  locate(row, a.index + 1, a.class_end, &value, 1, &e);
  return e;
}

}  // namespace tripletcheck::eigen
