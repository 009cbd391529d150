// Every backend's float64 gradient against central differences of its own float64 value (the
// shared helper of support/gradient_check.hpp: LibTorch C++ has no gradcheck): the full gradient
// on small lattice batches, and the directional derivative uᵀ∇f along a random u on larger ones,
// where one direction costs two evaluations instead of 2·B·D. Lattice batches keep every decision
// far beyond the step, so no selection changes within ±h. RC_PARAMS replays a failure.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "conformance/comparison.hpp"
#include "conformance/edge_classes.hpp"
#include "conformance/generators.hpp"
#include "conformance/gradient_check.hpp"
#include "conformance/scales.hpp"
#include "conformance/test_names.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

void classify(const GeneratedCase& c) {
  for (const auto& edge : edge_classes(c.input, exact_distances(c.input))) RC_TAG(edge);
  RC_TAG(variant_name(c.input.spec) + "/" + to_string(c.input.spec.metric));
}

// Lattice batches (generators.hpp): every distance at least one unit, competing ones at least
// 1/(2·√S_max) >= 1/2048 units apart (S_max <= 2^20), so a step of 1e-6 units never changes a
// selection.
GeneratorOptions small_batches() {
  GeneratorOptions o;
  o.max_batch = 12;
  o.max_dim = 5;
  o.relative_gap = 1e-4;  // hinge decisions: far beyond the step's effect
  return o;
}

constexpr double kStepInLatticeUnits = 1e-6;

ScalarFunction loss_of(const Backend& backend, const CaseInput& input) {
  return [&backend, probe = input](const std::vector<double>& x) mutable {
    probe.values = x;
    return evaluate(backend, probe, Precision::kFloat64, /*gradient=*/false).loss;
  };
}

void central_differences(const Backend& backend) {
  const GeneratedCase c = *gen_generic_case(small_batches());
  classify(c);
  const Evaluation analytic = evaluate(backend, c.input, Precision::kFloat64);
  if (std::isnan(analytic.loss)) {
    // No positive pair (semihard): NaN by design (docs/SEMANTICS.md §5.5).
    RC_ASSERT(
        is_no_positive_pair_gradient(analytic.gradient, c.input.spec.metric == Metric::kAngular));
    return;
  }
  const double step = kStepInLatticeUnits * c.coordinate_scale;
  const auto numeric = central_difference_gradient(loss_of(backend, c.input), c.input.values, step);
  const Agreement a = compare_gradients(analytic.gradient, numeric);
  const Tolerance tol =
      finite_difference_tolerance(float64_loss_rounding_bound(c.input, analytic.loss), step);
  if (!a.within(tol)) RC_LOG() << a.describe() << "\n";
  RC_ASSERT(a.within(tol));
}

// uᵀ∇f against its central difference along a direction u drawn from `seed`; `scale` is
// ‖u‖·‖∇f‖, the size of a directional derivative (|uᵀ∇f| <= ‖u‖·‖∇f‖).
Agreement directional_agreement(const Backend& backend, const CaseInput& input,
                                const Evaluation& analytic, std::uint64_t seed, double step) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<double> direction(input.values.size());
  double projected = 0, norm = 0, gradient_norm = 0;
  for (std::size_t k = 0; k < direction.size(); ++k) {
    direction[k] = normal(rng);
    projected += direction[k] * analytic.gradient[k];
    norm += direction[k] * direction[k];
    gradient_norm += analytic.gradient[k] * analytic.gradient[k];
  }
  const double numeric =
      directional_derivative(loss_of(backend, input), input.values, direction, step);
  return compare_loss(projected, numeric, std::sqrt(norm * gradient_norm));
}

void directional_derivative_on_larger_batches(const Backend& backend) {
  GeneratorOptions o = small_batches();
  o.max_batch = 48;
  o.max_dim = 24;
  const GeneratedCase c = *gen_generic_case(o);
  classify(c);
  const Evaluation analytic = evaluate(backend, c.input, Precision::kFloat64);
  if (std::isnan(analytic.loss)) return;
  const double step = kStepInLatticeUnits * c.coordinate_scale;
  const Agreement a = directional_agreement(backend, c.input, analytic, c.seed, step);
  // The step along u moves x by h·‖u‖: the rounding part scales with 1/(h·‖u‖)·‖u‖ = 1/h.
  const Tolerance tol =
      finite_difference_tolerance(float64_loss_rounding_bound(c.input, analytic.loss), step);
  if (!a.within(tol)) RC_LOG() << a.describe() << "\n";
  RC_ASSERT(a.within(tol));
}

class FiniteDifferences : public ::testing::TestWithParam<const Backend*> {};

// ci/soak.sh seed 3926529538: hard-soft L2, B = 2, D = 1, rows -375 and -373 lattice units of
// 2^-9. The expanded formula rounds S relative to ‖x‖² = 0.54 while d = 0.0039, so each float64
// loss is off by ~1e-14 and the central difference by ~5e-6; a bound of 4·ε·|loss|/h (1.1e-6)
// failed it, the distance noise term covers it.
TEST_P(FiniteDifferences, RoundingOfTheExpandedFormulaIsInTheBound) {
  const Backend& backend = *GetParam();
  CaseInput in;
  in.spec.loss = Loss::kHard;
  in.spec.soft = true;
  in.spec.metric = Metric::kL2;
  in.batch = 2;
  in.dim = 1;
  in.values = {std::ldexp(-375.0, -9), std::ldexp(-373.0, -9)};
  in.labels = {1, 0};
  if (!implements(backend, in) || !backend.capabilities().float64) {
    GTEST_SKIP() << backend.name() << " does not evaluate hard-soft L2 in float64";
  }
  const Evaluation analytic = evaluate(backend, in, Precision::kFloat64);
  const double step = kStepInLatticeUnits * std::ldexp(1.0, -9);
  // The direction the soak's case drew (its generator seed was 1).
  const Agreement a = directional_agreement(backend, in, analytic, 1, step);
  const double rounding = float64_loss_rounding_bound(in, analytic.loss);
  EXPECT_TRUE(a.within(finite_difference_tolerance(rounding, step))) << a.describe();
  // The case needs the distance term: the loss's own rounding alone does not cover it.
  const double loss_only =
      4 * std::numeric_limits<double>::epsilon() * std::max(std::fabs(analytic.loss), 1.0);
  EXPECT_FALSE(a.within(finite_difference_tolerance(loss_only, step))) << a.describe();
}

TEST_P(FiniteDifferences, MatchTheFullGradientOnSmallBatches) {
  const Backend& backend = *GetParam();
  EXPECT_TRUE(rc::check(backend.name() + ": float64 gradient vs central differences",
                        [&] { central_differences(backend); }));
}

TEST_P(FiniteDifferences, MatchTheDirectionalDerivativeOnLargerBatches) {
  const Backend& backend = *GetParam();
  EXPECT_TRUE(rc::check(backend.name() + ": float64 uᵀ∇f vs its central difference",
                        [&] { directional_derivative_on_larger_batches(backend); }));
}

// Every available backend that computes in float64 (the step is far below float32's noise).
std::vector<const Backend*> float64_backends() {
  std::vector<const Backend*> out;
  for (const Backend* b : available_backends()) {
    if (b->capabilities().float64 && b->capabilities().gradients) out.push_back(b);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Backends, FiniteDifferences, ::testing::ValuesIn(float64_backends()),
                         [](const ::testing::TestParamInfo<const Backend*>& b) {
                           return test_name(*b.param);
                         });

}  // namespace
}  // namespace tripletcheck::conformance
