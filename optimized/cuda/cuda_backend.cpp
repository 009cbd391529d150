// The `cuda` backend's host side: availability from cudaGetDeviceCount, and per call a stream, a
// workspace and device copies of the inputs (so concurrent calls share nothing), the device
// pipeline, and the results copied back.
#include "optimized/cuda/cuda_backend.hpp"

#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "optimized/cuda/cuda_status.hpp"
#include "optimized/cuda/cuda_triplet.hpp"
#include "tripletcheck/errors.hpp"

namespace tripletcheck {
namespace {

using cuda::check;

// A device allocation freed on scope exit; out of memory is a ResourceLimit (cuda_status.hpp).
class DeviceArray {
 public:
  DeviceArray(std::size_t bytes, const char* what)
      : ptr_(cuda::device_allocate(bytes, std::string("the cuda backend's ") + what)) {}
  ~DeviceArray() { (void)cudaFree(ptr_); }  // a destructor cannot throw
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  template <class T>
  T* as() const {
    return static_cast<T*>(ptr_);
  }

 private:
  void* ptr_ = nullptr;
};

class Stream {
 public:
  Stream() { check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "stream"); }
  ~Stream() { (void)cudaStreamDestroy(stream_); }  // a destructor cannot throw
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaStream_t get() const { return stream_; }

 private:
  cudaStream_t stream_ = nullptr;
};

// Workspaces (device buffers and a cuBLAS handle, slow to create) reused across calls; each call
// takes one for itself, so concurrent calls never share one.
class WorkspacePool {
 public:
  std::unique_ptr<cuda::Workspace> take() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return std::make_unique<cuda::Workspace>();
    auto w = std::move(free_.back());
    free_.pop_back();
    return w;
  }
  void give_back(std::unique_ptr<cuda::Workspace> w) {
    const std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(w));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<cuda::Workspace>> free_;
};

// Copies `count` values of `values` and the labels in, runs `compute`, copies loss and gradient
// (grad_count values) out.
template <class Compute>
Result<float> run_on_device(const float* values, std::int64_t count, const std::int64_t* labels,
                            std::int64_t batch, std::int64_t grad_count, bool gradient,
                            WorkspacePool& pool, Compute compute) {
  const Stream stream;
  const auto input_bytes = static_cast<std::uint64_t>(count) * sizeof(float);
  const auto label_bytes = static_cast<std::uint64_t>(batch) * sizeof(std::int64_t);
  const auto grad_bytes = gradient ? static_cast<std::uint64_t>(grad_count) * sizeof(float) : 1;
  // Inputs and outputs up front; the device pipeline then reserves its workspace the same way.
  cuda::require_free_device_memory(
      input_bytes + label_bytes + sizeof(float) + grad_bytes,
      "the cuda backend's inputs and outputs at B = " + std::to_string(batch));
  const DeviceArray d_values(input_bytes, "input");
  const DeviceArray d_labels(label_bytes, "labels");
  const DeviceArray d_loss(sizeof(float), "loss");
  const DeviceArray d_grad(grad_bytes, "gradient");
  check(
      cudaMemcpyAsync(d_values.as<float>(), values, static_cast<std::size_t>(count) * sizeof(float),
                      cudaMemcpyHostToDevice, stream.get()),
      "copy in");
  check(cudaMemcpyAsync(d_labels.as<std::int64_t>(), labels,
                        static_cast<std::size_t>(batch) * sizeof(std::int64_t),
                        cudaMemcpyHostToDevice, stream.get()),
        "copy labels in");
  std::unique_ptr<cuda::Workspace> workspace = pool.take();
  compute(d_values.as<float>(), d_labels.as<std::int64_t>(), d_loss.as<float>(),
          gradient ? d_grad.as<float>() : nullptr, stream.get(), *workspace);
  float loss = 0;
  Result<float> result;
  check(cudaMemcpyAsync(&loss, d_loss.as<float>(), sizeof(float), cudaMemcpyDeviceToHost,
                        stream.get()),
        "copy loss out");
  if (gradient) {
    result.grad.resize(static_cast<std::size_t>(grad_count));
    check(cudaMemcpyAsync(result.grad.data(), d_grad.as<float>(),
                          static_cast<std::size_t>(grad_count) * sizeof(float),
                          cudaMemcpyDeviceToHost, stream.get()),
          "copy gradient out");
  }
  check(cudaStreamSynchronize(stream.get()), "cudaStreamSynchronize");
  // Only a workspace whose work finished goes back (after an exception it is dropped).
  pool.give_back(std::move(workspace));
  result.loss = static_cast<double>(loss);
  return result;
}

class CudaBackend final : public Backend {
 public:
  std::string name() const override { return "cuda"; }
  std::string description() const override {
    return "CUDA kernels: cuBLAS SGEMM distances (TF32 off), segmented-sort semi-hard mining, "
           "GEMM backward; float32";
  }
  Capabilities capabilities() const override {
    Capabilities caps;
    caps.float32 = true;
    caps.float64 = false;
    caps.precomputed_distances = true;
    caps.tf_exact_ties = false;  // ties go one-hot to the smallest column (mining_logic.hpp)
    caps.deterministic = true;   // integer atomics only, fixed-order float reductions
    caps.thread_count_invariant = true;
    caps.device = Device::kCuda;
    return caps;
  }
  std::string unavailable_reason() const override {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
      (void)cudaGetLastError();  // consumed: "no device" is an answer here, not an error
      return std::string("no CUDA device (") + cudaGetErrorString(status) + ")";
    }
    return count > 0 ? std::string() : std::string("no CUDA device");
  }

 protected:
  Result<float> run(const LossSpec& spec, const BatchView<float>& batch,
                    bool gradient) const override {
    require_32bit(batch.batch, batch.dim);
    return run_on_device(batch.embeddings, batch.batch * batch.dim, batch.labels, batch.batch,
                         batch.batch * batch.dim, gradient, pool_,
                         [&](const float* x, const std::int64_t* labels, float* loss, float* grad,
                             cudaStream_t stream, cuda::Workspace& ws) {
                           cuda::cuda_triplet_loss(x, labels, batch.batch, batch.dim, spec, loss,
                                                   grad, stream, ws);
                         });
  }
  Result<float> run(const LossSpec& spec, const DistanceView<float>& view,
                    bool gradient) const override {
    require_32bit(view.batch, 1);
    return run_on_device(view.distances, view.batch * view.batch, view.labels, view.batch,
                         view.batch * view.batch, gradient, pool_,
                         [&](const float* d, const std::int64_t* labels, float* loss, float* grad,
                             cudaStream_t stream, cuda::Workspace& ws) {
                           cuda::cuda_triplet_loss_on_distances(d, labels, view.batch, spec, loss,
                                                                grad, stream, ws);
                         });
  }

 private:
  mutable WorkspacePool pool_;

  void require_32bit(std::int64_t batch, std::int64_t dim) const {
    if (!available()) throw Unavailable("cuda: " + unavailable_reason());
    // cuBLAS and the kernel grids take B and D as int.
    if (batch > INT32_MAX || dim > INT32_MAX) {
      throw Unsupported("cuda: B and D must fit in 32 bits");
    }
  }
};

}  // namespace

std::unique_ptr<Backend> make_cuda_backend() { return std::make_unique<CudaBackend>(); }

}  // namespace tripletcheck
