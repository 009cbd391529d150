// The outcome of one loss evaluation.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

namespace tripletcheck {

template <class T>
struct Result {
  // The loss, exactly as the backend computed it in T (a float result widens exactly).
  // NaN when the semi-hard batch has no positive pair (docs/SEMANTICS.md §3.6).
  double loss = 0.0;
  // dLoss/dEmbeddings (B×D, row-major) for a BatchView, dLoss/dD (B×B) for a DistanceView;
  // empty when the gradient was not requested.
  std::vector<T> grad;
};

// A NaN loss and, when asked for, `gradient_size` NaN gradient entries: a semi-hard batch without
// positive pairs (0/0, and NaN in every gradient entry: docs/SEMANTICS.md §3.6, §5.5), and for the fast
// backends a NaN anywhere in D (they do not replay where TF's masked reductions keep or drop
// each NaN).
template <class T>
Result<T> all_nan_result(std::size_t gradient_size, bool gradient) {
  Result<T> r;
  r.loss = std::numeric_limits<double>::quiet_NaN();
  if (gradient) r.grad.assign(gradient_size, std::numeric_limits<T>::quiet_NaN());
  return r;
}

}  // namespace tripletcheck
