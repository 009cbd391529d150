// Sorting the distances of a few columns of one row, in O(n): a stable LSD radix sort on the
// order-preserving integer image of the floating-point value. Ties keep ascending column order.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "optimized/eigen/types.hpp"

namespace tripletcheck::eigen {

template <class T>
using RadixKey = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

// Unsigned integers in the order of the values: flip every bit of a negative, set the sign bit
// of a positive. −0.0 is first made +0.0 so the two compare equal, as they do as floats. (D never
// holds NaN here.)
template <class T>
RadixKey<T> radix_key(T value) {
  using Key = RadixKey<T>;
  const T canonical = value == T(0) ? T(0) : value;
  Key bits;
  std::memcpy(&bits, &canonical, sizeof bits);
  constexpr Key kSign = Key(1) << (8 * sizeof(Key) - 1);
  return (bits & kSign) != 0 ? ~bits : (bits | kSign);
}

template <class T>
struct RadixEntry {
  RadixKey<T> key;
  std::int32_t column;
};

// Reusable buffers, so that sorting row after row allocates nothing.
template <class T>
struct RadixScratch {
  std::vector<RadixEntry<T>> buffer;
};

// Sorts `entries` (keys and columns filled in) by key, stably, one byte per pass; a pass whose
// byte is the same for every entry (the high bytes of nearby distances) is skipped.
template <class T>
void radix_sort(std::vector<RadixEntry<T>>& entries, RadixScratch<T>& scratch) {
  constexpr int kBits = 8;
  constexpr std::size_t kBuckets = std::size_t(1) << kBits;
  const std::size_t n = entries.size();
  scratch.buffer.resize(n);
  std::vector<RadixEntry<T>>* from = &entries;
  std::vector<RadixEntry<T>>* to = &scratch.buffer;
  for (int shift = 0; shift < static_cast<int>(8 * sizeof(RadixKey<T>)); shift += kBits) {
    std::array<std::size_t, kBuckets> count{};
    for (const auto& e : *from) ++count[(e.key >> shift) & (kBuckets - 1)];
    if (n > 0 && count[((*from)[0].key >> shift) & (kBuckets - 1)] == n) continue;
    std::size_t offset = 0;
    for (auto& c : count) {
      const std::size_t start = offset;
      offset += c;
      c = start;
    }
    for (const auto& e : *from) (*to)[count[(e.key >> shift) & (kBuckets - 1)]++] = e;
    std::swap(from, to);
  }
  if (from != &entries) entries.swap(scratch.buffer);
}

}  // namespace tripletcheck::eigen
