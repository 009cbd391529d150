// dLoss/dX from W' (docs/SEMANTICS.md §5.2). With M = W' + W'ᵀ (D[i,j] and D[j,i] both feed x_i and x_j):
//   L2 / squared-L2:  dX = c·(diag(M·1)·X − M·X), c = 1 (W' = W/D) or 2 (W' = W),
//   angular:          G_F = −M·F, then back through l2_normalize row by row.
// M·X is a GEMM over the dense M, or a sparse product when W' has few nonzeros.
#pragma once

#include <vector>

#include "optimized/eigen/threading.hpp"
#include "optimized/eigen/types.hpp"
#include "optimized/eigen/weight_matrix.hpp"

namespace tripletcheck::eigen {

// Writes M·S into `product` (B×D) and, if row_sum is not null, M·1 into row_sum (B), a tile of
// rows per task; `done` (if given) takes each tile's rows of both once written (the backend runs
// the metric's backward and the copy to the caller's order there: after the products, on the
// calling thread alone, they were 6% of a call at B = 1024).
// Dense: M is given (already symmetrized).
template <class T>
void dense_product(const RowMatrix<T>& m, const ConstRowMap<T>& s, T* product, T* row_sum,
                   const Parallelism& how, const RowsReady& done = {});
// Sparse: M = W' + W'ᵀ from W' and its transpose.
template <class T>
void sparse_product(const SparseRows<T>& w, const SparseRows<T>& w_transposed,
                    const ConstRowMap<T>& s, T* product, T* row_sum, const Parallelism& how,
                    const RowsReady& done = {});

// In place on the rows [first, last): product = M·X on entry, dX on return.
template <class T>
void euclidean_gradient(const ConstRowMap<T>& x, const std::vector<T>& row_sum, T factor,
                        T* product, Index first, Index last);
// In place on the rows [first, last): product = M·F on entry, dX on return. TF's rsqrt gradient
// −0.5·(g·y)·(y·y), and the max(‖x‖², 1e-12) passing nothing to the norm below it
// (docs/SEMANTICS.md §5.2, §5.6).
template <class T>
void angular_gradient(const ConstRowMap<T>& x, const std::vector<T>& squared_norm,
                      const std::vector<T>& inverse_norm, T* product, Index first, Index last);

}  // namespace tripletcheck::eigen
