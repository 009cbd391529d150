// W' = dLoss/dD carried back through the metric's element-wise masks and scales, in the two
// forms the backward pass takes: sparse rows (few nonzeros: hard loss, small classes) or dense,
// in the B×B buffer that held the distances.
#pragma once

#include <cstdint>
#include <vector>

#include "optimized/eigen/threading.hpp"
#include "optimized/eigen/types.hpp"

namespace tripletcheck::eigen {

// Compressed sparse rows. Within a row, entries keep the order the miner emitted them in.
template <class T>
struct SparseRows {
  std::vector<Index> start;  // B+1 offsets into col/value
  std::vector<std::int32_t> col;
  std::vector<T> value;
};

// The sparse rows of consecutive anchors [first_row, first_row + row_count.size()), one chunk
// per mining task; concatenated in row order they form the whole matrix.
template <class T>
struct SparseChunk {
  Index first_row = 0;
  std::vector<Index> row_count;
  std::vector<std::int32_t> col;
  std::vector<T> value;
};

template <class T>
SparseRows<T> assemble(std::vector<SparseChunk<T>>&& chunks, Index b);
// Wᵀ by a counting sort on the column: entries of a row stay ordered by their source row.
template <class T>
SparseRows<T> transpose(const SparseRows<T>& w, Index b);
// M = W + Wᵀ in place, tile pair by tile pair (each pair written by one task).
template <class T>
void symmetrize(RowMatrix<T>& w, const Parallelism& how);

}  // namespace tripletcheck::eigen
