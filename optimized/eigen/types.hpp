// Eigen types and the tiling shared by the eigen backend's files.
#pragma once

#include <Eigen/Core>
#include <cstdint>

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

}  // namespace tripletcheck::eigen
