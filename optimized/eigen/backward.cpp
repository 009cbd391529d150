// The GEMM-shaped half of the backward pass, tiled by rows like everything else.
#include "optimized/eigen/backward.hpp"

#include <algorithm>

namespace tripletcheck::eigen {
namespace {

template <class T>
constexpr T kNormEpsilon = T(1e-12);  // l2_normalize's floor (docs/SEMANTICS.md §1.2)

}  // namespace

template <class T>
void dense_product(const RowMatrix<T>& m, const ConstRowMap<T>& s, T* product, T* row_sum,
                   const Parallelism& how, const RowsReady& done) {
  const Index b = m.rows();
  const Index dim = s.cols();
  parallel_for(how, tile_count(b), [&](Index t) {
    const Index i0 = t * kTile;
    const Index rows = std::min(kTile, b - i0);
    RowMap<T> out(product + i0 * dim, rows, dim);
    out.noalias() = m.middleRows(i0, rows) * s;
    if (row_sum != nullptr) {
      for (Index i = i0; i < i0 + rows; ++i) row_sum[i] = m.row(i).sum();
    }
    if (done) done(i0, i0 + rows);
  });
}

template <class T>
void sparse_product(const SparseRows<T>& w, const SparseRows<T>& w_transposed,
                    const ConstRowMap<T>& s, T* product, T* row_sum, const Parallelism& how,
                    const RowsReady& done) {
  const Index b = s.rows();
  const Index dim = s.cols();
  parallel_for(how, tile_count(b), [&](Index t) {
    const Index i0 = t * kTile;
    const Index i1 = std::min(b, i0 + kTile);
    for (Index i = i0; i < i1; ++i) {
      RowMap<T> out(product + i * dim, 1, dim);
      out.setZero();
      T sum = 0;
      for (const SparseRows<T>* part : {&w, &w_transposed}) {
        const auto begin = part->start[static_cast<std::size_t>(i)];
        const auto end = part->start[static_cast<std::size_t>(i + 1)];
        for (Index e = begin; e < end; ++e) {
          const T value = part->value[static_cast<std::size_t>(e)];
          out.noalias() += value * s.row(part->col[static_cast<std::size_t>(e)]);
          sum += value;
        }
      }
      if (row_sum != nullptr) row_sum[i] = sum;
    }
    if (done) done(i0, i1);
  });
}

template <class T>
void euclidean_gradient(const ConstRowMap<T>& x, const std::vector<T>& row_sum, T factor,
                        T* product, Index first, Index last) {
  RowMap<T> grad(product, x.rows(), x.cols());
  for (Index i = first; i < last; ++i) {
    grad.row(i) = factor * (row_sum[static_cast<std::size_t>(i)] * x.row(i) - grad.row(i));
  }
}

template <class T>
void angular_gradient(const ConstRowMap<T>& x, const std::vector<T>& squared_norm,
                      const std::vector<T>& inverse_norm, T* product, Index first, Index last) {
  RowMap<T> grad(product, x.rows(), x.cols());
  for (Index i = first; i < last; ++i) {
    const auto k = static_cast<std::size_t>(i);
    grad.row(i) = -grad.row(i);  // G_F: d/d(F·Fᵀ) = −W'
    const T y = inverse_norm[k];
    const T grad_y = grad.row(i).dot(x.row(i));
    const T grad_rsqrt_argument = T(-0.5) * (grad_y * y) * (y * y);
    const T grad_squared_norm = squared_norm[k] >= kNormEpsilon<T> ? grad_rsqrt_argument : T(0);
    grad.row(i) = grad.row(i) * y + (T(2) * x.row(i)) * grad_squared_norm;
  }
}

template void dense_product(const RowMatrix<float>&, const ConstRowMap<float>&, float*, float*,
                            const Parallelism&, const RowsReady&);
template void dense_product(const RowMatrix<double>&, const ConstRowMap<double>&, double*, double*,
                            const Parallelism&, const RowsReady&);
template void sparse_product(const SparseRows<float>&, const SparseRows<float>&,
                             const ConstRowMap<float>&, float*, float*, const Parallelism&,
                             const RowsReady&);
template void sparse_product(const SparseRows<double>&, const SparseRows<double>&,
                             const ConstRowMap<double>&, double*, double*, const Parallelism&,
                             const RowsReady&);
template void euclidean_gradient(const ConstRowMap<float>&, const std::vector<float>&, float,
                                 float*, Index, Index);
template void euclidean_gradient(const ConstRowMap<double>&, const std::vector<double>&, double,
                                 double*, Index, Index);
template void angular_gradient(const ConstRowMap<float>&, const std::vector<float>&,
                               const std::vector<float>&, float*, Index, Index);
template void angular_gradient(const ConstRowMap<double>&, const std::vector<double>&,
                               const std::vector<double>&, double*, Index, Index);

}  // namespace tripletcheck::eigen
