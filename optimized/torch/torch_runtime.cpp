// The LibTorch runtime: its thread count, and what a benchmark report says about it.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "optimized/torch/torch_backend.hpp"

namespace tripletcheck {
namespace {

// The BLAS library mapped into this process, resolved through the alternatives symlinks
// (Debian's libblas.so.3 is the reference BLAS or OpenBLAS, whichever is installed and chosen).
std::string loaded_blas() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash);
    const auto base = path.substr(path.rfind('/') + 1);
    if (base.rfind("libblas", 0) == 0 || base.rfind("libopenblas", 0) == 0 ||
        base.rfind("libmkl", 0) == 0) {
      char resolved[PATH_MAX];
      return realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : path;
    }
  }
  return "none mapped";
}

// OMP_WAIT_POLICY as libgomp read it at load (the proxies set PASSIVE unless the user chose).
std::string openmp_wait_policy() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  return policy != nullptr && *policy != '\0' ? policy : "unset: libgomp spins";
}

}  // namespace

void configure_torch_threads() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* chosen = std::getenv("OMP_NUM_THREADS");
    if (chosen != nullptr && *chosen != '\0') return;
    at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  });
}

std::string torch_runtime_description() {
  configure_torch_threads();
  // One product first, so that a lazily loaded BLAS is mapped when we look.
  (void)at::mm(at::ones({2, 2}), at::ones({2, 2}));
  std::string text =
      std::string("LibTorch ") + TORCH_VERSION + ", " + std::to_string(at::get_num_threads()) +
      " intra-op threads (OpenMP wait policy " + openmp_wait_policy() + "), BLAS " + loaded_blas();
  text += ", CUDA devices: " + (at::hasCUDA() ? std::to_string(torch::cuda::device_count())
                                              : std::string("none (built without CUDA)"));
  return text;
}

}  // namespace tripletcheck
