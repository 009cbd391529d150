// Builds label vectors by construction, so every structure is valid without discards.
#include "conformance/labels.hpp"

#include <algorithm>

namespace tripletcheck::conformance {

std::string to_string(LabelStructure structure) {
  switch (structure) {
    case LabelStructure::kSamplesPerClass:
      return "samples-per-class";
    case LabelStructure::kRandom:
      return "random";
    case LabelStructure::kAllSame:
      return "all-same";
    case LabelStructure::kAllDistinct:
      return "all-distinct";
    case LabelStructure::kSingletonsMixed:
      return "singletons-mixed";
  }
  return "?";
}

std::vector<std::int64_t> make_labels(LabelStructure structure, std::int64_t batch, int k,
                                      std::int64_t value_scale, std::int64_t value_offset,
                                      std::mt19937_64& rng) {
  std::vector<std::int64_t> classes(static_cast<std::size_t>(batch));
  switch (structure) {
    case LabelStructure::kSamplesPerClass:
      for (std::int64_t i = 0; i < batch; ++i) classes[i] = i / std::max(k, 1);
      break;
    case LabelStructure::kRandom: {
      std::uniform_int_distribution<int> pick(0, std::max(k, 1) - 1);
      for (auto& c : classes) c = pick(rng);
      break;
    }
    case LabelStructure::kAllSame:
      break;  // all zero
    case LabelStructure::kAllDistinct:
      for (std::int64_t i = 0; i < batch; ++i) classes[i] = i;
      break;
    case LabelStructure::kSingletonsMixed: {
      // Alternate a class of 2..4 samples and a singleton.
      std::uniform_int_distribution<int> size(2, 4);
      std::int64_t i = 0, c = 0;
      while (i < batch) {
        for (int n = size(rng); n > 0 && i < batch; --n) classes[i++] = c;
        ++c;
        if (i < batch) classes[i++] = c++;
      }
      break;
    }
  }
  for (auto& c : classes) c = value_scale * c + value_offset;
  std::shuffle(classes.begin(), classes.end(), rng);
  return classes;
}

}  // namespace tripletcheck::conformance
