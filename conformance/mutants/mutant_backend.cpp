// A mutant evaluates the reference's TF-ordered float32 distances (with the distance mutations
// applied) and the mutated loss loops of mutant_losses.hpp, under the same denormal flushing.
#include "conformance/mutants/mutant_backend.hpp"

#include <algorithm>
#include <cmath>

#include "conformance/mutants/mutant_losses.hpp"
#include "reference/distances.hpp"

namespace tripletcheck::conformance::mutants {
namespace {

using reference::FlushDenormalsGuard;
using reference::Matrix;

constexpr float kTorchNormalizeEps = 1e-12f;  // torch.nn.functional.normalize's default

// torch.nn.functional.normalize's rows x / max(‖x‖, 1e-12) in place of TF's l2_normalize
// x · rsqrt(max(‖x‖², 1e-12)), then TF's 1 − F·Fᵀ and clamp. The tape's squared_norm holds ‖x‖.
reference::DistanceTape<float> normalize_eps_forward(const Matrix<float>& x) {
  const std::int64_t b = x.rows;
  reference::DistanceTape<float> tape;
  tape.metric = Metric::kAngular;
  tape.normalized = Matrix<float>(b, x.cols);
  tape.squared_norm.resize(static_cast<std::size_t>(b));
  tape.inverse_norm.resize(static_cast<std::size_t>(b));
  for (std::int64_t i = 0; i < b; ++i) {
    const float norm = std::sqrt(reference::detail::dot(x.row(i), x.row(i), x.cols));
    tape.squared_norm[i] = norm;
    tape.inverse_norm[i] = 1.0f / std::max(norm, kTorchNormalizeEps);
    for (std::int64_t k = 0; k < x.cols; ++k)
      tape.normalized(i, k) = x(i, k) * tape.inverse_norm[i];
  }
  tape.raw = Matrix<float>(b, b);
  tape.distances = Matrix<float>(b, b);
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t j = 0; j < b; ++j) {
      tape.raw(i, j) =
          1.0f - reference::detail::dot(tape.normalized.row(i), tape.normalized.row(j), x.cols);
      tape.distances(i, j) = reference::tf_maximum(tape.raw(i, j), 0.0f);
    }
  }
  return tape;
}

// Back through the clamp, 1 − F·Fᵀ and x / max(‖x‖, eps): the norm path only where ‖x‖ ≥ eps
// (torch's clamp_min passes there), so a zero row's gradient is grad_F / 1e-12.
Matrix<float> normalize_eps_backward(const Matrix<float>& x,
                                     const reference::DistanceTape<float>& tape,
                                     const Matrix<float>& grad_d) {
  const std::int64_t b = x.rows;
  Matrix<float> grad_x(b, x.cols);
  std::vector<float> grad_f(static_cast<std::size_t>(x.cols));
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t k = 0; k < x.cols; ++k) {
      float sum = 0;
      for (std::int64_t j = 0; j < b; ++j) {
        const float gij =
            reference::maximum_passes_to_first(tape.raw(i, j), 0.0f) ? -grad_d(i, j) : 0.0f;
        const float gji =
            reference::maximum_passes_to_first(tape.raw(j, i), 0.0f) ? -grad_d(j, i) : 0.0f;
        sum += (gij + gji) * tape.normalized(j, k);
      }
      grad_f[k] = sum;
    }
    const float norm = tape.squared_norm[i];
    const float y = tape.inverse_norm[i];
    const float grad_y = reference::detail::dot(grad_f.data(), x.row(i), x.cols);
    // y = 1/n: dy/dn = −y²; n = ‖x‖: dn/dx = x/n.
    const float grad_norm = norm >= kTorchNormalizeEps ? -grad_y * y * y : 0.0f;
    for (std::int64_t k = 0; k < x.cols; ++k) {
      grad_x(i, k) = grad_f[k] * y + (norm > 0 ? x(i, k) / norm * grad_norm : 0.0f);
    }
  }
  return grad_x;
}

LossOnDistances<float> loss_on_distances(const LossSpec& spec, const Matrix<float>& d,
                                         const std::int64_t* labels, bool gradient, Mutation m) {
  const auto margin = static_cast<float>(spec.margin);
  if (spec.loss == Loss::kSemiHard) return semihard_loss(d, labels, margin, gradient, m);
  return hard_loss(d, labels, margin, spec.soft, gradient, m);
}

class MutantBackend final : public Backend {
 public:
  explicit MutantBackend(const MutationInfo& info) : info_(info) {}

  std::string name() const override { return kMutantPrefix + info_.name; }
  std::string description() const override {
    return "deliberately broken loss for the mutation check: " + info_.mistake +
           " (docs/SEMANTICS.md " + info_.spec + ")";
  }
  Capabilities capabilities() const override {
    Capabilities caps;
    caps.precomputed_distances = true;
    caps.tf_exact_ties = true;
    return caps;
  }

 protected:
  Result<float> run(const LossSpec& spec, const BatchView<float>& batch,
                    bool gradient) const override {
    const FlushDenormalsGuard flush(true);
    Matrix<float> x(batch.batch, batch.dim);
    x.values.assign(batch.embeddings, batch.embeddings + batch.batch * batch.dim);
    Metric metric = spec.metric;
    if (info_.mutation == Mutation::kL2IsSquared && metric == Metric::kL2) {
      metric = Metric::kSquaredL2;
    }
    const bool torch_normalize =
        info_.mutation == Mutation::kNormalizeEpsOnNorm && metric == Metric::kAngular;
    auto tape = torch_normalize ? normalize_eps_forward(x) : reference::distance_forward(x, metric);
    if (info_.mutation == Mutation::kNoSqrtGuard && metric == Metric::kL2) {
      // sqrt(max(S, 0)) without "+ E·1e-16": the value is unchanged, but the sqrt's gradient
      // 0.5/sqrt(0) meets the masks' zeros and gives NaN.
      for (std::size_t k = 0; k < tape.root.values.size(); ++k) {
        tape.root.values[k] = std::sqrt(reference::tf_maximum(tape.raw.values[k], 0.0f));
      }
    }
    const auto on_d =
        loss_on_distances(spec, tape.distances, batch.labels, gradient, info_.mutation);
    Result<float> result;
    result.loss = static_cast<double>(on_d.loss);
    if (gradient) {
      result.grad = torch_normalize ? normalize_eps_backward(x, tape, on_d.grad_d).values
                                    : reference::distance_backward(x, tape, on_d.grad_d).values;
    }
    return result;
  }

  Result<float> run(const LossSpec& spec, const DistanceView<float>& view,
                    bool gradient) const override {
    const FlushDenormalsGuard flush(true);
    Matrix<float> d(view.batch, view.batch);
    d.values.assign(view.distances, view.distances + view.batch * view.batch);
    auto on_d = loss_on_distances(spec, d, view.labels, gradient, info_.mutation);
    Result<float> result;
    result.loss = static_cast<double>(on_d.loss);
    if (gradient) result.grad = std::move(on_d.grad_d.values);
    return result;
  }

 private:
  MutationInfo info_;
};

}  // namespace

std::unique_ptr<Backend> make_mutant_backend(Mutation mutation) {
  for (const auto& info : all_mutations()) {
    if (info.mutation == mutation) return std::make_unique<MutantBackend>(info);
  }
  return nullptr;
}

}  // namespace tripletcheck::conformance::mutants
