// triplet_semihard_loss for one anchor row (docs/SEMANTICS.md §3) without TFA's B²×B tiling. For each
// positive j the semihard_negative is the smallest negative strictly farther than D[i,j]; else
// the largest negative; else (no negatives at all) the row minimum.
//
// Per anchor with N negatives and P positives, memory O(N + P):
//  * few positives: vectorized scans of the negatives for the minima's values, kScanGroup
//    positives per pass, then one pass locating their ties: O(N·P/SIMD width);
//  * many: positives and negatives radix-sorted by distance, then one merge-like sweep: O(N + P).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "optimized/eigen/radix_sort.hpp"
#include "optimized/eigen/row_weights.hpp"

namespace tripletcheck::eigen {

// Up to this many positives, P vectorized scans beat sorting. A scan costs P/(SIMD width)
// passes over the negatives, the sort a constant few: measured at B = 2048, float32, SSE2
// (width 4), 1 thread, the two meet near P = 20 (95 ms against 134 ms at P = 15, 130 against
// 139 at P = 23, 167 against 139 at P = 31). That was with scans that carried counts and first
// indices (about three times the instructions of value_scans.hpp's): the bound is conservative.
template <class T>
constexpr Index kScanPositivesMax = 5 * Eigen::internal::packet_traits<T>::size;

template <class T>
struct SemihardScratch {
  // The scans: the positives with a negative farther than them, their distances, the minima.
  std::vector<Index> columns;
  std::vector<T> thresholds;
  std::vector<T> minima;
  std::vector<Extreme<T>> outside;
  // The sorting.
  std::vector<RadixEntry<T>> positives;  // sorted by distance, ties by column
  std::vector<RadixEntry<T>> negatives;
  RadixScratch<T> radix;
};

namespace detail {

// Calls visit(j, semihard_negative) for each positive j in column order: the values of all the
// minima from scans of the negatives (kScanGroup positives per pass), then, when `ties` is set,
// their ties located in one more pass; without it a found negative has count 1 and no column.
// `largest` is the largest negative: a positive has a negative farther than itself exactly when
// it is smaller, and then its minimum is found even if it is +Inf.
template <class T, class Visit>
void semihard_by_scans(const T* row, const Anchor& a, T largest, bool ties,
                       SemihardScratch<T>& scratch, Visit&& visit) {
  auto& columns = scratch.columns;
  auto& thresholds = scratch.thresholds;
  auto& outside = scratch.outside;
  columns.clear();
  thresholds.clear();
  for (Index j = a.class_begin; j < a.class_end; ++j) {
    if (j == a.index || !(largest > row[j])) continue;
    columns.push_back(j);
    thresholds.push_back(row[j]);
  }
  const auto n = static_cast<Index>(columns.size());
  auto& minima = scratch.minima;
  minima.assign(columns.size(), std::numeric_limits<T>::infinity());
  value_min_above(row, 0, a.class_begin, thresholds.data(), n, minima.data());
  value_min_above(row, a.class_end, a.batch, thresholds.data(), n, minima.data());
  outside.clear();
  for (const T value : minima) outside.push_back({value, ties ? 0 : 1, -1});
  if (ties) {
    locate(row, 0, a.class_begin, minima.data(), n, outside.data());
    locate(row, a.class_end, a.batch, minima.data(), n, outside.data());
  }
  std::size_t next = 0;  // the next positive in `columns`
  for (Index j = a.class_begin; j < a.class_end; ++j) {
    if (j == a.index) continue;
    if (next < columns.size() && columns[next] == j) {
      visit(j, outside[next++]);
    } else {
      visit(j, Extreme<T>{});
    }
  }
}

// Appends the entries of columns [begin, end) other than `skip`, unsorted.
template <class T>
void append_columns(const T* row, Index begin, Index end, Index skip,
                    std::vector<RadixEntry<T>>& out) {
  std::size_t at = out.size();
  out.resize(at + static_cast<std::size_t>(end - begin) - (skip >= begin && skip < end ? 1 : 0));
  for (Index k = begin; k < end; ++k) {
    if (k != skip) out[at++] = {radix_key(row[k]), static_cast<std::int32_t>(k)};
  }
}

// The same by sorting both sides: positives in ascending distance meet their semihard_negative
// at a pointer that only moves forward through the ascending negatives.
template <class T, class Visit>
void semihard_by_sorting(const T* row, const Anchor& a, SemihardScratch<T>& scratch,
                         Visit&& visit) {
  auto& positives = scratch.positives;
  auto& negatives = scratch.negatives;
  positives.clear();
  negatives.clear();
  append_columns(row, a.class_begin, a.class_end, a.index, positives);
  append_columns(row, Index{0}, a.class_begin, Index{-1}, negatives);
  append_columns(row, a.class_end, a.batch, Index{-1}, negatives);
  radix_sort(positives, scratch.radix);
  radix_sort(negatives, scratch.radix);

  const auto n = negatives.size();
  std::size_t next = 0;     // first negative not closer than or as close as the positive
  std::size_t run_end = 0;  // end of the run of negatives equal to negatives[next]
  for (const auto& positive : positives) {
    while (next < n && negatives[next].key <= positive.key) ++next;
    Extreme<T> outside;
    if (next < n) {
      if (run_end <= next) {
        run_end = next + 1;
        while (run_end < n && negatives[run_end].key == negatives[next].key) ++run_end;
      }
      // Ties are sorted by column: the first is the smallest.
      outside = {row[negatives[next].column], static_cast<Index>(run_end - next),
                 static_cast<Index>(negatives[next].column)};
    }
    visit(static_cast<Index>(positive.column), outside);
  }
}

}  // namespace detail

// Returns the anchor's sum of hinges over its positive pairs, max(margin + (D[i,j] − n), 0),
// summed in double. `grad_pair` = dLoss/d(hinge) = 1/num_positive_pairs; `weights` is null when
// no gradient is wanted.
template <class T>
double semihard_anchor(const T* row, const Anchor& a, T margin, T grad_pair,
                       SemihardScratch<T>& scratch, RowWeights<T>* weights) {
  const Index p = a.class_end - a.class_begin - 1;
  if (p == 0) return 0.0;
  // TFA's "inside" (the largest negative) and the row's extremes: the fallback of "inside"
  // without negatives (the row minimum) and the shift terms of masked_maximum (row minimum) and
  // masked_minimum (row maximum).
  const RowExtremes<T> r = row_extremes(row, a);
  const T inside = r.has_negatives ? r.largest_negative : r.minimum;

  double sum = 0;
  T grad_inside = 0;  // TF routes the fallback's gradient once, summed over its columns
  auto visit = [&](Index j, const Extreme<T>& outside) {
    const bool use_outside = outside.count > 0;
    const T loss = margin + (row[j] - (use_outside ? outside.value : inside));
    sum += static_cast<double>(tf_maximum(loss, T(0)));
    if (weights == nullptr || !(loss >= T(0))) return;  // the hinge passes at exactly 0
    weights->add(j, grad_pair);
    if (use_outside) {
      route_masked_extreme(*weights, row, a, outside, Members::kNegatives, r.maximum, -grad_pair);
    } else {
      grad_inside += -grad_pair;
    }
  };
  if (!r.has_negatives) {  // every positive falls back
    for (Index j = a.class_begin; j < a.class_end; ++j) {
      if (j != a.index) visit(j, Extreme<T>{});
    }
  } else if (p <= kScanPositivesMax<T>) {
    detail::semihard_by_scans(row, a, r.largest_negative, weights != nullptr, scratch, visit);
  } else {
    detail::semihard_by_sorting(row, a, scratch, visit);
  }
  if (weights != nullptr && grad_inside != T(0)) {
    const Extreme<T> largest =  // count 0: no negatives
        r.has_negatives ? located_negatives(row, a, r.largest_negative) : Extreme<T>{};
    route_masked_extreme(*weights, row, a, largest, Members::kNegatives, r.minimum, grad_inside);
  }
  return sum;
}

}  // namespace tripletcheck::eigen
