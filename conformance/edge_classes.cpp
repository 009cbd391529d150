// Classifies a case by walking its anchors once, in float64.
#include "conformance/edge_classes.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace tripletcheck::conformance {

std::vector<std::string> edge_classes(const CaseInput& in, const std::vector<double>& d) {
  std::set<std::string> found;
  const std::int64_t b = in.batch;
  std::int64_t positive_pairs = 0;
  for (std::int64_t i = 0; i < b; ++i) {
    std::vector<double> positives, negatives;
    for (std::int64_t k = 0; k < b; ++k) {
      if (k == i) continue;
      (in.labels[k] == in.labels[i] ? positives : negatives).push_back(d[i * b + k]);
    }
    positive_pairs += static_cast<std::int64_t>(positives.size());
    if (positives.empty()) found.insert("no-positive anchor");
    if (negatives.empty()) found.insert("no-negative anchor");
    auto sorted = d.begin() + i * b;
    std::vector<double> row(sorted, sorted + b);
    std::sort(row.begin(), row.end());
    if (std::adjacent_find(row.begin(), row.end()) != row.end()) found.insert("tie");
    if (in.spec.loss == Loss::kHard) {
      const double hp =
          positives.empty() ? 0 : *std::max_element(positives.begin(), positives.end());
      const double hn =
          negatives.empty() ? row.back() : *std::min_element(negatives.begin(), negatives.end());
      if (!in.spec.soft)
        found.insert(hp - hn + in.spec.margin < 0 ? "hinge inactive" : "hinge active");
      continue;
    }
    for (double p : positives) {
      if (negatives.empty()) continue;
      const bool farther =
          std::any_of(negatives.begin(), negatives.end(), [&](double n) { return n > p; });
      if (!farther) found.insert("largest-negative fallback");
      double chosen = *std::max_element(negatives.begin(), negatives.end());
      for (double n : negatives) {
        if (n > p) chosen = std::min(chosen, n);
      }
      found.insert(in.spec.margin + p - chosen < 0 ? "hinge inactive" : "hinge active");
    }
  }
  if (in.spec.loss == Loss::kSemiHard && positive_pairs == 0)
    found.insert("no positive pair (NaN)");
  return {found.begin(), found.end()};
}

}  // namespace tripletcheck::conformance
