// The differential properties: each is a RapidCheck property body run
// for one backend, shared by the gtest suite (properties/differential_test.cpp) and by
// `tripletcheck conform`. Generic batches must agree with the float64 oracle in value and
// gradient; degenerate batches (ties, duplicates, zero rows, overflow) with the TF-ordered
// float32 reference in value, and in gradient where the backend declares TF's tie rules; plus
// invariances that any correct implementation has.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/generators.hpp"
#include "tripletcheck/backend.hpp"

namespace tripletcheck::conformance {

struct DifferentialProperty {
  std::string name;         // CamelCase, used as a test name
  std::string description;  // what it checks, in words
  // Whether the backend implements any loss variant the property draws from; a property that
  // does not apply is reported as not implemented, never run as a pass.
  std::function<bool(const Coverage&)> applies;
  // Draws one case among the variants the backend implements; only inside a RapidCheck property
  // (it uses rc generators and RC_TAG).
  std::function<GeneratedCase(const Coverage&)> generate;
  // The RC_ASSERTs on one case. The counterexample corpus replays stored cases through this.
  std::function<void(const Backend&, const GeneratedCase&)> check;
  std::function<void(const Backend&)> body;  // check(generate()): what rc::check runs
  // Where the backend is (part of) this property's own oracle, the comparison cannot fail:
  // `skipped` when nothing is left to check, and why; a non-empty `note` alone when only a part
  // is skipped (the rest still runs).
  struct OwnOracle {
    bool skipped = false;
    std::string note;
  };
  std::function<OwnOracle(const Backend&)> own_oracle = [](const Backend&) { return OwnOracle{}; };
};

const std::vector<DifferentialProperty>& differential_properties();
// nullptr when there is no property of that name.
const DifferentialProperty* find_differential_property(std::string_view name);

}  // namespace tripletcheck::conformance
