// Anchors are mined in fixed chunks of rows; each anchor's loss sum is stored and the sums are
// added in anchor order at the end, so the loss does not depend on the thread count.
#include "optimized/eigen/mining.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "optimized/eigen/hard_mining.hpp"
#include "optimized/eigen/semihard_mining.hpp"

namespace tripletcheck::eigen {
namespace {

// Rows per mining task: enough to amortize the per-task scratch, small enough to balance.
constexpr Index kMiningRows = 32;

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

}  // namespace

template <class T>
T mine(const LossSpec& spec, const T* d, Index b, const Classes& classes, const Parallelism& how,
       WeightSink<T>& sink) {
  using Form = typename WeightSink<T>::Form;
  const bool semihard = spec.loss == Loss::kSemiHard;
  const bool gradient = sink.form != Form::kNone;
  const Index tasks = (b + kMiningRows - 1) / kMiningRows;
  if (sink.form == Form::kSparse) sink.chunks.assign(static_cast<std::size_t>(tasks), {});
  const T grad_term =
      semihard ? T(1) / static_cast<T>(classes.num_positive_pairs) : T(1) / static_cast<T>(b);
  const HardOptions hard{spec.margin, spec.soft};
  const auto margin = static_cast<T>(spec.margin);
  std::vector<double> anchor_sum(static_cast<std::size_t>(b), 0.0);

  parallel_for(how, tasks, [&](Index t) {
    RowWeights<T> weights(gradient ? b : 0);
    SemihardScratch<T> scratch;
    std::vector<std::pair<Index, T>> row_out;
    SparseChunk<T>* chunk = nullptr;
    const Index first = t * kMiningRows;
    const Index last = std::min(b, first + kMiningRows);
    if (sink.form == Form::kSparse) {
      chunk = &sink.chunks[static_cast<std::size_t>(t)];
      chunk->first_row = first;
      chunk->row_count.assign(static_cast<std::size_t>(last - first), 0);
    }
    for (Index i = first; i < last; ++i) {
      const T* row = d + i * b;
      const auto at = static_cast<std::size_t>(i);
      const Anchor anchor{i, classes.class_begin[at], classes.class_end[at], b};
      RowWeights<T>* w = gradient ? &weights : nullptr;
      anchor_sum[at] = semihard ? semihard_anchor(row, anchor, margin, grad_term, scratch, w)
                                : static_cast<double>(hard_anchor(row, anchor, hard, grad_term, w));
      if (!gradient) continue;
      row_out.clear();
      weights.drain([&](Index col, T value) {
        row_out.emplace_back(col, scaled_weight(sink.scaling, value, row[col], col == i));
      });
      if (chunk != nullptr) {
        for (const auto& [col, value] : row_out) {
          if (value == T(0)) continue;
          chunk->col.push_back(static_cast<std::int32_t>(col));
          chunk->value.push_back(value);
          ++chunk->row_count[static_cast<std::size_t>(i - first)];
        }
        continue;
      }
      const std::int64_t* original = sink.original;
      // May be `row` itself: read above, written now.
      T* const target = sink.dense + (original != nullptr ? original[at] : i) * b;
      std::fill(target, target + b, T(0));
      for (const auto& [col, value] : row_out) {
        target[original != nullptr ? original[static_cast<std::size_t>(col)] : col] = value;
      }
    }
  });

  double total = 0;
  for (const double s : anchor_sum) total += s;
  // TF sums in T, then divides: a sum past T's range is +Inf even when the mean is not.
  const T divisor = static_cast<T>(semihard ? classes.num_positive_pairs : b);
  return static_cast<T>(total) / divisor;
}

template float mine(const LossSpec&, const float*, Index, const Classes&, const Parallelism&,
                    WeightSink<float>&);
template double mine(const LossSpec&, const double*, Index, const Classes&, const Parallelism&,
                     WeightSink<double>&);

}  // namespace tripletcheck::eigen
