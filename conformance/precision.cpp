#include "conformance/precision.hpp"

#include <stdexcept>

namespace tripletcheck::conformance {

std::string to_string(Precision precision) {
  switch (precision) {
    case Precision::kFloat64:
      return "float64";
    case Precision::kFloat32:
      return "float32";
    case Precision::kFloat16:
      return "float16";
    case Precision::kBFloat16:
      return "bfloat16";
  }
  throw std::logic_error("unknown Precision");
}

Precision parse_precision(std::string_view name) {
  for (const Precision p :
       {Precision::kFloat64, Precision::kFloat32, Precision::kFloat16, Precision::kBFloat16}) {
    if (name == to_string(p)) return p;
  }
  throw std::invalid_argument("unknown precision \"" + std::string(name) +
                              "\" (expected float64, float32, float16 or bfloat16)");
}

}  // namespace tripletcheck::conformance
