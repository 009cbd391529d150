// The loss over all anchors from a distance matrix, row by row in parallel, and dLoss/dD (W)
// passed through the metric's element-wise backward (W') into the form the backward pass takes.
#pragma once

#include <cstdint>
#include <vector>

#include "optimized/eigen/classes.hpp"
#include "optimized/eigen/threading.hpp"
#include "optimized/eigen/types.hpp"
#include "optimized/eigen/weight_matrix.hpp"
#include "tripletcheck/options.hpp"

namespace tripletcheck::eigen {

// The element-wise part of the distance backward, applied per entry as W leaves the miner.
// "Masked": 0 for a finite weight; TF's 0·NaN = NaN for a non-finite one (mining.cpp).
enum class WeightScaling {
  kNone,              // precomputed distances: W = dLoss/dD is the result
  kEuclidean,         // L2: W/D off the diagonal where D > 0 (S_raw > 0), else masked
  kSquaredEuclidean,  // squared-L2: W off the diagonal where D > 0, else masked
  kAngular,           // W where TF's clamp passed the gradient (D is not −0.0), else 0
};

template <class T>
struct WeightSink {
  enum class Form { kNone, kDense, kSparse };
  Form form = Form::kNone;
  WeightScaling scaling = WeightScaling::kNone;
  // kDense: B×B; row i is overwritten with W'[i,:] once anchor i is mined. May be the distance
  // matrix itself: mining row i reads row i only.
  T* dense = nullptr;
  // kDense: when set, row i and column j of the class-sorted batch are written at
  // original[i] and original[j] (precomputed distances: dLoss/dD in the caller's order).
  const std::int64_t* original = nullptr;
  std::vector<SparseChunk<T>> chunks;  // kSparse: one chunk per mining task, in row order
};

// The loss (docs/SEMANTICS.md §3.5 or §4.4) of the B×B matrix `d` of the class-sorted batch, rounded to T.
// Semihard divides by classes.num_positive_pairs (0/0 = NaN when there is none). d must not
// contain NaN.
template <class T>
T mine(const LossSpec& spec, const T* d, Index b, const Classes& classes, const Parallelism& how,
       WeightSink<T>& sink);

}  // namespace tripletcheck::eigen
