// Classes in order of first appearance, samples in batch order within a class: the order (and so
// every rounding) depends only on which samples share a label, never on the label values, so
// relabelling the batch changes no bit of the result.
#include "optimized/eigen/classes.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

namespace tripletcheck::eigen {

Classes classify(const std::int64_t* labels, std::int64_t batch) {
  const auto n = static_cast<std::size_t>(batch);
  Classes classes;
  // Samples grouped by label (stably), then the groups ordered by their first sample.
  std::vector<std::int64_t> by_label(n);
  std::iota(by_label.begin(), by_label.end(), std::int64_t{0});
  std::stable_sort(by_label.begin(), by_label.end(),
                   [labels](std::int64_t a, std::int64_t b) { return labels[a] < labels[b]; });
  std::vector<std::pair<std::int64_t, std::size_t>> groups;  // (first sample, start in by_label)
  for (std::size_t k = 0; k < n; ++k) {
    if (k == 0 || labels[by_label[k]] != labels[by_label[k - 1]])
      groups.emplace_back(by_label[k], k);
  }
  std::sort(groups.begin(), groups.end());
  classes.order.reserve(n);
  for (const auto& group : groups) {
    for (std::size_t k = group.second;
         k < n && labels[by_label[k]] == labels[by_label[group.second]]; ++k) {
      classes.order.push_back(by_label[k]);
    }
  }
  classes.class_begin.resize(n);
  classes.class_end.resize(n);
  std::size_t begin = 0;
  while (begin < n) {
    std::size_t end = begin + 1;
    while (end < n && labels[classes.order[end]] == labels[classes.order[begin]]) ++end;
    for (std::size_t p = begin; p < end; ++p) {
      classes.class_begin[p] = static_cast<std::int64_t>(begin);
      classes.class_end[p] = static_cast<std::int64_t>(end);
    }
    const auto size = static_cast<std::int64_t>(end - begin);
    classes.num_positive_pairs += size * (size - 1);
    begin = end;
  }
  return classes;
}

}  // namespace tripletcheck::eigen
