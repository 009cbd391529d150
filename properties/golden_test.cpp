// The reference agrees with the real TFA on every golden fixture (tools/golden/): the loss and
// the gradient, in float64 and float32 for float32 cases, in float16/bfloat16 as TFA computes
// them. Prints the worst differences by category at the end (the figures for the chain of trust).
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <mutex>

#include "properties/support/comparison.hpp"
#include "properties/support/golden_fixtures.hpp"
#include "properties/support/known_divergences.hpp"
#include "properties/support/scales.hpp"
#include "properties/support/separation.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::testing {
namespace {

const GoldenManifest& manifest() {
  static const GoldenManifest m = load_golden_manifest(golden_directory());
  return m;
}

struct Worst {
  int comparisons = 0;
  double loss = 0;      // relative to the loss scale
  double gradient = 0;  // relative to the largest gradient entry
  int expected_divergences = 0;
  int ill_conditioned = 0;
};

// (category, precision) -> worst relative differences, for the summary.
std::mutex summary_mutex;
std::map<std::pair<std::string, std::string>, Worst> summary;

// The precisions the reference is checked in for a fixture computed by TF in `dtype`.
std::vector<std::string> precisions_for(const std::string& dtype) {
  if (dtype == "float32") return {"float32", "float64"};
  return {dtype};
}

// A decision of the loss (a selection or the hinge) closer than the float32 distance noise but
// not an exact tie (exact ties are computed exactly everywhere and stay checked). Such a case is
// ill-conditioned: 1 ulp decides which negative is chosen, for TF as for us (SPEC.md §5.3.6).
bool has_near_tie(const CaseInput& input) {
  Separation near;
  near.near_ties_only = true;
  near.selection_gap = near.hinge_gap = 4 * distance_noise_bound(input);
  return first_unseparated_sample(input, exact_distances(input), near) >= 0;
}

// Checks one quantity. A failure is excused only by a near tie (then non-finite patterns must
// still match) or by an entry of known_divergences.cpp; both are counted in the summary.
void check(const GoldenCase& c, const std::string& precision, Quantity quantity,
           const Agreement& agreement, const Tolerance& tol) {
  if (agreement.within(tol)) return;
  const bool ill_conditioned = agreement.nonfinite_match && has_near_tie(c.input);
  if (ill_conditioned ||
      find_known_divergence("reference", precision, c.category, variant_name(c.input.spec),
                            quantity)) {
    const std::lock_guard<std::mutex> lock(summary_mutex);
    Worst& w = summary[{c.category, precision}];
    ++(ill_conditioned ? w.ill_conditioned : w.expected_divergences);
    return;
  }
  ADD_FAILURE() << c.id << " (" << c.description << "), reference " << precision << ", "
                << to_string(quantity) << ": " << agreement.describe() << "; allowed "
                << tol.abs << " + " << tol.rel << "·scale (" << tol.reason << ")";
}

class GoldenFixture : public ::testing::TestWithParam<std::size_t> {};

TEST_P(GoldenFixture, ReferenceMatchesTfa) {
  GoldenCase c = manifest().cases.at(GetParam());
  load_arrays(golden_directory(), c);
  const Backend& reference = find_backend("reference");
  for (const std::string& precision : precisions_for(c.dtype)) {
    const Evaluation e = evaluate(reference, c.input, precision);
    const Agreement loss = compare_loss(e.loss, c.loss, loss_scale(c.input));
    Tolerance loss_tol = tolerance("reference", precision, Quantity::kLoss, Regime::kGolden);
    if (c.input.spec.loss == Loss::kHard) {
      // The hard loss is continuous and 2-Lipschitz in D (hard_pos − hard_neg, averaged), so
      // even at near ties two evaluations, each within the float32 distance noise bound of the
      // exact distances, differ by at most 4× that bound.
      loss_tol.abs = 4 * distance_noise_bound(c.input);
    }
    check(c, precision, Quantity::kLoss, loss, loss_tol);
    const Agreement grad = compare_gradients(e.gradient, c.gradient);
    check(c, precision, Quantity::kGradient, grad,
          tolerance("reference", precision, Quantity::kGradient, Regime::kGolden));

    const std::lock_guard<std::mutex> lock(summary_mutex);
    Worst& w = summary[{c.category, precision}];
    ++w.comparisons;
    if (loss.nonfinite_match) w.loss = std::max(w.loss, loss.relative_error());
    if (grad.nonfinite_match) w.gradient = std::max(w.gradient, grad.relative_error());
  }
}

std::vector<std::size_t> all_cases() {
  std::vector<std::size_t> indices(manifest().cases.size());
  for (std::size_t k = 0; k < indices.size(); ++k) indices[k] = k;
  return indices;
}

INSTANTIATE_TEST_SUITE_P(Tfa, GoldenFixture, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                           return manifest().cases.at(param.param).id;
                         });

TEST(GoldenManifest, CoversTheCategoriesOfTheSpec) {
  std::map<std::string, int> count;
  for (const auto& c : manifest().cases) ++count[c.category];
  EXPECT_GE(manifest().cases.size(), 150u);
  for (const char* category :
       {"tfa_suite", "doctest", "no_positive_pair", "tiny_batch", "single_class",
        "singleton_classes", "semihard_boundary", "hinge_zero", "duplicates", "near_duplicates",
        "lattice_ties", "large_magnitude", "tiny_magnitude", "soft_overflow", "margins",
        "half_precision", "random", "precomputed", "angular_zero_row"}) {
    EXPECT_GT(count[category], 0) << "no golden case of category " << category;
  }
  EXPECT_EQ(count["tfa_suite"], 27) << "TFA's own tests have 27 parametrizations";
}

// Prints the summary, and fails on a known divergence that nothing needed (a stale entry).
class SummaryPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    if (summary.empty()) return;
    std::printf("\nGolden fixtures (TF %s, TFA %s): worst |reference − TF| relative to scale\n",
                manifest().tensorflow.c_str(), manifest().tensorflow_addons.c_str());
    std::printf(
        "| category | precision | cases | loss | gradient | ill-conditioned | known divergence |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
    for (const auto& [key, w] : summary) {
      std::printf("| %s | %s | %d | %.2e | %.2e | %d | %d |\n", key.first.c_str(),
                  key.second.c_str(), w.comparisons, w.loss, w.gradient, w.ill_conditioned,
                  w.expected_divergences);
    }
    // Only meaningful when every fixture ran (no filter, no sharding).
    if (::testing::GTEST_FLAG(filter) == "*" && std::getenv("GTEST_TOTAL_SHARDS") == nullptr) {
      for (const auto& e : unused_known_divergences()) {
        ADD_FAILURE() << "stale known divergence: reference/" << e.dtype << "/" << e.category << "/" << e.variant
                      << "/" << to_string(e.quantity) << " matched no failing comparison";
      }
    }
  }
};

const auto* const kSummary = ::testing::AddGlobalTestEnvironment(new SummaryPrinter);

}  // namespace
}  // namespace tripletcheck::testing
