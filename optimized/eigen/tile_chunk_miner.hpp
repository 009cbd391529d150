// The passes of tile mining over one GEMM chunk (tile_mining.hpp): along its rows (anchor i sees
// D[i][j], j < i) and down its columns (anchor j sees the same entries), each updating one
// worker's extremes (tile_states.hpp) a packet of entries at a time (tile_lanes.hpp).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "optimized/eigen/tile_lanes.hpp"
#include "optimized/eigen/tile_states.hpp"
#include "optimized/eigen/types.hpp"

// Extremes<Packet> and arrays of packets: the vector types' alignment attributes do not take part
// in a template's identity, which is harmless here (Eigen's own PacketBlock warns alike).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"

// A lambda that holds a pass's loop body is inlined into the loop, or its extremes (captured by
// reference) go through memory on every packet: GCC 12 left the row pass's out of line.
#if defined(__GNUC__)
#define TRIPLETCHECK_INLINE_LAMBDA __attribute__((always_inline))
#else
#define TRIPLETCHECK_INLINE_LAMBDA
#endif

namespace tripletcheck::eigen::tiles {

namespace ei = Eigen::internal;

// The updates of one worker's states from one chunk: `e` holds the rows [i0, i0 + rows) of the
// chunk at c0 (row stride kChunk), entries j <= i finished. The loss is a template parameter:
// the hard loss's second slot, decided at run time, kept four more packets live in the semi-hard
// loops, past the 32 vector registers, and the states went through the stack on every entry.
template <class T, bool kSemihard>
class ChunkMiner {
  using P = typename ei::packet_traits<T>::type;
  using M = lanes::Masks<P>;
  using Mask = typename M::Mask;
  using Lanes = lanes::Extremes<P>;
  static constexpr Index kWidth = ei::packet_traits<T>::size;

 public:
  ChunkMiner(const Layout<T>& layout, AnchorStates<T>& states) : l_(layout), s_(states) {}
  // Slot 0: the hard loss's closest negative, or the semi-hard loss's largest negative.
  static constexpr bool kSlot0Minimum = !kSemihard;

  void chunk(const T* e, Index i0, Index rows, Index c0, Index width) {
    for (Index r = 0; r < rows; ++r) along_row(e + r * kChunk, i0 + r, c0, width);
    for (Index c = 0; c < width; c += kWidth) down_columns(e, i0, rows, c0, c, width);
  }

 private:
  static P iota(Index first) { return ei::plset<P>(static_cast<T>(first)); }

  // f(k) for the constants k = 0 .. G − 1 (std::integral_constant).
  template <Index G, class F>
  static EIGEN_ALWAYS_INLINE void for_each_k(F&& f) {
    for_each_of(f, std::make_integer_sequence<Index, G>());
  }
  template <class F, Index... K>
  static EIGEN_ALWAYS_INLINE void for_each_of(F& f, std::integer_sequence<Index, K...>) {
    (f(std::integral_constant<Index, K>()), ...);
  }

  // A pass's thresholds and the extremes above them, as members, not arrays: GCC kept arrays of
  // packets on the stack and stored them on every entry.
  struct Group {
    P t0, t1, t2, t3;
    Lanes a0, a1, a2, a3;
    P b0, b1, b2, b3;  // a row pass's bars (take_reaching)
    template <Index K>
    P& threshold() {
      return pick<K>(t0, t1, t2, t3);
    }
    template <Index K>
    Lanes& above() {
      return pick<K>(a0, a1, a2, a3);
    }
    template <Index K>
    P& bar() {
      return pick<K>(b0, b1, b2, b3);
    }
    template <Index K, class V>
    static V& pick(V& v0, V& v1, V& v2, V& v3) {
      static_assert(K < kGroup && kGroup == 4, "one member per threshold of a group");
      if constexpr (K == 0) return v0;
      if constexpr (K == 1) return v1;
      if constexpr (K == 2) return v2;
      if constexpr (K == 3) return v3;
    }
  };

  // The updates of one extreme, each made only where some member entry of the packet is at least
  // as extreme as `bar`: an entry short of the extreme it would update changes no value, count or
  // column, and once an anchor has seen a chunk or two few packets hold such an entry, so the
  // test (one compare) saves the update (seven instructions) on most packets, with the same states
  // bit for bit. The bar is the extreme itself (a column pass: its lanes are the states) or, in a
  // row pass, the anchor's state before the pass: its lanes start fresh, and fold ignores a lane
  // that does not reach the state. Returns whether it updated.
  static EIGEN_ALWAYS_INLINE bool take_reaching(Lanes& s, const P& d, const Mask& member,
                                                const P& column, bool minimum, const P& bar) {
    const Mask reach = M::both(member, minimum ? M::less_equal(d, bar) : M::less_equal(bar, d));
    if (!M::any(reach)) return false;
    lanes::take(s, d, member, column, minimum);
    return true;
  }
  // The same for the row's minimum and maximum.
  static EIGEN_ALWAYS_INLINE bool take_row_reaching(P& low, P& high, P& high_count, const P& d,
                                                    const P& low_bar, const P& high_bar) {
    if (!M::any(M::either(M::less(d, low_bar), M::less_equal(high_bar, d)))) return false;
    lanes::take_row(low, high, high_count, d);
    return true;
  }

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
      switch (kSemihard ? std::min(kGroup, l_.positives - g * kGroup) : 0) {
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
    Group group;
    for_each_k<G>([&](auto k) {
      const Index p = g * kGroup + k;
      group.template threshold<k>() =
          ei::pset1<P>(l_.threshold[static_cast<std::size_t>(p * l_.stride + i)]);
      group.template above<k>() = fresh(1 + p);
      group.template bar<k>() =
          ei::pset1<P>(s_.value[static_cast<std::size_t>((1 + p) * s_.stride + i)]);
    });
    // The anchor's state before the pass (slot 1 exists for both losses).
    const P low_bar = ei::pset1<P>(s_.row_min[at]);
    const P high_bar = ei::pset1<P>(s_.row_max[at]);
    const P bar0 = ei::pset1<P>(s_.value[at]);
    const P bar1 = ei::pset1<P>(s_.value[static_cast<std::size_t>(s_.stride + i)]);
    // Columns as T, stepped (exact: tile_mining_applies keeps them below 2^digits).
    const P step = ei::pset1<P>(static_cast<T>(kWidth));
    P jv = iota(c0);  // the columns of the packet at c
    // Which extremes some packet updated (bit 0: the row's, 1 + s: slot s); the others are fresh.
    unsigned touched = 0;
    // The packet at c; with kAllNegative, one whose columns all lie outside the anchor's class
    // (most of them: the class is one run of columns), which spares the class mask's compares.
    const auto packet = [&](auto all_negative, Index c) TRIPLETCHECK_INLINE_LAMBDA {
      const P d = c + kWidth <= n ? ei::ploadu<P>(row + c) : entries(row + c, jv, limit);
      const Mask negative = all_negative() ? M::all() : negatives(jv, begin, end);
      if constexpr (kWithRow) {
        touched |= take_row_reaching(low, high, high_count, d, low_bar, high_bar) ? 1u : 0u;
        touched |= take_reaching(slot0, d, negative, jv, kSlot0Minimum, bar0) ? 2u : 0u;
        // Columns j < i: not the anchor, so a positive wherever not a negative.
        if constexpr (!kSemihard) {
          touched |= take_reaching(slot1, d, M::none_of(negative), jv, false, bar1) ? 4u : 0u;
        }
      }
      for_each_k<G>([&](auto k) {
        const Mask member = M::both(negative, M::less(group.template threshold<k>(), d));
        if (take_reaching(group.template above<k>(), d, member, jv, true,
                          group.template bar<k>())) {
          touched |= 1u << (2 + g * kGroup + k);
        }
      });
      jv = ei::padd(jv, step);
    };
    // The packets that hold a column of the class [begin, end): [class_first, class_last).
    const Index class_first =
        std::clamp<Index>((static_cast<Index>(l_.begin[at]) - c0) / kWidth * kWidth, 0, n);
    const Index class_last = std::clamp<Index>(static_cast<Index>(l_.end[at]) - c0, class_first, n);
    Index c = 0;
    for (; c < class_first; c += kWidth) packet(std::true_type(), c);
    for (; c < class_last; c += kWidth) packet(std::false_type(), c);
    for (; c < n; c += kWidth) packet(std::true_type(), c);
    if (touched == 0) return;
    const auto slot_touched = [&](Index slot) { return (touched >> (1 + slot) & 1u) != 0; };
    if constexpr (kWithRow) {
      if ((touched & 1u) != 0) fold_values(low, high, high_count, i);
      if (slot_touched(0)) fold(slot0, 0, i);
      if constexpr (!kSemihard) {
        if (slot_touched(1)) fold(slot1, 1, i);
      }
    }
    for_each_k<G>([&](auto k) {
      const Index slot = 1 + g * kGroup + k;
      if (slot_touched(slot)) fold(group.template above<k>(), slot, i);
    });
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
      if constexpr (!kSemihard) slot1 = load(1, j0);
    }
    Group group;
    for_each_k<G>([&](auto k) {
      const Index p = g * kGroup + k;
      group.template threshold<k>() = ei::ploadu<P>(l_.threshold.data() + p * l_.stride + j0);
      group.template above<k>() = load(1 + p, j0);
    });
    const P one = ei::pset1<P>(T(1));
    P i = ei::pset1<P>(static_cast<T>(i0 + pass.r_first));
    // Row r; with kAllNegative, a row past every lane's class (i > j, so a row is a negative of
    // anchor j exactly from j's class end on), which spares the class mask's compares.
    const auto row = [&](auto all_negative, Index r) TRIPLETCHECK_INLINE_LAMBDA {
      const T* at = e + r * kChunk;
      const P d = pass.masked
                      ? entries(at, pass.jv, std::min(pass.column_end, static_cast<T>(i0 + r)))
                      : ei::ploadu<P>(at);
      const Mask negative = all_negative() ? M::all() : negatives(i, pass.begin, pass.end);
      if constexpr (kWithRow) {
        take_row_reaching(low, high, high_count, d, low, high);
        take_reaching(slot0, d, negative, i, kSlot0Minimum, slot0.value);
        if constexpr (!kSemihard)
          take_reaching(slot1, d, M::none_of(negative), i, false, slot1.value);
      }
      for_each_k<G>([&](auto k) {
        Lanes& above = group.template above<k>();
        const Mask member = M::both(negative, M::less(group.template threshold<k>(), d));
        take_reaching(above, d, member, i, true, above.value);
      });
      i = ei::padd(i, one);
    };
    // The lanes' classes end in column order: the last lane's end is the largest (l_.end runs
    // kChunk past B).
    const Index negatives_from = std::clamp<Index>(
        static_cast<Index>(l_.end[static_cast<std::size_t>(j0 + kWidth - 1)]) - i0, pass.r_first,
        rows);
    Index r = pass.r_first;
    for (; r < negatives_from; ++r) row(std::false_type(), r);
    for (; r < rows; ++r) row(std::true_type(), r);
    if constexpr (kWithRow) {
      ei::pstoreu(s_.row_min.data() + j0, low);
      ei::pstoreu(s_.row_max.data() + j0, high);
      ei::pstoreu(s_.row_max_count.data() + j0, high_count);
      store(slot0, 0, j0);
      if constexpr (!kSemihard) store(slot1, 1, j0);
    }
    for_each_k<G>([&](auto k) { store(group.template above<k>(), 1 + g * kGroup + k, j0); });
  }

  Lanes fresh(Index slot) const {
    const ExtremeState<T> f = l_.fresh(slot);
    return {ei::pset1<P>(f.value), ei::pset1<P>(f.count), ei::pset1<P>(f.first),
            ei::pset1<P>(f.last)};
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

  // The lanes of an anchor's row pass merged into its state. By value: a reference would take
  // the address of the pass's extremes, and GCC then stored them to the stack on every entry.
  void fold(Lanes lanes, Index slot, Index i) {
    const auto at = static_cast<std::size_t>(slot * s_.stride + i);
    // Most chunks hold nothing as extreme as what the anchor has seen, or no member at all (a
    // positive's columns, or negatives above a far positive): one reduction tells.
    const bool minimum = l_.minimum(slot);
    const T best = extreme_lane(lanes.value, minimum);
    if (minimum ? s_.value[at] < best : best < s_.value[at]) return;
    const bool untouched = best == l_.fresh(slot).value;
    if (untouched && extreme_lane(lanes.count, false) == T(0)) return;
    alignas(64) T value[kWidth];
    alignas(64) T count[kWidth];
    alignas(64) T first[kWidth];
    alignas(64) T last[kWidth];
    ei::pstoreu(value, lanes.value);
    ei::pstoreu(count, lanes.count);
    ei::pstoreu(first, lanes.first);
    ei::pstoreu(last, lanes.last);
    ExtremeState<T> state{s_.value[at], s_.count[at], s_.first[at], s_.last[at]};
    for (Index k = 0; k < kWidth; ++k) {
      merge(state, {value[k], count[k], first[k], last[k]}, minimum);
    }
    s_.value[at] = state.value;
    s_.count[at] = state.count;
    s_.first[at] = state.first;
    s_.last[at] = state.last;
  }
  void fold_values(P low, P high, P high_count, Index i) {
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

}  // namespace tripletcheck::eigen::tiles

#undef TRIPLETCHECK_INLINE_LAMBDA
#pragma GCC diagnostic pop
