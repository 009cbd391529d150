// Per-anchor extremes updated from the GEMM chunks of the lower triangle, along their rows and
// down their columns, with Eigen's packets; then each anchor's term and row of W' from them.
#include "optimized/eigen/tile_mining.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "optimized/eigen/row_weights.hpp"
#include "optimized/eigen/semihard_mining.hpp"
#include "optimized/eigen/tile_lanes.hpp"

// Lanes<Packet> and arrays of packets: the vector types' alignment attributes do not take part in
// a template's identity, which is harmless here (Eigen's own PacketBlock warns alike).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"

namespace tripletcheck::eigen {
namespace {

namespace ei = Eigen::internal;

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
struct Extreme1 {
  T value;
  T count;
  T first;
  T last;
};

// Merges two states of the same extreme. Value and count do not depend on the order of merging;
// the two columns of a tie of two are its columns, in one order or the other.
template <class T>
void merge(Extreme1<T>& a, const Extreme1<T>& b, bool minimum) {
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

// Which extremes a loss keeps, besides the row's minimum and maximum (values only: the fallbacks
// and shift terms of TFA's masked max/min):
//  * hard: the closest negative (slot 0, minimum) and the farthest positive (slot 1, maximum);
//  * semi-hard: the largest negative (slot 0, maximum), and per positive p the smallest negative
//    strictly above D[i][p] (slots 1 + p, minima).
// Slot s of anchor a is at [s·stride + a] of each field.
template <class T>
struct AnchorStates {
  AnchorStates(Index slots, Index anchors)
      : stride(anchors),
        row_min(static_cast<std::size_t>(anchors), kInf<T>),
        row_max(static_cast<std::size_t>(anchors), -kInf<T>),
        row_max_count(static_cast<std::size_t>(anchors), T(0)),
        value(static_cast<std::size_t>(slots * anchors)),
        count(static_cast<std::size_t>(slots * anchors), T(0)),
        first(static_cast<std::size_t>(slots * anchors), T(-1)),
        last(static_cast<std::size_t>(slots * anchors), T(-1)) {}

  Index stride;
  std::vector<T> row_min;
  std::vector<T> row_max;
  std::vector<T> row_max_count;  // entries equal to it: whom a leak to the shift term reaches
  std::vector<T> value;
  std::vector<T> count;
  std::vector<T> first;
  std::vector<T> last;
};

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
};

// The updates of one worker's states from one chunk: `e` holds the rows [i0, i0 + rows) of the
// chunk at c0 (row stride kChunk), entries j <= i finished.
template <class T>
class ChunkMiner {
  using P = typename ei::packet_traits<T>::type;
  using M = lanes::Masks<P>;
  using Mask = typename M::Mask;
  using Lanes = lanes::Extremes<P>;
  static constexpr Index kWidth = ei::packet_traits<T>::size;

 public:
  ChunkMiner(const Layout<T>& layout, AnchorStates<T>& states) : l_(layout), s_(states) {}

  void chunk(const T* e, Index i0, Index rows, Index c0, Index width) {
    for (Index r = 0; r < rows; ++r) along_row(e + r * kChunk, i0 + r, c0, width);
    for (Index c = 0; c < width; c += kWidth) down_columns(e, i0, rows, c0, c, width);
  }

 private:
  static P iota(Index first) { return ei::plset<P>(static_cast<T>(first)); }

  // The smallest or largest lane. (Eigen's predux_min/max: GCC 12 sees an uninitialized
  // variable in the AVX-512 extract intrinsics they use once inlined here, an error with -Werror.)
  static T extreme_lane(const P& x, bool minimum) {
    alignas(64) T lane[kWidth];
    ei::pstoreu(lane, x);
    T best = lane[0];
    for (Index k = 1; k < kWidth; ++k)
      best = minimum ? std::min(best, lane[k]) : std::max(best, lane[k]);
    return best;
  }

  // The entries at `at` whose columns (lanes of jv) are below `limit`, NaN in the other lanes.
  static P entries(const T* at, const P& jv, T limit) {
    return M::select(M::less(jv, ei::pset1<P>(limit)), ei::ploadu<P>(at), ei::pset1<P>(kNaN<T>));
  }

  // Column j's lanes: negatives of anchor(s) `anchor` (lanes or broadcast), from class bounds.
  static Mask negatives(const P& column, const P& begin, const P& end) {
    return M::either(M::less(column, begin), M::less_equal(end, column));
  }

  // Anchor i over the chunk's columns j < i; then the diagonal, which only the row's minimum
  // and maximum see.
  void along_row(const T* row, Index i, Index c0, Index width) {
    const Index n = std::min(width, i - c0);
    if (n > 0) {
      for_each_group([&](auto size, auto with_row, Index g) {
        row_pass<size(), with_row()>(row, i, c0, n, g);
      });
    }
    if (i < c0 + width) {
      const auto at = static_cast<std::size_t>(i);
      const T diagonal = row[i - c0];
      s_.row_min[at] = std::min(s_.row_min[at], diagonal);
      merge_max(s_.row_max[at], s_.row_max_count[at], diagonal, T(1));
    }
  }

  // The entries of column packet c (anchors j = c0 + c + lane) from the tile's rows r >= r_first
  // (those with some j < i = i0 + r): lanes past the chunk or on or above the diagonal are NaN.
  struct ColumnPass {
    Index j0;
    Index r_first;
    bool masked;
    T column_end;
    P jv;
    P begin;
    P end;
  };

  // Anchors j = c0 + c + lane over the entries D[i][j], i > j, of the tile's rows.
  void down_columns(const T* e, Index i0, Index rows, Index c0, Index c, Index width) {
    const Index j0 = c0 + c;
    const Index r_first = std::max<Index>(0, j0 - i0 + 1);
    if (r_first >= rows) return;
    const ColumnPass pass{j0,
                          r_first,
                          j0 + kWidth > std::min(c0 + width, i0 + r_first),
                          static_cast<T>(c0 + width),
                          iota(j0),
                          ei::ploadu<P>(l_.begin.data() + j0),
                          ei::ploadu<P>(l_.end.data() + j0)};
    for_each_group([&](auto size, auto with_row, Index g) {
      column_pass<size(), with_row()>(e + c, i0, rows, pass, g);
    });
  }

  // Calls f(G, kWithRow, g) for each pass over the entries: one per group g of up to kGroup
  // positives (G of them, kept in registers), the first one also taking the row's extremes and
  // slot 0 (and slot 1) — for hard, that pass alone (G = 0).
  template <class F>
  void for_each_group(F&& f) const {
    const auto dispatch = [&](auto with_row, Index g) {
      switch (l_.semihard ? std::min(kGroup, l_.positives - g * kGroup) : 0) {
        case 0:
          return f(std::integral_constant<Index, 0>(), with_row, g);
        case 1:
          return f(std::integral_constant<Index, 1>(), with_row, g);
        case 2:
          return f(std::integral_constant<Index, 2>(), with_row, g);
        case 3:
          return f(std::integral_constant<Index, 3>(), with_row, g);
        default:
          return f(std::integral_constant<Index, kGroup>(), with_row, g);
      }
    };
    dispatch(std::true_type(), 0);
    for (Index g = 1; g < l_.groups; ++g) dispatch(std::false_type(), g);
  }

  // Anchor i over the chunk's columns [c0, c0 + n): its smallest negatives strictly above its
  // positives g·kGroup .. + G; with kWithRow, its row's extremes and slots 0 and 1.
  template <Index G, bool kWithRow>
  void row_pass(const T* row, Index i, Index c0, Index n, Index g) {
    const auto at = static_cast<std::size_t>(i);
    const P begin = ei::pset1<P>(l_.begin[at]);
    const P end = ei::pset1<P>(l_.end[at]);
    const T limit = static_cast<T>(c0 + n);
    P low = ei::pset1<P>(kInf<T>);
    P high = ei::pset1<P>(-kInf<T>);
    P high_count = ei::pset1<P>(T(0));
    Lanes slot0 = fresh(0);
    Lanes slot1 = fresh(1);
    P threshold[G > 0 ? G : 1];
    Lanes above[G > 0 ? G : 1];
    for (Index k = 0; k < G; ++k) {
      const Index p = g * kGroup + k;
      threshold[k] = ei::pset1<P>(l_.threshold[static_cast<std::size_t>(p * l_.stride + i)]);
      above[k] = fresh(1 + p);
    }
    for (Index c = 0; c < n; c += kWidth) {
      const P jv = iota(c0 + c);
      const P d = c + kWidth <= n ? ei::ploadu<P>(row + c) : entries(row + c, jv, limit);
      const Mask negative = negatives(jv, begin, end);
      if constexpr (kWithRow) {
        lanes::take_row(low, high, high_count, d);
        lanes::take(slot0, d, negative, jv, l_.minimum(0));
        // Columns j < i: not the anchor, so a positive wherever not a negative.
        if (!l_.semihard) lanes::take(slot1, d, M::none_of(negative), jv, false);
      }
      for (Index k = 0; k < G; ++k) {
        lanes::take(above[k], d, M::both(negative, M::less(threshold[k], d)), jv, true);
      }
    }
    if constexpr (kWithRow) {
      fold_values(low, high, high_count, i);
      fold(slot0, 0, i);
      if (!l_.semihard) fold(slot1, 1, i);
    }
    for (Index k = 0; k < G; ++k) fold(above[k], 1 + g * kGroup + k, i);
  }

  // The same for the anchors of a column pass, down the tile's rows (`e` at the pass's column).
  template <Index G, bool kWithRow>
  void column_pass(const T* e, Index i0, Index rows, const ColumnPass& pass, Index g) {
    const Index j0 = pass.j0;
    P low = ei::pset1<P>(kInf<T>);
    P high = ei::pset1<P>(-kInf<T>);
    P high_count = ei::pset1<P>(T(0));
    Lanes slot0 = fresh(0);
    Lanes slot1 = fresh(1);
    if constexpr (kWithRow) {
      low = ei::ploadu<P>(s_.row_min.data() + j0);
      high = ei::ploadu<P>(s_.row_max.data() + j0);
      high_count = ei::ploadu<P>(s_.row_max_count.data() + j0);
      slot0 = load(0, j0);
      if (!l_.semihard) slot1 = load(1, j0);
    }
    P threshold[G > 0 ? G : 1];
    Lanes above[G > 0 ? G : 1];
    for (Index k = 0; k < G; ++k) {
      const Index p = g * kGroup + k;
      threshold[k] = ei::ploadu<P>(l_.threshold.data() + p * l_.stride + j0);
      above[k] = load(1 + p, j0);
    }
    for (Index r = pass.r_first; r < rows; ++r) {
      const P i = ei::pset1<P>(static_cast<T>(i0 + r));
      const T* at = e + r * kChunk;
      const P d = pass.masked
                      ? entries(at, pass.jv, std::min(pass.column_end, static_cast<T>(i0 + r)))
                      : ei::ploadu<P>(at);
      const Mask negative = negatives(i, pass.begin, pass.end);
      if constexpr (kWithRow) {
        lanes::take_row(low, high, high_count, d);
        lanes::take(slot0, d, negative, i, l_.minimum(0));
        if (!l_.semihard) lanes::take(slot1, d, M::none_of(negative), i, false);
      }
      for (Index k = 0; k < G; ++k) {
        lanes::take(above[k], d, M::both(negative, M::less(threshold[k], d)), i, true);
      }
    }
    if constexpr (kWithRow) {
      ei::pstoreu(s_.row_min.data() + j0, low);
      ei::pstoreu(s_.row_max.data() + j0, high);
      ei::pstoreu(s_.row_max_count.data() + j0, high_count);
      store(slot0, 0, j0);
      if (!l_.semihard) store(slot1, 1, j0);
    }
    for (Index k = 0; k < G; ++k) store(above[k], 1 + g * kGroup + k, j0);
  }

  Lanes fresh(Index slot) const {
    return {ei::pset1<P>(l_.minimum(slot) ? kInf<T> : -kInf<T>), ei::pset1<P>(T(0)),
            ei::pset1<P>(T(-1)), ei::pset1<P>(T(-1))};
  }
  Lanes load(Index slot, Index j0) const {
    const Index at = slot * s_.stride + j0;
    return {ei::ploadu<P>(s_.value.data() + at), ei::ploadu<P>(s_.count.data() + at),
            ei::ploadu<P>(s_.first.data() + at), ei::ploadu<P>(s_.last.data() + at)};
  }
  void store(const Lanes& lanes, Index slot, Index j0) {
    const Index at = slot * s_.stride + j0;
    ei::pstoreu(s_.value.data() + at, lanes.value);
    ei::pstoreu(s_.count.data() + at, lanes.count);
    ei::pstoreu(s_.first.data() + at, lanes.first);
    ei::pstoreu(s_.last.data() + at, lanes.last);
  }

  // The lanes of an anchor's row pass merged into its state.
  void fold(const Lanes& lanes, Index slot, Index i) {
    const auto at = static_cast<std::size_t>(slot * s_.stride + i);
    // Most chunks hold nothing as extreme as what the anchor has seen, or no member at all (a
    // positive's columns, or negatives above a far positive): one reduction tells.
    const bool minimum = l_.minimum(slot);
    const T best = extreme_lane(lanes.value, minimum);
    if (minimum ? s_.value[at] < best : best < s_.value[at]) return;
    if (best == (minimum ? kInf<T> : -kInf<T>)&&extreme_lane(lanes.count, false) == T(0)) return;
    alignas(64) T value[kWidth];
    alignas(64) T count[kWidth];
    alignas(64) T first[kWidth];
    alignas(64) T last[kWidth];
    ei::pstoreu(value, lanes.value);
    ei::pstoreu(count, lanes.count);
    ei::pstoreu(first, lanes.first);
    ei::pstoreu(last, lanes.last);
    Extreme1<T> state{s_.value[at], s_.count[at], s_.first[at], s_.last[at]};
    for (Index k = 0; k < kWidth; ++k) {
      merge(state, {value[k], count[k], first[k], last[k]}, l_.minimum(slot));
    }
    s_.value[at] = state.value;
    s_.count[at] = state.count;
    s_.first[at] = state.first;
    s_.last[at] = state.last;
  }
  void fold_values(const P& low, const P& high, const P& high_count, Index i) {
    const auto at = static_cast<std::size_t>(i);
    s_.row_min[at] = std::min(s_.row_min[at], extreme_lane(low, true));
    if (extreme_lane(high, false) < s_.row_max[at]) return;
    alignas(64) T value[kWidth];
    alignas(64) T count[kWidth];
    ei::pstoreu(value, high);
    ei::pstoreu(count, high_count);
    for (Index k = 0; k < kWidth; ++k)
      merge_max(s_.row_max[at], s_.row_max_count[at], value[k], count[k]);
  }

  const Layout<T>& l_;
  AnchorStates<T>& s_;
};

// The chunks of row tile t whose entries include some pair of one class (semi-hard needs those
// distances, the thresholds, before any chunk is mined): from the chunk of its first row's class.
Index first_class_chunk(const Classes& classes, Index i0) {
  return classes.class_begin[static_cast<std::size_t>(i0)] / kChunk * kChunk;
}

// One anchor's extremes, merged over the workers.
template <class T>
struct Merged {
  T row_min = kInf<T>;
  T row_max = -kInf<T>;
  T row_max_count = 0;
  std::vector<Extreme1<T>> slot;
};

template <class T>
void merge_anchor(const std::vector<AnchorStates<T>>& workers, const Layout<T>& l, Index a,
                  Merged<T>& m) {
  const Index slots = l.slots();
  m.row_min = kInf<T>;
  m.row_max = -kInf<T>;
  m.row_max_count = 0;
  m.slot.assign(static_cast<std::size_t>(slots), Extreme1<T>{T(0), T(0), T(-1), T(-1)});
  for (Index s = 0; s < slots; ++s)
    m.slot[static_cast<std::size_t>(s)].value = l.minimum(s) ? kInf<T> : -kInf<T>;
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
bool route(Touches<T>& touches, const Extreme1<T>& e, T shift, T shift_count, T batch, T g) {
  if (!(e.count >= T(1) && e.count <= T(2)) || !std::isfinite(g)) return false;
  if (e.count == T(2) && e.value == T(0)) return false;
  // The extreme equal to the shift: all B shifted products are 0 and tie, each member takes g/B
  // and the rest goes to the row's entries equal to the shift, here the same entries.
  const bool leak = e.value == shift;
  if (leak && shift_count != e.count) return false;
  const Index columns[2] = {
      static_cast<Index>(std::min(e.first, e.count == T(1) ? e.first : e.last)),
      static_cast<Index>(std::max(e.first, e.count == T(1) ? e.first : e.last))};
  const Index n = e.count == T(1) ? 1 : 2;  // in column order, as for_each_tied visits them
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
    const Extreme1<T>& largest = m.slot[0];
    const T inside = has_negatives ? largest.value : m.row_min;
    T grad_inside = 0;
    for (Index j = begin, p = 0; j < end; ++j) {
      if (j == a) continue;
      const T d = c.layout.threshold[static_cast<std::size_t>(p * c.layout.stride + a)];
      const Extreme1<T>& outside = m.slot[static_cast<std::size_t>(1 + p)];
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
  const Extreme1<T>& negative = m.slot[0];
  const Extreme1<T>& positive = m.slot[1];
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

}  // namespace

template <class T>
bool tile_mining_applies(const Classes& classes, Index b) {
  if (b >= (Index{1} << std::numeric_limits<T>::digits)) return false;
  // The row code scans up to kScanPositivesMax positives in column order and sorts beyond:
  // another order of the terms and the gradient's additions.
  const Index largest = std::min<Index>(kTileMiningClassMax, kScanPositivesMax<T> + 1);
  for (std::size_t p = 0; p < classes.class_begin.size(); ++p) {
    if (classes.class_end[p] - classes.class_begin[p] > largest) return false;
  }
  return true;
}

template <class T>
TileMiningResult mine_tiles(const DistanceInputs<T>& in, const LossSpec& spec,
                            const Classes& classes, Mining<T>& mining, WeightSink<T>& sink,
                            const Parallelism& how) {
  const Index b = in.batch();
  const Index tiles = tile_count(b);
  Layout<T> layout;
  layout.b = b;
  layout.semihard = spec.loss == Loss::kSemiHard;
  layout.stride = b + kChunk;
  layout.begin.assign(static_cast<std::size_t>(layout.stride), T(0));
  layout.end.assign(static_cast<std::size_t>(layout.stride), static_cast<T>(b));
  Index largest_class = 1;
  for (Index a = 0; a < b; ++a) {
    const auto at = static_cast<std::size_t>(a);
    layout.begin[at] = static_cast<T>(classes.class_begin[at]);
    layout.end[at] = static_cast<T>(classes.class_end[at]);
    largest_class = std::max(largest_class, classes.class_end[at] - classes.class_begin[at]);
  }
  TileMiningResult result;
  std::atomic<bool> nan{false};

  // Semi-hard: the thresholds first, from the chunks holding pairs of one class; those chunks
  // are kept for the main pass (about rows × kChunk entries per row tile).
  std::vector<std::vector<T>> kept(static_cast<std::size_t>(layout.semihard ? tiles : 0));
  if (layout.semihard) {
    layout.positives = largest_class - 1;
    layout.groups = (layout.positives + kGroup - 1) / kGroup;
    layout.threshold.assign(static_cast<std::size_t>(layout.groups * kGroup * layout.stride),
                            kNaN<T>);
    parallel_for(how, tiles, [&](Index t) {
      const Index i0 = t * kTile;
      const Index rows = std::min(kTile, b - i0);
      const Index first_chunk = first_class_chunk(classes, i0);
      const Index chunks = (i0 - first_chunk) / kChunk + 1;
      std::vector<T>& buffer = kept[static_cast<std::size_t>(t)];
      buffer.resize(static_cast<std::size_t>(chunks * rows * kChunk));
      for (Index k = 0; k < chunks; ++k) {
        T* out = buffer.data() + k * rows * kChunk;
        if (strip_chunk(in, i0, rows, first_chunk + k * kChunk, out, kChunk).nan) nan = true;
      }
      // Each pair j < i of one class: threshold of i (j is its (j − begin)-th positive) and of j
      // (i is its (i − begin − 1)-th). Every such pair lies in exactly one tile.
      for (Index r = 0; r < rows; ++r) {
        const Index i = i0 + r;
        const Index begin = classes.class_begin[static_cast<std::size_t>(i)];
        for (Index j = begin; j < i; ++j) {
          const Index k = (j - first_chunk) / kChunk;
          const T d = buffer[static_cast<std::size_t>(k * rows * kChunk + r * kChunk +
                                                      (j - first_chunk - k * kChunk))];
          layout.threshold[static_cast<std::size_t>((j - begin) * layout.stride + i)] = d;
          layout.threshold[static_cast<std::size_t>((i - begin - 1) * layout.stride + j)] = d;
        }
      }
    });
    if (nan) return {true, {}};
  }

  // The main pass: every chunk of every strip, largest strips first, each worker into its own
  // states (merged per anchor below, in any order).
  const int workers = std::max(1, how.threads);
  std::vector<AnchorStates<T>> states;
  states.reserve(static_cast<std::size_t>(workers));
  for (int w = 0; w < workers; ++w) states.emplace_back(layout.slots(), layout.stride);
  // Fresh extremes: +Inf for minima, -Inf for maxima.
  for (AnchorStates<T>& s : states) {
    for (Index slot = 0; slot < layout.slots(); ++slot) {
      std::fill(s.value.begin() + slot * s.stride, s.value.begin() + (slot + 1) * s.stride,
                layout.minimum(slot) ? kInf<T> : -kInf<T>);
    }
  }
  std::atomic<Index> next{0};
  parallel_for(how, workers, [&](Index w) {
    ChunkMiner<T> miner(layout, states[static_cast<std::size_t>(w)]);
    std::vector<T> scratch(static_cast<std::size_t>(kTile * kChunk));
    for (Index t = next++; t < tiles; t = next++) {
      const Index tile = tiles - 1 - t;
      const Index i0 = tile * kTile;
      const Index rows = std::min(kTile, b - i0);
      const Index kept_from = layout.semihard ? first_class_chunk(classes, i0) : i0 + rows;
      for (Index c0 = 0; c0 < i0 + rows; c0 += kChunk) {
        const T* e = scratch.data();
        Index width = 0;
        if (c0 >= kept_from) {
          e = kept[static_cast<std::size_t>(tile)].data() +
              (c0 - kept_from) / kChunk * rows * kChunk;
          width = std::min(c0 + kChunk, i0 + rows) - c0;
        } else {
          const StripChunk chunk = strip_chunk(in, i0, rows, c0, scratch.data(), kChunk);
          if (chunk.nan) nan = true;
          width = chunk.width;
        }
        miner.chunk(e, i0, rows, c0, width);
      }
    }
  });
  if (nan) return {true, {}};
  kept.clear();

  // Each anchor's term and row of W' from its extremes, a mining task at a time.
  const bool gradient = sink.form == WeightSink<T>::Form::kSparse;
  const Index tasks = (b + kMiningRows - 1) / kMiningRows;
  std::vector<unsigned char> by_rows(static_cast<std::size_t>(tasks), 0);
  const AnchorContext<T> anchor{spec, classes, layout, static_cast<T>(spec.margin),
                                layout.semihard ? T(1) / static_cast<T>(classes.num_positive_pairs)
                                                : T(1) / static_cast<T>(b)};
  parallel_for(how, tasks, [&](Index t) {
    Merged<T> m;
    Touches<T> touches;
    SparseChunk<T> chunk;
    const Index task_first = t * kMiningRows;
    const Index task_last = std::min(b, task_first + kMiningRows);
    chunk.first_row = task_first;
    chunk.row_count.assign(static_cast<std::size_t>(task_last - task_first), 0);
    std::vector<double> terms;
    for (Index a = task_first; a < task_last; ++a) {
      merge_anchor(states, layout, a, m);
      touches.entries.clear();
      double term = 0;
      if (!anchor_from_states(anchor, a, m, term, gradient ? &touches : nullptr)) {
        by_rows[static_cast<std::size_t>(t)] = 1;
        return;
      }
      terms.push_back(term);
      for (const auto& entry : touches.entries) {
        const T value = scaled_weight(sink.scaling, entry.weight, entry.distance, false);
        if (value == T(0)) continue;
        chunk.col.push_back(static_cast<std::int32_t>(entry.column));
        chunk.value.push_back(value);
        ++chunk.row_count[static_cast<std::size_t>(a - task_first)];
      }
    }
    for (Index a = task_first; a < task_last; ++a) {
      mining.record(a, terms[static_cast<std::size_t>(a - task_first)]);
    }
    if (gradient) sink.chunks[static_cast<std::size_t>(t)] = std::move(chunk);
  });
  for (Index t = 0; t < tasks; ++t) {
    if (by_rows[static_cast<std::size_t>(t)] != 0) result.row_tasks.push_back(t);
  }
  return result;
}

template bool tile_mining_applies<float>(const Classes&, Index);
template bool tile_mining_applies<double>(const Classes&, Index);
template TileMiningResult mine_tiles(const DistanceInputs<float>&, const LossSpec&, const Classes&,
                                     Mining<float>&, WeightSink<float>&, const Parallelism&);
template TileMiningResult mine_tiles(const DistanceInputs<double>&, const LossSpec&, const Classes&,
                                     Mining<double>&, WeightSink<double>&, const Parallelism&);

}  // namespace tripletcheck::eigen

#pragma GCC diagnostic pop
