// The "other subgradient at a tie" excuse is bounded (issue 12, point 2): at an exact tie a
// backend that does not claim TF's tie rules may return any valid subgradient
// (conformance/subgradients.hpp), and nothing else. TF's own gradient and the one-hot
// choices ports make are inside the set on every golden fixture with a tie; a zero row's
// gradient ~1e6× TF's, a doubled gradient and a constant are outside.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "conformance/mutants/mutant_backend.hpp"
#include "conformance/golden_check.hpp"
#include "conformance/scales.hpp"
#include "conformance/separation.hpp"
#include "conformance/subgradients.hpp"
#include "conformance/tolerances.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

// A backend as it is, except that it does not claim TF's tie rules (an exec port's default).
class WithoutTieClaim final : public Backend {
 public:
  explicit WithoutTieClaim(std::unique_ptr<Backend> inner) : inner_(std::move(inner)) {}
  std::string name() const override { return inner_->name(); }
  std::string description() const override { return inner_->description(); }
  Capabilities capabilities() const override {
    Capabilities caps = inner_->capabilities();
    caps.tf_exact_ties = false;
    return caps;
  }

 protected:
  Result<float> run(const LossSpec& spec, const BatchView<float>& batch,
                    bool gradient) const override {
    return inner_->evaluate(spec, batch, EvalOptions{gradient});
  }
  Result<float> run(const LossSpec& spec, const DistanceView<float>& view,
                    bool gradient) const override {
    return inner_->evaluate(spec, view, EvalOptions{gradient});
  }

 private:
  std::unique_ptr<Backend> inner_;
};

// The golden judge's bound for a float32 gradient against this case (golden_check.cpp): relative
// to the terms' scale or TF's largest entry, whichever is larger.
double gradient_bound(const GoldenCase& c) {
  const Tolerance& tol =
      tolerance("reference", Precision::kFloat32, Quantity::kGradient, Regime::kGolden);
  return tol.abs +
         tol.rel * compare_gradients(c.gradient, c.gradient, gradient_term_scale(c.input)).scale;
}

GoldenCase loaded(const std::string& id) {
  auto c = golden_case(id);
  if (!c) ADD_FAILURE() << "no golden fixture " << id;
  return c.value_or(GoldenCase{});
}

bool has_zero_row(const CaseInput& input) {
  if (input.precomputed) return false;
  for (std::int64_t i = 0; i < input.batch; ++i) {
    double squared = 0;
    for (std::int64_t k = 0; k < input.dim; ++k) {
      squared += input.values[i * input.dim + k] * input.values[i * input.dim + k];
    }
    if (squared < 1e-12) return true;
  }
  return false;
}

// The fixtures where the excuse applies (an exact tie, a finite loss), except where TF's float32
// gradient is one of its artifacts (flush-to-zero at soft_z87p5, say: the float64 semantics the
// set is built from differ there, and the artifact class, not this excuse, deals with them).
template <class F>
int for_each_tie_fixture(F&& f) {
  int count = 0;
  std::string artifacts;
  for (GoldenCase c : golden_manifest().cases) {
    if (c.precision != Precision::kFloat32) continue;
    load_arrays(golden_directory(), c);
    if (!std::isfinite(c.loss) || !has_exact_tie(c.input)) continue;
    const Evaluation float64 = evaluate(find_backend("reference"), c.input, Precision::kFloat64);
    if (compare_gradients(float64.gradient, c.gradient, 0).max_abs_error > gradient_bound(c)) {
      artifacts += " " + c.id;
      continue;
    }
    ++count;
    f(c);
  }
  std::printf("skipped, TF's float32 artifacts:%s\n", artifacts.c_str());
  EXPECT_LE(artifacts.size(), 40u) << "more fixtures than the soft_z overflow ones skipped";
  return count;
}

TEST(TieSubgradients, TfAndFirstOfTiesAreInsideAtEveryTie) {
  const auto first_of_ties = mutants::make_mutant_backend(mutants::Mutation::kArgmaxTies);
  int apart = 0;  // fixtures where the one-hot choice is not TF's split: membership is the point
  const int fixtures = for_each_tie_fixture([&](const GoldenCase& c) {
    const auto set = tie_subdifferential(c.input);
    ASSERT_TRUE(set.has_value()) << c.id;
    const double bound = gradient_bound(c);
    EXPECT_LE(distance_to_subdifferential(c.gradient, *set, bound), bound)
        << c.id << ": TF's own gradient";
    if (!implements(*first_of_ties, c.input)) return;
    const Evaluation one_hot = evaluate(*first_of_ties, c.input, Precision::kFloat32);
    EXPECT_LE(distance_to_subdifferential(one_hot.gradient, *set, bound), bound)
        << c.id << ": the whole gradient of each tie to its first element";
    const Agreement a =
        compare_gradients(one_hot.gradient, c.gradient, gradient_term_scale(c.input));
    apart += a.max_abs_error > bound;
  });
  std::printf("%d fixtures with a tie; the one-hot choice is not TF's split in %d\n", fixtures,
              apart);
  EXPECT_GE(fixtures, 40) << "fewer tie fixtures than the golden set has";
  EXPECT_GE(apart, 10) << "the one-hot choice should differ from TF's split on many of them";
}

// Except with an angular zero row: its 1e6 gain (docs/SEMANTICS.md §5.2) makes the candidates of
// its terms so far apart that 2× TF's gradient can be a combination of them.
TEST(TieSubgradients, ADoubledOrConstantGradientIsOutside) {
  int checked = 0;
  for_each_tie_fixture([&](const GoldenCase& c) {
    if (has_zero_row(c.input) && c.input.spec.metric == Metric::kAngular) return;
    const auto set = tie_subdifferential(c.input);
    ASSERT_TRUE(set.has_value()) << c.id;
    const double bound = gradient_bound(c);
    std::vector<double> doubled = c.gradient, ones(c.gradient.size(), 1.0);
    double largest = 0;
    for (double& g : doubled) largest = std::max(largest, std::fabs(g)), g *= 2;
    if (bound < 0.5) {
      EXPECT_GT(distance_to_subdifferential(ones, *set, bound), bound) << c.id << ": ones";
    }
    if (largest <= 10 * bound) return;  // TF's gradient ~0: doubling it changes nothing
    ++checked;
    EXPECT_GT(distance_to_subdifferential(doubled, *set, bound), bound) << c.id << ": 2×TF";
  });
  std::printf("2×TF's gradient checked outside on %d fixtures\n", checked);
  EXPECT_GE(checked, 30);
}

// The case: eps on the norm instead of TF's placement gives a zero row's angular
// gradient ~1e6× TF's. With the loss right and an exact tie, that used to pass as "other
// subgradient" for any backend not claiming TF's tie rules.
TEST(TieSubgradients, AZeroRowWithEpsOnTheNormFailsAsSemantics) {
  const WithoutTieClaim port(mutants::make_mutant_backend(mutants::Mutation::kNormalizeEpsOnNorm));
  const GoldenCase c = loaded("angzero_b8_semihard_angular");
  ASSERT_TRUE(has_exact_tie(c.input));
  const GoldenCheck check = check_golden_case(port, c, Precision::kFloat32);
  EXPECT_EQ(check.loss.verdict, Verdict::kPass) << check.describe_failure(c, port.name());
  EXPECT_EQ(check.gradient.verdict, Verdict::kFail);
  EXPECT_EQ(check.failure_class, FailureClass::kSemantics);
  const auto set = tie_subdifferential(c.input);
  ASSERT_TRUE(set.has_value());
  EXPECT_GT(distance_to_subdifferential(check.actual.gradient, *set, 0), 1e3 * gradient_bound(c));
}

// Where several ties combine (12 lattice points on a circle), the one-hot corner is an excused
// other subgradient for a backend that does not claim TF's rules, and a "ties" failure (with
// the loss right) for one that claims them.
TEST(TieSubgradients, OneHotTiesAreAnotherSubgradientOrATiesFailure) {
  const auto claims = mutants::make_mutant_backend(mutants::Mutation::kArgmaxTies);
  const WithoutTieClaim does_not(mutants::make_mutant_backend(mutants::Mutation::kArgmaxTies));
  const GoldenCase c = loaded("boundary_ring_semihard_sql2");
  const GoldenCheck claimed = check_golden_case(*claims, c, Precision::kFloat32);
  ASSERT_TRUE(claimed.failed()) << "the one-hot choice should differ from TF's split here";
  EXPECT_EQ(claimed.loss.verdict, Verdict::kPass);
  EXPECT_EQ(claimed.failure_class, FailureClass::kTies);
  const GoldenCheck excused = check_golden_case(does_not, c, Precision::kFloat32);
  EXPECT_FALSE(excused.failed()) << excused.describe_failure(c, does_not.name());
  EXPECT_EQ(excused.gradient.verdict, Verdict::kOtherSubgradient);
}

}  // namespace
}  // namespace tripletcheck::conformance
