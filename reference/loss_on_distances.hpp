// The result of a loss evaluated on a distance matrix: the value and dLoss/dD.
#pragma once

#include "reference/matrix.hpp"

namespace tripletcheck::reference {

template <class T>
struct LossOnDistances {
  T loss = 0;
  Matrix<T> grad_d;  // B×B; empty when the gradient was not requested
};

}  // namespace tripletcheck::reference
