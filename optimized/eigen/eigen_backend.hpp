// The `eigen` backend: the fast CPU path (GEMM distances, sub-cubic mining, sparse or GEMM
// backward, std::threads), float32 and float64, embeddings or precomputed distances.
#pragma once

#include <cstdint>
#include <memory>

#include "tripletcheck/backend.hpp"

namespace tripletcheck {

// Uses every hardware thread.
std::unique_ptr<Backend> make_eigen_backend();
// Uses at most `threads` threads (>= 1) and holds `block_rows` rows of the distance matrix at a
// time (rounded up to a multiple of 384; 0: the whole matrix up to 16 MiB, then 768 rows at a
// time). Results are bitwise the same for every thread count and every block size.
std::unique_ptr<Backend> make_eigen_backend(int threads, std::int64_t block_rows = 0);

}  // namespace tripletcheck
