// The edge classes of docs/SEMANTICS.md (§5.4) a case reaches, for RC_CLASSIFY: the suite shows in
// its output that every fallback and boundary is actually exercised, not just possible.
#pragma once

#include <string>
#include <vector>

#include "conformance/evaluate.hpp"

namespace tripletcheck::conformance {

// Any of: "no-positive anchor", "no-negative anchor", "no positive pair (NaN)",
// "largest-negative fallback", "hinge inactive", "hinge active", "tie".
// `distances` is the float64 distance matrix of the case (exact_distances()).
std::vector<std::string> edge_classes(const CaseInput& input, const std::vector<double>& distances);

}  // namespace tripletcheck::conformance
