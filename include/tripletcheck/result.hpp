// The outcome of one loss evaluation.
#pragma once

#include <vector>

namespace tripletcheck {

template <class T>
struct Result {
  // The loss, exactly as the backend computed it in T (a float result widens exactly).
  // NaN when the semi-hard batch has no positive pair (SPEC.md §3.6).
  double loss = 0.0;
  // dLoss/dEmbeddings (B×D, row-major) for a BatchView, dLoss/dD (B×B) for a DistanceView;
  // empty when the gradient was not requested.
  std::vector<T> grad;
};

}  // namespace tripletcheck
