// A minimal owning row-major matrix for the loop reference: nothing clever, easy to read.
#pragma once

#include <cstdint>
#include <vector>

namespace tripletcheck::reference {

template <class T>
struct Matrix {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<T> values;

  Matrix() = default;
  Matrix(std::int64_t r, std::int64_t c, T fill = T(0))
      : rows(r), cols(c), values(static_cast<std::size_t>(r * c), fill) {}

  T& operator()(std::int64_t i, std::int64_t j) {
    return values[static_cast<std::size_t>(i * cols + j)];
  }
  T operator()(std::int64_t i, std::int64_t j) const {
    return values[static_cast<std::size_t>(i * cols + j)];
  }
  T* row(std::int64_t i) { return values.data() + i * cols; }
  const T* row(std::int64_t i) const { return values.data() + i * cols; }
};

}  // namespace tripletcheck::reference
