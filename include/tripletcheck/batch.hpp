// Non-owning views of the inputs of one loss evaluation. Row-major, no copies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tripletcheck/errors.hpp"

namespace tripletcheck {

// B×D embeddings and B integer labels (TFA's y_pred and y_true).
template <class T>
struct BatchView {
  const T* embeddings = nullptr;         // B*D values, row i = embedding of sample i
  std::int64_t batch = 0;                // B
  std::int64_t dim = 0;                  // D
  const std::int64_t* labels = nullptr;  // B values
};

// TFA's callable `distance_metric` in C++: the B×B distance matrix is given directly, row i
// holding the distances from anchor i. It need not be symmetric, non-negative, or zero on the
// diagonal (docs/SEMANTICS.md §1.3). The gradient of such an evaluation is dLoss/dD.
template <class T>
struct DistanceView {
  const T* distances = nullptr;  // B*B values
  std::int64_t batch = 0;
  const std::int64_t* labels = nullptr;
};

// Views over owned buffers, checking that the sizes agree (B = labels.size()).
template <class T>
BatchView<T> make_batch_view(const std::vector<T>& embeddings, std::int64_t dim,
                             const std::vector<std::int64_t>& labels) {
  const auto batch = static_cast<std::int64_t>(labels.size());
  if (dim <= 0) throw InvalidArgument("dim", std::to_string(dim), "must be positive");
  if (static_cast<std::int64_t>(embeddings.size()) != batch * dim) {
    throw InvalidArgument("labels", std::to_string(batch) + " labels",
                          "expected one label per embedding row (" +
                              std::to_string(embeddings.size()) + " values / dim " +
                              std::to_string(dim) + ")");
  }
  return {embeddings.data(), batch, dim, labels.data()};
}

template <class T>
DistanceView<T> make_distance_view(const std::vector<T>& distances,
                                   const std::vector<std::int64_t>& labels) {
  const auto batch = static_cast<std::int64_t>(labels.size());
  if (static_cast<std::int64_t>(distances.size()) != batch * batch) {
    throw InvalidArgument("labels", std::to_string(batch) + " labels",
                          "a B×B distance matrix needs B labels (got " +
                              std::to_string(distances.size()) + " distances)");
  }
  return {distances.data(), batch, labels.data()};
}

}  // namespace tripletcheck
