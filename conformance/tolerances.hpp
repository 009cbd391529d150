// The tolerance table: every bound the suite compares with, each with the reason it is what it
// is. The entries live in tolerances.cpp and nowhere else (one table, one place).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conformance/precision.hpp"

namespace tripletcheck::conformance {

enum class Quantity { kLoss, kGradient };

// What the subject is compared with:
//   kGolden      the real TF/TFA output stored in properties/fixtures/golden
//   kOracle      the float64 reference on a generic (tie-free, well-separated) batch
//   kFiniteDiff  central finite differences of the float64 reference itself
//   kTfaSuite    the expected values of TFA's own tests
//   (properties/fixtures/tfa_suite_vectors.json)
enum class Regime { kGolden, kOracle, kFiniteDiff, kTfaSuite };

struct Tolerance {
  double abs = 0;
  double rel = 0;  // relative to the comparison's scale (see comparison.hpp)
  std::string reason;
};

struct ToleranceRow {
  std::string subject;  // a backend name, or "*" for any backend without a row of its own
  Precision precision;  // what the subject computed in
  Quantity quantity;
  Regime regime;
  Tolerance tolerance;
};

const std::vector<ToleranceRow>& tolerance_table();
// The row for (subject, precision, quantity, regime), falling back to subject "*"; throws
// std::out_of_range when the table has no row, so a missing bound is an error, not a default.
const Tolerance& tolerance(std::string_view subject, Precision precision, Quantity quantity,
                           Regime regime);
// The finite-difference row with its absolute part for this case: a central difference
// (f(x + h) − f(x − h))/2h of two evaluations, each within `evaluation_rounding` of the exact
// value (scales.hpp: float64_loss_rounding_bound), carries up to evaluation_rounding/h, which
// dominates wherever the true gradient is ~0.
Tolerance finite_difference_tolerance(double evaluation_rounding, double step);
std::string to_string(Quantity quantity);
std::string to_string(Regime regime);

}  // namespace tripletcheck::conformance
