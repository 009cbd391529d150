// The eigen miners find extremes in two passes (optimized/eigen/value_scans.hpp: values first,
// then the ties of the values they route; value_scans_avx512.hpp in an AVX-512 build). They must
// give what one plain pass in column order gives: the same value (±0 alike), the same number of
// tied entries and the same first one, or a routed gradient is split among the wrong entries. Rows
// of 0..70 entries (shorter and longer than a packet, odd ranges), drawn from a few values so that
// ties are the rule, with ±0 and ±Inf, float32 and float64, up to 9 thresholds at a time (more than
// one group of kScanGroup). Each case checks both scan paths on the same row: the build's best and
// Eigen's packets (the same loops where the build does not target AVX-512). RC_PARAMS replays
// failures.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "optimized/eigen/value_scans.hpp"

namespace tripletcheck::eigen {
namespace {

template <class T>
struct Row {
  std::vector<T> entries;
  Index begin = 0;
  Index end = 0;
};

template <class T>
rc::Gen<Row<T>> rows() {
  return rc::gen::exec([] {
    constexpr T kInf = std::numeric_limits<T>::infinity();
    // Few distinct values: ties, −0 against +0, infinities.
    const auto pool = *rc::gen::container<std::vector<T>>(
        *rc::gen::inRange<std::size_t>(1, 6),
        rc::gen::element<T>(T(0), -T(0), T(0.5), T(1), T(1.25), T(3), kInf, -kInf, T(-2)));
    Row<T> row;
    row.entries = *rc::gen::container<std::vector<T>>(*rc::gen::inRange<std::size_t>(0, 71),
                                                      rc::gen::elementOf(pool));
    const auto n = static_cast<Index>(row.entries.size());
    row.begin = *rc::gen::inRange<Index>(0, n + 1);
    row.end = *rc::gen::inRange<Index>(row.begin, n + 1);
    return row;
  });
}

// The plain pass: the smallest or the largest entry (of those strictly above *above if given).
template <bool kMax, class T>
Extreme<T> plain_pass(const Row<T>& row, const T* above = nullptr) {
  Extreme<T> e;
  for (Index k = row.begin; k < row.end; ++k) {
    const T v = row.entries[static_cast<std::size_t>(k)];
    if (above != nullptr && !(v > *above)) continue;
    if (e.count == 0 || (kMax ? v > e.value : v < e.value)) {
      e = {v, 1, k};
    } else if (v == e.value) {
      ++e.count;
    }
  }
  return e;
}

template <class T>
std::string show(const Extreme<T>& e) {
  return "{value " + std::to_string(e.value) + ", count " + std::to_string(e.count) + ", first " +
         std::to_string(e.first) + "}";
}

// The located extreme of a nonempty range against the plain pass.
template <class T>
void expect_same(const Extreme<T>& located, const Extreme<T>& plain, const std::string& what) {
  RC_ASSERT(plain.count > 0);
  if (!(located.value == plain.value && located.count == plain.count &&
        located.first == plain.first)) {
    RC_FAIL(what + ": value scans give " + show(located) + ", one plain pass " + show(plain));
  }
}

template <ScanPath kPath, class T>
void min_and_max_agree(const Row<T>& row) {
  const T* data = row.entries.data();
  T low = std::numeric_limits<T>::infinity();
  T high = -std::numeric_limits<T>::infinity();
  value_min_max<kPath>(data, row.begin, row.end, low, high);
  const Extreme<T> plain_low = plain_pass<false>(row);
  const Extreme<T> plain_high = plain_pass<true>(row);
  Extreme<T> found[2] = {Extreme<T>{low}, Extreme<T>{high}};
  const T targets[2] = {low, high};
  locate<kPath>(data, row.begin, row.end, targets, 2, found);
  const std::string path = kPath == ScanPath::kBest ? "best path, " : "packets path, ";
  expect_same(found[0], plain_low, path + "minimum");
  expect_same(found[1], plain_high, path + "maximum");
}

template <class T>
void min_and_max_agree_on_both_paths() {
  const Row<T> row = *rows<T>();
  RC_PRE(row.end > row.begin);
  min_and_max_agree<ScanPath::kBest>(row);
  min_and_max_agree<ScanPath::kPackets>(row);
}

template <ScanPath kPath, class T>
void minima_above_agree(const Row<T>& row, const std::vector<T>& thresholds) {
  const T* data = row.entries.data();
  const auto n = static_cast<Index>(thresholds.size());
  std::vector<T> minima(thresholds.size(), std::numeric_limits<T>::infinity());
  value_min_above<kPath>(data, row.begin, row.end, thresholds.data(), n, minima.data());
  // The miners locate only the thresholds with an entry above them (the range's maximum says).
  std::vector<Extreme<T>> found;
  std::vector<T> targets;
  std::vector<Extreme<T>> plain;
  T low = std::numeric_limits<T>::infinity();
  T high = -std::numeric_limits<T>::infinity();
  value_min_max<kPath>(data, row.begin, row.end, low, high);
  for (std::size_t g = 0; g < thresholds.size(); ++g) {
    const Extreme<T> e = plain_pass<false>(row, &thresholds[g]);
    RC_ASSERT((high > thresholds[g]) == (e.count > 0));
    if (e.count == 0) continue;
    plain.push_back(e);
    targets.push_back(minima[g]);
    found.push_back(Extreme<T>{minima[g]});
  }
  locate<kPath>(data, row.begin, row.end, targets.data(), static_cast<Index>(targets.size()),
                found.data());
  const std::string path = kPath == ScanPath::kBest ? "best path, " : "packets path, ";
  for (std::size_t k = 0; k < found.size(); ++k) {
    expect_same(found[k], plain[k], path + "threshold " + std::to_string(k));
  }
}

template <class T>
void minima_above_agree_on_both_paths() {
  const Row<T> row = *rows<T>();
  const auto thresholds = *rc::gen::container<std::vector<T>>(
      *rc::gen::inRange<std::size_t>(1, 10),
      rc::gen::elementOf(row.entries.empty() ? std::vector<T>{T(1)} : row.entries));
  minima_above_agree<ScanPath::kBest>(row, thresholds);
  minima_above_agree<ScanPath::kPackets>(row, thresholds);
}

RC_GTEST_PROP(EigenScans, MinMaxAndTiesAsOnePlainPassFloat, ()) {
  min_and_max_agree_on_both_paths<float>();
}
RC_GTEST_PROP(EigenScans, MinMaxAndTiesAsOnePlainPassDouble, ()) {
  min_and_max_agree_on_both_paths<double>();
}
RC_GTEST_PROP(EigenScans, MinimaAboveAndTiesAsOnePlainPassFloat, ()) {
  minima_above_agree_on_both_paths<float>();
}
RC_GTEST_PROP(EigenScans, MinimaAboveAndTiesAsOnePlainPassDouble, ()) {
  minima_above_agree_on_both_paths<double>();
}

}  // namespace
}  // namespace tripletcheck::eigen
