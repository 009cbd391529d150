// Label structures of a batch (generators.hpp): how many classes, how many samples each,
// and which integer values stand for them (non-contiguous and negative values included, since
// TFA compares labels only for equality).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tripletcheck::conformance {

enum class LabelStructure {
  kSamplesPerClass,  // K samples in each class (the last class may be short)
  kRandom,           // each sample draws one of C classes
  kAllSame,          // one class: no anchor has a negative
  kAllDistinct,      // no positive pair: semihard is NaN by design
  kSingletonsMixed,  // classes of 2..4 with singleton classes mixed in
};

std::string to_string(LabelStructure structure);

// Every integer of magnitude up to these is exact in float32 / float64; past them, distinct int64
// labels can compare equal after a cast (2^24 + 1 rounds to 2^24), which TFA never does.
constexpr std::int64_t kFloat32ExactIntegers = std::int64_t{1} << 24;
constexpr std::int64_t kFloat64ExactIntegers = std::int64_t{1} << 53;

// B labels of the given structure; `k` is samples per class or number of classes; the values
// are value_scale·class + value_offset, then shuffled.
std::vector<std::int64_t> make_labels(LabelStructure structure, std::int64_t batch, int k,
                                      std::int64_t value_scale, std::int64_t value_offset,
                                      std::mt19937_64& rng);

}  // namespace tripletcheck::conformance
