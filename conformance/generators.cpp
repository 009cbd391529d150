// The generic-case generator and its lattice construction.
#include "conformance/generators.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "conformance/scales.hpp"

namespace tripletcheck::conformance {
namespace {

// Sizes at and around SIMD widths and tile edges, where vectorized code has tails.
const std::vector<std::int64_t> kBoundarySizes = {1,  2,  3,  7,  8,   9,   15,  16,  17,  31, 32,
                                                  33, 63, 64, 65, 127, 128, 129, 255, 256, 257};

// Grows with RapidCheck's size (0..100 over a run): small cases first, the largest near the end,
// and shrinking towards small ones.
rc::Gen<std::int64_t> gen_extent(std::int64_t max) {
  return rc::gen::withSize([max](int size) {
    const std::int64_t limit = std::max<std::int64_t>(1, max * std::min(size, 100) / 100);
    std::vector<std::int64_t> boundary;
    for (auto s : kBoundarySizes) {
      if (s <= limit) boundary.push_back(s);
    }
    return rc::gen::weightedOneOf<std::int64_t>(
        {{1, rc::gen::elementOf(boundary)}, {1, rc::gen::inRange<std::int64_t>(1, limit + 1)}});
  });
}

// Margins TFA users pass: 0, the common 0.2 and 1.0, and a large 5.
rc::Gen<double> gen_margin() { return rc::gen::elementOf(std::vector<double>{0.0, 0.2, 1.0, 5.0}); }

int coordinate_range(std::int64_t dim, int max_coordinate) {
  const double r = std::floor(std::sqrt(static_cast<double>(1 << 18) / static_cast<double>(dim)));
  return std::max(1, std::min(max_coordinate, static_cast<int>(r)));
}

// The largest power of two not above r: coordinates ·2^-k land in (-2, 2], exactly.
double scale_for(int r) {
  double scale = 1;
  while (scale * 2 <= r) scale *= 2;
  return 1 / scale;
}

Separation separation_for(const CaseInput& in, double relative_gap) {
  const double scale = loss_scale(in);
  Separation s;
  // Lattice squared distances are exact in float32 and float64, and L2 keeps them distinct:
  // any difference is a safe difference. Angular distances are rounded: the float32 error of a
  // normalized length-D dot product behaves like √D·2^-24 (random rounding; the worst case D·2^-24
  // would make large batches impossible to separate), so competing ones stay 8√D·2^-24 apart.
  constexpr double kUnitRoundoff32 = 1.0 / (1 << 24);
  s.selection_gap = in.spec.metric == Metric::kAngular
                        ? 8 * std::sqrt(static_cast<double>(in.dim)) * kUnitRoundoff32
                        : 0;
  s.hinge_gap = relative_gap * scale;
  return s;
}

}  // namespace

std::vector<LossSpec> all_variants() {
  std::vector<LossSpec> out;
  for (Metric m : {Metric::kL2, Metric::kSquaredL2, Metric::kAngular}) {
    out.push_back({Loss::kHard, false, 1.0, m});
    out.push_back({Loss::kHard, true, 1.0, m});
    out.push_back({Loss::kSemiHard, false, 1.0, m});
  }
  return out;
}

GeneratedCase build_generic_case(const LossSpec& spec, std::int64_t batch, std::int64_t dim,
                                 LabelStructure structure, std::vector<std::int64_t> labels,
                                 std::uint64_t seed, const GeneratorOptions& options,
                                 bool separate) {
  GeneratedCase c;
  c.labels = structure;
  c.seed = seed;
  c.coordinate_range = coordinate_range(dim, options.max_coordinate);
  c.coordinate_scale = scale_for(c.coordinate_range);
  if (spec.soft) {
    // log1p(exp(z)) is only informative for moderate z: shrink the lattice (by powers of two,
    // exactly) until the largest possible distance is at most kSoftDistance.
    constexpr double kSoftDistance = 16;
    const auto largest = [&] {
      const double norm =
          std::sqrt(static_cast<double>(dim)) * c.coordinate_range * c.coordinate_scale;
      if (spec.metric == Metric::kSquaredL2) return 4 * norm * norm;
      return spec.metric == Metric::kL2 ? 2 * norm : 2.0;
    };
    while (largest() > kSoftDistance) c.coordinate_scale /= 2;
  }
  c.input.spec = spec;
  c.input.batch = batch;
  c.input.dim = dim;
  c.input.labels = std::move(labels);
  c.input.values.resize(static_cast<std::size_t>(batch * dim));

  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> coordinate(-c.coordinate_range, c.coordinate_range);
  const auto draw = [&](std::int64_t sample) {
    for (std::int64_t k = 0; k < dim; ++k) {
      c.input.values[sample * dim + k] = coordinate(rng) * c.coordinate_scale;
    }
  };
  for (std::int64_t i = 0; i < batch; ++i) draw(i);

  if (!separate) return c;
  const Separation separation = separation_for(c.input, options.relative_gap);
  // Each redraw fixes one unseparated decision and rarely makes a new one; a bounded number
  // keeps a generator bug from looping forever. Dense semi-hard batches (B ≈ 200, D ≈ 150,
  // margin 0: the hinge sits next to the nearest farther negative) can take thousands of redraws
  // at ~10 ms each; past 8 per sample the draw is discarded instead (measured on 2000 oracle
  // cases: 2 discards, where 64 per sample cost up to 200 s for one case).
  const int max_redraws = 256 + 8 * static_cast<int>(batch);
  for (;;) {
    std::string why;
    const std::int64_t culprit =
        first_unseparated_sample(c.input, exact_distances(c.input), separation, &why);
    if (culprit < 0) break;
    if (++c.redraws > max_redraws) {
      // Inside a property RapidCheck discards the draw and counts it; a runtime_error would
      // fail the property for the generator's sake (a long 1-D batch, B = 101, D = 1, can hold
      // more equidistant triples than redraws clear).
      throw rc::GenerationFailure("generator could not separate the decisions of a " +
                                  variant_name(spec) + " " + to_string(spec.metric) +
                                  " B=" + std::to_string(batch) + " D=" + std::to_string(dim) +
                                  " batch (last: " + why + ")");
    }
    draw(culprit);
  }
  return c;
}

namespace {

rc::Gen<GeneratedCase> gen_case(const GeneratorOptions& options, bool separate) {
  return rc::gen::exec([options, separate] {
    const std::vector<LossSpec> variants =
        options.variants.empty() ? all_variants() : options.variants;
    LossSpec spec = *rc::gen::elementOf(variants);
    spec.margin = *gen_margin();
    const std::int64_t batch = *gen_extent(options.max_batch);
    // In one dimension every angular distance is 0 or 2: a batch of ties, not a generic one.
    const std::int64_t min_dim = spec.metric == Metric::kAngular ? 2 : 1;
    const std::int64_t dim = std::max(min_dim, *gen_extent(options.max_dim));
    // Mostly realistic structures; the degenerate all-same / all-distinct ones one time in five.
    const auto structure =
        *rc::gen::weightedElement<LabelStructure>({{3, LabelStructure::kSamplesPerClass},
                                                   {3, LabelStructure::kRandom},
                                                   {2, LabelStructure::kSingletonsMixed},
                                                   {1, LabelStructure::kAllSame},
                                                   {1, LabelStructure::kAllDistinct}});
    const int k = *rc::gen::inRange(2, 9);  // samples per class, or number of classes
    // Label values: contiguous, negative, and sparse large ones; TFA only compares for equality.
    // Two times in five the ids start past the integers a float holds exactly (2^24 for float32,
    // 2^53 for float64) and count away from zero, so adjacent classes merge under a cast
    // (2^24 + 1 -> 2^24); from 2^62 float64 merges every class of a batch.
    std::int64_t value_scale = *rc::gen::element<std::int64_t>(1, -3, 1000003);
    constexpr std::int64_t kInt32Max = 2147483647, kTwoTo62 = std::int64_t{1} << 62;
    const std::int64_t value_offset =
        *rc::gen::weightedElement<bool>({{3, false}, {2, true}})
            ? *rc::gen::element(kFloat32ExactIntegers, -kFloat32ExactIntegers, kInt32Max,
                                kFloat64ExactIntegers, -kFloat64ExactIntegers, kTwoTo62)
            : *rc::gen::element<std::int64_t>(0, -7, 42);
    if (value_offset >= kFloat32ExactIntegers) value_scale = 1;
    if (value_offset <= -kFloat32ExactIntegers) value_scale = -1;
    const auto seed = *rc::gen::arbitrary<std::uint64_t>();
    std::mt19937_64 label_rng(seed ^ 0x9E3779B97F4A7C15ull);
    auto labels = make_labels(structure, batch, k, value_scale, value_offset, label_rng);
    return build_generic_case(spec, batch, dim, structure, std::move(labels), seed, options,
                              separate);
  });
}

}  // namespace

rc::Gen<GeneratedCase> gen_generic_case(const GeneratorOptions& options) {
  return gen_case(options, true);
}

rc::Gen<GeneratedCase> gen_generic_case_unseparated(const GeneratorOptions& options) {
  return gen_case(options, false);
}

void showValue(const GeneratedCase& c, std::ostream& os) {
  const CaseInput& in = c.input;
  os << variant_name(in.spec) << " metric=" << to_string(in.spec.metric)
     << " margin=" << in.spec.margin << " B=" << in.batch << " D=" << in.dim
     << " labels=" << to_string(c.labels) << " seed=" << c.seed << " R=" << c.coordinate_range
     << " scale=" << c.coordinate_scale << " redraws=" << c.redraws << "\n  labels: [";
  for (std::size_t i = 0; i < in.labels.size(); ++i) os << (i ? ", " : "") << in.labels[i];
  os << "]\n  embeddings (lattice units):";
  for (std::int64_t i = 0; i < in.batch && i < 64; ++i) {
    os << "\n    [";
    for (std::int64_t k = 0; k < in.dim; ++k) {
      os << (k ? ", " : "") << in.values[i * in.dim + k] / c.coordinate_scale;
    }
    os << "]";
  }
  if (in.batch > 64) os << "\n    ... (" << in.batch - 64 << " more rows)";
}

}  // namespace tripletcheck::conformance
