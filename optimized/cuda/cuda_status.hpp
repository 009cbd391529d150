// Every CUDA and cuBLAS status of the cuda backend, its device API and its benchmark goes through
// check(); device memory is taken through device_allocate(), which turns "out of memory" into a
// ResourceLimit with the bytes (and clears CUDA's error state, so that the next launch check
// does not report a stale error).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace tripletcheck::cuda {

// Throws tripletcheck::Error naming `what` and the status.
void check(cudaError_t status, const char* what);
void check(cublasStatus_t status, const char* what);

// Throws ResourceLimit when `bytes` more than the device's free memory (cudaMemGetInfo) would be
// needed by `what`: the up-front refusal, before any of it is allocated.
void require_free_device_memory(std::uint64_t bytes, const std::string& what);

// cudaMalloc(bytes) (at least 1 byte). Out of memory: ResourceLimit naming `what`, with the
// error state cleared; any other failure: Error.
void* device_allocate(std::size_t bytes, const std::string& what);

}  // namespace tripletcheck::cuda
