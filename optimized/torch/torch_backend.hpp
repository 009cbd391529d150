// Inside the LibTorch module only (see torch_module.cpp): the backends' factory and the runtime
// description. No torch header here.
//   torch-tfa   TFA's graph op for op (B²×B tiled mask and all), gradients by autograd: the TFA
//               algorithm as users port it, and the baseline for speed and memory. Refuses, with
//               ResourceLimit, a call whose B³ tensors would pass its memory cap.
//   torch       the same semantics without B³ tensors (fast_graph.hpp), on the CPU;
//   torch-tfa-cuda, torch-cuda  the same two on a CUDA device, when LibTorch has CUDA and there
//               is a GPU (TF32 off).
//
// Where LibTorch's ops differ from TF's (torch-tfa is otherwise TF's graph, ties included; the
// golden fixtures list these in conformance/known_divergences.cpp):
//  * float32 log1p (SLEEF) returns +Inf above 1e38: the soft loss overflows from z ≈ 87.50, not
//    TF's 88.72 (torch and torch-cuda compute that log1p in float64 to keep TF's values);
//  * LibTorch does not flush subnormal float32 intermediates to zero as TF's CPU kernels do;
//  * OpenBLAS's GEMM fuses multiply-adds: at float32 overflow (~1e20 inputs) NaN patterns differ;
//  * rsqrt's gradient is −½·y³·g, not TF's (−½·y²)·(y·g): for float32 row norms above ~1e12 the
//    y³ underflows and the angular gradient loses its projection term (docs/SEMANTICS.md §5.6).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tripletcheck/backend.hpp"

namespace tripletcheck {

// torch-tfa's default cap on its peak memory, and the environment variable that overrides it
// (a whole number of bytes, read at every call).
constexpr std::uint64_t kDefaultTorchTfaMaxBytes = std::uint64_t{8} << 30;
constexpr const char* kTorchTfaMaxBytesVariable = "TRIPLETCHECK_TORCH_TFA_MAX_BYTES";

// A name of torch_backend_info.hpp; nullptr for any other name.
std::unique_ptr<Backend> make_torch_backend(const std::string& name);

// LibTorch picks its intra-op thread count from the physical cores it can detect, which on some
// virtual machines is 1. Use every hardware thread, as the eigen backend does, unless the user
// chose with OMP_NUM_THREADS. Idempotent; every backend call starts with it.
void configure_torch_threads();

// One line on the LibTorch that runs here: version, intra-op threads, the BLAS library loaded
// (Debian's LibTorch multiplies through the system libblas.so.3), CUDA devices.
std::string torch_runtime_description();

}  // namespace tripletcheck
