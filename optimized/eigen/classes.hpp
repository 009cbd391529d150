// The batch ordered by class: the miners see every anchor's positives as one contiguous range
// and its negatives as the two ranges around it, so their loops need no label tests and
// vectorize. Also the count the semi-hard loss divides by.
#pragma once

#include <cstdint>
#include <vector>

namespace tripletcheck::eigen {

struct Classes {
  // order[p]: the original sample at position p of the class-sorted batch: classes in order of
  // their first sample, samples in batch order within a class (independent of label values).
  std::vector<std::int64_t> order;
  // class_begin[p], class_end[p]: the positions of p's class, [begin, end).
  std::vector<std::int64_t> class_begin;
  std::vector<std::int64_t> class_end;
  std::int64_t num_positive_pairs = 0;  // ordered pairs (i, j), i != j, same label: Σ n(n−1)
};

Classes classify(const std::int64_t* labels, std::int64_t batch);

}  // namespace tripletcheck::eigen
