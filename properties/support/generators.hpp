// RapidCheck generators of whole cases, valid by construction (no discards): a loss variant, a
// batch size around SIMD/tile boundaries, a dimension, a label structure, and embeddings on an
// integer lattice, re-drawn sample by sample until every decision of the loss is separated
// (separation.hpp). Shrinking works on the size, dimension, labels and seed.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "properties/support/evaluate.hpp"
#include "properties/support/labels.hpp"
#include "properties/support/separation.hpp"

namespace tripletcheck::testing {

struct GeneratedCase {
  CaseInput input;
  LabelStructure labels = LabelStructure::kRandom;
  std::uint64_t seed = 0;
  int coordinate_range = 0;  // integer coordinates in [-R, R] before scaling
  double coordinate_scale = 1;  // a power of two: the scaling is exact
  int redraws = 0;           // samples re-drawn to separate the decisions
};

struct GeneratorOptions {
  std::int64_t max_batch = 64;
  std::int64_t max_dim = 16;
  std::vector<LossSpec> variants;  // empty: every loss variant × metric with TFA's margins
  // Integer coordinates in [-R, R] with R = min(max_coordinate, sqrt(2^18 / D)): squared
  // distances stay below 2^20 units, so float32 computes them exactly and sqrt keeps distinct
  // integers distinct. Smaller R gives coarser lattices with larger gaps.
  int max_coordinate = 1 << 9;
  // Extra separation for angular (never exact) and the hinge, relative to the loss scale.
  double relative_gap = 1e-5;
};

// Every loss variant (hard, hard-soft, semihard) × metric, with margin 1.0.
std::vector<LossSpec> all_variants();

rc::Gen<GeneratedCase> gen_generic_case(const GeneratorOptions& options);

// The same construction from explicit choices, for tests and replays.
GeneratedCase build_generic_case(const LossSpec& spec, std::int64_t batch, std::int64_t dim,
                                 LabelStructure structure, std::vector<std::int64_t> labels,
                                 std::uint64_t seed, const GeneratorOptions& options);

// RapidCheck prints failing cases through this (ADL): everything needed to rebuild the case.
void showValue(const GeneratedCase& c, std::ostream& os);

}  // namespace tripletcheck::testing
