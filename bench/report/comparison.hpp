// The regression gate of `tripletcheck compare`: benchmarks matched by name between a baseline
// and a contender run, a two-sided Mann–Whitney U test on the repetitions' wall times (as
// compare.py), and a regression confirmed only when the slowdown is both larger than a ratio
// threshold and significant.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench/report/context.hpp"
#include "bench/report/results.hpp"
#include "bench/report/statistics.hpp"

namespace tripletcheck::report {

// compare.py runs its U test from 2 repetitions on, and warns below 9.
inline constexpr int kMinRepetitionsForTest = 2;
inline constexpr int kRecommendedRepetitions = 9;

struct GateSettings {
  double threshold = 0.05;  // a slowdown must exceed 5 % (median ratio above 1.05) ...
  double alpha = 0.05;      // ... and be significant: p below alpha
  bool allow_context_mismatch = false;
};

enum class Mark {
  kWorse,            // slower beyond the threshold, significant: a confirmed regression
  kBetter,           // faster beyond the threshold (ratio below 1 / (1 + threshold)), significant
  kWithinThreshold,  // significant, but the change is smaller than the threshold
  kNotSignificant,   // p >= alpha, or too few repetitions to test
  kNew,              // in the contender only
  kMissing,          // in the baseline only
  kNotComparable,    // contexts differ (without the override), an error, or no timing
};
std::string to_string(Mark mark);  // "worse", "better", "within threshold", ...

struct BenchmarkComparison {
  std::string name;
  Mark mark = Mark::kNotSignificant;
  double baseline_seconds;  // medians; NaN when absent
  double contender_seconds;
  double ratio;  // contender over baseline: above 1 is slower; NaN when not compared
  std::optional<UTest> u_test;
  int baseline_repetitions = 0;
  int contender_repetitions = 0;
  const Benchmark* baseline = nullptr;  // into the Results given to compare_runs
  const Benchmark* contender = nullptr;
  std::string note;  // why there is no test, the error, ...
  BenchmarkComparison();
};

struct Comparison {
  GateSettings settings;
  std::vector<std::string> baseline_files, contender_files;
  Context baseline_context, contender_context;
  std::vector<ContextDifference> context_differences;
  bool context_mismatch = false;  // a difference that blocks comparison (overridden or not)
  std::vector<BenchmarkComparison> benchmarks;
  double geomean_ratio;  // over the compared benchmarks; NaN when none
  int compared = 0;      // benchmarks with a ratio
  std::vector<std::string> warnings;
  Comparison();

  int count(Mark mark) const;
  int regressions() const { return count(Mark::kWorse); }
};

// The Results must outlive the Comparison (rows point into them).
Comparison compare_runs(const Results& baseline, const Results& contender,
                        const GateSettings& settings);

}  // namespace tripletcheck::report
