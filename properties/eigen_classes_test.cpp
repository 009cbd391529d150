// The eigen backend's class order (optimized/eigen/classes.hpp) against its definition, computed
// the slow way: classes in order of first appearance, samples in batch order within a class, each
// position's class range, and Σ n(n − 1). Labels are drawn from small pools of arbitrary int64
// values (negative, extreme, and multiples of large powers of two, which share their hash's low
// bits), so batches hold repeated labels and probe runs in the label table. RC_PARAMS replays
// failures.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "optimized/eigen/classes.hpp"

namespace tripletcheck::eigen {
namespace {

Classes classify_slowly(const std::vector<std::int64_t>& labels) {
  const auto n = static_cast<std::int64_t>(labels.size());
  Classes c;
  std::vector<bool> placed(labels.size(), false);
  for (std::int64_t first = 0; first < n; ++first) {
    if (placed[static_cast<std::size_t>(first)]) continue;
    const auto begin = static_cast<std::int64_t>(c.order.size());
    for (std::int64_t k = first; k < n; ++k) {
      if (labels[static_cast<std::size_t>(k)] != labels[static_cast<std::size_t>(first)]) continue;
      placed[static_cast<std::size_t>(k)] = true;
      c.order.push_back(k);
    }
    const auto end = static_cast<std::int64_t>(c.order.size());
    for (std::int64_t p = begin; p < end; ++p) {
      c.class_begin.push_back(begin);
      c.class_end.push_back(end);
    }
    c.num_positive_pairs += (end - begin) * (end - begin - 1);
  }
  return c;
}

RC_GTEST_PROP(EigenClasses, FirstAppearanceOrderAndRanges, ()) {
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  const auto pool = *rc::gen::container<std::vector<std::int64_t>>(
      *rc::gen::inRange<std::size_t>(1, 40),
      rc::gen::oneOf(rc::gen::inRange<std::int64_t>(-5, 60),
                     rc::gen::element(kMin, kMax, kMin + 1, std::int64_t{-1}, std::int64_t{0}),
                     rc::gen::map(rc::gen::inRange<std::int64_t>(-8, 8),
                                  [](std::int64_t k) { return k * (std::int64_t{1} << 40); })));
  const auto labels = *rc::gen::container<std::vector<std::int64_t>>(
      *rc::gen::inRange<std::size_t>(0, 300), rc::gen::elementOf(pool));
  const Classes got = classify(labels.data(), static_cast<std::int64_t>(labels.size()));
  const Classes want = classify_slowly(labels);
  RC_ASSERT(got.order == want.order);
  RC_ASSERT(got.class_begin == want.class_begin);
  RC_ASSERT(got.class_end == want.class_end);
  RC_ASSERT(got.num_positive_pairs == want.num_positive_pairs);
}

// Many distinct labels that agree in their low 32 bits (random high bits), each twice: 2048 labels
// in a table of 8192 slots share slots and probe runs hundreds of times, so a table that compared
// part of a label would merge classes. (The random property rarely holds enough such labels at
// once; an arithmetic progression of labels never collides under Fibonacci hashing.)
TEST(EigenClasses, ManyLabelsEqualInTheirLowBits) {
  std::mt19937_64 rng(17);
  std::vector<std::int64_t> distinct;
  while (distinct.size() < 2048) {
    const auto label = static_cast<std::int64_t>(rng() & ~std::uint64_t{0xFFFFFFFF});
    if (std::find(distinct.begin(), distinct.end(), label) == distinct.end()) {
      distinct.push_back(label);
    }
  }
  std::vector<std::int64_t> labels = distinct;
  labels.insert(labels.end(), distinct.begin(), distinct.end());
  const Classes got = classify(labels.data(), static_cast<std::int64_t>(labels.size()));
  const Classes want = classify_slowly(labels);
  EXPECT_EQ(got.order, want.order);
  EXPECT_EQ(got.class_begin, want.class_begin);
  EXPECT_EQ(got.class_end, want.class_end);
  EXPECT_EQ(got.num_positive_pairs, 4096);
}

}  // namespace
}  // namespace tripletcheck::eigen
