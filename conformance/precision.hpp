// The precisions a comparison is made in. An enum rather than strings: a mistyped precision in a
// table (tolerances.cpp, known_divergences.cpp) would otherwise silently match nothing.
#pragma once

#include <string>
#include <string_view>

namespace tripletcheck::conformance {

// What the subject computed in. The half types are evaluated in float32 with the results rounded
// back, as TFA does (evaluate.hpp); they occur only for fixtures TF computed in a half type.
enum class Precision { kFloat64, kFloat32, kFloat16, kBFloat16 };

// "float64", "float32", "float16", "bfloat16": the names of the reports, the fixtures' "dtype"
// and the corpus files.
std::string to_string(Precision precision);
// The inverse of to_string; throws std::invalid_argument naming the accepted names.
Precision parse_precision(std::string_view name);

}  // namespace tripletcheck::conformance
