// Sparse assembly/transpose (sequential, O(nnz + B): small by construction) and the dense
// in-place symmetrization (parallel over tile pairs).
#include "optimized/eigen/weight_matrix.hpp"

#include <algorithm>

namespace tripletcheck::eigen {

template <class T>
SparseRows<T> assemble(std::vector<SparseChunk<T>>&& chunks, Index b) {
  SparseRows<T> w;
  w.start.assign(static_cast<std::size_t>(b + 1), 0);
  std::size_t nonzeros = 0;
  for (const auto& chunk : chunks) nonzeros += chunk.col.size();
  w.col.reserve(nonzeros);
  w.value.reserve(nonzeros);
  for (auto& chunk : chunks) {
    for (std::size_t r = 0; r < chunk.row_count.size(); ++r) {
      const auto row = static_cast<std::size_t>(chunk.first_row) + r;
      w.start[row + 1] = w.start[row] + chunk.row_count[r];
    }
    w.col.insert(w.col.end(), chunk.col.begin(), chunk.col.end());
    w.value.insert(w.value.end(), chunk.value.begin(), chunk.value.end());
    chunk = SparseChunk<T>{};  // release as we go
  }
  return w;
}

template <class T>
SparseRows<T> transpose(const SparseRows<T>& w, Index b) {
  SparseRows<T> t;
  t.start.assign(static_cast<std::size_t>(b + 1), 0);
  for (const std::int32_t c : w.col) ++t.start[static_cast<std::size_t>(c) + 1];
  for (Index r = 0; r < b; ++r) {
    t.start[static_cast<std::size_t>(r + 1)] += t.start[static_cast<std::size_t>(r)];
  }
  t.col.resize(w.col.size());
  t.value.resize(w.value.size());
  std::vector<Index> fill(t.start.begin(), t.start.end() - 1);
  for (Index r = 0; r < b; ++r) {
    for (Index e = w.start[static_cast<std::size_t>(r)];
         e < w.start[static_cast<std::size_t>(r + 1)]; ++e) {
      const auto c = static_cast<std::size_t>(w.col[static_cast<std::size_t>(e)]);
      const auto at = static_cast<std::size_t>(fill[c]++);
      t.col[at] = static_cast<std::int32_t>(r);
      t.value[at] = w.value[static_cast<std::size_t>(e)];
    }
  }
  return t;
}

// Sub-blocks whose rows and columns stay in L1 and the first-level TLB (as in distances.cpp).
constexpr Index kSymmetrizeBlock = 16;

template <class T>
void symmetrize(RowMatrix<T>& w, const Parallelism& how) {
  const Index b = w.rows();
  const Index n = tile_count(b);
  T* const m = w.data();
  parallel_for(how, n * (n + 1) / 2, [&](Index t) {
    // Task t → lower tile pair (I, J), J <= I, in row-major order of the lower triangle.
    Index row_tile = 0;
    while ((row_tile + 1) * (row_tile + 2) / 2 <= t) ++row_tile;
    const Index col_tile = t - row_tile * (row_tile + 1) / 2;
    const Index i_end = std::min(b, (row_tile + 1) * kTile);
    const Index j_end = std::min(b, (col_tile + 1) * kTile);
    for (Index i0 = row_tile * kTile; i0 < i_end; i0 += kSymmetrizeBlock) {
      for (Index j0 = col_tile * kTile; j0 < j_end; j0 += kSymmetrizeBlock) {
        if (j0 > i0) continue;  // the diagonal tile: its upper sub-blocks come from the lower
        for (Index i = i0; i < std::min(i_end, i0 + kSymmetrizeBlock); ++i) {
          const Index j1 = std::min({j_end, j0 + kSymmetrizeBlock, i});  // strictly below
          for (Index j = j0; j < j1; ++j) {
            const T sum = m[i * b + j] + m[j * b + i];
            m[i * b + j] = sum;
            m[j * b + i] = sum;
          }
        }
      }
    }
    if (row_tile == col_tile) {
      for (Index i = row_tile * kTile; i < i_end; ++i) m[i * b + i] += m[i * b + i];
    }
  });
}

template SparseRows<float> assemble(std::vector<SparseChunk<float>>&&, Index);
template SparseRows<double> assemble(std::vector<SparseChunk<double>>&&, Index);
template SparseRows<float> transpose(const SparseRows<float>&, Index);
template SparseRows<double> transpose(const SparseRows<double>&, Index);
template void symmetrize(RowMatrix<float>&, const Parallelism&);
template void symmetrize(RowMatrix<double>&, const Parallelism&);

}  // namespace tripletcheck::eigen
