// The differential properties (DESIGN.md "Conformance"): each is a RapidCheck property body run
// for one backend, shared by the gtest suite (properties/differential_test.cpp) and by
// `tripletcheck conform`. Generic batches must agree with the float64 oracle in value and
// gradient; degenerate batches (ties, duplicates, zero rows, overflow) with the TF-ordered
// float32 reference in value, and in gradient where the backend declares TF's tie rules; plus
// invariances that any correct implementation has.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "tripletcheck/backend.hpp"

namespace tripletcheck::testing {

struct DifferentialProperty {
  std::string name;                          // CamelCase, used as a test name
  std::string description;                   // what it checks, in words
  std::function<void(const Backend&)> body;  // RC_ASSERTs inside; run under rc::check
};

const std::vector<DifferentialProperty>& differential_properties();

}  // namespace tripletcheck::testing
