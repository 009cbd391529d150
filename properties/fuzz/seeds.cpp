// The seed corpora of seeds.hpp, written with the library's own writer (npy_preamble).
#include "properties/fuzz/seeds.hpp"

#include <cstdint>
#include <cstring>

#include "properties/fuzz/eval_input.hpp"
#include "tripletcheck/half.hpp"
#include "tripletcheck/npy.hpp"

namespace tripletcheck::fuzz {
namespace {

constexpr NpyType kAllTypes[] = {NpyType::kFloat16, NpyType::kFloat32, NpyType::kFloat64,
                                 NpyType::kInt8,    NpyType::kInt16,   NpyType::kInt32,
                                 NpyType::kInt64,   NpyType::kUInt8,   NpyType::kUInt16,
                                 NpyType::kUInt32,  NpyType::kUInt64,  NpyType::kBool};
constexpr NpyType kIntegerTypes[] = {NpyType::kInt8,   NpyType::kInt16, NpyType::kInt32,
                                     NpyType::kInt64,  NpyType::kUInt8, NpyType::kUInt16,
                                     NpyType::kUInt32, NpyType::kUInt64};

// Three classes of two: every variant has positive pairs and negatives.
constexpr std::int64_t kBatch = 6, kDim = 3;
constexpr std::int64_t kLabels[kBatch] = {0, 0, 1, 1, 2, 2};

std::int64_t count(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

// `values` stored as `type` (small integers and halves are exact in every type).
std::string npy_file(NpyType type, const std::vector<std::int64_t>& shape,
                     const std::vector<double>& values) {
  std::string data;
  for (double v : values) {
    unsigned char item[8];
    const auto put = [&](auto x) { std::memcpy(item, &x, sizeof x); };
    switch (type) {
      case NpyType::kFloat16:
        put(float_to_half_bits(static_cast<float>(v), HalfType::kFloat16));
        break;
      case NpyType::kFloat32:
        put(static_cast<float>(v));
        break;
      case NpyType::kFloat64:
        put(v);
        break;
      case NpyType::kInt8:
        put(static_cast<std::int8_t>(v));
        break;
      case NpyType::kInt16:
        put(static_cast<std::int16_t>(v));
        break;
      case NpyType::kInt32:
        put(static_cast<std::int32_t>(v));
        break;
      case NpyType::kInt64:
        put(static_cast<std::int64_t>(v));
        break;
      case NpyType::kUInt8:
        put(static_cast<std::uint8_t>(v));
        break;
      case NpyType::kUInt16:
        put(static_cast<std::uint16_t>(v));
        break;
      case NpyType::kUInt32:
        put(static_cast<std::uint32_t>(v));
        break;
      case NpyType::kUInt64:
        put(static_cast<std::uint64_t>(v));
        break;
      case NpyType::kBool:
        put(static_cast<std::uint8_t>(v != 0));
        break;
    }
    data.append(reinterpret_cast<const char*>(item), item_size(type));
  }
  return npy_preamble(type, shape) + data;
}

// Small non-negative values, exact in every dtype.
std::vector<double> ramp(std::int64_t n) {
  std::vector<double> out(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<double>((i * 5) % 7);
  return out;
}

std::string name_of(NpyType type) {
  std::string out = to_string(type).substr(1);  // "f4", "u1", ...
  return out;
}

}  // namespace

std::vector<Seed> npy_seeds() {
  const std::vector<std::vector<std::int64_t>> shapes = {{}, {5}, {2, 3}, {0, 4}, {2, 1, 3}};
  std::vector<Seed> seeds;
  for (NpyType type : kAllTypes) {
    for (const auto& shape : shapes) {
      seeds.push_back({name_of(type) + "_rank" + std::to_string(shape.size()) +
                           (count(shape) == 0 ? "_empty" : "") + ".npy",
                       npy_file(type, shape, ramp(count(shape)))});
    }
  }
  return seeds;
}

std::vector<Seed> eval_seeds() {
  const std::vector<double> labels(std::begin(kLabels), std::end(kLabels));
  const std::string int64_labels = npy_file(NpyType::kInt64, {kBatch}, labels);
  std::vector<double> x = ramp(kBatch * kDim);
  std::vector<double> d(static_cast<std::size_t>(kBatch * kBatch));
  for (std::int64_t i = 0; i < kBatch; ++i) {
    for (std::int64_t j = 0; j < kBatch; ++j) d[i * kBatch + j] = i == j ? 0 : (i + 2 * j) % 5 + 1;
  }
  const LossSpec hard{Loss::kHard, false, 1.0, Metric::kL2};
  const LossSpec hard_soft{Loss::kHard, true, 1.0, Metric::kL2};
  const LossSpec semihard{Loss::kSemiHard, false, 1.0, Metric::kL2};

  std::vector<Seed> seeds;
  const auto add = [&](const std::string& name, EvalInput in) {
    seeds.push_back({name + ".bin", encode(in)});
  };
  for (LossSpec spec : {hard, hard_soft, semihard}) {
    for (Metric metric : {Metric::kL2, Metric::kSquaredL2, Metric::kAngular}) {
      spec.metric = metric;
      for (NpyType type : {NpyType::kFloat16, NpyType::kFloat32, NpyType::kFloat64}) {
        EvalInput in;
        in.spec = spec;
        in.gradient = true;
        in.values = npy_file(type, {kBatch, kDim}, x);
        in.labels = int64_labels;
        add(variant_name(spec) + "_" + to_string(metric) + "_" + name_of(type), in);
      }
    }
    for (NpyType type : {NpyType::kFloat32, NpyType::kFloat64}) {
      EvalInput in;
      in.spec = spec;
      in.precomputed = true;
      in.gradient = true;
      in.values = npy_file(type, {kBatch, kBatch}, d);
      in.labels = int64_labels;
      add(variant_name(spec) + "_precomputed_" + name_of(type), in);
    }
  }
  for (NpyType type : kIntegerTypes) {
    EvalInput in;
    in.spec = semihard;
    in.strict = true;
    in.values = npy_file(NpyType::kFloat32, {kBatch, kDim}, x);
    in.labels = npy_file(type, {kBatch, 1}, labels);
    add("labels_" + name_of(type), in);
  }
  return seeds;
}

}  // namespace tripletcheck::fuzz
