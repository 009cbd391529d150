// The `cuda` backend: the device pipeline of cuda_triplet.hpp behind the Backend interface
// (host data copied to the GPU and back per call). float32, embeddings or precomputed distances.
#pragma once

#include <memory>

#include "tripletcheck/backend.hpp"

namespace tripletcheck {

// Always constructible; unavailable_reason() says "no CUDA device" on a machine without a GPU.
std::unique_ptr<Backend> make_cuda_backend();

}  // namespace tripletcheck
