// A mutant evaluates the reference's TF-ordered float32 distances (with the distance mutations
// applied) and the mutated loss loops of mutant_losses.hpp, under the same denormal flushing.
#include "properties/mutants/mutant_backend.hpp"

#include <cmath>

#include "properties/mutants/mutant_losses.hpp"
#include "reference/distances.hpp"

namespace tripletcheck::mutants {
namespace {

using reference::FlushDenormalsGuard;
using reference::Matrix;

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
    return "deliberately broken loss for the mutation check: " + info_.mistake + " (docs/SEMANTICS.md " +
           info_.spec + ")";
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
    auto tape = reference::distance_forward(x, metric);
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
    if (gradient) result.grad = reference::distance_backward(x, tape, on_d.grad_d).values;
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

}  // namespace tripletcheck::mutants
