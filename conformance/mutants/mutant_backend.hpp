// "mutant:<name>" backends: the losses with one deliberate mistake each (mutation.hpp), for the
// mutation check. Deliberately not in the public registry: `tripletcheck conform` and
// `tripletcheck mutation-check` build them by name.
#pragma once

#include <memory>

#include "conformance/mutants/mutation.hpp"
#include "tripletcheck/backend.hpp"

namespace tripletcheck::conformance::mutants {

constexpr const char* kMutantPrefix = "mutant:";

// float32 only (TF's precision, so the golden fixtures apply without float64's known
// divergences), precomputed distances, and a claim of TF-exact ties like the reference's.
std::unique_ptr<Backend> make_mutant_backend(Mutation mutation);

}  // namespace tripletcheck::conformance::mutants
