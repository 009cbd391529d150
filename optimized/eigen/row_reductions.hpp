// The extremes the miners need over contiguous ranges of a distance row, with their ties (count
// and first index), vectorized with Eigen's packet primitives: the compiler will not vectorize a
// floating-point min/max reduction by itself without fast-math, which would break Inf handling.
#pragma once

#include <Eigen/Core>
#include <limits>

#include "optimized/eigen/types.hpp"

namespace tripletcheck::eigen {

// An extreme value of some entries of a row, how many entries equal it, and the first of them.
// Rows never contain NaN here (a NaN anywhere in D is handled before mining).
template <class T>
struct Extreme {
  T value = T(0);
  Index count = 0;  // 0: no entry seen
  Index first = -1;

  // Merges the extreme of other entries: the better value wins, equal values add their counts.
  template <bool kMax>
  void merge(const Extreme& other) {
    if (other.count == 0) return;
    const bool better = kMax ? other.value > value : other.value < value;
    if (count == 0 || better) {
      *this = other;
    } else if (other.value == value) {
      count += other.count;
      if (other.first < first) first = other.first;
    }
  }
};

namespace detail {

// Scalar version, also the tail of the vector one.
template <bool kMax, bool kAbove, class T>
void reduce_scalar(const T* row, Index begin, Index end, T threshold, Extreme<T>& e) {
  for (Index k = begin; k < end; ++k) {
    const T v = row[k];
    if (kAbove && !(v > threshold)) continue;
    e.template merge<kMax>(Extreme<T>{v, 1, k});
  }
}

// Each lane keeps its own extreme, count and first index (indices are carried as T: exact below
// 2^24 for float, far beyond any B whose B×B matrix fits in memory), merged at the end.
template <bool kMax, class T>
struct Lanes {
  using Packet = typename Eigen::internal::packet_traits<T>::type;
  static constexpr Index kWidth = Eigen::internal::packet_traits<T>::size;

  Packet best = Eigen::internal::pset1<Packet>(kMax ? -std::numeric_limits<T>::infinity()
                                                    : std::numeric_limits<T>::infinity());
  Packet first = Eigen::internal::pset1<Packet>(T(-1));
  Packet count = Eigen::internal::pzero(Packet());

  // Offers the entries v (at `index`) where `valid` is set.
  template <bool kMasked>
  void offer(const Packet& v, const Packet& index, const Packet& valid) {
    namespace ei = Eigen::internal;
    Packet take = kMax ? ei::pcmp_lt(best, v) : ei::pcmp_lt(v, best);
    Packet same = ei::pcmp_eq(v, best);
    if (kMasked) {
      take = ei::pand(take, valid);
      same = ei::pand(same, valid);
    }
    // An entry equal to the initial ±Inf is a genuine ±Inf: the first such one is taken.
    const Packet fresh = ei::pand(same, ei::pcmp_eq(count, ei::pzero(count)));
    const Packet one = ei::pset1<Packet>(T(1));
    best = ei::pselect(take, v, best);
    first = ei::pselect(ei::por(take, fresh), index, first);
    count = ei::pselect(take, one, ei::padd(count, ei::pand(same, one)));
  }

  void merge_into(Extreme<T>& e) const {
    namespace ei = Eigen::internal;
    alignas(64) T lane_best[kWidth], lane_first[kWidth], lane_count[kWidth];
    ei::pstoreu(lane_best, best);
    ei::pstoreu(lane_first, first);
    ei::pstoreu(lane_count, count);
    for (Index l = 0; l < kWidth; ++l) {
      e.template merge<kMax>(Extreme<T>{lane_best[l], static_cast<Index>(lane_count[l]),
                                        static_cast<Index>(lane_first[l])});
    }
  }
};

template <bool kMax, bool kAbove, class T>
void reduce_packets(const T* row, Index begin, Index end, T threshold, Extreme<T>& e) {
  namespace ei = Eigen::internal;
  using L = Lanes<kMax, T>;
  using Packet = typename L::Packet;
  const Index vector_end = begin + (end - begin) / L::kWidth * L::kWidth;
  if (vector_end > begin) {
    const Packet limit = ei::pset1<Packet>(threshold);
    const Packet step = ei::pset1<Packet>(static_cast<T>(L::kWidth));
    Packet index = ei::plset<Packet>(static_cast<T>(begin));
    L lanes;
    for (Index k = begin; k < vector_end; k += L::kWidth) {
      const Packet v = ei::ploadu<Packet>(row + k);
      lanes.template offer<kAbove>(v, index, kAbove ? ei::pcmp_lt(limit, v) : v);
      index = ei::padd(index, step);
    }
    lanes.merge_into(e);
  }
  reduce_scalar<kMax, kAbove>(row, vector_end, end, threshold, e);
}

// Both extremes in one pass.
template <class T>
void reduce_min_max_packets(const T* row, Index begin, Index end, Extreme<T>& minimum,
                            Extreme<T>& maximum) {
  namespace ei = Eigen::internal;
  using Packet = typename Lanes<false, T>::Packet;
  constexpr Index kWidth = Lanes<false, T>::kWidth;
  const Index vector_end = begin + (end - begin) / kWidth * kWidth;
  if (vector_end > begin) {
    const Packet step = ei::pset1<Packet>(static_cast<T>(kWidth));
    Packet index = ei::plset<Packet>(static_cast<T>(begin));
    Lanes<false, T> low;
    Lanes<true, T> high;
    for (Index k = begin; k < vector_end; k += kWidth) {
      const Packet v = ei::ploadu<Packet>(row + k);
      low.template offer<false>(v, index, v);
      high.template offer<false>(v, index, v);
      index = ei::padd(index, step);
    }
    low.merge_into(minimum);
    high.merge_into(maximum);
  }
  reduce_scalar<false, false>(row, vector_end, end, T(0), minimum);
  reduce_scalar<true, false>(row, vector_end, end, T(0), maximum);
}

template <bool kMax, bool kAbove, class T>
void reduce(const T* row, Index begin, Index end, T threshold, Extreme<T>& e) {
  if constexpr (Eigen::internal::packet_traits<T>::Vectorizable) {
    reduce_packets<kMax, kAbove>(row, begin, end, threshold, e);
  } else {
    reduce_scalar<kMax, kAbove>(row, begin, end, threshold, e);
  }
}

}  // namespace detail

// Folds row[begin, end) into e.
template <class T>
void reduce_min(const T* row, Index begin, Index end, Extreme<T>& e) {
  detail::reduce<false, false>(row, begin, end, T(0), e);
}
template <class T>
void reduce_max(const T* row, Index begin, Index end, Extreme<T>& e) {
  detail::reduce<true, false>(row, begin, end, T(0), e);
}
// Both at once (one pass over the row).
template <class T>
void reduce_min_max(const T* row, Index begin, Index end, Extreme<T>& minimum,
                    Extreme<T>& maximum) {
  if constexpr (Eigen::internal::packet_traits<T>::Vectorizable) {
    detail::reduce_min_max_packets(row, begin, end, minimum, maximum);
  } else {
    detail::reduce_scalar<false, false>(row, begin, end, T(0), minimum);
    detail::reduce_scalar<true, false>(row, begin, end, T(0), maximum);
  }
}
// Only the entries strictly greater than `threshold` (the semi-hard rule's strict ">").
template <class T>
void reduce_min_above(const T* row, Index begin, Index end, T threshold, Extreme<T>& e) {
  detail::reduce<false, true>(row, begin, end, threshold, e);
}

}  // namespace tripletcheck::eigen
