// The statistics of the regression gate: median, geometric mean, and the two-sided Mann–Whitney U
// test computed as scipy.stats.mannwhitneyu does by default, which is what compare.py calls.
#pragma once

#include <vector>

namespace tripletcheck::report {

double median(std::vector<double> values);                          // NaN when empty
double geometric_mean(const std::vector<double>& positive_values);  // NaN when empty

struct UTest {
  double u1 = 0;       // U of the first sample (scipy's `statistic`)
  double p_value = 1;  // two-sided
  bool exact = false;  // exact null distribution, else the normal approximation
};

// scipy's method="auto": the exact distribution when one sample has at most 8 values and there
// are no ties; otherwise the normal approximation with tie correction and continuity
// correction. Both samples need at least one value (throws std::invalid_argument).
UTest mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y);

// The smallest two-sided p-value that samples of these sizes can reach (fully separated, no
// ties): with too few repetitions no slowdown can ever be significant, and reports say so.
double smallest_p_value(int n1, int n2);

}  // namespace tripletcheck::report
