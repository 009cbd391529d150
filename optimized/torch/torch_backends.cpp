// The LibTorch backends behind the one Backend interface: the caller's buffers become
// tensors without a copy (CPU), the graph runs, autograd differentiates, the gradient is copied
// out. The backends differ only in their graph, device and memory check.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/cuda.h>

#include <utility>

#include "optimized/torch/fast_graph.hpp"
#include "optimized/torch/tfa_footprint.hpp"
#include "optimized/torch/tfa_graph.hpp"
#include "optimized/torch/torch_backend.hpp"
#include "optimized/torch/torch_backend_info.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/memory_cap.hpp"

namespace tripletcheck {
namespace {

using torch_backend::FastLoss;

template <class T>
constexpr at::ScalarType scalar_type() {
  return sizeof(T) == 4 ? at::kFloat : at::kDouble;
}

// A view of caller memory; never written (no in-place op touches a leaf).
template <class T>
at::Tensor borrow(const T* values, std::int64_t rows, std::int64_t cols, at::Device device) {
  at::Tensor t = at::from_blob(const_cast<T*>(values), {rows, cols}, scalar_type<T>());
  return device.is_cpu() ? t : t.to(device);
}

enum class Graph { kTfa, kFast };

// One evaluation: `values` is B×cols (embeddings, or the B×B distances when precomputed).
template <class T>
Result<T> evaluate_graph(Graph graph, const LossSpec& spec, const T* values, std::int64_t batch,
                         std::int64_t cols, const std::int64_t* labels, bool precomputed,
                         bool gradient, at::Device device) {
  configure_torch_threads();
  const at::AutoGradMode grad_mode(gradient);
  const at::Tensor input = borrow(values, batch, cols, device).requires_grad_(gradient);
  const at::Tensor label_tensor =
      at::from_blob(const_cast<std::int64_t*>(labels), {batch}, at::kLong).to(device);
  FastLoss loss;
  if (graph == Graph::kTfa) {
    const at::Tensor d = precomputed ? input : torch_backend::tfa_distances(input, spec.metric);
    loss.loss = torch_backend::tfa_loss_on_distances(d, label_tensor, spec);
  } else {
    loss = torch_backend::fast_loss(input, precomputed, label_tensor, spec);
  }
  if (loss.all_nan) return all_nan_result<T>(static_cast<std::size_t>(batch * cols), gradient);
  Result<T> result;
  result.loss = loss.loss.template item<double>();
  if (gradient) {
    const at::Tensor g = torch::autograd::grad({loss.loss}, {input})[0].to(at::kCPU).contiguous();
    const T* data = g.template data_ptr<T>();
    result.grad.assign(data, data + g.numel());
  }
  return result;
}

std::string cuda_unavailable_reason() {
  if (!at::hasCUDA()) return "this LibTorch was built without CUDA";
  if (torch::cuda::device_count() == 0) return "no CUDA device";
  return {};
}

// One LibTorch backend: its graph, its device, and for torch-tfa the memory cap.
class TorchBackend final : public TemplatedBackend<TorchBackend> {
 public:
  TorchBackend(torch_backend::BackendInfo info, Graph graph, at::Device device)
      : info_(std::move(info)), graph_(graph), device_(device) {}

  std::string name() const override { return info_.name; }
  std::string description() const override { return info_.description; }
  Capabilities capabilities() const override { return info_.capabilities; }
  std::string unavailable_reason() const override {
    return device_.is_cpu() ? std::string() : cuda_unavailable_reason();
  }

 private:
  friend class TemplatedBackend<TorchBackend>;
  template <class T>
  Result<T> run_embeddings(const LossSpec& s, const BatchView<T>& b, bool g) const {
    check_footprint(s, b.batch, b.dim, false, sizeof(T), g);
    return evaluate_graph(graph_, s, b.embeddings, b.batch, b.dim, b.labels, false, g, device_);
  }
  template <class T>
  Result<T> run_distances(const LossSpec& s, const DistanceView<T>& d, bool g) const {
    check_footprint(s, d.batch, d.batch, true, sizeof(T), g);
    return evaluate_graph(graph_, s, d.distances, d.batch, d.batch, d.labels, true, g, device_);
  }

  // torch-tfa refuses, before allocating, a call whose B³ tensors would pass its cap.
  void check_footprint(const LossSpec& spec, std::int64_t batch, std::int64_t dim, bool precomputed,
                       std::size_t scalar_size, bool gradient) const {
    if (graph_ != Graph::kTfa) return;
    const std::uint64_t needed =
        torch_backend::tfa_peak_bytes(spec.loss, batch, dim, precomputed, scalar_size, gradient);
    const std::uint64_t allowed =
        memory_cap_from_environment(kTorchTfaMaxBytesVariable, kDefaultTorchTfaMaxBytes);
    if (needed <= allowed) return;
    throw ResourceLimit(
        "torch-tfa at B = " + std::to_string(batch) + " (" +
            (spec.loss == Loss::kSemiHard ? "TFA's B²×B semi-hard mask and masked minimum"
                                          : "TFA's hard loss graph") +
            (gradient ? ", with autograd's saved tensors)" : ")"),
        needed, allowed,
        std::string("use the torch or eigen backend, or raise ") + kTorchTfaMaxBytesVariable);
  }

  torch_backend::BackendInfo info_;
  Graph graph_;
  at::Device device_;
};

}  // namespace

std::unique_ptr<Backend> make_torch_backend(const std::string& name) {
  for (auto& info : torch_backend::backend_infos()) {
    if (info.name != name) continue;
    const Graph graph = name.rfind("torch-tfa", 0) == 0 ? Graph::kTfa : Graph::kFast;
    if (info.capabilities.device == Device::kCpu) {
      return std::make_unique<TorchBackend>(std::move(info), graph, at::kCPU);
    }
    // Conformance needs IEEE float32 products: TF32 would round the inputs to 10 mantissa bits.
    at::globalContext().setAllowTF32CuBLAS(false);
    at::globalContext().setAllowTF32CuDNN(false);
    return std::make_unique<TorchBackend>(std::move(info), graph, at::Device(at::kCUDA));
  }
  return nullptr;
}

}  // namespace tripletcheck
