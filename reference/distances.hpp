// TFA's distance matrices (docs/SEMANTICS.md §1) and their gradients (docs/SEMANTICS.md §5.2), in TF's order of
// operations: the expanded formula with clamp, error mask and 1e-16 for L2 / squared-L2, and
// l2_normalize + 1 − F·Fᵀ + clamp for angular. Every mask is applied by multiplication, as TF
// does, so NaN and Inf travel through them exactly as they do in TF.
#pragma once

#include <cmath>
#include <cstdint>

#include "reference/matrix.hpp"
#include "reference/tf_scalar_ops.hpp"
#include "tripletcheck/options.hpp"

namespace tripletcheck::reference {

// What the backward pass needs from the forward pass.
template <class T>
struct DistanceTape {
  Metric metric = Metric::kL2;
  Matrix<T> distances;   // D, the result
  Matrix<T> raw;         // L2 metrics: S_raw before the clamp; angular: 1 − F·Fᵀ before it
  Matrix<T> root;        // L2 only: sqrt(S + E·1e-16) before the masks
  Matrix<T> normalized;  // angular only: F
  std::vector<T> squared_norm;  // angular only: ‖x_i‖² (the l2_normalize argument)
  std::vector<T> inverse_norm;  // angular only: rsqrt(max(‖x_i‖², 1e-12))
};

namespace detail {

// TF's float32 constants; the float64 oracle uses the same decimal values in double.
template <class T>
constexpr T kSqrtGuard = T(1e-16);  // added under the error mask before the sqrt (docs/SEMANTICS.md §1.1)
template <class T>
constexpr T kNormEpsilon = T(1e-12);  // l2_normalize's floor on the squared norm (docs/SEMANTICS.md §1.2)

template <class T>
T dot(const T* a, const T* b, std::int64_t n) {
  T sum = 0;
  for (std::int64_t k = 0; k < n; ++k) sum += a[k] * b[k];
  return sum;
}

template <class T>
DistanceTape<T> euclidean_forward(const Matrix<T>& x, bool squared) {
  const std::int64_t b = x.rows;
  DistanceTape<T> tape;
  tape.metric = squared ? Metric::kSquaredL2 : Metric::kL2;
  tape.distances = Matrix<T>(b, b);
  tape.raw = Matrix<T>(b, b);
  tape.root = Matrix<T>(b, b);
  std::vector<T> norm(static_cast<std::size_t>(b));
  for (std::int64_t i = 0; i < b; ++i) norm[i] = dot(x.row(i), x.row(i), x.cols);
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t j = 0; j < b; ++j) {
      const T raw = (norm[i] + norm[j]) - T(2) * dot(x.row(i), x.row(j), x.cols);
      const T clamped = tf_maximum(raw, T(0));
      const T error_mask = clamped <= T(0) ? T(1) : T(0);
      T value = clamped;
      if (!squared) {
        tape.root(i, j) = std::sqrt(clamped + error_mask * kSqrtGuard<T>);
        value = tape.root(i, j);
      }
      const T off_diagonal = i == j ? T(0) : T(1);
      tape.raw(i, j) = raw;
      tape.distances(i, j) = (value * (T(1) - error_mask)) * off_diagonal;
    }
  }
  return tape;
}

template <class T>
DistanceTape<T> angular_forward(const Matrix<T>& x) {
  const std::int64_t b = x.rows;
  DistanceTape<T> tape;
  tape.metric = Metric::kAngular;
  tape.normalized = Matrix<T>(b, x.cols);
  tape.squared_norm.resize(static_cast<std::size_t>(b));
  tape.inverse_norm.resize(static_cast<std::size_t>(b));
  for (std::int64_t i = 0; i < b; ++i) {
    tape.squared_norm[i] = dot(x.row(i), x.row(i), x.cols);
    tape.inverse_norm[i] = T(1) / std::sqrt(tf_maximum(tape.squared_norm[i], kNormEpsilon<T>));
    for (std::int64_t k = 0; k < x.cols; ++k) {
      tape.normalized(i, k) = x(i, k) * tape.inverse_norm[i];
    }
  }
  tape.raw = Matrix<T>(b, b);
  tape.distances = Matrix<T>(b, b);
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t j = 0; j < b; ++j) {
      tape.raw(i, j) = T(1) - dot(tape.normalized.row(i), tape.normalized.row(j), x.cols);
      tape.distances(i, j) = tf_maximum(tape.raw(i, j), T(0));
    }
  }
  return tape;
}

// dLoss/dX from dLoss/dD for L2 / squared-L2: back through the masks, the sqrt, the clamp, and
// the expanded formula (‖x_i‖² + ‖x_j‖²) − 2·x_i·x_j, whose gradient TF takes term by term.
template <class T>
Matrix<T> euclidean_backward(const Matrix<T>& x, const DistanceTape<T>& tape,
                             const Matrix<T>& grad_d) {
  const std::int64_t b = x.rows;
  Matrix<T> grad_raw(b, b);
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t j = 0; j < b; ++j) {
      const T clamped = tf_maximum(tape.raw(i, j), T(0));
      const T error_mask = clamped <= T(0) ? T(1) : T(0);
      const T off_diagonal = i == j ? T(0) : T(1);
      T g = (grad_d(i, j) * off_diagonal) * (T(1) - error_mask);
      if (tape.metric == Metric::kL2) g = (T(0.5) * g) / tape.root(i, j);  // TF's SqrtGrad
      grad_raw(i, j) = maximum_passes_to_first(tape.raw(i, j), T(0)) ? g : T(0);
    }
  }
  Matrix<T> grad_x(b, x.cols);
  for (std::int64_t i = 0; i < b; ++i) {
    T norm_grad = 0;  // from both ‖x_i‖² terms: row i of the first, column i of the second
    for (std::int64_t j = 0; j < b; ++j) norm_grad += grad_raw(i, j);
    for (std::int64_t j = 0; j < b; ++j) norm_grad += grad_raw(j, i);
    for (std::int64_t k = 0; k < x.cols; ++k) {
      T product_grad = 0;  // from −2·X·Xᵀ, both factors
      for (std::int64_t j = 0; j < b; ++j) {
        product_grad += (T(-2) * grad_raw(i, j) + T(-2) * grad_raw(j, i)) * x(j, k);
      }
      grad_x(i, k) = T(2) * x(i, k) * norm_grad + product_grad;
    }
  }
  return grad_x;
}

// dLoss/dX from dLoss/dD for angular: back through the clamp, 1 − F·Fᵀ and l2_normalize, with
// TF's rsqrt gradient −0.5·(g·y)·(y·y) and the max(‖x‖², 1e-12) cutting the norm path below it.
template <class T>
Matrix<T> angular_backward(const Matrix<T>& x, const DistanceTape<T>& tape,
                           const Matrix<T>& grad_d) {
  const std::int64_t b = x.rows;
  Matrix<T> grad_product(b, b);  // d/d(F·Fᵀ)
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t j = 0; j < b; ++j) {
      grad_product(i, j) = maximum_passes_to_first(tape.raw(i, j), T(0)) ? -grad_d(i, j) : T(0);
    }
  }
  Matrix<T> grad_x(b, x.cols);
  std::vector<T> grad_f(static_cast<std::size_t>(x.cols));
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t k = 0; k < x.cols; ++k) {
      T sum = 0;
      for (std::int64_t j = 0; j < b; ++j) {
        sum += (grad_product(i, j) + grad_product(j, i)) * tape.normalized(j, k);
      }
      grad_f[k] = sum;
    }
    const T y = tape.inverse_norm[i];
    const T grad_y = dot(grad_f.data(), x.row(i), x.cols);
    const T grad_rsqrt_arg = T(-0.5) * (grad_y * y) * (y * y);
    const T grad_norm =
        maximum_passes_to_first(tape.squared_norm[i], kNormEpsilon<T>) ? grad_rsqrt_arg : T(0);
    for (std::int64_t k = 0; k < x.cols; ++k) {
      grad_x(i, k) = grad_f[k] * y + (T(2) * x(i, k)) * grad_norm;
    }
  }
  return grad_x;
}

}  // namespace detail

template <class T>
DistanceTape<T> distance_forward(const Matrix<T>& x, Metric metric) {
  if (metric == Metric::kAngular) return detail::angular_forward(x);
  return detail::euclidean_forward(x, metric == Metric::kSquaredL2);
}

template <class T>
Matrix<T> distance_backward(const Matrix<T>& x, const DistanceTape<T>& tape,
                            const Matrix<T>& grad_d) {
  if (tape.metric == Metric::kAngular) return detail::angular_backward(x, tape, grad_d);
  return detail::euclidean_backward(x, tape, grad_d);
}

}  // namespace tripletcheck::reference
