// Eigen types and the tiling shared by the eigen backend's files.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <functional>

namespace tripletcheck::eigen {

using Index = std::int64_t;

template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using ConstRowMap = Eigen::Map<const RowMatrix<T>>;
template <class T>
using RowMap = Eigen::Map<RowMatrix<T>>;
// A block of a larger row-major matrix.
template <class T>
using BlockMap = Eigen::Map<RowMatrix<T>, Eigen::Unaligned, Eigen::OuterStride<>>;

// Every pass over a B×B matrix is cut into tiles of this many rows (and columns). The cut depends
// on B alone, never on the thread count, and each tile is computed by one thread with the same
// GEMM shapes: this is what makes every result bitwise independent of the number of threads.
// 128 keeps a tile pair's GEMM (128×128×D) efficient while leaving enough tasks to balance.
constexpr Index kTile = 128;

inline Index tile_count(Index n) { return (n + kTile - 1) / kTile; }

// Called by a parallel step with the rows [first, last) of its result once they are final, on the
// thread that finished them, so that the caller's next step on those rows runs on every thread
// while they are in cache; several calls for different rows may run at once.
using RowsReady = std::function<void(Index first, Index last)>;

// The distance GEMMs take the columns of a row tile's strip in chunks of this many, starting at
// multiples of it. Eigen's kernels round an entry differently depending on where it falls in the
// product's columns (a wide product mixes 3-, 2- and 1-packet kernels), so an entry is only
// reproducible by a GEMM of the same shape at the same place: with fixed chunks, a block of rows
// computed on its own gets every bit of the whole matrix (distances.cpp). 384 is a multiple of
// kTile and of every kernel width (24 floats or 12 doubles with AVX, 48 and 24 with AVX-512), and
// measured as fast as a whole strip (B = 4096 and 8192, D = 128 and 512).
constexpr Index kChunk = 384;

}  // namespace tripletcheck::eigen
