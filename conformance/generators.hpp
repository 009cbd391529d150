// RapidCheck generators of whole cases, valid by construction (no discards): a loss variant, a
// batch size around SIMD/tile boundaries, a dimension, a label structure, and embeddings on an
// integer lattice, re-drawn sample by sample until every decision of the loss is separated
// (separation.hpp). Shrinking works on the size, dimension, labels and seed.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "conformance/evaluate.hpp"
#include "conformance/labels.hpp"
#include "conformance/separation.hpp"

namespace tripletcheck::conformance {

struct GeneratedCase {
  CaseInput input;
  LabelStructure labels = LabelStructure::kRandom;
  std::uint64_t seed = 0;
  int coordinate_range = 0;     // integer coordinates in [-R, R] before scaling
  double coordinate_scale = 1;  // a power of two: the scaling is exact
  int redraws = 0;              // samples re-drawn to separate the decisions
};

struct GeneratorOptions {
  std::int64_t max_batch = 64;
  std::int64_t max_dim = 16;
  std::vector<LossSpec> variants;  // empty: every loss variant × metric with TFA's margins
  // Integer coordinates in [-R, R] with R = min(max_coordinate, sqrt(2^18 / D)): squared
  // distances stay below 2^20 units, so float32 computes them exactly and sqrt keeps distinct
  // integers distinct. Smaller R gives coarser lattices with larger gaps.
  int max_coordinate = 1 << 9;
  // Separation of the hinge from 0, relative to the loss scale (angular selections: see
  // separation_for in generators.cpp).
  double relative_gap = 1e-5;
};

// Every loss variant (hard, hard-soft, semihard) × metric, with margin 1.0.
std::vector<LossSpec> all_variants();

rc::Gen<GeneratedCase> gen_generic_case(const GeneratorOptions& options);
// The same choices without the separation step: ties and near-ties stay (degenerate regime).
rc::Gen<GeneratedCase> gen_generic_case_unseparated(const GeneratorOptions& options);

// The same construction from explicit choices, for tests and replays.
GeneratedCase build_generic_case(const LossSpec& spec, std::int64_t batch, std::int64_t dim,
                                 LabelStructure structure, std::vector<std::int64_t> labels,
                                 std::uint64_t seed, const GeneratorOptions& options,
                                 bool separate = true);

// RapidCheck prints failing cases through this (ADL): everything needed to rebuild the case.
void showValue(const GeneratedCase& c, std::ostream& os);

}  // namespace tripletcheck::conformance

namespace tripletcheck::conformance {

// Degenerate batches: exact ties on a coarse lattice, duplicate rows, zero
// rows, power-of-two scalings up to float32 overflow. L2 and squared-L2 only: their distances are
// exact on these inputs in every precision, so the loss value is still well defined and every
// correct implementation must give it; angular distances are rounded, and angular ties are
// ill-conditioned for every implementation (the golden angular_zero_row cases cover angular).
enum class Degeneracy { kLatticeTies, kDuplicates, kZeroRows, kOverflow, kLargeScale };
std::string to_string(Degeneracy degeneracy);

struct DegenerateCase {
  GeneratedCase base;
  Degeneracy degeneracy = Degeneracy::kLatticeTies;
};

// variants: the loss variants to draw from, L2 and squared-L2 only (empty: all of those).
rc::Gen<DegenerateCase> gen_degenerate_case(std::int64_t max_batch, std::int64_t max_dim,
                                            std::vector<LossSpec> variants = {});
void showValue(const DegenerateCase& c, std::ostream& os);

}  // namespace tripletcheck::conformance
