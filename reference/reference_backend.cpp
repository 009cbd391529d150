// The `reference` backend: distances, then the loss on distances, then back through both.
// float64 is the oracle (IEEE arithmetic); float32 follows TF's order of operations and runs with
// denormals flushed, as TF's CPU kernels do.
#include "reference/reference_backend.hpp"

#include <type_traits>

#include "reference/distances.hpp"
#include "reference/hard_loss.hpp"
#include "reference/semihard_loss.hpp"
#include "tripletcheck/errors.hpp"

namespace tripletcheck {
namespace {

using reference::FlushDenormalsGuard;
using reference::LossOnDistances;
using reference::Matrix;

// The reference is O(B³) in time (TFA's semi-hard graph, loop for loop). Past this batch size a
// call would run for many minutes, so it refuses up front instead.
constexpr std::int64_t kMaxReferenceBatch = 4096;

void check_batch_size(std::int64_t batch) {
  if (batch > kMaxReferenceBatch) {
    throw InvalidArgument("batch", std::to_string(batch),
                          "the reference backend is O(B³) and limited to B <= " +
                              std::to_string(kMaxReferenceBatch) + "; use a fast backend");
  }
}

template <class T>
LossOnDistances<T> loss_on_distances(const LossSpec& spec, const Matrix<T>& d,
                                     const std::int64_t* labels, bool gradient) {
  const auto margin = static_cast<T>(spec.margin);
  if (spec.loss == Loss::kSemiHard) return reference::semihard_loss(d, labels, margin, gradient);
  return reference::hard_loss(d, labels, margin, spec.soft, gradient);
}

template <class T>
Result<T> run_embeddings(const LossSpec& spec, const BatchView<T>& batch, bool gradient) {
  check_batch_size(batch.batch);
  const FlushDenormalsGuard flush(std::is_same_v<T, float>);
  Matrix<T> x(batch.batch, batch.dim);
  x.values.assign(batch.embeddings, batch.embeddings + batch.batch * batch.dim);
  const auto tape = reference::distance_forward(x, spec.metric);
  LossOnDistances<T> on_d = loss_on_distances(spec, tape.distances, batch.labels, gradient);
  Result<T> result;
  result.loss = static_cast<double>(on_d.loss);
  if (gradient) result.grad = reference::distance_backward(x, tape, on_d.grad_d).values;
  return result;
}

template <class T>
Result<T> run_distances(const LossSpec& spec, const DistanceView<T>& view, bool gradient) {
  check_batch_size(view.batch);
  const FlushDenormalsGuard flush(std::is_same_v<T, float>);
  Matrix<T> d(view.batch, view.batch);
  d.values.assign(view.distances, view.distances + view.batch * view.batch);
  LossOnDistances<T> on_d = loss_on_distances(spec, d, view.labels, gradient);
  Result<T> result;
  result.loss = static_cast<double>(on_d.loss);
  if (gradient) result.grad = std::move(on_d.grad_d.values);
  return result;
}

class ReferenceBackend final : public Backend {
 public:
  std::string name() const override { return "reference"; }
  std::string description() const override {
    return "plain loops over TFA's graph (SPEC.md), float64 oracle and TF-ordered float32";
  }
  Capabilities capabilities() const override {
    Capabilities caps;
    caps.float64 = true;
    caps.precomputed_distances = true;
    caps.tf_exact_ties = true;
    return caps;
  }

 protected:
  Result<float> run(const LossSpec& s, const BatchView<float>& b, bool g) const override {
    return run_embeddings(s, b, g);
  }
  Result<double> run(const LossSpec& s, const BatchView<double>& b, bool g) const override {
    return run_embeddings(s, b, g);
  }
  Result<float> run(const LossSpec& s, const DistanceView<float>& d, bool g) const override {
    return run_distances(s, d, g);
  }
  Result<double> run(const LossSpec& s, const DistanceView<double>& d, bool g) const override {
    return run_distances(s, d, g);
  }
};

}  // namespace

std::unique_ptr<Backend> make_reference_backend() { return std::make_unique<ReferenceBackend>(); }

}  // namespace tripletcheck
