// The `eigen` backend: the fast CPU path (GEMM distances, sub-cubic mining, sparse or GEMM
// backward, std::threads), float32 and float64, embeddings or precomputed distances.
#pragma once

#include <memory>

#include "tripletcheck/backend.hpp"

namespace tripletcheck {

// Uses every hardware thread.
std::unique_ptr<Backend> make_eigen_backend();
// Uses at most `threads` threads (>= 1). Results are bitwise the same for every thread count.
std::unique_ptr<Backend> make_eigen_backend(int threads);

}  // namespace tripletcheck
