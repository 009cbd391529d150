// The `reference` backend: distances, then the loss on distances, then back through both.
// float64 is the oracle (IEEE arithmetic); float32 follows TF's order of operations and runs with
// denormals flushed, as TF's CPU kernels do.
#include "reference/reference_backend.hpp"

#include <optional>
#include <string>
#include <type_traits>

#include "reference/distances.hpp"
#include "reference/footprint.hpp"
#include "reference/hard_loss.hpp"
#include "reference/semihard_loss.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/memory_cap.hpp"

namespace tripletcheck {
namespace {

using reference::FlushDenormalsGuard;
using reference::LossOnDistances;
using reference::Matrix;

// The cap of this call: a fixed one, or the environment's, or the default.
std::uint64_t max_bytes(std::optional<std::uint64_t> fixed) {
  if (fixed) return *fixed;
  return memory_cap_from_environment(kReferenceMaxBytesVariable, kDefaultReferenceMaxBytes);
}

template <class T>
void check_footprint(std::int64_t batch, std::int64_t dim, bool precomputed,
                     std::optional<std::uint64_t> fixed_cap) {
  const std::uint64_t needed = reference::peak_bytes(batch, dim, precomputed, sizeof(T));
  const std::uint64_t allowed = max_bytes(fixed_cap);
  if (needed <= allowed) return;
  const std::string shape = precomputed
                                ? "B = " + std::to_string(batch) + " precomputed"
                                : "B = " + std::to_string(batch) + ", D = " + std::to_string(dim);
  throw ResourceLimit(
      "the reference backend at " + shape + " (" + (sizeof(T) == 4 ? "float32" : "float64") +
          ", several B×B matrices, O(B²·D + B²·P) time)",
      needed, allowed, std::string("use a fast backend, or raise ") + kReferenceMaxBytesVariable);
}

template <class T>
LossOnDistances<T> loss_on_distances(const LossSpec& spec, const Matrix<T>& d,
                                     const std::int64_t* labels, bool gradient) {
  const auto margin = static_cast<T>(spec.margin);
  if (spec.loss == Loss::kSemiHard) return reference::semihard_loss(d, labels, margin, gradient);
  return reference::hard_loss(d, labels, margin, spec.soft, gradient);
}

template <class T>
Result<T> run_embeddings(const LossSpec& spec, const BatchView<T>& batch, bool gradient,
                         std::optional<std::uint64_t> cap, bool flush_denormals) {
  check_footprint<T>(batch.batch, batch.dim, false, cap);
  const FlushDenormalsGuard flush(std::is_same_v<T, float> && flush_denormals);
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
Result<T> run_distances(const LossSpec& spec, const DistanceView<T>& view, bool gradient,
                        std::optional<std::uint64_t> cap, bool flush_denormals) {
  check_footprint<T>(view.batch, 0, true, cap);
  const FlushDenormalsGuard flush(std::is_same_v<T, float> && flush_denormals);
  Matrix<T> d(view.batch, view.batch);
  d.values.assign(view.distances, view.distances + view.batch * view.batch);
  LossOnDistances<T> on_d = loss_on_distances(spec, d, view.labels, gradient);
  Result<T> result;
  result.loss = static_cast<double>(on_d.loss);
  if (gradient) result.grad = std::move(on_d.grad_d.values);
  return result;
}

class ReferenceBackend final : public TemplatedBackend<ReferenceBackend> {
 public:
  explicit ReferenceBackend(std::optional<std::uint64_t> max_bytes, bool flush_denormals = true)
      : max_bytes_(max_bytes), flush_denormals_(flush_denormals) {}

  std::string name() const override {
    return flush_denormals_ ? "reference" : "reference-keeping-subnormals";
  }
  std::string description() const override {
    return "plain loops over TFA's graph (docs/SEMANTICS.md), float64 oracle and TF-ordered "
           "float32";
  }
  Capabilities capabilities() const override {
    Capabilities caps;
    caps.float64 = true;
    caps.precomputed_distances = true;
    caps.tf_exact_ties = true;
    return caps;
  }

 private:
  friend class TemplatedBackend<ReferenceBackend>;
  template <class T>
  Result<T> run_embeddings(const LossSpec& s, const BatchView<T>& b, bool g) const {
    return tripletcheck::run_embeddings(s, b, g, max_bytes_, flush_denormals_);
  }
  template <class T>
  Result<T> run_distances(const LossSpec& s, const DistanceView<T>& d, bool g) const {
    return tripletcheck::run_distances(s, d, g, max_bytes_, flush_denormals_);
  }

  std::optional<std::uint64_t> max_bytes_;  // empty: the environment's cap, or the default
  bool flush_denormals_;                    // float32 as TF's CPU kernels: subnormals flushed
};

}  // namespace

std::unique_ptr<Backend> make_reference_backend() {
  return std::make_unique<ReferenceBackend>(std::nullopt);
}

std::unique_ptr<Backend> make_reference_backend(std::uint64_t max_bytes) {
  return std::make_unique<ReferenceBackend>(max_bytes);
}

std::unique_ptr<Backend> make_reference_backend_keeping_subnormals() {
  return std::make_unique<ReferenceBackend>(std::nullopt, /*flush_denormals=*/false);
}

}  // namespace tripletcheck
