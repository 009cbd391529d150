// Properties of the reference itself: its TF-ordered float32 against its float64 oracle, on
// generated generic batches (valid by construction, every decision separated). Its gradient
// against finite differences is checked with every backend's (finite_difference_test.cpp).
// RC_PARAMS replays failures.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>

#include "conformance/comparison.hpp"
#include "conformance/edge_classes.hpp"
#include "conformance/generators.hpp"
#include "conformance/scales.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

const Backend& reference() { return find_backend("reference"); }

void classify(const GeneratedCase& c) {
  for (const auto& edge : edge_classes(c.input, exact_distances(c.input))) RC_TAG(edge);
  RC_TAG(variant_name(c.input.spec) + "/" + to_string(c.input.spec.metric));
}

RC_GTEST_PROP(ReferenceFloat32, TracksTheFloat64Oracle, ()) {
  GeneratorOptions o;
  o.max_batch = 64;
  o.max_dim = 32;
  const GeneratedCase c = *gen_generic_case(o);
  classify(c);
  const Evaluation oracle = evaluate(reference(), c.input, Precision::kFloat64);
  const Evaluation f32 = evaluate(reference(), c.input, Precision::kFloat32);
  if (std::isnan(oracle.loss)) {
    RC_ASSERT(std::isnan(f32.loss));
    RC_ASSERT(is_no_positive_pair_gradient(f32.gradient, c.input.spec.metric == Metric::kAngular));
    return;
  }
  const Agreement loss = compare_loss(f32.loss, oracle.loss, loss_scale(c.input));
  const Agreement grad =
      compare_gradients(f32.gradient, oracle.gradient, gradient_term_scale(c.input));
  const Tolerance loss_tol = with_loss_summation(
      tolerance("reference", Precision::kFloat32, Quantity::kLoss, Regime::kOracle), c.input,
      Precision::kFloat32);
  const Tolerance& grad_tol =
      tolerance("reference", Precision::kFloat32, Quantity::kGradient, Regime::kOracle);
  if (!loss.within(loss_tol)) RC_LOG() << "loss: " << loss.describe() << "\n";
  if (!grad.within(grad_tol)) RC_LOG() << "gradient: " << grad.describe() << "\n";
  RC_ASSERT(loss.within(loss_tol));
  RC_ASSERT(grad.within(grad_tol));
}

}  // namespace
}  // namespace tripletcheck::conformance
