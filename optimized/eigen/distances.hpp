// TFA's distance matrices (docs/SEMANTICS.md §1) from GEMMs of X·Xᵀ (or F·Fᵀ for angular), in
// TF's expanded formula so that the values track TF's float32 rounding: either the whole B×B
// matrix at once, or any block of its rows, bitwise the same values, so that a large batch can
// be mined a block at a time in O(block·B) memory.
#pragma once

#include <vector>

#include "optimized/eigen/threading.hpp"
#include "optimized/eigen/types.hpp"
#include "tripletcheck/options.hpp"

namespace tripletcheck::eigen {

// The embeddings in the order the GEMMs take them and what the distance formula needs besides
// the GEMMs, computed once per call, a tile of rows per task: on the calling thread alone the
// gather of rows in class order (each a random read) and the norms were 4% of a call at
// B = 1024.
template <class T>
struct DistanceInputs {
  // Row p is row order[p] of `embeddings`.
  DistanceInputs(const ConstRowMap<T>& embeddings, const std::int64_t* order, Metric metric,
                 const Parallelism& how);
  DistanceInputs(const DistanceInputs&) = delete;  // x maps rows
  DistanceInputs& operator=(const DistanceInputs&) = delete;

  // The GEMM operand: X, or F for angular.
  ConstRowMap<T> source() const;
  Index batch() const { return x.rows(); }

  RowMatrix<T> rows;  // X in the given order, B×D
  ConstRowMap<T> x;   // rows
  Metric metric;
  bool finite = true;           // every entry of source() is finite
  std::vector<T> norm;          // L2 metrics: ‖x_i‖²
  RowMatrix<T> normalized;      // angular: F = x·rsqrt(max(‖x‖², 1e-12)), B×D
  std::vector<T> squared_norm;  // angular: ‖x_i‖², the l2_normalize argument
  std::vector<T> inverse_norm;  // angular: rsqrt(max(‖x_i‖², 1e-12))
};

// The entries of D. Where TF's clamp max(·, 0) met a negative value (S_raw < 0, or
// 1 − f_i·f_j < 0 for angular) D holds −0.0: it is 0 for every comparison, and the sign tells the
// backward pass that the clamp blocked the gradient there, while a clamp at exactly 0 passes it
// (docs/SEMANTICS.md §5.1). D is exactly symmetric (each pair is computed once, in the GEMM of
// the row tile of max(i, j)).

// One GEMM chunk of a row tile's strip (each entry D[i][j], j <= i, belongs to exactly one: the
// chunk at c0 = ⌊j / kChunk⌋·kChunk of the row tile of i): the entries j <= i of the rows
// [i0, i0 + rows) (i0 a multiple of kTile) for the columns [c0, c0 + width), into `out` (row
// stride `stride` >= width); entries j > i hold unfinished GEMM values. Every path to D goes
// through these chunks, which is what makes their values agree bit for bit.
struct StripChunk {
  Index width = 0;
  bool nan = false;  // some entry j <= i is NaN
};
template <class T>
StripChunk strip_chunk(const DistanceInputs<T>& in, Index i0, Index rows, Index c0, T* out,
                       Index stride);

// whole_distances hands rows on in runs of this many (the last run may be shorter).
constexpr Index kReadyRows = 32;
static_assert(kTile % kReadyRows == 0, "a row tile is whole runs");

// The whole B×B matrix into `d` (B×B, row-major); returns whether some entry is NaN. Each run of
// kReadyRows rows goes to `ready` as soon as it is final (when its row tile is), unless a NaN has
// been seen by then: the caller mines it while it is still in cache. Every row is handed on
// exactly once when the result is false.
template <class T>
bool whole_distances(const DistanceInputs<T>& in, T* d, const Parallelism& how,
                     const RowsReady& ready);

// Rows [first, last) of the same matrix into `rows` ((last − first)×B, row-major), bitwise the
// values whole_distances gives. `first` is a multiple of kChunk. Returns whether one of those
// rows has a NaN entry. Costs the B·(last − first) dot products of the rows, where the whole
// matrix costs half of B² in all.
template <class T>
bool distance_rows(const DistanceInputs<T>& in, Index first, Index last, T* rows,
                   const Parallelism& how);

}  // namespace tripletcheck::eigen
