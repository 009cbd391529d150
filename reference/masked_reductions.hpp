// TFA's _masked_maximum / _masked_minimum on one row (docs/SEMANTICS.md §2), with the gradient TF's
// registered rules give (docs/SEMANTICS.md §5.1, §5.3 items 3-5): ties split evenly, the shift term
// entering twice, the all-zero-mask fallback to the row extreme.
//
// Both are written once, for a `Direction`: masked_maximum shifts by the row minimum and takes
// the maximum; masked_minimum shifts by the row maximum and takes the minimum.
#pragma once

#include <cstdint>
#include <vector>

namespace tripletcheck::reference {

enum class Direction { kMaximum, kMinimum };

namespace detail {

// `better(a, b)`: a wins the masked reduction over b.
template <class T>
bool better(Direction dir, T a, T b) {
  return dir == Direction::kMaximum ? a > b : a < b;
}

// The row's shift: reduce_min for masked_maximum, reduce_max for masked_minimum, over all
// entries (masked or not). NaN entries never win a comparison, like a sequential reduction.
template <class T>
T row_shift(Direction dir, const T* data, std::int64_t n) {
  T shift = data[0];
  for (std::int64_t k = 1; k < n; ++k) {
    if (better(dir, shift, data[k])) shift = data[k];  // opposite extreme of the reduction
  }
  return shift;
}

// Each element of a reduction gets (indicator / count) * g where indicator = (x == result):
// TF's _MinOrMaxGrad. A row without a match (NaN result) gets 0/0 * g = NaN everywhere, as in TF.
template <class T>
void extreme_backward(const T* values, std::int64_t n, T result, T g, T* grad_values) {
  T count = 0;
  for (std::int64_t k = 0; k < n; ++k) count += values[k] == result ? T(1) : T(0);
  for (std::int64_t k = 0; k < n; ++k) {
    const T indicator = values[k] == result ? T(1) : T(0);
    grad_values[k] += (indicator / count) * g;
  }
}

}  // namespace detail

// masked_maximum(data, mask) = max_k((data[k] - m)·mask[k]) + m with m = min_k data[k];
// masked_minimum likewise with max/min exchanged. `mask` holds 0 or 1.
template <class T>
T masked_extreme(Direction dir, const T* data, const T* mask, std::int64_t n) {
  const T shift = detail::row_shift(dir, data, n);
  T best = (data[0] - shift) * mask[0];
  for (std::int64_t k = 1; k < n; ++k) {
    const T shifted = (data[k] - shift) * mask[k];
    if (detail::better(dir, shifted, best)) best = shifted;
  }
  return best + shift;
}

// Adds d(masked_extreme)/d(data) · g to grad_data, replaying TF's graph op by op:
// the product's reduction splits g among the tied products (masked-out zeros included), the
// product passes mask·share to data and −mask·share to the shift, the shift also receives g
// from "+ shift", and the shift's reduction splits its total among the row's tied extremes.
template <class T>
void masked_extreme_backward(Direction dir, const T* data, const T* mask, std::int64_t n, T g,
                             T* grad_data) {
  const T shift = detail::row_shift(dir, data, n);
  std::vector<T> products(static_cast<std::size_t>(n));
  for (std::int64_t k = 0; k < n; ++k) products[k] = (data[k] - shift) * mask[k];
  T best = products[0];
  for (std::int64_t k = 1; k < n; ++k) {
    if (detail::better(dir, products[k], best)) best = products[k];
  }

  std::vector<T> grad_products(static_cast<std::size_t>(n), T(0));
  detail::extreme_backward(products.data(), n, best, g, grad_products.data());

  T grad_shift_from_products = 0;
  for (std::int64_t k = 0; k < n; ++k) {
    const T grad_difference = grad_products[k] * mask[k];
    grad_data[k] += grad_difference;
    grad_shift_from_products += grad_difference;
  }
  const T grad_shift = g - grad_shift_from_products;
  detail::extreme_backward(data, n, shift, grad_shift, grad_data);
}

}  // namespace tripletcheck::reference
