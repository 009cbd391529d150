// The comparison helper: non-finite patterns first, then the worst finite difference.
#include "conformance/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace tripletcheck::conformance {
namespace {

bool same_nonfinite(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return true;
}

}  // namespace

std::string Agreement::describe() const {
  std::ostringstream out;
  out.precision(3);
  if (!nonfinite_match) {
    out << "non-finite pattern differs at index " << first_nonfinite_mismatch << "; ";
  }
  out << "max abs error " << max_abs_error << " at index " << worst_index << ", scale " << scale
      << ", relative " << relative_error();
  return out.str();
}

Agreement compare_loss(double actual, double expected, double scale) {
  Agreement a = compare_gradients({actual}, {expected});
  a.scale = std::max(a.scale, scale);
  return a;
}

Agreement compare_gradients(const std::vector<double>& actual, const std::vector<double>& expected,
                            double term_scale) {
  Agreement a;
  a.scale = std::isfinite(term_scale) ? term_scale : 0;
  if (actual.size() != expected.size()) {
    a.nonfinite_match = false;
    a.first_nonfinite_mismatch =
        static_cast<std::int64_t>(std::min(actual.size(), expected.size()));
    return a;
  }
  for (std::size_t k = 0; k < actual.size(); ++k) {
    if (!same_nonfinite(actual[k], expected[k])) {
      if (a.nonfinite_match) a.first_nonfinite_mismatch = static_cast<std::int64_t>(k);
      a.nonfinite_match = false;
      continue;
    }
    if (!std::isfinite(expected[k]) || !std::isfinite(actual[k])) continue;
    a.scale = std::max(a.scale, std::fabs(expected[k]));
    const double error = std::fabs(actual[k] - expected[k]);
    if (error > a.max_abs_error || a.worst_index < 0) {
      a.max_abs_error = std::max(a.max_abs_error, error);
      a.worst_index = static_cast<std::int64_t>(k);
    }
  }
  return a;
}

bool is_no_positive_pair_gradient(const std::vector<double>& gradient, bool angular) {
  for (double g : gradient) {
    if (!(std::isnan(g) || (angular && g == 0))) return false;
  }
  return true;
}

}  // namespace tripletcheck::conformance
