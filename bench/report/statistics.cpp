// Median, geometric mean and the Mann–Whitney U test (see statistics.hpp for the choices).
#include "bench/report/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace tripletcheck::report {
namespace {

// scipy uses the exact distribution unless both samples are larger than this.
constexpr std::size_t kMaxExactSampleSize = 8;

// P(U >= u) for samples of sizes m and n without ties, from the recursion of Mann and Whitney
// (1947) on probabilities rather than counts, so that large sizes cannot overflow:
// p(a, b, k) = a/(a+b) p(a-1, b, k-b) + b/(a+b) p(a, b-1, k). Rolled over the larger size so
// the table holds only two rows of the smaller one.
double exact_upper_tail(double u, std::size_t m, std::size_t n) {
  const std::size_t small = std::min(m, n), large = std::max(m, n);
  using Row = std::vector<std::vector<double>>;  // [b][k]: distribution of U for sizes (a, b)
  Row previous(small + 1), current(small + 1);
  for (std::size_t b = 0; b <= small; ++b) previous[b] = {1.0};  // a = 0: U is 0
  for (std::size_t a = 1; a <= large; ++a) {
    current[0] = {1.0};  // b = 0: U is 0
    for (std::size_t b = 1; b <= small; ++b) {
      std::vector<double>& p = current[b];
      p.assign(a * b + 1, 0.0);
      const double from_a = static_cast<double>(a) / static_cast<double>(a + b);
      const double from_b = 1.0 - from_a;
      const std::vector<double>& shorter_a = previous[b];     // sizes (a-1, b), shifted by b
      const std::vector<double>& shorter_b = current[b - 1];  // sizes (a, b-1)
      for (std::size_t k = 0; k < shorter_a.size(); ++k) p[k + b] += from_a * shorter_a[k];
      for (std::size_t k = 0; k < shorter_b.size(); ++k) p[k] += from_b * shorter_b[k];
    }
    std::swap(previous, current);
  }
  const std::vector<double>& pmf = previous[small];
  double tail = 0;
  for (std::size_t k = static_cast<std::size_t>(std::ceil(u)); k < pmf.size(); ++k) {
    tail += pmf[k];
  }
  return tail;
}

// Ranks 1..n of the pooled values, ties given their average rank; also the tie term sum(t³ - t).
std::vector<double> average_ranks(const std::vector<double>& pooled, double& tie_term) {
  std::vector<std::size_t> order(pooled.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t i, std::size_t j) { return pooled[i] < pooled[j]; });
  std::vector<double> ranks(pooled.size());
  tie_term = 0;
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first + 1;
    while (last < order.size() && pooled[order[last]] == pooled[order[first]]) ++last;
    const double rank = 0.5 * static_cast<double>(first + 1 + last);  // mean of first+1 .. last
    for (std::size_t k = first; k < last; ++k) ranks[order[k]] = rank;
    const double t = static_cast<double>(last - first);
    tie_term += t * t * t - t;
    first = last;
  }
  return ranks;
}

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

double geometric_mean(const std::vector<double>& positive_values) {
  if (positive_values.empty()) return std::numeric_limits<double>::quiet_NaN();
  double log_sum = 0;
  for (double v : positive_values) log_sum += std::log(v);
  return std::exp(log_sum / static_cast<double>(positive_values.size()));
}

UTest mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.empty() || y.empty()) throw std::invalid_argument("mann_whitney_u: an empty sample");
  const double n1 = static_cast<double>(x.size()), n2 = static_cast<double>(y.size());
  std::vector<double> pooled = x;
  pooled.insert(pooled.end(), y.begin(), y.end());
  double tie_term = 0;
  const std::vector<double> ranks = average_ranks(pooled, tie_term);
  const double rank_sum_x =
      std::accumulate(ranks.begin(), ranks.begin() + static_cast<std::ptrdiff_t>(x.size()), 0.0);

  UTest result;
  result.u1 = rank_sum_x - n1 * (n1 + 1) / 2;
  const double u = std::max(result.u1, n1 * n2 - result.u1);  // two-sided: the larger U
  const bool ties = tie_term > 0;
  result.exact = !(x.size() > kMaxExactSampleSize && y.size() > kMaxExactSampleSize) && !ties;
  double p = 0;
  if (result.exact) {
    p = 2 * exact_upper_tail(u, x.size(), y.size());
  } else {
    const double n = n1 + n2;
    const double variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)));
    // All values tied: no evidence at all (scipy divides by zero and lands on p = 1 too).
    if (variance <= 0) {
      result.p_value = 1;
      return result;
    }
    // The continuity correction always subtracts 1/2, as scipy's upper-tail form does.
    const double z = (u - n1 * n2 / 2 - 0.5) / std::sqrt(variance);
    p = std::erfc(z / std::sqrt(2.0));  // 2 * (upper tail of the standard normal at z)
  }
  result.p_value = std::clamp(p, 0.0, 1.0);
  return result;
}

double smallest_p_value(int n1, int n2) {
  if (n1 < 1 || n2 < 1) return 1;
  std::vector<double> x(static_cast<std::size_t>(n1)), y(static_cast<std::size_t>(n2));
  std::iota(x.begin(), x.end(), 0.0);
  std::iota(y.begin(), y.end(), static_cast<double>(n1));
  return mann_whitney_u(x, y).p_value;
}

}  // namespace tripletcheck::report
