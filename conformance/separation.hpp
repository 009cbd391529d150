// Which decisions of the loss could flip under rounding (docs/SEMANTICS.md §5.4): the hardest
// positive and negative, the semi-hard negative and the strict `>` boundary, the largest-negative
// fallback, the hinge. A generic batch keeps every such decision at least a gap apart, so that any
// correct implementation, in any precision, makes the same choices and the comparison is
// meaningful.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/evaluate.hpp"

namespace tripletcheck::conformance {

struct Separation {
  // Distances that compete in a decision must differ by more than this (0: just differ).
  double selection_gap = 0;
  // |hinge argument| must exceed this, and for the soft loss |z| stays below kMaxSoftArgument.
  double hinge_gap = 0;
  // Near ties only: exactly equal distances are not a problem where every implementation
  // computes them exactly (integer lattices, duplicates), so only 0 < gap <= bound counts.
  bool near_ties_only = false;
};

// Soft hard loss: keep exp(z) far from float32 overflow (z ≈ 88.7) so the value is finite.
constexpr double kMaxSoftArgument = 60;

// The float64 distance matrix of the case, computed directly (‖x_i − x_j‖, not the expanded
// formula: exact for integer coordinates).
std::vector<double> exact_distances(const CaseInput& input);

// The first sample (never the anchor itself) whose re-drawing would remove a decision closer than
// the separation, or -1 when every decision of input.spec's loss is separated.
// `why`, when given, receives the kind of decision that was too close.
std::int64_t first_unseparated_sample(const CaseInput& input, const std::vector<double>& distances,
                                      const Separation& separation, std::string* why = nullptr);

}  // namespace tripletcheck::conformance
