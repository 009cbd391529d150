// Classes in order of first appearance, samples in batch order within a class: the order (and so
// every rounding) depends only on which samples share a label, never on the label values, so
// relabelling the batch changes no bit of the result.
#include "optimized/eigen/classes.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tripletcheck::eigen {
namespace {

// Each sample's class, numbered in order of first appearance, through an open-addressing table
// of labels: O(B), where a stable sort by label took 2% of a call's CPU time at B = 1024, all of
// it on one thread. Returns the number of classes.
std::int64_t number_classes(const std::int64_t* labels, std::size_t n,
                            std::vector<std::int64_t>& class_of) {
  std::size_t capacity = 16;
  while (capacity < 2 * n) capacity *= 2;  // at most half full: short probe runs
  int shift = 64;
  for (std::size_t c = capacity; c > 1; c /= 2) --shift;
  std::vector<std::int64_t> slot_label(capacity);
  std::vector<std::int64_t> slot_class(capacity, -1);
  std::int64_t classes = 0;
  class_of.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::int64_t label = labels[k];
    // Fibonacci hashing: the top bits of label·2⁶⁴/φ spread runs and strides of labels.
    std::size_t slot = static_cast<std::size_t>(
        (static_cast<std::uint64_t>(label) * 0x9E3779B97F4A7C15ULL) >> shift);
    while (slot_class[slot] >= 0 && slot_label[slot] != label) slot = (slot + 1) & (capacity - 1);
    if (slot_class[slot] < 0) {
      slot_label[slot] = label;
      slot_class[slot] = classes++;
    }
    class_of[k] = slot_class[slot];
  }
  return classes;
}

}  // namespace

Classes classify(const std::int64_t* labels, std::int64_t batch) {
  const auto n = static_cast<std::size_t>(batch);
  Classes classes;
  std::vector<std::int64_t> class_of;
  const auto count = static_cast<std::size_t>(number_classes(labels, n, class_of));
  // A counting sort by class, stable: positions of each class from the sizes of those before it.
  std::vector<std::int64_t> begin(count + 1, 0);
  for (const std::int64_t c : class_of) ++begin[static_cast<std::size_t>(c) + 1];
  for (std::size_t c = 0; c < count; ++c) begin[c + 1] += begin[c];
  std::vector<std::int64_t> next(begin.begin(), begin.end() - 1);
  classes.order.resize(n);
  classes.class_begin.resize(n);
  classes.class_end.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const auto c = static_cast<std::size_t>(class_of[k]);
    const auto p = static_cast<std::size_t>(next[c]++);
    classes.order[p] = static_cast<std::int64_t>(k);
    classes.class_begin[p] = begin[c];
    classes.class_end[p] = begin[c + 1];
  }
  for (std::size_t c = 0; c < count; ++c) {
    const std::int64_t size = begin[c + 1] - begin[c];
    classes.num_positive_pairs += size * (size - 1);
  }
  return classes;
}

}  // namespace tripletcheck::eigen
