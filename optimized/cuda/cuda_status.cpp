#include "optimized/cuda/cuda_status.hpp"

#include "tripletcheck/errors.hpp"

namespace tripletcheck::cuda {
namespace {

const char* const kAdvice = "use a smaller batch, or a GPU with more free memory";

std::uint64_t free_device_bytes() {
  std::size_t free_bytes = 0, total_bytes = 0;
  check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  return free_bytes;
}

}  // namespace

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw Error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
  }
}

void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw Error(std::string("cuBLAS error in ") + what + ": status " +
                std::to_string(static_cast<int>(status)));
  }
}

void require_free_device_memory(std::uint64_t bytes, const std::string& what) {
  const std::uint64_t free_bytes = free_device_bytes();
  if (bytes > free_bytes)
    throw ResourceLimit(what + " (free device memory)", bytes, free_bytes, kAdvice);
}

void* device_allocate(std::size_t bytes, const std::string& what) {
  void* ptr = nullptr;
  const cudaError_t status = cudaMalloc(&ptr, bytes > 0 ? bytes : 1);
  if (status == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();  // consumed, so that the next launch check does not report it
    throw ResourceLimit(what + " (cudaMalloc)", bytes, free_device_bytes(), kAdvice);
  }
  check(status, "cudaMalloc");
  return ptr;
}

}  // namespace tripletcheck::cuda
