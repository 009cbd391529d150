// Scales and noise bounds from the inputs alone, so they do not depend on the code under test.
#include "conformance/scales.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "conformance/separation.hpp"

namespace tripletcheck::conformance {
namespace {

constexpr double kUnitRoundoff32 = 1.0 / (1 << 24);

double max_squared_norm(const CaseInput& in) {
  double largest = 0;
  for (std::int64_t i = 0; i < in.batch; ++i) {
    double s = 0;
    for (std::int64_t k = 0; k < in.dim; ++k)
      s += in.values[i * in.dim + k] * in.values[i * in.dim + k];
    largest = std::max(largest, s);
  }
  return largest;
}

// Ordered positive pairs (i ≠ j, same label): the semi-hard loss's divisor.
double positive_pairs(const CaseInput& in) {
  double pairs = 0;
  for (std::int64_t i = 0; i < in.batch; ++i) {
    for (std::int64_t j = 0; j < in.batch; ++j) pairs += i != j && in.labels[i] == in.labels[j];
  }
  return pairs;
}

}  // namespace

double loss_summation_bound(const CaseInput& in, Precision precision) {
  const double unit = precision == Precision::kFloat64 ? std::ldexp(1.0, -53) : kUnitRoundoff32;
  const double terms =
      in.spec.loss == Loss::kSemiHard ? positive_pairs(in) : static_cast<double>(in.batch);
  if (terms <= 1) return 0;
  const double gamma = (terms - 1) * unit;
  return gamma / (1 - gamma);
}

Tolerance with_loss_summation(Tolerance tolerance, const CaseInput& in, Precision precision) {
  tolerance.rel += loss_summation_bound(in, precision);
  tolerance.reason += "; plus the loss's own sum of n terms, γ_(n−1) of the scale";
  return tolerance;
}

double gradient_term_scale(const CaseInput& in) {
  double weight = 1.0 / static_cast<double>(in.batch);
  if (in.spec.loss == Loss::kSemiHard) {
    const double pairs = positive_pairs(in);
    if (pairs == 0) return 0;
    weight = 1.0 / pairs;
  }
  if (in.precomputed) return weight;
  double max_norm = 0, min_norm = std::numeric_limits<double>::infinity();
  for (std::int64_t i = 0; i < in.batch; ++i) {
    double s = 0;
    for (std::int64_t k = 0; k < in.dim; ++k) {
      s += in.values[i * in.dim + k] * in.values[i * in.dim + k];
    }
    max_norm = std::max(max_norm, std::sqrt(s));
    if (s > 0) min_norm = std::min(min_norm, std::sqrt(s));
  }
  switch (in.spec.metric) {
    case Metric::kSquaredL2:
      return weight * 4 * max_norm;
    case Metric::kAngular:
      return std::isfinite(min_norm) ? weight * 2 / min_norm : 0;
    case Metric::kL2: {
      double d_min = std::numeric_limits<double>::infinity();
      for (double d : exact_distances(in)) {
        if (d > 0) d_min = std::min(d_min, d);
      }
      return weight * (std::isfinite(d_min) ? std::max(1.0, max_norm / d_min) : 1.0);
    }
  }
  return 0;
}

double loss_scale(const CaseInput& in) {
  double largest_distance = 0;
  if (in.precomputed) {
    for (double v : in.values) {
      if (std::isfinite(v)) largest_distance = std::max(largest_distance, std::fabs(v));
    }
  } else if (in.spec.metric == Metric::kAngular) {
    largest_distance = 2;
  } else if (in.spec.metric == Metric::kL2) {
    largest_distance = 2 * std::sqrt(max_squared_norm(in));
  } else {
    largest_distance = 4 * max_squared_norm(in);
  }
  return std::fabs(in.spec.margin) + largest_distance;
}

double distance_noise_bound(const CaseInput& in) {
  const double d = static_cast<double>(in.dim);
  const double gamma = d * kUnitRoundoff32 / (1 - d * kUnitRoundoff32);
  if (in.precomputed) return 0;
  if (in.spec.metric == Metric::kAngular) return 2 * gamma + 3 * kUnitRoundoff32;
  const double squared = (4 * gamma + 3 * kUnitRoundoff32) * max_squared_norm(in);
  return in.spec.metric == Metric::kL2 ? std::sqrt(squared) : squared;
}

double float64_loss_rounding_bound(const CaseInput& in, double loss) {
  const double u = std::ldexp(1.0, -53);
  const double d = static_cast<double>(in.dim);
  const double gamma = d * u / (1 - d * u);
  double distance_noise = 0;  // a precomputed matrix is taken as given
  if (!in.precomputed && in.spec.metric == Metric::kAngular) {
    distance_noise = 2 * gamma + 3 * u;
  } else if (!in.precomputed) {
    const double squared = (4 * gamma + 3 * u) * max_squared_norm(in);
    distance_noise = squared;
    if (in.spec.metric == Metric::kL2) {
      double smallest = 0;  // the smallest nonzero distance: where the sqrt is steepest
      for (const double x : exact_distances(in)) {
        if (x > 0 && (smallest == 0 || x < smallest)) smallest = x;
      }
      distance_noise = std::sqrt(squared);
      if (smallest > 0) distance_noise = std::min(distance_noise, squared / (2 * smallest));
    }
  }
  const double finite_loss = std::isfinite(loss) ? std::fabs(loss) : 0;
  return 2 * distance_noise +
         4 * std::numeric_limits<double>::epsilon() * std::max(finite_loss, 1.0);
}

}  // namespace tripletcheck::conformance
