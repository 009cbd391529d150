// A port of tfa.losses.TripletHardLoss written the way a C++ user would write one: plain loops,
// float64 inside, L2 only, gradients from the closed form of docs/SEMANTICS.md §5.2. It is not
// tripletcheck's code; it only implements tripletcheck::Backend so the conformance checks can
// call it. `Mistake` switches on one classic porting error, to show what a failure looks like.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <tripletcheck/backend.hpp>
#include <vector>

namespace example {

enum class Mistake { kNone, kSoftWithMargin };

class HardLossPort : public tripletcheck::Backend {
 public:
  explicit HardLossPort(Mistake mistake = Mistake::kNone) : mistake_(mistake) {}

  std::string name() const override {
    return mistake_ == Mistake::kNone ? "example-hard-port" : "example-hard-port-soft-margin";
  }
  std::string description() const override {
    return "examples/cpp_port: TripletHardLoss (hinge and soft), L2, float64 inside";
  }
  tripletcheck::Capabilities capabilities() const override {
    tripletcheck::Capabilities caps;  // float32 embeddings with gradients
    caps.implements.semihard = false;
    caps.implements.squared_l2 = false;
    caps.implements.angular = false;
    // Computed in float64, so no float32 overflow or flush-to-zero where TF has them: declared,
    // so that those fixtures are reported as TF float32 artifacts instead of failures.
    caps.traits.float64_internal = true;
    caps.traits.no_flush_to_zero = true;
    return caps;
  }

 protected:
  tripletcheck::Result<float> run(const tripletcheck::LossSpec& spec,
                                  const tripletcheck::BatchView<float>& batch,
                                  bool gradient) const override {
    const std::int64_t b = batch.batch, d = batch.dim;
    auto x = [&](std::int64_t i, std::int64_t k) { return double(batch.embeddings[i * d + k]); };
    auto same = [&](std::int64_t i, std::int64_t j) { return batch.labels[i] == batch.labels[j]; };

    // Distances as TF computes them: ‖xi‖² + ‖xj‖² − 2 xi·xj, clamped at 0, zero where the
    // clamp bit and on the diagonal.
    std::vector<double> norm(b, 0.0), dist(b * b, 0.0);
    std::vector<bool> clamped(b * b, true);
    for (std::int64_t i = 0; i < b; ++i)
      for (std::int64_t k = 0; k < d; ++k) norm[i] += x(i, k) * x(i, k);
    for (std::int64_t i = 0; i < b; ++i) {
      for (std::int64_t j = 0; j < b; ++j) {
        double dot = 0;
        for (std::int64_t k = 0; k < d; ++k) dot += x(i, k) * x(j, k);
        const double squared = (norm[i] + norm[j]) - 2 * dot;
        if (i != j && squared > 0) {
          dist[i * b + j] = std::sqrt(squared);
          clamped[i * b + j] = false;
        }
      }
    }

    // Per anchor: the farthest positive and the nearest negative, each with TFA's fallback
    // (no positive: the row minimum; no negative: the row maximum), and the element chosen.
    double total = 0;
    std::vector<double> upstream(b * b, 0.0);  // dLoss/dD
    for (std::int64_t i = 0; i < b; ++i) {
      const double* row = &dist[i * b];
      std::int64_t row_min = 0, row_max = 0, pos = -1, neg = -1;
      for (std::int64_t j = 0; j < b; ++j) {
        if (row[j] < row[row_min]) row_min = j;
        if (row[j] > row[row_max]) row_max = j;
        if (j != i && same(i, j) && (pos < 0 || row[j] > row[pos])) pos = j;
        if (!same(i, j) && (neg < 0 || row[j] < row[neg])) neg = j;
      }
      if (pos < 0) pos = row_min;
      if (neg < 0) neg = row_max;
      const double z = row[pos] - row[neg];
      double term, slope;
      if (spec.soft) {
        const double shift = mistake_ == Mistake::kSoftWithMargin ? spec.margin : 0.0;
        term = std::log1p(std::exp(z + shift));
        slope = std::exp(z + shift) / (1 + std::exp(z + shift));
      } else {
        term = std::max(z + spec.margin, 0.0);
        slope = z + spec.margin >= 0 ? 1.0 : 0.0;  // TF's maximum passes the gradient at 0
      }
      total += term;
      upstream[i * b + pos] += slope / double(b);
      upstream[i * b + neg] -= slope / double(b);
    }

    tripletcheck::Result<float> result;
    result.loss = float(total / double(b));
    if (!gradient) return result;
    // dD[i,j]/dxi = (xi − xj)/D[i,j] where the distance was not clamped.
    std::vector<double> grad(b * d, 0.0);
    for (std::int64_t i = 0; i < b; ++i) {
      for (std::int64_t j = 0; j < b; ++j) {
        const double g = upstream[i * b + j];
        if (g == 0 || clamped[i * b + j]) continue;
        for (std::int64_t k = 0; k < d; ++k) {
          const double step = g * (x(i, k) - x(j, k)) / dist[i * b + j];
          grad[i * d + k] += step;
          grad[j * d + k] -= step;
        }
      }
    }
    result.grad.assign(grad.begin(), grad.end());
    return result;
  }

 private:
  Mistake mistake_;
};

}  // namespace example
