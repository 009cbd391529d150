// Input checks shared by every backend and command (called by Backend::evaluate).
#pragma once

#include "tripletcheck/batch.hpp"
#include "tripletcheck/options.hpp"

namespace tripletcheck {

// Throws InvalidArgument naming the argument: empty batch, non-positive dim, null pointers,
// non-finite margin, and (when options.strict) the first row with a non-finite embedding.
void validate(const LossSpec& spec, const EvalOptions& options);
template <class T>
void validate(const BatchView<T>& batch, const EvalOptions& options);
template <class T>
void validate(const DistanceView<T>& distances, const EvalOptions& options);

}  // namespace tripletcheck
