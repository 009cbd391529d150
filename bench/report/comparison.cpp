// Matching, testing and marking of benchmarks between two runs (see comparison.hpp).
#include "bench/report/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "bench/report/format.hpp"

namespace tripletcheck::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void judge(BenchmarkComparison& row, const GateSettings& settings) {
  const Benchmark& a = *row.baseline;
  const Benchmark& b = *row.contender;
  if (!a.error.empty() || !b.error.empty()) {
    row.mark = Mark::kNotComparable;
    row.note = "error: " + (a.error.empty() ? b.error : a.error);
    return;
  }
  if (!(row.baseline_seconds > 0) || !(row.contender_seconds > 0)) {
    row.mark = Mark::kNotComparable;
    row.note = "no timing on one side";
    return;
  }
  row.ratio = row.contender_seconds / row.baseline_seconds;
  if (std::min(row.baseline_repetitions, row.contender_repetitions) < kMinRepetitionsForTest) {
    row.mark = Mark::kNotSignificant;
    row.note =
        "no U test: needs " + std::to_string(kMinRepetitionsForTest) + "+ repetitions per side";
    return;
  }
  // Baseline first, as compare.py passes them; the two-sided p-value does not depend on it.
  row.u_test = mann_whitney_u(a.real_seconds, b.real_seconds);
  const bool significant = row.u_test->p_value < settings.alpha;
  if (!significant) {
    row.mark = Mark::kNotSignificant;
  } else if (row.ratio > 1 + settings.threshold) {
    row.mark = Mark::kWorse;
  } else if (row.ratio < 1 / (1 + settings.threshold)) {
    row.mark = Mark::kBetter;
  } else {
    row.mark = Mark::kWithinThreshold;
  }
}

void add_context_warning(Comparison& c) {
  if (c.context_mismatch) {
    c.warnings.push_back(c.settings.allow_context_mismatch
                             ? "The runs' contexts differ (see Context); compared anyway "
                               "(--allow-context-mismatch)."
                             : "The runs' contexts differ (see Context): not comparable. Rerun "
                               "both on one machine and build, or pass "
                               "--allow-context-mismatch.");
  }
}

void add_repetition_warnings(Comparison& c) {
  int fewest = std::numeric_limits<int>::max(), fewest_other = 0;
  for (const BenchmarkComparison& row : c.benchmarks) {
    if (row.baseline == nullptr || row.contender == nullptr) continue;
    const int n = std::min(row.baseline_repetitions, row.contender_repetitions);
    if (n < fewest) {
      fewest = n;
      fewest_other = std::max(row.baseline_repetitions, row.contender_repetitions);
    }
  }
  if (fewest == std::numeric_limits<int>::max()) return;  // nothing matched
  if (fewest < kMinRepetitionsForTest) {
    c.warnings.push_back(
        "Some benchmarks have " + std::to_string(fewest) +
        " repetition(s) on a side (aggregates only, or no --benchmark_repetitions): they are "
        "not tested and cannot fail. compare.py recommends " +
        std::to_string(kRecommendedRepetitions) + "+ repetitions.");
    return;
  }
  if (fewest < kRecommendedRepetitions) {
    c.warnings.push_back("Some benchmarks have only " + std::to_string(fewest) +
                         " repetitions on a side; compare.py recommends " +
                         std::to_string(kRecommendedRepetitions) +
                         "+ for the U test to be reliable.");
  }
  // With few repetitions even fully separated samples cannot reach alpha: say so, or a gate
  // that can never fire would look like a pass.
  const double floor_p = smallest_p_value(fewest, fewest_other);
  if (floor_p >= c.settings.alpha) {
    c.warnings.push_back("With " + std::to_string(fewest) + " vs " + std::to_string(fewest_other) +
                         " repetitions the smallest possible p-value is " +
                         format_p_value(floor_p) +
                         ", not below alpha = " + format_short(c.settings.alpha) +
                         ": no change can be confirmed. Use more repetitions.");
  }
}

}  // namespace

std::string to_string(Mark mark) {
  switch (mark) {
    case Mark::kWorse:
      return "worse";
    case Mark::kBetter:
      return "better";
    case Mark::kWithinThreshold:
      return "within threshold";
    case Mark::kNotSignificant:
      return "not significant";
    case Mark::kNew:
      return "new";
    case Mark::kMissing:
      return "missing";
    case Mark::kNotComparable:
      return "not comparable";
  }
  return "?";
}

BenchmarkComparison::BenchmarkComparison()
    : baseline_seconds(kNaN), contender_seconds(kNaN), ratio(kNaN) {}

Comparison::Comparison() : geomean_ratio(kNaN) {}

int Comparison::count(Mark mark) const {
  return static_cast<int>(
      std::count_if(benchmarks.begin(), benchmarks.end(),
                    [&](const BenchmarkComparison& b) { return b.mark == mark; }));
}

Comparison compare_runs(const Results& baseline, const Results& contender,
                        const GateSettings& settings) {
  Comparison c;
  c.settings = settings;
  for (const Source& s : baseline.sources) c.baseline_files.push_back(s.path);
  for (const Source& s : contender.sources) c.contender_files.push_back(s.path);
  c.baseline_context = side_context(baseline);
  c.contender_context = side_context(contender);
  c.context_differences = compare_contexts(c.baseline_context, c.contender_context);
  c.context_mismatch = std::any_of(c.context_differences.begin(), c.context_differences.end(),
                                   [](const ContextDifference& d) { return d.blocks_comparison; });
  const bool comparable = !c.context_mismatch || settings.allow_context_mismatch;

  std::vector<double> ratios;
  auto add_row = [&](const Benchmark* a, const Benchmark* b) {
    BenchmarkComparison row;
    row.name = (a != nullptr ? a : b)->name;
    row.baseline = a;
    row.contender = b;
    if (a != nullptr) {
      row.baseline_seconds = a->seconds();
      row.baseline_repetitions = a->repetitions();
    }
    if (b != nullptr) {
      row.contender_seconds = b->seconds();
      row.contender_repetitions = b->repetitions();
    }
    if (a == nullptr) {
      row.mark = Mark::kNew;
    } else if (b == nullptr) {
      row.mark = Mark::kMissing;
    } else if (!comparable) {
      row.mark = Mark::kNotComparable;
      row.note = "contexts differ";
    } else {
      judge(row, settings);
      if (!std::isnan(row.ratio)) ratios.push_back(row.ratio);
    }
    c.benchmarks.push_back(row);
  };
  for (const Benchmark& a : baseline.benchmarks) add_row(&a, contender.find(a.name));
  for (const Benchmark& b : contender.benchmarks) {
    if (baseline.find(b.name) == nullptr) add_row(nullptr, &b);
  }
  c.compared = static_cast<int>(ratios.size());
  c.geomean_ratio = geometric_mean(ratios);
  add_repetition_warnings(c);
  add_context_warning(c);
  return c;
}

}  // namespace tripletcheck::report
