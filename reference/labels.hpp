// The label masks of TFA's graph (docs/SEMANTICS.md §3.2), as 0/1 values of the scalar type because TF
// multiplies by them.
#pragma once

#include <cstdint>

#include "reference/matrix.hpp"

namespace tripletcheck::reference {

template <class T>
struct LabelMasks {
  Matrix<T> negative;  // N[i,k] = 1 where label_k != label_i
  Matrix<T> positive;  // Pm[i,j] = float(label_i == label_j) − I: same label, j != i
};

template <class T>
LabelMasks<T> label_masks(const std::int64_t* labels, std::int64_t batch) {
  LabelMasks<T> masks{Matrix<T>(batch, batch), Matrix<T>(batch, batch)};
  for (std::int64_t i = 0; i < batch; ++i) {
    for (std::int64_t j = 0; j < batch; ++j) {
      const T adjacent = labels[i] == labels[j] ? T(1) : T(0);
      masks.negative(i, j) = T(1) - adjacent;
      masks.positive(i, j) = adjacent - (i == j ? T(1) : T(0));
    }
  }
  return masks;
}

}  // namespace tripletcheck::reference
