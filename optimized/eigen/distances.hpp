// TFA's distance matrices (docs/SEMANTICS.md §1) through one symmetric GEMM, X·Xᵀ (or F·Fᵀ for angular),
// in TF's expanded formula so that the values track TF's float32 rounding.
#pragma once

#include <vector>

#include "optimized/eigen/threading.hpp"
#include "optimized/eigen/types.hpp"
#include "tripletcheck/options.hpp"

namespace tripletcheck::eigen {

template <class T>
struct Distances {
  // D, B×B, exactly symmetric (each pair computed once). Where TF's clamp max(·, 0) met a
  // negative value (S_raw < 0, or 1 − f_i·f_j < 0 for angular) D holds −0.0: it is 0 for every
  // comparison, and the sign tells the backward pass that the clamp blocked the gradient there,
  // while a clamp at exactly 0 passes it (docs/SEMANTICS.md §5.1).
  RowMatrix<T> d;
  RowMatrix<T> normalized;      // angular: F = x·rsqrt(max(‖x‖², 1e-12)), B×D
  std::vector<T> squared_norm;  // angular: ‖x_i‖², the l2_normalize argument
  std::vector<T> inverse_norm;  // angular: rsqrt(max(‖x_i‖², 1e-12))
  bool has_nan = false;         // some entry of D is NaN
};

template <class T>
Distances<T> forward_distances(const ConstRowMap<T>& x, Metric metric, const Parallelism& how);

}  // namespace tripletcheck::eigen
