// The statistics of the regression gate: the Mann–Whitney U statistic and two-sided p-value
// against scipy.stats.mannwhitneyu (what compare.py calls), median, geometric mean.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "bench/report/statistics.hpp"

namespace tripletcheck::report {
namespace {

// p-values are sums of a few hundred terms (exact) or one erfc (asymptotic): agreement with
// scipy to this relative tolerance leaves room only for rounding.
constexpr double kRelativeTolerance = 1e-9;

struct Expected {
  const char* label;
  std::vector<double> x, y;
  double u1;
  double p_value;
  bool exact;
};

// Expected values from scipy 1.10.1 (Debian bookworm python3-scipy), computed with
//   from scipy.stats import mannwhitneyu
//   r = mannwhitneyu(x, y, alternative='two-sided'); print(r.statistic, r.pvalue)
// `exact` is scipy's method="auto" choice: exact unless both samples exceed 8 or there are ties.
const Expected kScipyCases[] = {
    // Fully separated, 3 vs 3: p = 2 / C(6, 3) = 0.1 by hand too.
    {"separated3", {1, 2, 3}, {4, 5, 6}, 0.0, 0.1, true},
    // 2 vs 2 fully separated: p = 2 / C(4, 2) = 1/3, never below 0.05.
    {"exact2v2", {1, 2}, {3, 4}, 0.0, 0.3333333333333333, true},
    {"exact5v6",
     {1.1, 2.3, 0.7, 4.2, 3.3},
     {2.9, 5.1, 6.0, 4.8, 3.9, 7.2},
     3.0,
     0.030303030303030304,
     true},
    // One small sample against a large one: still exact.
    {"exact4v12",
     {10.5, 11.2, 9.8, 12.9},
     {11.0, 11.7, 12.1, 12.4, 13.0, 13.3, 13.8, 14.1, 10.1, 12.6, 14.9, 15.2},
     9.0,
     0.07802197802197802,
     true},
    {"exact1v20",
     {100.0},
     {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19},
     20.0,
     0.09523809523809523,
     true},
    // 8 vs 8 separated: p = 2 / C(16, 8) = 2 / 12870.
    {"exact8v8",
     {1, 2, 3, 4, 5, 6, 7, 8},
     {9, 10, 11, 12, 13, 14, 15, 16},
     0.0,
     0.0001554001554001554,
     true},
    // 9 vs 9: the normal approximation with continuity correction.
    {"asym9v9sep",
     {1, 2, 3, 4, 5, 6, 7, 8, 9},
     {10, 11, 12, 13, 14, 15, 16, 17, 18},
     0.0,
     0.00041229480206169127,
     false},
    {"asym9v9same",
     {5, 3, 8, 1, 9, 2, 7, 4, 6},
     {5.5, 3.5, 8.5, 1.5, 9.5, 2.5, 7.5, 4.5, 6.5},
     36.0,
     0.7239320396139757,
     false},
    {"asym10v10",
     {1.02, 0.98, 1.05, 1.10, 0.97, 1.01, 1.03, 0.99, 1.07, 1.00},
     {1.08, 1.12, 1.04, 1.15, 1.09, 1.11, 1.06, 1.13, 0.995, 1.14},
     14.0,
     0.00728455700947966,
     false},
    // Ties force the normal approximation even for small samples, with the tie correction.
    {"ties4v5", {1, 2, 2, 3}, {2, 3, 4, 4, 5}, 2.5, 0.07854585095119067, false},
    // Everything tied: no evidence (scipy's zero variance gives p = 1 after clipping).
    {"alltied", {1, 1}, {1, 1, 1}, 3.0, 1.0, false},
};

TEST(MannWhitneyU, MatchesScipy) {
  for (const Expected& e : kScipyCases) {
    const UTest t = mann_whitney_u(e.x, e.y);
    EXPECT_DOUBLE_EQ(t.u1, e.u1) << e.label;
    EXPECT_NEAR(t.p_value, e.p_value, kRelativeTolerance * e.p_value) << e.label;
    EXPECT_EQ(t.exact, e.exact) << e.label;
  }
}

TEST(MannWhitneyU, TwoSidedPValueIsSymmetricInTheSamples) {
  for (const Expected& e : kScipyCases) {
    const UTest forward = mann_whitney_u(e.x, e.y), backward = mann_whitney_u(e.y, e.x);
    EXPECT_NEAR(forward.p_value, backward.p_value, kRelativeTolerance) << e.label;
    const double n1 = static_cast<double>(e.x.size()), n2 = static_cast<double>(e.y.size());
    EXPECT_DOUBLE_EQ(forward.u1 + backward.u1, n1 * n2) << e.label;
  }
}

TEST(MannWhitneyU, ExactDistributionSumsToOne) {
  // Identical orderings interleaved perfectly sit at the centre: P(U >= mn/2) * 2 clips to 1.
  const UTest t = mann_whitney_u({1, 3, 5, 7}, {2, 4, 6, 8});
  EXPECT_TRUE(t.exact);
  EXPECT_GT(t.p_value, 0.6);
  EXPECT_LE(t.p_value, 1.0);
  // A large exact case (8 vs 200) stays finite and within [0, 1].
  std::vector<double> many;
  for (int k = 0; k < 200; ++k) many.push_back(k + 0.5);
  const UTest big = mann_whitney_u({1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007}, many);
  EXPECT_TRUE(big.exact);
  EXPECT_GT(big.p_value, 0.0);
  EXPECT_LT(big.p_value, 1e-10);
}

TEST(MannWhitneyU, RejectsEmptySamples) {
  EXPECT_THROW(mann_whitney_u({}, {1.0}), std::invalid_argument);
}

TEST(MannWhitneyU, SmallestPValueExplainsWhyFewRepetitionsCannotGate) {
  EXPECT_DOUBLE_EQ(smallest_p_value(2, 2), 1.0 / 3.0);   // 2 / C(4, 2)
  EXPECT_DOUBLE_EQ(smallest_p_value(3, 3), 0.1);         // 2 / C(6, 3)
  EXPECT_NEAR(smallest_p_value(4, 4), 2.0 / 70, 1e-15);  // the first below 0.05
  EXPECT_DOUBLE_EQ(smallest_p_value(0, 5), 1.0);
}

TEST(SummaryStatistics, MedianAndGeometricMean) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_TRUE(std::isnan(median({})));
  EXPECT_DOUBLE_EQ(geometric_mean({2, 8}), 4);
  EXPECT_NEAR(geometric_mean({1.1, 1.0 / 1.1}), 1.0, 1e-15);
  EXPECT_TRUE(std::isnan(geometric_mean({})));
}

}  // namespace
}  // namespace tripletcheck::report
