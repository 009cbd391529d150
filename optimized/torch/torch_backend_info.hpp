// What the LibTorch backends are, known without loading LibTorch: their names, descriptions and
// capabilities. Shared by the module that implements them (torch_module.cpp) and the proxies
// that stand for them in every binary (torch_proxies.cpp), so the two cannot disagree.
#pragma once

#include <string>
#include <vector>

#include "tripletcheck/backend.hpp"

namespace tripletcheck::torch_backend {

struct BackendInfo {
  std::string name;
  std::string description;
  Capabilities capabilities;
};

// torch-tfa, torch, torch-cuda, in the registry's order.
inline std::vector<BackendInfo> backend_infos() {
  Capabilities common;
  common.float64 = true;
  common.precomputed_distances = true;
  // Intra-op reductions split over LibTorch's threads: the same bits for the same thread count.
  common.thread_count_invariant = false;

  Capabilities tfa = common;
  tfa.tf_exact_ties = true;  // clamp_min, amax/amin and where have TF's gradients at ties
  Capabilities cuda = common;
  cuda.device = Device::kCuda;
  return {
      {"torch-tfa",
       "TFA's graph op for op in LibTorch (B²×B tiled mask), autograd; the port baseline", tfa},
      {"torch", "LibTorch without B³ tensors (chunked semi-hard mining), autograd, CPU", common},
      {"torch-cuda",
       "LibTorch without B³ tensors (chunked semi-hard mining), autograd, CUDA, TF32 off", cuda},
  };
}

}  // namespace tripletcheck::torch_backend
