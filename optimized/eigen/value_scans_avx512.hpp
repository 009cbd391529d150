// value_scans.hpp's three scans with AVX-512's mask registers, for builds that target it. Eigen's
// packet primitives emulate masks as vectors: its compare builds a vector of lane masks from the
// mask register and its select turns that back, so a strict min-above took five instructions per
// packet and target where a compare and a masked min take two; its equality test visited all
// lanes of a packet with a match one by one, where the mask gives the count and the first lane;
// and ranges that do not end on a packet boundary went element by element, where a masked load
// takes the tail. Min and max are exact, so the order of the lanes and accumulators changes at
// most the sign of a zero result, which no miner tells apart (they compare values, ±0 alike).
#pragma once

#if defined(__AVX512F__)
#include <immintrin.h>

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "optimized/eigen/types.hpp"

namespace tripletcheck::eigen::avx512 {

// The instructions for float (16 lanes) or double (8); Mask has a bit per lane. Unmasked
// operations are written as masked ones with every lane set: GCC 12's unmasked intrinsics start
// from an "undefined" vector (`__m512 __Y = __Y;`) that -Wuninitialized reports once inlined.
template <class T>
struct Lanes {
  static constexpr bool kFloat = std::is_same_v<T, float>;
  using Vec = typename Eigen::internal::packet_traits<T>::type;  // __m512 or __m512d
  using Mask = std::conditional_t<kFloat, __mmask16, __mmask8>;
  static constexpr Index kWidth = kFloat ? 16 : 8;
  static constexpr Mask kAll = static_cast<Mask>(~0u);

  static Vec set1(T x) {
    if constexpr (kFloat)
      return _mm512_set1_ps(x);
    else
      return _mm512_set1_pd(x);
  }
  static Vec load(const T* p) {
    if constexpr (kFloat)
      return _mm512_loadu_ps(p);
    else
      return _mm512_loadu_pd(p);
  }
  static Mask first_lanes(Index n) { return static_cast<Mask>((1u << n) - 1u); }
  // The first n lanes from p (n < kWidth), `fill` in the others; reads nothing past p + n.
  static Vec load_first(const T* p, Index n, Vec fill) {
    if constexpr (kFloat)
      return _mm512_mask_loadu_ps(fill, first_lanes(n), p);
    else
      return _mm512_mask_loadu_pd(fill, first_lanes(n), p);
  }
  static Mask greater(Vec v, Vec limit) {
    if constexpr (kFloat)
      return _mm512_cmp_ps_mask(limit, v, _CMP_LT_OQ);
    else
      return _mm512_cmp_pd_mask(limit, v, _CMP_LT_OQ);
  }
  static Mask equal(Vec v, Vec target) {
    if constexpr (kFloat)
      return _mm512_cmp_ps_mask(v, target, _CMP_EQ_OQ);
    else
      return _mm512_cmp_pd_mask(v, target, _CMP_EQ_OQ);
  }
  // best = min(v, best) in the lanes of m, best kept on equality.
  static Vec min_where(Vec best, Mask m, Vec v) {
    if constexpr (kFloat)
      return _mm512_mask_min_ps(best, m, v, best);
    else
      return _mm512_mask_min_pd(best, m, v, best);
  }
  static Vec min(Vec a, Vec b) { return min_where(a, kAll, b); }
  static Vec max(Vec a, Vec b) {
    if constexpr (kFloat)
      return _mm512_mask_max_ps(a, kAll, a, b);
    else
      return _mm512_mask_max_pd(a, kAll, a, b);
  }
  // Each lane's partner in the other half, then quarter, then 64-bit pair (float), then
  // neighbour; lane 0 ends with all of them.
  template <class Op>
  static T reduce(Vec v, Op op) {
    if constexpr (kFloat) {
      v = op(v, _mm512_mask_shuffle_f32x4(v, kAll, v, v, 0x4E));
      v = op(v, _mm512_mask_shuffle_f32x4(v, kAll, v, v, 0xB1));
      v = op(v, _mm512_mask_permute_ps(v, kAll, v, 0x4E));
      v = op(v, _mm512_mask_permute_ps(v, kAll, v, 0xB1));
      return _mm512_cvtss_f32(v);
    } else {
      v = op(v, _mm512_mask_shuffle_f64x2(v, kAll, v, v, 0x4E));
      v = op(v, _mm512_mask_shuffle_f64x2(v, kAll, v, v, 0xB1));
      v = op(v, _mm512_mask_permute_pd(v, kAll, v, 0x55));
      return _mm512_cvtsd_f64(v);
    }
  }
};

// minimum = min(minimum, row[begin, end)), maximum likewise. Two accumulators each: a min's
// latency is four cycles, its throughput two per cycle.
template <class T>
void min_max(const T* row, Index begin, Index end, T& minimum, T& maximum) {
  using L = Lanes<T>;
  typename L::Vec low[2] = {L::set1(minimum), L::set1(minimum)};
  typename L::Vec high[2] = {L::set1(maximum), L::set1(maximum)};
  Index k = begin;
  for (; k + 2 * L::kWidth <= end; k += 2 * L::kWidth) {
    for (int u = 0; u < 2; ++u) {
      const typename L::Vec v = L::load(row + k + u * L::kWidth);
      low[u] = L::min(low[u], v);
      high[u] = L::max(high[u], v);
    }
  }
  for (; k < end; k += L::kWidth) {
    // A short packet repeats the accumulators' own values in its missing lanes.
    const Index n = end - k;
    const typename L::Vec v_low =
        n >= L::kWidth ? L::load(row + k) : L::load_first(row + k, n, low[0]);
    const typename L::Vec v_high = n >= L::kWidth ? v_low : L::load_first(row + k, n, high[0]);
    low[0] = L::min(low[0], v_low);
    high[0] = L::max(high[0], v_high);
  }
  minimum = L::reduce(L::min(low[0], low[1]), L::min);
  maximum = L::reduce(L::max(high[0], high[1]), L::max);
}

// mins[g] = min(mins[g], smallest entry of row[begin, end) strictly greater than thresholds[g]),
// G thresholds per pass.
template <Index G, class T>
void min_above(const T* row, Index begin, Index end, const T* thresholds, T* mins) {
  using L = Lanes<T>;
  typename L::Vec limit[G];
  typename L::Vec best[G];
  for (Index g = 0; g < G; ++g) {
    limit[g] = L::set1(thresholds[g]);
    best[g] = L::set1(mins[g]);
  }
  const typename L::Vec inf = L::set1(std::numeric_limits<T>::infinity());
  for (Index k = begin; k < end; k += L::kWidth) {
    // Missing lanes of a short packet read +Inf, which is above no smaller minimum.
    const Index n = end - k;
    const typename L::Vec v = n >= L::kWidth ? L::load(row + k) : L::load_first(row + k, n, inf);
    for (Index g = 0; g < G; ++g) best[g] = L::min_where(best[g], L::greater(v, limit[g]), v);
  }
  for (Index g = 0; g < G; ++g) mins[g] = L::reduce(best[g], L::min);
}

// Adds to found[g] the entries of row[begin, end) equal to targets[g]: their count, and the first
// of them if it comes before found[g].first.
template <Index G, class T, class Found>
void locate(const T* row, Index begin, Index end, const T* targets, Found* found) {
  using L = Lanes<T>;
  typename L::Vec target[G];
  for (Index g = 0; g < G; ++g) target[g] = L::set1(targets[g]);
  for (Index k = begin; k < end; k += L::kWidth) {
    const Index n = end - k;
    const bool whole = n >= L::kWidth;
    const typename L::Vec v = whole ? L::load(row + k) : L::load_first(row + k, n, target[0]);
    const typename L::Mask valid = whole ? L::kAll : L::first_lanes(n);
    typename L::Mask equal[G];
    std::uint32_t any = 0;
    for (Index g = 0; g < G; ++g) {
      equal[g] = L::equal(v, target[g]) & valid;
      any |= equal[g];
    }
    if (any == 0) continue;
    for (Index g = 0; g < G; ++g) {
      if (equal[g] == 0) continue;
      const Index first = k + __builtin_ctz(static_cast<unsigned>(equal[g]));
      if (found[g].count == 0 || first < found[g].first) found[g].first = first;
      found[g].count += __builtin_popcount(static_cast<unsigned>(equal[g]));
    }
  }
}

}  // namespace tripletcheck::eigen::avx512

#endif  // __AVX512F__
