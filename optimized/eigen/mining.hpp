// The loss over all anchors from a distance matrix, row by row in parallel, and dLoss/dD (W)
// passed through the metric's element-wise backward (W') into the form the backward pass takes.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "optimized/eigen/classes.hpp"
#include "optimized/eigen/threading.hpp"
#include "optimized/eigen/types.hpp"
#include "optimized/eigen/weight_matrix.hpp"
#include "tripletcheck/options.hpp"

namespace tripletcheck::eigen {

// The element-wise part of the distance backward, applied per entry as W leaves the miner.
// "Masked": 0 for a finite weight; TF's 0·NaN = NaN for a non-finite one (masked_weight).
enum class WeightScaling {
  kNone,              // precomputed distances: W = dLoss/dD is the result
  kEuclidean,         // L2: W/D off the diagonal where D > 0 (S_raw > 0), else masked
  kSquaredEuclidean,  // squared-L2: W off the diagonal where D > 0, else masked
  kAngular,           // W where TF's clamp passed the gradient (D is not −0.0), else 0
};

// Entries of D that TF masks by multiplication (the diagonal, S_raw <= 0): a finite weight gives
// exactly 0 there, a non-finite one 0·Inf = NaN, which tf.maximum passes on where S_raw >= 0
// (D = +0) and blocks where S_raw < 0 (D = −0).
template <class T>
T masked_weight(T w, T distance) {
  return std::isfinite(w) || std::signbit(distance) ? T(0) : std::numeric_limits<T>::quiet_NaN();
}

template <class T>
T scaled_weight(WeightScaling scaling, T w, T distance, bool diagonal) {
  switch (scaling) {
    case WeightScaling::kNone:
      return w;
    case WeightScaling::kEuclidean:
      // TF: (0.5·w)/sqrt(S) into S_raw, then 2·(…) from the expanded formula: w/D.
      return !diagonal && distance > T(0) ? w / distance : masked_weight(w, distance);
    case WeightScaling::kSquaredEuclidean:
      return !diagonal && distance > T(0) ? w : masked_weight(w, distance);
    case WeightScaling::kAngular:
      return std::signbit(distance) ? T(0) : w;
  }
  return w;
}

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

// Anchors are mined in tasks of this many rows; a block of rows mined on its own starts at a
// multiple of it (kChunk is one), so each task, and its sparse chunk, is the same either way.
constexpr Index kMiningRows = 32;

// Mining a batch, whole or a block of rows at a time: each anchor's term is kept, and the loss
// is their sum in anchor order, so neither the blocks nor the threads change a bit of it.
template <class T>
class Mining {
 public:
  Mining(const LossSpec& spec, const Classes& classes, Index b, WeightSink<T>& sink);

  // Mines the anchors [first, last) from their rows of D, `rows` holding row first on (stride B,
  // no NaN). `first` is a multiple of kMiningRows. A kDense sink takes rows of the whole matrix
  // (its row i is overwritten once anchor i is mined), in any order. Calls for disjoint rows may
  // run at once on different threads: each writes only its anchors' terms, tasks and rows.
  void rows(const T* rows, Index first, Index last, const Parallelism& how);

  // Records the term of an anchor mined elsewhere (tile_mining.hpp), in place of rows().
  void record(Index anchor, double term) { anchor_sum_[static_cast<std::size_t>(anchor)] = term; }

  // The loss (docs/SEMANTICS.md §3.5 or §4.4) once every anchor is mined, rounded to T. Semihard
  // divides by classes.num_positive_pairs (0/0 = NaN when there is none).
  T loss() const;

 private:
  const LossSpec& spec_;
  const Classes& classes_;
  Index b_;
  WeightSink<T>& sink_;
  std::vector<double> anchor_sum_;
};

// The whole B×B matrix `d` of the class-sorted batch at once.
template <class T>
T mine(const LossSpec& spec, const T* d, Index b, const Classes& classes, const Parallelism& how,
       WeightSink<T>& sink) {
  Mining<T> mining(spec, classes, b, sink);
  mining.rows(d, 0, b, how);
  return mining.loss();
}

}  // namespace tripletcheck::eigen
