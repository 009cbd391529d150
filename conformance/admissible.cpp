// Admissible results by perturbation, and the distance of a gradient to their convex hull.
#include "conformance/admissible.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>

#include "conformance/mutants/mutant_backend.hpp"
#include "conformance/mutants/mutation.hpp"
#include "conformance/scales.hpp"
#include "conformance/separation.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

constexpr std::uint64_t kSeed = 20261202;

double row_norm(const CaseInput& in, std::int64_t i) {
  double s = 0;
  for (std::int64_t k = 0; k < in.dim; ++k)
    s += in.values[i * in.dim + k] * in.values[i * in.dim + k];
  return std::sqrt(s);
}

double max_row_norm(const CaseInput& in) {
  double m = 0;
  for (std::int64_t i = 0; i < in.batch; ++i) m = std::max(m, row_norm(in, i));
  return m;
}

// Moves every row of embeddings (or every off-diagonal entry of a distance matrix) by about
// `step` distance units: for L2 a coordinate move of δ moves distances by at most δ; squared-L2
// distances move by 2‖x‖δ, so δ = step / (2 max‖x‖); angular distances move by δ/‖x_i‖.
CaseInput perturbed(const CaseInput& in, double step, std::mt19937_64& rng) {
  CaseInput out = in;
  std::normal_distribution<double> normal(0.0, 1.0);
  if (in.precomputed) {
    for (std::int64_t i = 0; i < in.batch; ++i) {
      for (std::int64_t j = 0; j < in.batch; ++j) {
        if (i != j) out.values[i * in.batch + j] += step * normal(rng);
      }
    }
    return out;
  }
  const double norm_max = max_row_norm(in);
  for (std::int64_t i = 0; i < in.batch; ++i) {
    const double norm = row_norm(in, i);
    if (norm == 0) continue;  // TF's zero rows: defined by its constants, not by a limit
    double coordinate = step;
    if (in.spec.metric == Metric::kSquaredL2) coordinate = step / (2 * norm_max);
    if (in.spec.metric == Metric::kAngular) coordinate = step * norm;
    coordinate /= std::sqrt(static_cast<double>(in.dim));
    for (std::int64_t k = 0; k < in.dim; ++k)
      out.values[i * in.dim + k] += coordinate * normal(rng);
  }
  return out;
}

}  // namespace

double tie_breaking_step(const CaseInput& input) { return 1e-9 * loss_scale(input); }

double near_tie_step(const CaseInput& input) {
  return std::max(2 * distance_noise_bound(input), tie_breaking_step(input));
}

AdmissibleResults admissible_results(const CaseInput& input, double step, int samples,
                                     const Evaluation& anchor) {
  AdmissibleResults out;
  out.losses.push_back(anchor.loss);
  out.gradients.push_back(anchor.gradient);
  // An evaluation a backend cannot make (the mutant in a half type, say) is one vertex fewer.
  const auto add = [&out](const Backend& backend, const CaseInput& in, Precision precision) {
    try {
      const Evaluation e = evaluate(backend, in, precision);
      out.losses.push_back(e.loss);
      out.gradients.push_back(e.gradient);
    } catch (const Error&) {
    }
  };
  const Backend& oracle = find_backend("reference");
  // The other tie rule ports use: the whole gradient of a tied max/min to its first element
  // (argmax), a valid subgradient and a corner of the set (random perturbations seldom draw the
  // same corner at every tie at once).
  static const std::unique_ptr<Backend> first_of_ties =
      mutants::make_mutant_backend(mutants::Mutation::kArgmaxTies);
  for (const Precision precision : {Precision::kFloat64, Precision::kFloat32}) {
    add(oracle, input, precision);
    add(*first_of_ties, input, precision);
  }
  std::mt19937_64 rng(kSeed);
  // The loss on distance matrices whose every entry is anywhere within the float32 noise bound
  // of the exact one (L2 through the squared distance, clamped at 0 as TF's error mask does):
  // the decisions any float32 evaluation order can take. The loss only: the gradient is not
  // with respect to a matrix here.
  if (!input.precomputed && step > tie_breaking_step(input)) {
    const std::vector<double> exact = exact_distances(input);
    const double noise = distance_noise_bound(input);
    std::uniform_real_distribution<double> within(-1.0, 1.0);
    for (int s = 0; s < samples; ++s) {
      CaseInput matrix = input;
      matrix.precomputed = true;
      matrix.dim = input.batch;
      matrix.values.assign(static_cast<std::size_t>(input.batch * input.batch), 0.0);
      for (std::int64_t i = 0; i < input.batch; ++i) {
        for (std::int64_t j = i + 1; j < input.batch; ++j) {
          const double d = exact[i * input.batch + j];
          double v = 0;
          if (input.spec.metric == Metric::kL2) {
            v = std::sqrt(std::max(d * d + noise * noise * within(rng), 0.0));
          } else {
            v = std::max(d + noise * within(rng), 0.0);
          }
          matrix.values[i * input.batch + j] = matrix.values[j * input.batch + i] = v;
        }
      }
      try {
        out.losses.push_back(evaluate(oracle, matrix, Precision::kFloat64, false).loss);
      } catch (const Error&) {
      }
    }
  }
  // Half in float64, half in float32: float32 also clamps the near-zero squared distances of
  // near-duplicates to exactly 0 (TF's error mask), decisions float64 never takes.
  for (int s = 0; s < samples; ++s) {
    add(oracle, perturbed(input, step, rng),
        s % 2 == 0 ? Precision::kFloat64 : Precision::kFloat32);
  }
  return out;
}

double distance_to_hull(const std::vector<double>& actual,
                        const std::vector<std::vector<double>>& gradients) {
  const auto dot = [](const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
    return s;
  };
  std::vector<std::vector<double>> vertices;
  for (const auto& g : gradients) {
    if (g.size() == actual.size() &&
        std::all_of(g.begin(), g.end(), [](double v) { return std::isfinite(v); })) {
      vertices.push_back(g);
    }
  }
  if (vertices.empty()) return std::numeric_limits<double>::infinity();
  // Start at the nearest vertex, then Frank–Wolfe steps towards the vertex that reduces the
  // Euclidean distance most, with the exact line search.
  std::vector<double> p = vertices.front();
  const auto residual = [&](const std::vector<double>& q) {
    std::vector<double> r(actual.size());
    for (std::size_t k = 0; k < r.size(); ++k) r[k] = actual[k] - q[k];
    return r;
  };
  for (const auto& v : vertices) {
    if (dot(residual(v), residual(v)) < dot(residual(p), residual(p))) p = v;
  }
  for (int iteration = 0; iteration < 500; ++iteration) {
    const std::vector<double> r = residual(p);
    double best = 0;
    const std::vector<double>* toward = nullptr;
    for (const auto& v : vertices) {
      std::vector<double> d(v.size());
      for (std::size_t k = 0; k < d.size(); ++k) d[k] = v[k] - p[k];
      const double gain = dot(r, d);
      if (gain > best) {
        best = gain;
        toward = &v;
      }
    }
    if (toward == nullptr) break;
    std::vector<double> d(p.size());
    for (std::size_t k = 0; k < d.size(); ++k) d[k] = (*toward)[k] - p[k];
    const double length = dot(d, d);
    if (length == 0) break;
    const double t = std::clamp(best / length, 0.0, 1.0);
    for (std::size_t k = 0; k < p.size(); ++k) p[k] += t * d[k];
    if (t * t * length < 1e-30 * (1 + dot(p, p))) break;
  }
  double worst = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    if (std::isfinite(actual[k])) worst = std::max(worst, std::fabs(actual[k] - p[k]));
  }
  return worst;
}

double distance_outside_box(const std::vector<double>& actual, const std::vector<double>& center,
                            const std::vector<std::vector<double>>& gradients) {
  double worst = 0;
  for (std::size_t k = 0; k < actual.size() && k < center.size(); ++k) {
    if (!std::isfinite(actual[k]) || !std::isfinite(center[k])) continue;
    double radius = 0;
    for (const auto& g : gradients) {
      if (k < g.size() && std::isfinite(g[k]))
        radius = std::max(radius, std::fabs(g[k] - center[k]));
    }
    worst = std::max(worst, std::fabs(actual[k] - center[k]) - radius);
  }
  return worst;
}

}  // namespace tripletcheck::conformance
