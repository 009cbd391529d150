// How the eval fuzz target reads one call from its bytes, and how seeds are written in that form:
// an options byte, a margin byte, the values file's length (2 bytes, little-endian), the values
// .npy file (embeddings or distances), then the labels .npy file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tripletcheck/options.hpp"

namespace tripletcheck::fuzz {

struct EvalInput {
  LossSpec spec;
  bool precomputed = false;
  bool strict = false;
  bool gradient = false;
  std::string values;  // .npy bytes
  std::string labels;  // .npy bytes
};

// Bits of the options byte.
constexpr unsigned kLossBits = 0x03;  // 0 semihard, 1 hard, 2 hard soft, 3 semihard
constexpr unsigned kMetricShift = 2;  // then 2 bits: 0 L2, 1 squared-L2, 2 angular, 3 L2
constexpr unsigned kPrecomputed = 0x10;
constexpr unsigned kStrict = 0x20;
constexpr unsigned kGradient = 0x40;
constexpr std::size_t kPrefixSize = 4;  // options, margin, 2 length bytes

// False when `data` is too short to hold the prefix.
bool decode(const std::uint8_t* data, std::size_t size, EvalInput& out);
std::string encode(const EvalInput& in);

}  // namespace tripletcheck::fuzz
