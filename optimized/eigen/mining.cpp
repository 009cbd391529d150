// Anchors are mined in fixed tasks of rows; each anchor's loss sum is stored and the sums are
// added in anchor order at the end, so the loss depends neither on the threads nor on the blocks.
#include "optimized/eigen/mining.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "optimized/eigen/hard_mining.hpp"
#include "optimized/eigen/semihard_mining.hpp"

namespace tripletcheck::eigen {

template <class T>
Mining<T>::Mining(const LossSpec& spec, const Classes& classes, Index b, WeightSink<T>& sink)
    : spec_(spec), classes_(classes), b_(b), sink_(sink), anchor_sum_(static_cast<std::size_t>(b)) {
  // Rows per task: enough to amortize the per-task scratch, small enough to balance.
  const Index tasks = (b + kMiningRows - 1) / kMiningRows;
  if (sink.form == WeightSink<T>::Form::kSparse)
    sink.chunks.assign(static_cast<std::size_t>(tasks), {});
}

template <class T>
void Mining<T>::rows(const T* rows, Index first, Index last, const Parallelism& how) {
  using Form = typename WeightSink<T>::Form;
  const Index b = b_;
  const bool semihard = spec_.loss == Loss::kSemiHard;
  const bool gradient = sink_.form != Form::kNone;
  const T grad_term =
      semihard ? T(1) / static_cast<T>(classes_.num_positive_pairs) : T(1) / static_cast<T>(b);
  const HardOptions hard{spec_.margin, spec_.soft};
  const auto margin = static_cast<T>(spec_.margin);
  const Index first_task = first / kMiningRows;

  parallel_for(how, (last - first + kMiningRows - 1) / kMiningRows, [&](Index k) {
    const Index t = first_task + k;
    RowWeights<T> weights(gradient ? b : 0);
    SemihardScratch<T> scratch;
    std::vector<std::pair<Index, T>> row_out;
    SparseChunk<T>* chunk = nullptr;
    const Index task_first = t * kMiningRows;
    const Index task_last = std::min(last, task_first + kMiningRows);
    if (sink_.form == Form::kSparse) {
      chunk = &sink_.chunks[static_cast<std::size_t>(t)];
      chunk->first_row = task_first;
      chunk->row_count.assign(static_cast<std::size_t>(task_last - task_first), 0);
    }
    for (Index i = task_first; i < task_last; ++i) {
      const T* row = rows + (i - first) * b;
      const auto at = static_cast<std::size_t>(i);
      const Anchor anchor{i, classes_.class_begin[at], classes_.class_end[at], b};
      RowWeights<T>* w = gradient ? &weights : nullptr;
      anchor_sum_[at] = semihard
                            ? semihard_anchor(row, anchor, margin, grad_term, scratch, w)
                            : static_cast<double>(hard_anchor(row, anchor, hard, grad_term, w));
      if (!gradient) continue;
      row_out.clear();
      weights.drain([&](Index col, T value) {
        row_out.emplace_back(col, scaled_weight(sink_.scaling, value, row[col], col == i));
      });
      if (chunk != nullptr) {
        for (const auto& [col, value] : row_out) {
          if (value == T(0)) continue;
          chunk->col.push_back(static_cast<std::int32_t>(col));
          chunk->value.push_back(value);
          ++chunk->row_count[static_cast<std::size_t>(i - task_first)];
        }
        continue;
      }
      const std::int64_t* original = sink_.original;
      // May be `row` itself: read above, written now.
      T* const target = sink_.dense + (original != nullptr ? original[at] : i) * b;
      std::fill(target, target + b, T(0));
      for (const auto& [col, value] : row_out) {
        target[original != nullptr ? original[static_cast<std::size_t>(col)] : col] = value;
      }
    }
  });
}

template <class T>
T Mining<T>::loss() const {
  double total = 0;
  for (const double s : anchor_sum_) total += s;
  // TF sums in T, then divides: a sum past T's range is +Inf even when the mean is not.
  const bool semihard = spec_.loss == Loss::kSemiHard;
  const T divisor = static_cast<T>(semihard ? classes_.num_positive_pairs : b_);
  return static_cast<T>(total) / divisor;
}

template class Mining<float>;
template class Mining<double>;

}  // namespace tripletcheck::eigen
