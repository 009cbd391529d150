// Properties of the reference itself: its hand-written gradient against central differences of
// its own float64 value, and its TF-ordered float32 against its float64 oracle, on generated
// generic batches (valid by construction, every decision separated). RC_PARAMS replays failures.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <random>

#include "properties/support/comparison.hpp"
#include "properties/support/edge_classes.hpp"
#include "properties/support/generators.hpp"
#include "properties/support/gradient_check.hpp"
#include "properties/support/scales.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::testing {
namespace {

const Backend& reference() { return find_backend("reference"); }

void classify(const GeneratedCase& c) {
  for (const auto& edge : edge_classes(c.input, exact_distances(c.input))) RC_TAG(edge);
  RC_TAG(variant_name(c.input.spec) + "/" + to_string(c.input.spec.metric));
}

// Lattice batches (generators.hpp): every distance at least one unit, competing ones at least
// 1/(2·√S_max) >= 1/2048 units apart (S_max <= 2^20), so a step of 1e-6 units never changes a
// selection.
GeneratorOptions finite_difference_options() {
  GeneratorOptions o;
  o.max_batch = 12;
  o.max_dim = 5;
  o.relative_gap = 1e-4;  // hinge decisions: far beyond the step's effect
  return o;
}

constexpr double kStepInLatticeUnits = 1e-6;

RC_GTEST_PROP(ReferenceGradient, MatchesCentralDifferencesInFloat64, ()) {
  const GeneratedCase c = *gen_generic_case(finite_difference_options());
  classify(c);
  const Evaluation analytic = evaluate(reference(), c.input, "float64");
  if (std::isnan(analytic.loss)) {
    // No positive pair (semihard): NaN by design (SPEC.md §5.5).
    RC_ASSERT(
        is_no_positive_pair_gradient(analytic.gradient, c.input.spec.metric == Metric::kAngular));
    return;
  }
  CaseInput probe = c.input;
  const ScalarFunction loss = [&](const std::vector<double>& x) {
    probe.values = x;
    return evaluate(reference(), probe, "float64", /*gradient=*/false).loss;
  };
  const double step = kStepInLatticeUnits * c.coordinate_scale;
  const auto numeric = central_difference_gradient(loss, c.input.values, step);
  const Agreement a = compare_gradients(analytic.gradient, numeric);
  const Tolerance tol = finite_difference_tolerance(analytic.loss, step);
  if (!a.within(tol)) RC_LOG() << a.describe() << "\n";
  RC_ASSERT(a.within(tol));
}

RC_GTEST_PROP(ReferenceGradient, DirectionalDerivativeOnLargerBatches, ()) {
  GeneratorOptions o = finite_difference_options();
  o.max_batch = 48;
  o.max_dim = 24;
  const GeneratedCase c = *gen_generic_case(o);
  classify(c);
  const Evaluation analytic = evaluate(reference(), c.input, "float64");
  if (std::isnan(analytic.loss)) return;
  std::mt19937_64 rng(c.seed);
  std::normal_distribution<double> normal;
  std::vector<double> direction(c.input.values.size());
  double projected = 0;
  for (std::size_t k = 0; k < direction.size(); ++k) {
    direction[k] = normal(rng);
    projected += direction[k] * analytic.gradient[k];
  }
  CaseInput probe = c.input;
  const ScalarFunction loss = [&](const std::vector<double>& x) {
    probe.values = x;
    return evaluate(reference(), probe, "float64", false).loss;
  };
  const double step = kStepInLatticeUnits * c.coordinate_scale;
  const double numeric = directional_derivative(loss, c.input.values, direction, step);
  double norm = 0;  // |uᵀ∇f| <= ‖u‖·‖∇f‖: the scale of a directional derivative
  double gradient_norm = 0;
  for (std::size_t k = 0; k < direction.size(); ++k) {
    norm += direction[k] * direction[k];
    gradient_norm += analytic.gradient[k] * analytic.gradient[k];
  }
  Agreement a = compare_loss(projected, numeric, std::sqrt(norm * gradient_norm));
  // The step along u moves x by h·‖u‖: the rounding part scales with 1/(h·‖u‖)·‖u‖ = 1/h.
  const Tolerance tol = finite_difference_tolerance(analytic.loss, step);
  if (!a.within(tol)) RC_LOG() << a.describe() << "\n";
  RC_ASSERT(a.within(tol));
}

RC_GTEST_PROP(ReferenceFloat32, TracksTheFloat64Oracle, ()) {
  GeneratorOptions o;
  o.max_batch = 64;
  o.max_dim = 32;
  const GeneratedCase c = *gen_generic_case(o);
  classify(c);
  const Evaluation oracle = evaluate(reference(), c.input, "float64");
  const Evaluation f32 = evaluate(reference(), c.input, "float32");
  if (std::isnan(oracle.loss)) {
    RC_ASSERT(std::isnan(f32.loss));
    RC_ASSERT(is_no_positive_pair_gradient(f32.gradient, c.input.spec.metric == Metric::kAngular));
    return;
  }
  const Agreement loss = compare_loss(f32.loss, oracle.loss, loss_scale(c.input));
  const Agreement grad = compare_gradients(f32.gradient, oracle.gradient);
  if (!loss.within(tolerance("reference", "float32", Quantity::kLoss, Regime::kOracle))) {
    RC_LOG() << "loss: " << loss.describe() << "\n";
  }
  if (!grad.within(tolerance("reference", "float32", Quantity::kGradient, Regime::kOracle))) {
    RC_LOG() << "gradient: " << grad.describe() << "\n";
  }
  RC_ASSERT(loss.within(tolerance("reference", "float32", Quantity::kLoss, Regime::kOracle)));
  RC_ASSERT(grad.within(tolerance("reference", "float32", Quantity::kGradient, Regime::kOracle)));
}

}  // namespace
}  // namespace tripletcheck::testing
