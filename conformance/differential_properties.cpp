// The property bodies of differential_properties.hpp, with the generators' sizes for each.
#include "conformance/differential_properties.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>

#include "conformance/agreement_sink.hpp"
#include "conformance/comparison.hpp"
#include "conformance/edge_classes.hpp"
#include "conformance/generators.hpp"
#include "conformance/scales.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

constexpr double kFloat32SumOf96 = 1e-5;
using Variants = std::vector<LossSpec>;

const Backend& reference() { return find_backend("reference"); }

// Agreement with the oracle: B up to ~300 and D up to ~200, growing over a run with
// RapidCheck's size.
GeneratorOptions generic_options() {
  GeneratorOptions o;
  o.max_batch = 300;
  o.max_dim = 200;
  return o;
}

// Invariances compare a backend with itself: moderate sizes find the same bugs faster.
GeneratorOptions invariance_options() {
  GeneratorOptions o;
  o.max_batch = 96;
  o.max_dim = 48;
  return o;
}

std::vector<Precision> precisions(const Backend& b) {
  std::vector<Precision> out;
  if (b.capabilities().float32) out.push_back(Precision::kFloat32);
  if (b.capabilities().float64) out.push_back(Precision::kFloat64);
  return out;
}

void classify(const CaseInput& in) {
  for (const auto& edge : edge_classes(in, exact_distances(in))) RC_TAG(edge);
}

// What a comparison was made against, for the report (agreement_sink.hpp).
struct Against {
  const CaseInput& input;
  Precision precision;
  const char* what;
};

// Asserts agreement within the table's bound, logging the numbers when it fails.
void assert_agrees(const Agreement& a, const Tolerance& tol, const std::string& quantity,
                   const Against& against) {
  record_agreement({&against.input, against.precision,
                    quantity == "loss" ? Quantity::kLoss : Quantity::kGradient, against.what, a,
                    a.within(tol)});
  if (!a.within(tol))
    RC_LOG() << to_string(against.precision) << " " << quantity << " against " << against.what
             << ": " << a.describe() << " (bound " << tol.abs << " + " << tol.rel
             << "·scale: " << tol.reason << ")\n";
  RC_ASSERT(a.within(tol));
}

// `in` gives the scales: the loss's terms and the gradient's contributions (scales.hpp); the
// loss bound gets the rounding of the loss's own sum of terms in the precision compared.
void assert_agrees_with(const Evaluation& actual, const Evaluation& expected, const CaseInput& in,
                        const Tolerance& loss_tol, const Tolerance& grad_tol, bool gradients,
                        const Against& against) {
  if (std::isnan(expected.loss) && in.spec.loss == Loss::kSemiHard) {
    RC_ASSERT(std::isnan(actual.loss));
    RC_ASSERT(is_no_positive_pair_gradient(actual.gradient, in.spec.metric == Metric::kAngular));
    return;
  }
  assert_agrees(compare_loss(actual.loss, expected.loss, loss_scale(in)),
                with_loss_summation(loss_tol, in, against.precision), "loss", against);
  if (gradients) {
    assert_agrees(compare_gradients(actual.gradient, expected.gradient, gradient_term_scale(in)),
                  grad_tol, "gradient", against);
  }
}

// ---- generic batches against the float64 oracle ------------------------------------------------

GeneratedCase generate_generic(const Variants& variants) {
  GeneratorOptions o = generic_options();
  o.variants = variants;
  GeneratedCase c = *gen_generic_case(o);
  classify(c.input);
  return c;
}

void check_generic(const Backend& backend, const GeneratedCase& c) {
  const Evaluation oracle = evaluate(reference(), c.input, Precision::kFloat64);
  for (const auto& precision : precisions(backend)) {
    if (&backend == &reference() && precision == Precision::kFloat64)
      continue;  // the oracle itself
    const Evaluation e = evaluate(backend, c.input, precision);
    assert_agrees_with(e, oracle, c.input,
                       tolerance(backend.name(), precision, Quantity::kLoss, Regime::kOracle),
                       tolerance(backend.name(), precision, Quantity::kGradient, Regime::kOracle),
                       true, {c.input, precision, "float64 oracle"});
  }
}

// ---- degenerate batches against the float32 reference -------------------------------------------

bool has_nonfinite(const Evaluation& e) {
  if (!std::isfinite(e.loss)) return true;
  return std::any_of(e.gradient.begin(), e.gradient.end(),
                     [](double g) { return !std::isfinite(g); });
}

GeneratedCase generate_degenerate(const Variants& variants) {
  const DegenerateCase c = *gen_degenerate_case(96, 24, variants);
  RC_TAG(to_string(c.degeneracy));
  classify(c.base.input);
  return c.base;
}

void check_degenerate(const Backend& backend, const GeneratedCase& c) {
  const bool tf_ties = backend.capabilities().tf_exact_ties;
  const CaseInput& in = c.input;
  const Precision precision = Precision::kFloat32;
  Evaluation expected = evaluate(reference(), in, precision);
  const char* against = "float32 reference";
  // A backend that computes float32 inputs in float64 (a declared numeric trait) does not
  // overflow where TF's float32 does (squared norms past ~1.8e19): there the semantics are the
  // float64 ones, as for the golden large_magnitude fixtures.
  if (backend.capabilities().traits.float64_internal && has_nonfinite(expected)) {
    expected = evaluate(reference(), in, Precision::kFloat64);
    against = "float64 reference (float64_internal: no float32 overflow)";
  }
  const Evaluation e = evaluate(backend, in, precision);
  // Same float32 semantics on both sides (TF's graph order, overflow included): the golden
  // bound between two float32 evaluations applies, relative to the gradient's contributions too
  // (in these batches whole gradients are exactly 0 in exact arithmetic: duplicates, ties, one
  // class; assert_agrees_with takes the scale from gradient_term_scale).
  assert_agrees_with(e, expected, in,
                     tolerance(backend.name(), precision, Quantity::kLoss, Regime::kGolden),
                     tolerance(backend.name(), precision, Quantity::kGradient, Regime::kGolden),
                     tf_ties, {in, precision, against});
  if (!tf_ties && std::isfinite(expected.loss) && in.spec.metric != Metric::kAngular) {
    // Any valid subgradient of a translation-invariant loss sums to zero over the batch; in
    // float32 a sum of B <= 96 terms is off by at most B·2^-24 < 1e-5 of their magnitudes.
    for (std::int64_t k = 0; k < in.dim; ++k) {
      double sum = 0, magnitude = 0;
      for (std::int64_t i = 0; i < in.batch; ++i) {
        sum += e.gradient[i * in.dim + k];
        magnitude += std::fabs(e.gradient[i * in.dim + k]);
      }
      RC_ASSERT(std::fabs(sum) <= kFloat32SumOf96 * magnitude);
    }
  }
}

// ---- invariances: the backend against itself ----------------------------------------------------

GeneratedCase generate_invariance(const Variants& variants) {
  GeneratorOptions o = invariance_options();
  o.variants = variants;
  return *gen_generic_case(o);
}

void check_permutation(const Backend& backend, const GeneratedCase& c) {
  const CaseInput& in = c.input;
  std::vector<std::int64_t> order(static_cast<std::size_t>(in.batch));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(c.seed));
  CaseInput permuted = in;
  for (std::int64_t i = 0; i < in.batch; ++i) {
    permuted.labels[i] = in.labels[order[i]];
    std::copy_n(in.values.begin() + order[i] * in.dim, in.dim,
                permuted.values.begin() + i * in.dim);
  }
  for (const auto& precision : precisions(backend)) {
    const Evaluation a = evaluate(backend, in, precision);
    Evaluation b = evaluate(backend, permuted, precision);
    // Undo the permutation on the gradient's rows, then compare like two evaluations that
    // summed in different orders.
    Evaluation unpermuted = b;
    for (std::int64_t i = 0; i < in.batch; ++i) {
      std::copy_n(b.gradient.begin() + i * in.dim, in.dim,
                  unpermuted.gradient.begin() + order[i] * in.dim);
    }
    assert_agrees_with(unpermuted, a, in,
                       tolerance(backend.name(), precision, Quantity::kLoss, Regime::kOracle),
                       tolerance(backend.name(), precision, Quantity::kGradient, Regime::kOracle),
                       true, {in, precision, "itself (permuted batch)"});
  }
}

void check_relabelling(const Backend& backend, const GeneratedCase& c) {
  CaseInput relabelled = c.input;
  // An injective map: TFA only compares labels for equality. Modulo 2^64 (an odd factor is
  // invertible there), so ids near 2^62 cannot overflow.
  for (auto& label : relabelled.labels) {
    label = static_cast<std::int64_t>(0 - 7 * static_cast<std::uint64_t>(label) + 1000003u);
  }
  for (const auto& precision : precisions(backend)) {
    const Evaluation a = evaluate(backend, c.input, precision);
    const Evaluation b = evaluate(backend, relabelled, precision);
    RC_ASSERT(a.loss == b.loss || (std::isnan(a.loss) && std::isnan(b.loss)));
    RC_ASSERT(compare_gradients(a.gradient, b.gradient).max_abs_error == 0.0);
  }
}

GeneratedCase generate_translation(const Variants& variants) {
  GeneratorOptions o = invariance_options();
  o.variants = variants;
  // Half the range keeps translated lattice points exact in float32 (squared norms < 2^24).
  o.max_coordinate = 1 << 8;
  return *gen_generic_case(o);
}

void check_translation(const Backend& backend, const GeneratedCase& c) {
  CaseInput moved = c.input;
  std::mt19937_64 rng(c.seed);
  std::uniform_int_distribution<int> shift(-c.coordinate_range / 2, c.coordinate_range / 2);
  for (std::int64_t k = 0; k < moved.dim; ++k) {
    const double t = shift(rng) * c.coordinate_scale;
    for (std::int64_t i = 0; i < moved.batch; ++i) moved.values[i * moved.dim + k] += t;
  }
  for (const auto& precision : precisions(backend)) {
    const Evaluation a = evaluate(backend, c.input, precision);
    const Evaluation b = evaluate(backend, moved, precision);
    // Lattice distances are exact before and after the move, so the loss is bit-identical;
    // the gradient goes through the expanded formula, whose terms do change: they grow with the
    // translated norms, so the moved batch gives the scale of their rounding.
    RC_ASSERT(a.loss == b.loss || (std::isnan(a.loss) && std::isnan(b.loss)));
    assert_agrees_with(b, a, moved,
                       tolerance(backend.name(), precision, Quantity::kLoss, Regime::kOracle),
                       tolerance(backend.name(), precision, Quantity::kGradient, Regime::kOracle),
                       true, {c.input, precision, "itself (translated batch)"});
  }
}

GeneratedCase generate_scaling(const Variants& variants) {
  GeneratorOptions o = invariance_options();
  o.variants = variants;
  o.max_coordinate = 1 << 8;
  return *gen_generic_case(o);
}

void check_scaling(const Backend& backend, const GeneratedCase& c) {
  // Positive homogeneity: with margin scaled alongside, the hinge losses are homogeneous of degree
  // 1 (L2) or 2 (squared-L2) and angular is scale-free; scaling by 2 is exact in floating point,
  // so the loss and gradient scale bit for bit. A margin used where it should not be (in the
  // semi-hard selection, in the soft loss) breaks this.
  if (c.input.spec.soft) return;  // log1p(exp(z)) is not homogeneous
  const Metric metric = c.input.spec.metric;
  const double degree = metric == Metric::kL2 ? 1 : metric == Metric::kSquaredL2 ? 2 : 0;
  CaseInput scaled = c.input;
  for (double& v : scaled.values) v *= 2;
  scaled.spec.margin = std::ldexp(c.input.spec.margin, static_cast<int>(degree));
  for (const auto& precision : precisions(backend)) {
    const Evaluation a = evaluate(backend, c.input, precision);
    const Evaluation b = evaluate(backend, scaled, precision);
    if (std::isnan(a.loss)) {
      RC_ASSERT(std::isnan(b.loss));
      continue;
    }
    if (metric == Metric::kAngular) {
      // Normalization rounds differently at a different norm: equal within the oracle bound.
      assert_agrees(compare_loss(b.loss, a.loss, loss_scale(c.input)),
                    tolerance(backend.name(), precision, Quantity::kLoss, Regime::kOracle), "loss",
                    {c.input, precision, "itself (batch scaled by 2)"});
      continue;
    }
    RC_ASSERT(b.loss == std::ldexp(a.loss, static_cast<int>(degree)));
    for (std::size_t k = 0; k < a.gradient.size(); ++k) {
      RC_ASSERT(b.gradient[k] == std::ldexp(a.gradient[k], static_cast<int>(degree) - 1));
    }
  }
}

void check_non_negative(const Backend& backend, const GeneratedCase& c) {
  if (c.input.spec.soft) return;  // log1p(exp(z)) > 0 anyway, not a hinge
  for (const auto& precision : precisions(backend)) {
    const double loss = evaluate(backend, c.input, precision, false).loss;
    RC_ASSERT(std::isnan(loss) || loss >= 0);
  }
}

void check_determinism(const Backend& backend, const GeneratedCase& c) {
  for (const auto& precision : precisions(backend)) {
    const Evaluation a = evaluate(backend, c.input, precision);
    const Evaluation b = evaluate(backend, c.input, precision);
    if (!backend.capabilities().deterministic) {
      // Declared run-to-run variation (atomic accumulation order on a GPU): only the rounding
      // of a different summation order, the bound between two evaluations of the same graph.
      assert_agrees_with(b, a, c.input,
                         tolerance(backend.name(), precision, Quantity::kLoss, Regime::kGolden),
                         tolerance(backend.name(), precision, Quantity::kGradient, Regime::kGolden),
                         true, {c.input, precision, "a second run"});
      continue;
    }
    RC_ASSERT(std::memcmp(&a.loss, &b.loss, sizeof a.loss) == 0);
    RC_ASSERT(a.gradient.size() == b.gradient.size());
    RC_ASSERT(
        std::memcmp(a.gradient.data(), b.gradient.data(), a.gradient.size() * sizeof(double)) == 0);
  }
}

// ---- zero distances -----------------------------------------------------------------------------

GeneratedCase generate_duplicates(const Variants& variants) {
  GeneratorOptions o = generic_options();
  o.max_batch = 64;
  o.variants = variants;
  GeneratedCase c = *gen_generic_case_unseparated(o);
  CaseInput& in = c.input;
  // Duplicate every row onto its neighbour, labels included and not: zero distances everywhere.
  for (std::int64_t i = 1; i < in.batch; i += 2) {
    std::copy_n(in.values.begin() + (i - 1) * in.dim, in.dim, in.values.begin() + i * in.dim);
  }
  return c;
}

void check_no_nan_at_zero_distance(const Backend& backend, const GeneratedCase& c) {
  for (const auto& precision : precisions(backend)) {
    const Evaluation e = evaluate(backend, c.input, precision);
    if (std::isnan(e.loss)) continue;  // no positive pair: NaN by design, not from the sqrt
    for (double g : e.gradient) RC_ASSERT(std::isfinite(g));
  }
}

using Generate = GeneratedCase (*)(const Variants&);
using Check = void (*)(const Backend&, const GeneratedCase&);

// The loss variants a property draws from that the backend implements, in the candidates' order
// (so a backend that implements everything draws exactly the cases it always drew).
Variants covered(const Variants& candidates, const Coverage& coverage) {
  Variants out;
  for (const auto& v : candidates) {
    if (coverage.covers(v)) out.push_back(v);
  }
  return out;
}

Variants without_angular() {
  Variants out;
  for (const auto& v : all_variants()) {
    if (v.metric != Metric::kAngular) out.push_back(v);
  }
  return out;
}

DifferentialProperty make(std::string name, std::string description, Variants candidates,
                          Generate generate, Check check) {
  DifferentialProperty p;
  p.name = std::move(name);
  p.description = std::move(description);
  p.applies = [candidates](const Coverage& coverage) {
    return !covered(candidates, coverage).empty();
  };
  p.generate = [candidates, generate](const Coverage& coverage) {
    return generate(covered(candidates, coverage));
  };
  p.check = check;
  p.body = [generate = p.generate, check](const Backend& backend) {
    check(backend, generate(backend.capabilities().implements));
  };
  return p;
}

}  // namespace

// The reference is the oracle of two comparisons: its float64 evaluation is the float64 oracle,
// its float32 one the TF-ordered float32 reference.
DifferentialProperty::OwnOracle float64_half_is_the_oracle(const Backend& backend) {
  if (&backend != &reference()) return {};
  return {false, "float64 half skipped: the reference is the float64 oracle"};
}

DifferentialProperty::OwnOracle is_the_float32_reference(const Backend& backend) {
  if (&backend != &reference()) return {};
  return {true, "skipped: the reference is this property's oracle (the float32 reference)"};
}

DifferentialProperty with_own_oracle(
    DifferentialProperty p, std::function<DifferentialProperty::OwnOracle(const Backend&)> own) {
  p.own_oracle = std::move(own);
  return p;
}

const std::vector<DifferentialProperty>& differential_properties() {
  static const std::vector<DifferentialProperty> properties = {
      with_own_oracle(
          make("GenericBatchesMatchTheFloat64Oracle", "generic batches match the float64 oracle",
               all_variants(), generate_generic, check_generic),
          float64_half_is_the_oracle),
      with_own_oracle(make("DegenerateBatchesMatchTheFloat32Reference",
                           "degenerate batches match the TF-ordered float32 reference",
                           without_angular(), generate_degenerate, check_degenerate),
                      is_the_float32_reference),
      make("PermutingTheBatchPermutesTheGradient", "batch permutation invariance", all_variants(),
           generate_invariance, check_permutation),
      make("RelabellingChangesNothing", "label relabelling invariance (bitwise)", all_variants(),
           generate_invariance, check_relabelling),
      make("TranslationLeavesEuclideanLossesUnchanged",
           "translation invariance of L2 / squared-L2 (loss bitwise on the lattice)",
           without_angular(), generate_translation, check_translation),
      make("ScalingByTwoScalesExactly", "scaling by 2 scales loss and gradient exactly",
           all_variants(), generate_scaling, check_scaling),
      make("HingeLossesAreNonNegative", "hinge losses are >= 0 (or NaN without positive pairs)",
           all_variants(), generate_invariance, check_non_negative),
      make(
          "EvaluationIsDeterministic",
          "same input, same bits (within rounding where the backend declares run-to-run variation)",
          all_variants(), generate_invariance, check_determinism),
      make("NoNanAtZeroDistance", "duplicates give finite L2 gradients (the error mask and 1e-16)",
           Variants{{Loss::kHard, false, 1.0, Metric::kL2},
                    {Loss::kSemiHard, false, 1.0, Metric::kL2}},
           generate_duplicates, check_no_nan_at_zero_distance),
  };
  return properties;
}

const DifferentialProperty* find_differential_property(std::string_view name) {
  for (const auto& p : differential_properties()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace tripletcheck::conformance
