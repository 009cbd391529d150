// The per-anchor extremes that tile mining keeps (tile_mining.hpp): what each one holds, where
// the states are stored, and how two partial states of an anchor merge: in any order, to the same
// value and count, so that neither the threads nor the order of the chunks changes a bit.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "optimized/eigen/types.hpp"

namespace tripletcheck::eigen::tiles {

template <class T>
constexpr T kInf = std::numeric_limits<T>::infinity();
template <class T>
constexpr T kNaN = std::numeric_limits<T>::quiet_NaN();

// Thresholds (positives) handled by one pass over the entries: their extremes stay in registers.
constexpr Index kGroup = 4;

template <class T>
void merge_max(T& high, T& count, T value, T value_count) {
  if (high < value) {
    high = value;
    count = value_count;
  } else if (high == value) {
    count += value_count;
  }
}

// One extreme as the anchors' states hold it.
template <class T>
struct ExtremeState {
  T value;
  T count;
  T first;
  T last;
};

// Merges two states of the same extreme. Value and count do not depend on the order of merging;
// the two columns of a tie of two are its columns, in one order or the other.
template <class T>
void merge(ExtremeState<T>& a, const ExtremeState<T>& b, bool minimum) {
  if (minimum ? b.value < a.value : a.value < b.value) {
    a = b;
  } else if (b.value == a.value && b.count > T(0)) {
    if (a.count == T(0)) {
      a = b;
    } else {
      a.count += b.count;
      a.last = b.first;
    }
  }
}

// What the chunk passes need of the batch, as T lanes.
template <class T>
struct Layout {
  Index b = 0;
  bool semihard = false;
  Index positives = 0;       // semi-hard: the most positives an anchor has
  Index groups = 0;          // semi-hard: threshold groups of kGroup
  Index stride = 0;          // B rounded up, plus a chunk: packets may run past B
  std::vector<T> begin;      // class_begin of each anchor, as T
  std::vector<T> end;        // class_end
  std::vector<T> threshold;  // semi-hard: [p·stride + a] = D[a][p-th positive], NaN past P

  Index slots() const { return semihard ? 1 + groups * kGroup : 2; }
  bool minimum(Index slot) const { return semihard ? slot > 0 : slot == 0; }
  // A slot's extreme before any entry: +Inf for minima, -Inf for maxima, nothing counted.
  ExtremeState<T> fresh(Index slot) const {
    return {minimum(slot) ? kInf<T> : -kInf<T>, T(0), T(-1), T(-1)};
  }
};

// Which extremes a loss keeps, besides the row's minimum and maximum (values only: the fallbacks
// and shift terms of TFA's masked max/min):
//  * hard: the closest negative (slot 0, minimum) and the farthest positive (slot 1, maximum);
//  * semi-hard: the largest negative (slot 0, maximum), and per positive p the smallest negative
//    strictly above D[i][p] (slots 1 + p, minima).
// Slot s of anchor a is at [s·stride + a] of each field.
template <class T>
struct AnchorStates {
  // Every slot of every anchor fresh.
  explicit AnchorStates(const Layout<T>& l)
      : stride(l.stride),
        row_min(static_cast<std::size_t>(stride), kInf<T>),
        row_max(static_cast<std::size_t>(stride), -kInf<T>),
        row_max_count(static_cast<std::size_t>(stride), T(0)),
        value(static_cast<std::size_t>(l.slots() * stride)),
        count(static_cast<std::size_t>(l.slots() * stride), T(0)),
        first(static_cast<std::size_t>(l.slots() * stride), T(-1)),
        last(static_cast<std::size_t>(l.slots() * stride), T(-1)) {
    for (Index slot = 0; slot < l.slots(); ++slot) {
      std::fill(value.begin() + slot * stride, value.begin() + (slot + 1) * stride,
                l.fresh(slot).value);
    }
  }

  Index stride;
  std::vector<T> row_min;
  std::vector<T> row_max;
  std::vector<T> row_max_count;  // entries equal to it: whom a leak to the shift term reaches
  std::vector<T> value;
  std::vector<T> count;
  std::vector<T> first;
  std::vector<T> last;
};

// One anchor's extremes, merged over the workers.
template <class T>
struct Merged {
  T row_min = kInf<T>;
  T row_max = -kInf<T>;
  T row_max_count = 0;
  std::vector<ExtremeState<T>> slot;
};

template <class T>
void merge_anchor(const std::vector<AnchorStates<T>>& workers, const Layout<T>& l, Index a,
                  Merged<T>& m) {
  const Index slots = l.slots();
  m.row_min = kInf<T>;
  m.row_max = -kInf<T>;
  m.row_max_count = 0;
  m.slot.resize(static_cast<std::size_t>(slots));
  for (Index s = 0; s < slots; ++s) m.slot[static_cast<std::size_t>(s)] = l.fresh(s);
  const auto at = static_cast<std::size_t>(a);
  for (const AnchorStates<T>& w : workers) {
    m.row_min = std::min(m.row_min, w.row_min[at]);
    merge_max(m.row_max, m.row_max_count, w.row_max[at], w.row_max_count[at]);
    for (Index s = 0; s < slots; ++s) {
      const auto k = static_cast<std::size_t>(s * w.stride + a);
      merge(m.slot[static_cast<std::size_t>(s)], {w.value[k], w.count[k], w.first[k], w.last[k]},
            l.minimum(s));
    }
  }
}

}  // namespace tripletcheck::eigen::tiles
