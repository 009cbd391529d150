// How the suites name backends and size their batches per backend.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "tripletcheck/backend.hpp"

namespace tripletcheck::conformance {

// gtest names allow only letters, digits and '_': a backend name such as "torch-tfa" becomes
// "torch_tfa" in test names (filter with --gtest_filter='*torch_tfa*').
inline std::string test_name(const Backend& backend) {
  std::string name = backend.name();
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok) c = '_';
  }
  return name;
}

// torch-tfa reproduces TFA's B²×B tensors: a call at B = 256 takes ~0.3 s where the other
// backends take milliseconds, so the suites that repeat a batch many times (concurrency,
// determinism) cap its batch here. 96 still runs LibTorch's own intra-op threads.
inline std::int64_t batch_for(const Backend& backend, std::int64_t wanted) {
  constexpr std::int64_t kCubicBackendMaxBatch = 96;
  return backend.name() == "torch-tfa" ? std::min(wanted, kCubicBackendMaxBatch) : wanted;
}

}  // namespace tripletcheck::conformance
