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

// torch-tfa, torch, torch-tfa-cuda, torch-cuda, in the registry's order.
inline std::vector<BackendInfo> backend_infos() {
  Capabilities common;
  common.float64 = true;
  common.precomputed_distances = true;
  // Intra-op reductions split over LibTorch's threads: the same bits for the same thread count.
  common.thread_count_invariant = false;

  Capabilities tfa = common;
  tfa.tf_exact_ties = true;  // clamp_min, amax/amin and where have TF's gradients at ties
  // On CUDA, autograd's index_select / gather backwards accumulate with atomics: the order of
  // the float additions, and so the last bits, may change from run to run.
  Capabilities tfa_cuda = tfa;
  tfa_cuda.device = Device::kCuda;
  tfa_cuda.deterministic = false;
  Capabilities cuda = common;
  cuda.device = Device::kCuda;
  cuda.deterministic = false;
  return {
      {"torch-tfa",
       "TFA's graph op for op in LibTorch (B²×B tiled mask), autograd, CPU; the port baseline",
       tfa},
      {"torch", "LibTorch without B³ tensors (chunked semi-hard mining), autograd, CPU", common},
      {"torch-tfa-cuda", "torch-tfa on a CUDA device, TF32 off", tfa_cuda},
      {"torch-cuda",
       "LibTorch without B³ tensors (chunked semi-hard mining), autograd, CUDA, TF32 off", cuda},
  };
}

}  // namespace tripletcheck::torch_backend
