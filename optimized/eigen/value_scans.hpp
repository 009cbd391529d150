// The extremes the miners need over ranges of a distance row, in two cheap passes: first the
// values alone (a compare, a select and a min per packet and target), then, only for the values
// whose gradient is routed, their ties (how many entries equal the value, and the first of them)
// by a pass that only tests equality. Carrying value, count and first index through every packet
// instead (about ten instructions per packet and extreme) made the miners a third of an eigen
// call at B = 1024. Vectorized with Eigen's packet primitives (value_scans_avx512.hpp's mask
// registers where the build targets AVX-512): the compiler will not vectorize a floating-point
// min/max reduction by itself without fast-math, which would break Inf handling.
// Rows never contain NaN here (a NaN anywhere in D is handled before mining).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <limits>
#include <type_traits>

#include "optimized/eigen/types.hpp"
#include "optimized/eigen/value_scans_avx512.hpp"

namespace tripletcheck::eigen {

// An extreme value of some entries of a row, how many entries equal it (±0 alike), and the first
// of them. count 0: no entry.
template <class T>
struct Extreme {
  T value = T(0);
  Index count = 0;
  Index first = -1;
};

// Thresholds or targets handled by one pass: each keeps two packets in registers.
constexpr Index kScanGroup = 4;

// Which loops a scan runs: the build's best (value_scans_avx512.hpp's where the build targets
// AVX-512, Eigen's packets otherwise), or Eigen's packets whatever the build, so that the tests
// check those too on an AVX-512 machine, where the miners never run them.
enum class ScanPath { kBest, kPackets };

namespace detail {

// Whether the AVX-512 versions (value_scans_avx512.hpp) replace the packet loops below.
template <ScanPath kPath, class T>
constexpr bool kAvx512 =
#if defined(__AVX512F__)
    kPath == ScanPath::kBest && (std::is_same_v<T, float> || std::is_same_v<T, double>);
#else
    false;
#endif

template <class T>
using PacketOf = typename Eigen::internal::packet_traits<T>::type;
template <class T>
constexpr Index kPacketWidth =
    Eigen::internal::packet_traits<T>::Vectorizable ? Eigen::internal::packet_traits<T>::size : 0;

template <class T>
constexpr T kInf = std::numeric_limits<T>::infinity();

// mins[g] = min(mins[g], smallest entry of row[begin, end) strictly greater than thresholds[g]),
// for G thresholds at once. Values only; +Inf when none (or when the entry is +Inf itself).
template <Index G, class T>
void min_above_group(const T* row, Index begin, Index end, const T* thresholds, T* mins) {
  namespace ei = Eigen::internal;
  constexpr Index kWidth = kPacketWidth<T>;
  Index k = begin;
  if constexpr (kWidth > 1) {
    using Packet = PacketOf<T>;
    const Index vector_end = begin + (end - begin) / kWidth * kWidth;
    if (vector_end > begin) {
      const Packet inf = ei::pset1<Packet>(kInf<T>);
      Packet limit[G];
      Packet best[G];
      for (Index g = 0; g < G; ++g) {
        limit[g] = ei::pset1<Packet>(thresholds[g]);
        best[g] = inf;
      }
      for (; k < vector_end; k += kWidth) {
        const Packet v = ei::ploadu<Packet>(row + k);
        for (Index g = 0; g < G; ++g) {
          best[g] = ei::pmin(best[g], ei::pselect(ei::pcmp_lt(limit[g], v), v, inf));
        }
      }
      for (Index g = 0; g < G; ++g) mins[g] = std::min(mins[g], ei::predux_min(best[g]));
    }
  }
  for (; k < end; ++k) {
    for (Index g = 0; g < G; ++g) {
      if (row[k] > thresholds[g]) mins[g] = std::min(mins[g], row[k]);
    }
  }
}

// Adds to found[g] the entries of row[begin, end) equal to targets[g]: their count, and the first
// of them if it comes before found[g].first. Packets with no equal entry cost a compare each.
template <Index G, class T>
void locate_group(const T* row, Index begin, Index end, const T* targets, Extreme<T>* found) {
  namespace ei = Eigen::internal;
  constexpr Index kWidth = kPacketWidth<T>;
  const auto visit = [&](Index k) {
    for (Index g = 0; g < G; ++g) {
      if (row[k] != targets[g]) continue;
      if (found[g].count++ == 0 || k < found[g].first) found[g].first = k;
    }
  };
  Index k = begin;
  if constexpr (kWidth > 1) {
    using Packet = PacketOf<T>;
    const Index vector_end = begin + (end - begin) / kWidth * kWidth;
    Packet target[G];
    for (Index g = 0; g < G; ++g) target[g] = ei::pset1<Packet>(targets[g]);
    for (; k < vector_end; k += kWidth) {
      const Packet v = ei::ploadu<Packet>(row + k);
      Packet equal = ei::pcmp_eq(v, target[0]);
      for (Index g = 1; g < G; ++g) equal = ei::por(equal, ei::pcmp_eq(v, target[g]));
      if (!ei::predux_any(equal)) continue;
      for (Index l = 0; l < kWidth; ++l) visit(k + l);
    }
  }
  for (; k < end; ++k) visit(k);
}

// Runs group(G, offset) over n items in groups of at most kScanGroup.
template <class Group>
void in_groups(Index n, Group&& group) {
  for (Index at = 0; at < n; at += kScanGroup) {
    switch (std::min(kScanGroup, n - at)) {
      case 1:
        group(std::integral_constant<Index, 1>{}, at);
        break;
      case 2:
        group(std::integral_constant<Index, 2>{}, at);
        break;
      case 3:
        group(std::integral_constant<Index, 3>{}, at);
        break;
      default:
        group(std::integral_constant<Index, 4>{}, at);
        break;
    }
  }
}

}  // namespace detail

// The smallest and the largest entry of row[begin, end), values only (no NaN in rows here).
template <ScanPath kPath = ScanPath::kBest, class T>
void value_min_max(const T* row, Index begin, Index end, T& minimum, T& maximum) {
#if defined(__AVX512F__)
  if constexpr (detail::kAvx512<kPath, T>)
    return avx512::min_max(row, begin, end, minimum, maximum);
#endif
  namespace ei = Eigen::internal;
  constexpr Index kWidth = detail::kPacketWidth<T>;
  Index k = begin;
  if constexpr (kWidth > 1) {
    using Packet = detail::PacketOf<T>;
    const Index vector_end = begin + (end - begin) / kWidth * kWidth;
    if (vector_end > begin) {
      Packet low = ei::pset1<Packet>(minimum);
      Packet high = ei::pset1<Packet>(maximum);
      for (; k < vector_end; k += kWidth) {
        const Packet v = ei::ploadu<Packet>(row + k);
        low = ei::pmin(low, v);
        high = ei::pmax(high, v);
      }
      minimum = ei::predux_min(low);
      maximum = ei::predux_max(high);
    }
  }
  for (; k < end; ++k) {
    minimum = std::min(minimum, row[k]);
    maximum = std::max(maximum, row[k]);
  }
}

// For each of n thresholds, mins[i] = min(mins[i], smallest entry of row[begin, end) strictly
// greater than thresholds[i]); values only: the caller knows from the largest entry whether one
// exists (then a +Inf result is a genuine +Inf entry).
template <ScanPath kPath = ScanPath::kBest, class T>
void value_min_above(const T* row, Index begin, Index end, const T* thresholds, Index n, T* mins) {
  detail::in_groups(n, [&](auto g, Index at) {
#if defined(__AVX512F__)
    if constexpr (detail::kAvx512<kPath, T>) {
      return avx512::min_above<decltype(g)::value>(row, begin, end, thresholds + at, mins + at);
    }
#endif
    detail::min_above_group<decltype(g)::value>(row, begin, end, thresholds + at, mins + at);
  });
}

// For each of n targets, adds the entries of row[begin, end) equal to targets[i] (±0 alike) to
// found[i]: its count and first index. The value is the caller's (the target).
template <ScanPath kPath = ScanPath::kBest, class T>
void locate(const T* row, Index begin, Index end, const T* targets, Index n, Extreme<T>* found) {
  detail::in_groups(n, [&](auto g, Index at) {
#if defined(__AVX512F__)
    if constexpr (detail::kAvx512<kPath, T>) {
      return avx512::locate<decltype(g)::value>(row, begin, end, targets + at, found + at);
    }
#endif
    detail::locate_group<decltype(g)::value>(row, begin, end, targets + at, found + at);
  });
}

}  // namespace tripletcheck::eigen
