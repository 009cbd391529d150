// Comparisons that are expected to fail, each with its reason (skips and expected
// failures in one checked-in file). An entry that no longer matches any failing comparison is
// stale and reported as such, so the list cannot silently outlive the problem.
#pragma once

#include <string>
#include <vector>

#include "conformance/precision.hpp"
#include "conformance/tolerances.hpp"
#include "tripletcheck/backend.hpp"

namespace tripletcheck::conformance {

struct KnownDivergence {
  std::string subject;   // backend name
  Precision precision;   // what the subject computed in
  std::string category;  // golden fixture category
  std::string variant;   // "hard", "hard-soft", "semihard" or "*"
  Quantity quantity;
  std::string reason;
  // The divergence depends on the machine (the BLAS kernel or vector unit chosen at run time):
  // it may appear or not, so an entry that matched nothing here is not stale.
  bool may_appear = false;
};

const std::vector<KnownDivergence>& known_divergences();
// The entry covering this comparison, or nullptr. Marks the entry as used.
// Entries are for a backend by name, or for a numeric trait ("trait:fused_multiply_add", ...)
// that any backend, an exec program included, may declare (Capabilities::traits).
const KnownDivergence* find_known_divergence(const std::string& subject,
                                             const NumericTraits& traits, Precision precision,
                                             const std::string& category,
                                             const std::string& variant, Quantity quantity);
// The entry a numeric trait would bring, for a backend that does not declare it: how a failing
// comparison is recognised as a TF float32 artifact (golden_check.hpp). Marks nothing used.
const KnownDivergence* find_trait_divergence(const std::string& trait, Precision precision,
                                             const std::string& category,
                                             const std::string& variant, Quantity quantity);
// What a port can do about the artifact a trait names: match TF, or declare the trait.
std::string trait_fix(const std::string& trait);
// The trait names of an exec program's capabilities, e.g. "no_flush_to_zero"; false when the
// name is unknown.
bool set_numeric_trait(NumericTraits& traits, const std::string& name);
std::vector<std::string> numeric_trait_names();
std::vector<std::string> declared_traits(const NumericTraits& traits);
// Entries never returned by find_known_divergence since the program started, but for those that
// only may appear on this machine: stale entries, which fail a run that checked every fixture.
std::vector<KnownDivergence> unused_known_divergences();
// "subject/dtype/category/variant/quantity": how reports name an entry.
std::string divergence_key(const KnownDivergence& e);
// The entry with this key, or nullptr. Marks nothing used.
const KnownDivergence* find_known_divergence_by_key(const std::string& key);

}  // namespace tripletcheck::conformance
