// Every tolerance of the suite, with its reason. A comparison passes when
// |actual − expected| <= abs + rel·scale, the scale being defined in comparison.hpp and
// loss_scale(). Never loosen an entry to make a test pass: find the bound that was wrong.
#include "conformance/tolerances.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tripletcheck::conformance {
namespace {

// Two float32 evaluations of the same graph whose length-D dot products and reductions round in
// different orders (TF: blocked GEMM with FMA and tree reductions; ours: sequential loops).
// Each distance is within γ_D ≈ D·2^-24 of the distance scale, D ≤ 128 → 2^-17; a loss term or
// a gradient entry combines two such distances (positive and selected negative) times weights
// that sum to at most 1: 2·2^-17·2 = 2^-15 of the scale.
constexpr double kFloat32Reorder = 1.0 / (1 << 15);
// One unit in the last place of the result type, relative: TF rounds the float32 loss and each
// gradient entry to the half type, and an f32 difference near a rounding boundary can flip it.
constexpr double kFloat16Ulp = 1.0 / (1 << 10);
constexpr double kBFloat16Ulp = 1.0 / (1 << 7);

const char* const kReorderReason =
    "float32 summation order: distances within γ_D = D·2^-24 (D <= 128) of the scale, two "
    "distances per term/entry: 2^-15 of the scale";
const char* const kFloat16Reason =
    "TF rounds the float32 result to float16: one float16 ulp (2^-10) plus the float32 "
    "reordering bound 2^-15";
const char* const kBFloat16Reason =
    "TF rounds the float32 result to bfloat16: one bfloat16 ulp (2^-7) plus the float32 "
    "reordering bound 2^-15";
const char* const kOracleReason =
    "float64 oracle is exact to ~1e-15 here; the other side carries the float32 reordering bound";

// Central differences of the float64 reference with a step of h = 1e-6 lattice units on lattice
// batches (generators.hpp): competing distances are >= 1/2048 units apart, so no selection
// changes within ±h, and every distance is >= 1 unit, so the third derivatives of the distances
// are O(1) per unit³: truncation h²·|f'''|/6 ≈ 1e-13, far below 1e-5 of the gradient scale.
// The rounding part (the loss's float64 rounding over h) is added per case
// (finite_difference_tolerance, scales.hpp: float64_loss_rounding_bound).
const char* const kFiniteDifferenceReason =
    "central difference, h = 1e-6 lattice units, gaps >= 1/2048 units: truncation ~1e-13; "
    "rounding (2·distance noise + 4·ε·max(|loss|,1))/h added as the absolute part";

std::vector<ToleranceRow> make_table() {
  std::vector<ToleranceRow> rows;
  for (const Quantity q : {Quantity::kLoss, Quantity::kGradient}) {
    // The reference against the real TFA (golden fixtures).
    rows.push_back({"reference",
                    Precision::kFloat32,
                    q,
                    Regime::kGolden,
                    {0, kFloat32Reorder, kReorderReason}});
    rows.push_back({"reference",
                    Precision::kFloat64,
                    q,
                    Regime::kGolden,
                    {0, kFloat32Reorder, kOracleReason}});
    rows.push_back({"reference",
                    Precision::kFloat16,
                    q,
                    Regime::kGolden,
                    {0, kFloat16Ulp + kFloat32Reorder, kFloat16Reason}});
    rows.push_back({"reference",
                    Precision::kBFloat16,
                    q,
                    Regime::kGolden,
                    {0, kBFloat16Ulp + kFloat32Reorder, kBFloat16Reason}});
    // Any other backend against the real TFA (`tripletcheck conform` over exec: and mutant:
    // backends): the same bounds, for the same reasons. They are about evaluating TF's graph in
    // a precision, not about how the reference loops; a backend may still list its own rows.
    rows.push_back(
        {"*", Precision::kFloat32, q, Regime::kGolden, {0, kFloat32Reorder, kReorderReason}});
    rows.push_back(
        {"*", Precision::kFloat64, q, Regime::kGolden, {0, kFloat32Reorder, kOracleReason}});
    rows.push_back({"*",
                    Precision::kFloat16,
                    q,
                    Regime::kGolden,
                    {0, kFloat16Ulp + kFloat32Reorder, kFloat16Reason}});
    rows.push_back({"*",
                    Precision::kBFloat16,
                    q,
                    Regime::kGolden,
                    {0, kBFloat16Ulp + kFloat32Reorder, kBFloat16Reason}});
    // Any backend against the float64 oracle on generic batches.
    rows.push_back({"*",
                    Precision::kFloat64,
                    q,
                    Regime::kOracle,
                    {0, 1e-12, "float64 against float64: both within ~D·2^-53 of the scale"}});
    rows.push_back(
        {"*", Precision::kFloat32, q, Regime::kOracle, {0, kFloat32Reorder, kOracleReason}});
    // TFA's own tests: their numpy reference and an op-by-op float32 replay of the graph.
    rows.push_back(
        {"reference",
         Precision::kFloat64,
         q,
         Regime::kTfaSuite,
         {1e-6, 1e-6, "TFA's own tolerance for float32 (assert_allclose_according_to_type)"}});
    rows.push_back(
        {"reference",
         Precision::kFloat32,
         q,
         Regime::kTfaSuite,
         {1e-6, 1e-6, "TFA's own tolerance for float32 (assert_allclose_according_to_type)"}});
    // Every backend's float64 gradient against finite differences of its own value.
    rows.push_back(
        {"*", Precision::kFloat64, q, Regime::kFiniteDiff, {0, 1e-5, kFiniteDifferenceReason}});
  }
  return rows;
}

}  // namespace

const std::vector<ToleranceRow>& tolerance_table() {
  static const std::vector<ToleranceRow> rows = make_table();
  return rows;
}

const Tolerance& tolerance(std::string_view subject, Precision precision, Quantity quantity,
                           Regime regime) {
  const ToleranceRow* fallback = nullptr;
  for (const auto& row : tolerance_table()) {
    if (row.precision != precision || row.quantity != quantity || row.regime != regime) continue;
    if (row.subject == subject) return row.tolerance;
    if (row.subject == "*") fallback = &row;
  }
  if (fallback != nullptr) return fallback->tolerance;
  throw std::out_of_range("no tolerance for " + std::string(subject) + " " + to_string(precision) +
                          " " + to_string(quantity) + " " + to_string(regime));
}

Tolerance finite_difference_tolerance(double evaluation_rounding, double step) {
  Tolerance t = tolerance("*", Precision::kFloat64, Quantity::kGradient, Regime::kFiniteDiff);
  t.abs = evaluation_rounding / step;
  return t;
}

std::string to_string(Quantity quantity) {
  return quantity == Quantity::kLoss ? "loss" : "gradient";
}

std::string to_string(Regime regime) {
  switch (regime) {
    case Regime::kGolden:
      return "golden";
    case Regime::kOracle:
      return "oracle";
    case Regime::kFiniteDiff:
      return "finite-difference";
    case Regime::kTfaSuite:
      return "tfa-suite";
  }
  return "?";
}

}  // namespace tripletcheck::conformance
