// The packet-level updates of tile_mining.cpp's extremes. Lane masks are Eigen packets (all bits
// set or clear) in general, and AVX-512 mask registers where the build targets AVX-512: there a
// compare, a select or a masked add is one instruction, where Eigen's packet compare and select
// are two each (the mask is expanded into a vector and back), and these updates run twice per
// entry of D, as often as the GEMM's multiply-adds per D/16 entries.
#pragma once

#include <Eigen/Core>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

// Templates over packet types: the vector types' alignment attributes do not take part in a
// template's identity, which is harmless here (Eigen's own PacketBlock warns alike).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"

namespace tripletcheck::eigen::lanes {

namespace ei = Eigen::internal;

// Lane masks over packets P: comparisons are false where either side is NaN.
template <class P>
struct Masks {
  using Mask = P;
  static Mask less(const P& a, const P& b) { return ei::pcmp_lt(a, b); }
  static Mask less_equal(const P& a, const P& b) { return ei::pcmp_le(a, b); }
  static Mask equal(const P& a, const P& b) { return ei::pcmp_eq(a, b); }
  static Mask both(const Mask& a, const Mask& b) { return ei::pand(a, b); }
  static Mask either(const Mask& a, const Mask& b) { return ei::por(a, b); }
  static Mask none_of(const Mask& a) { return ei::pandnot(ei::ptrue(a), a); }
  static bool any(const Mask& a) { return ei::predux_any(a); }
  static Mask all() { return ei::ptrue(P()); }
  // m ? a : b, lane by lane.
  static P select(const Mask& m, const P& a, const P& b) { return ei::pselect(m, a, b); }
  // x + 1 where m.
  static P add_one(const P& x, const Mask& m) { return ei::padd(x, ei::pand(m, ei::pset1<P>(1))); }
};

#if defined(__AVX512F__)
// The AVX-512 forms for a packet type: its compare into a mask register, blend and masked add.
struct Avx512Floats {
  using P = Eigen::internal::Packet16f;
  using Mask = __mmask16;
  template <int kPredicate>
  static Mask compare(const P& a, const P& b) {
    return _mm512_cmp_ps_mask(a, b, kPredicate);
  }
  static P blend(Mask m, const P& b, const P& a) { return _mm512_mask_blend_ps(m, b, a); }
  static P add_one(const P& x, Mask m) { return _mm512_mask_add_ps(x, m, x, _mm512_set1_ps(1)); }
};
struct Avx512Doubles {
  using P = Eigen::internal::Packet8d;
  using Mask = __mmask8;
  template <int kPredicate>
  static Mask compare(const P& a, const P& b) {
    return _mm512_cmp_pd_mask(a, b, kPredicate);
  }
  static P blend(Mask m, const P& b, const P& a) { return _mm512_mask_blend_pd(m, b, a); }
  static P add_one(const P& x, Mask m) { return _mm512_mask_add_pd(x, m, x, _mm512_set1_pd(1)); }
};

template <class Isa>
struct Avx512Masks {
  using P = typename Isa::P;
  using Mask = typename Isa::Mask;
  static Mask less(const P& a, const P& b) { return Isa::template compare<_CMP_LT_OQ>(a, b); }
  static Mask less_equal(const P& a, const P& b) { return Isa::template compare<_CMP_LE_OQ>(a, b); }
  static Mask equal(const P& a, const P& b) { return Isa::template compare<_CMP_EQ_OQ>(a, b); }
  static Mask both(Mask a, Mask b) { return static_cast<Mask>(a & b); }
  static Mask either(Mask a, Mask b) { return static_cast<Mask>(a | b); }
  static Mask none_of(Mask a) { return static_cast<Mask>(~a); }
  static bool any(Mask a) { return a != 0; }
  static Mask all() { return static_cast<Mask>(~Mask{0}); }
  static P select(Mask m, const P& a, const P& b) { return Isa::blend(m, b, a); }
  static P add_one(const P& x, Mask m) { return Isa::add_one(x, m); }
};

template <>
struct Masks<Eigen::internal::Packet16f> : Avx512Masks<Avx512Floats> {};
template <>
struct Masks<Eigen::internal::Packet8d> : Avx512Masks<Avx512Doubles> {};
#endif

// The fields of an extreme over the entries seen so far, all in T's lanes: the value, how many
// entries equal it, the column of the first of them seen and of the last (so that a tie of two,
// common in float32 past B = 4096, is routed without the row; columns are exact in T, see
// tile_mining_applies). NaN entries (padding, entries outside the lower triangle) compare false
// with everything and change nothing.
template <class P>
struct Extremes {
  P value;
  P count;
  P first;
  P last;
};

// Entries d (in lanes where `member`) at `column` into the extremes s: the minimum or maximum.
template <class P, class Mask>
EIGEN_ALWAYS_INLINE void take(Extremes<P>& s, const P& d, const Mask& member, const P& column,
                              bool minimum) {
  using M = Masks<P>;
  const Mask better = M::both(minimum ? M::less(d, s.value) : M::less(s.value, d), member);
  const Mask equal = M::both(M::equal(d, s.value), member);
  s.value = M::select(better, d, s.value);
  s.count = M::select(better, ei::pset1<P>(1), M::add_one(s.count, equal));
  s.first = M::select(better, column, s.first);
  s.last = M::select(equal, column, s.last);
}

// The row's minimum (value) and maximum (value and count: whom a leak to the shift reaches).
template <class P>
EIGEN_ALWAYS_INLINE void take_row(P& low, P& high, P& high_count, const P& d) {
  using M = Masks<P>;
  low = M::select(M::less(d, low), d, low);
  const auto better = M::less(high, d);
  high_count = M::select(better, ei::pset1<P>(1), M::add_one(high_count, M::equal(d, high)));
  high = M::select(better, d, high);
}

}  // namespace tripletcheck::eigen::lanes

#pragma GCC diagnostic pop
