// The regression gate on synthetic runs: a known 20% slowdown is flagged, runs drawn from one
// distribution are not (false-alarm rate measured over many seeded trials and printed), and
// the marks for new, missing, better and incomparable runs.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "bench/report/comparison.hpp"
#include "bench/report/results.hpp"
#include "synthetic_benchmarks.hpp"
#include "tripletcheck/errors.hpp"

namespace tripletcheck::report {
namespace {

using tripletcheck_test::synthetic_context;
using tripletcheck_test::synthetic_results;

// The experiment: many trials of 10 repetitions per side. 1000 trials put the standard
// error of a rate near 0.05 at about 0.007.
constexpr int kTrials = 1000;
constexpr int kRepetitions = 10;
constexpr std::uint64_t kSeed = 20261128;
const std::vector<std::string> kNames = {"eigen/semihard/L2/fwdbwd/B:1024/D:128/K:4"};
const std::vector<double> kMedians = {2.5e-3};

struct Rates {
  double p_below_alpha = 0;  // the U test alone
  double flagged = 0;        // the gate: ratio threshold and significance
};

Rates measure(double slowdown, const GateSettings& gate) {
  std::mt19937_64 rng(kSeed);
  int significant = 0, flagged = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    const Results base =
        parse_results(synthetic_results(kNames, kMedians, 1.0, kRepetitions, rng), "base");
    const Results cont =
        parse_results(synthetic_results(kNames, kMedians, slowdown, kRepetitions, rng), "cont");
    const Comparison c = compare_runs(base, cont, gate);
    const BenchmarkComparison& row = c.benchmarks.at(0);
    if (row.u_test && row.u_test->p_value < gate.alpha) ++significant;
    if (row.mark == Mark::kWorse) ++flagged;
  }
  return {static_cast<double>(significant) / kTrials, static_cast<double>(flagged) / kTrials};
}

TEST(RegressionGate, FalseAlarmRateOfIdenticalRunsIsAtMostAlpha) {
  const GateSettings gate;
  const Rates r = measure(1.0, gate);
  std::cout << "[ measured ] same distribution, " << kTrials << " trials x " << kRepetitions
            << " repetitions: U test p < " << gate.alpha << " in " << r.p_below_alpha
            << " of trials; gate (ratio > " << 1 + gate.threshold << " and significant) flagged "
            << r.flagged << "\n";
  ::testing::Test::RecordProperty("u_test_false_alarm_rate", std::to_string(r.p_below_alpha));
  ::testing::Test::RecordProperty("gate_false_alarm_rate", std::to_string(r.flagged));
  // The test alone holds its level (within three standard errors of the estimate) ...
  const double standard_error = std::sqrt(gate.alpha * (1 - gate.alpha) / kTrials);
  EXPECT_LE(r.p_below_alpha, gate.alpha + 3 * standard_error);
  // ... and the gate, which also needs a slowdown beyond the threshold, stays below it.
  EXPECT_LE(r.flagged, gate.alpha);
}

TEST(RegressionGate, DetectsATwentyPercentSlowdown) {
  const GateSettings gate;
  const Rates r = measure(1.2, gate);
  std::cout << "[ measured ] 20% slowdown, " << kTrials << " trials x " << kRepetitions
            << " repetitions: flagged in " << r.flagged << " of trials\n";
  ::testing::Test::RecordProperty("detection_rate_20_percent", std::to_string(r.flagged));
  // With 5% jitter and occasional interference, 10 repetitions separate a 20% shift nearly
  // always; the bound leaves room for the generator, not for a broken test.
  EXPECT_GE(r.flagged, 0.95);
}

TEST(RegressionGate, SlowdownBelowThresholdIsNotARegression) {
  // 2% slower with almost no noise: significant, but within the 5% threshold.
  std::mt19937_64 rng(kSeed);
  tripletcheck_test::Noise quiet;
  quiet.jitter_sigma = 0.002;
  quiet.interference_probability = 0;
  const Results base = parse_results(synthetic_results(kNames, kMedians, 1.0, 10, rng, quiet), "a");
  const Results cont =
      parse_results(synthetic_results(kNames, kMedians, 1.02, 10, rng, quiet), "b");
  const Comparison c = compare_runs(base, cont, GateSettings{});
  EXPECT_EQ(c.benchmarks.at(0).mark, Mark::kWithinThreshold);
  GateSettings strict;
  strict.threshold = 0.01;
  EXPECT_EQ(compare_runs(base, cont, strict).benchmarks.at(0).mark, Mark::kWorse);
}

TEST(RegressionGate, MarksNewMissingBetterAndGeometricMean) {
  std::mt19937_64 rng(kSeed);
  tripletcheck_test::Noise quiet;
  quiet.jitter_sigma = 0.01;
  quiet.interference_probability = 0;
  const std::string kept = "eigen/semihard/L2/fwd/B:256/D:128/K:4";
  const std::string gone = "reference/semihard/L2/fwd/B:256/D:128/K:4";
  const std::string added = "torch-tfa/semihard/L2/fwd/B:256/D:128/K:4";
  const Results base =
      parse_results(synthetic_results({kept, gone}, {1e-3, 5e-3}, 1.0, 10, rng, quiet), "a");
  const Results cont =
      parse_results(synthetic_results({kept, added}, {1e-3, 5e-3}, 0.5, 10, rng, quiet), "b");
  const Comparison c = compare_runs(base, cont, GateSettings{});
  ASSERT_EQ(c.benchmarks.size(), 3u);
  EXPECT_EQ(c.benchmarks[0].mark, Mark::kBetter);
  EXPECT_EQ(c.benchmarks[1].mark, Mark::kMissing);
  EXPECT_EQ(c.benchmarks[2].mark, Mark::kNew);
  EXPECT_EQ(c.compared, 1);
  EXPECT_NEAR(c.geomean_ratio, 0.5, 0.02);
  EXPECT_EQ(c.regressions(), 0);
}

TEST(RegressionGate, FewRepetitionsAreWarnedAndCannotConfirm) {
  std::mt19937_64 rng(kSeed);
  const Results base = parse_results(synthetic_results(kNames, kMedians, 1.0, 3, rng), "a");
  const Results cont = parse_results(synthetic_results(kNames, kMedians, 2.0, 3, rng), "b");
  const Comparison c = compare_runs(base, cont, GateSettings{});
  EXPECT_EQ(c.benchmarks.at(0).mark, Mark::kNotSignificant);  // p >= 0.1 with 3 vs 3
  ASSERT_EQ(c.warnings.size(), 2u);
  EXPECT_NE(c.warnings[0].find("recommends 9+"), std::string::npos);
  EXPECT_NE(c.warnings[1].find("smallest possible p-value"), std::string::npos);
}

TEST(RegressionGate, DifferentContextsAreNotComparedUnlessAllowed) {
  std::mt19937_64 rng(kSeed);
  nlohmann::json other = synthetic_context("def456");
  other["compiler"] = "Clang 16.0.6";
  const Results base = parse_results(synthetic_results(kNames, kMedians, 1.0, 10, rng), "a");
  const Results cont =
      parse_results(synthetic_results(kNames, kMedians, 1.5, 10, rng, {}, other), "b");
  const Comparison refused = compare_runs(base, cont, GateSettings{});
  EXPECT_TRUE(refused.context_mismatch);
  EXPECT_EQ(refused.benchmarks.at(0).mark, Mark::kNotComparable);
  EXPECT_EQ(refused.regressions(), 0);
  // The revision differs too, but is expected to: only the compiler blocks.
  int blocking = 0;
  for (const ContextDifference& d : refused.context_differences) {
    if (d.blocks_comparison) {
      ++blocking;
      EXPECT_EQ(d.key, "compiler");
    }
  }
  EXPECT_EQ(blocking, 1);

  GateSettings allow;
  allow.allow_context_mismatch = true;
  const Comparison forced = compare_runs(base, cont, allow);
  EXPECT_EQ(forced.benchmarks.at(0).mark, Mark::kWorse);
  EXPECT_NE(forced.warnings.back().find("--allow-context-mismatch"), std::string::npos);
}

TEST(RegressionGate, ContextKeysOnOneSideOnlyOrSmallClockDriftDoNotBlock) {
  Context a = {{"num_cpus", "2"}, {"mhz_per_cpu", "2596"}};
  Context b = {{"num_cpus", "2"}, {"mhz_per_cpu", "2601"}, {"compiler", "GNU 12.2.0"}};
  const auto differences = compare_contexts(a, b);
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_EQ(differences[0].key, "compiler");
  EXPECT_FALSE(differences[0].blocks_comparison);
  b["mhz_per_cpu"] = "3400";  // another machine, not drift
  const auto moved = compare_contexts(a, b);
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved[1].key, "mhz_per_cpu");
  EXPECT_TRUE(moved[1].blocks_comparison);
}

TEST(RegressionGate, FilesOfOneSideMustShareTheirContext) {
  std::mt19937_64 rng(kSeed);
  nlohmann::json other = synthetic_context();
  other["num_cpus"] = 64;
  Results side = parse_results(synthetic_results(kNames, kMedians, 1.0, 5, rng), "round-1.json");
  side.merge(
      parse_results(synthetic_results(kNames, kMedians, 1.0, 5, rng, {}, other), "round-2.json"));
  EXPECT_EQ(side.benchmarks.at(0).repetitions(), 10);
  EXPECT_THROW(side_context(side), InvalidArgument);
}

}  // namespace
}  // namespace tripletcheck::report
