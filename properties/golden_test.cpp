// Every available backend agrees with the real TFA on every golden fixture (tools/golden/): the
// loss and the gradient, in float32 and float64 for float32 cases, in float16/bfloat16 as TFA
// computes them. Prints the worst differences by backend and category (the chain of trust).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

#include "conformance/golden_check.hpp"
#include "conformance/known_divergences.hpp"
#include "conformance/test_names.hpp"
#include "reference/reference_backend.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

std::mutex summary_mutex;
std::map<std::string, GoldenSummary> summaries;   // by backend
std::map<std::string, std::size_t> fixtures_run;  // by backend: skipped ones count, they ran

struct Param {
  const Backend* backend;
  std::size_t index;
};

class GoldenFixture : public ::testing::TestWithParam<Param> {};

TEST_P(GoldenFixture, MatchesTfa) {
  const Backend& backend = *GetParam().backend;
  GoldenCase c = golden_manifest().cases.at(GetParam().index);
  {
    const std::lock_guard<std::mutex> lock(summary_mutex);
    ++fixtures_run[backend.name()];
  }
  if (!supports(backend, c)) GTEST_SKIP() << backend.name() << " does not implement this variant";
  load_arrays(golden_directory(), c);
  for (const Precision precision : golden_precisions(backend, c)) {
    const GoldenCheck check = check_golden_case(backend, c, precision);
    EXPECT_FALSE(check.failed()) << check.describe_failure(c, backend.name());
    const std::lock_guard<std::mutex> lock(summary_mutex);
    summaries[backend.name()].add(c, check);
  }
}

std::vector<Param> all_params() {
  std::vector<Param> params;
  for (const Backend* b : available_backends()) {
    for (std::size_t k = 0; k < golden_manifest().cases.size(); ++k) params.push_back({b, k});
  }
  return params;
}

INSTANTIATE_TEST_SUITE_P(Tfa, GoldenFixture, ::testing::ValuesIn(all_params()),
                         [](const ::testing::TestParamInfo<Param>& param) {
                           // backend__fixture: "__" keeps torch__tfa_suite_… apart from
                           // torch_tfa__… (properties/CMakeLists.txt filters on it).
                           std::string fixture = golden_manifest().cases.at(param.param.index).id;
                           for (char& ch : fixture) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return test_name(*param.param.backend) + "__" + fixture;
                         });

TEST(GoldenManifest, CoversTheCategoriesOfTheSpec) {
  std::map<std::string, int> count;
  for (const auto& c : golden_manifest().cases) ++count[c.category];
  EXPECT_GE(golden_manifest().cases.size(), 150u);
  for (const char* category :
       {"tfa_suite",      "doctest",           "no_positive_pair",  "tiny_batch",
        "single_class",   "singleton_classes", "semihard_boundary", "hinge_zero",
        "duplicates",     "near_duplicates",   "lattice_ties",      "large_magnitude",
        "tiny_magnitude", "soft_overflow",     "margins",           "half_precision",
        "random",         "precomputed",       "angular_zero_row",  "large_labels"}) {
    EXPECT_GT(count[category], 0) << "no golden case of category " << category;
  }
  EXPECT_EQ(count["tfa_suite"], 27) << "TFA's own tests have 27 parametrizations";
}

// A port that keeps float32 subnormals (PyTorch's default) differs from TF only where TF's CPU
// kernels flush them (tiny inputs, 1/(1 + exp(z)) past z ≈ 87.3, the angular rsqrt gradient at
// ~1e19): those failures are classed as TF float32 artifacts naming the trait that
// explains them, with its fix; nothing else fails.
TEST(GoldenFailureClass, KeptSubnormalsAreAnArtifactOfTheirTrait) {
  const auto port = make_reference_backend_keeping_subnormals();
  int failed = 0;
  for (GoldenCase c : golden_manifest().cases) {
    if (c.precision != Precision::kFloat32 || !supports(*port, c)) continue;
    load_arrays(golden_directory(), c);
    const GoldenCheck check = check_golden_case(*port, c, Precision::kFloat32);
    if (!check.failed()) continue;
    ++failed;
    EXPECT_EQ(check.failure_class, FailureClass::kArtifact) << check.describe_failure(c, "port");
    EXPECT_EQ(check.artifact_trait, "no_flush_to_zero") << c.id;
    EXPECT_TRUE(c.category == "tiny_magnitude" || c.category == "soft_overflow" ||
                c.category == "large_magnitude")
        << c.id;
  }
  EXPECT_GT(failed, 0) << "no fixture where TF's flushing shows: the class is untested";
  EXPECT_NE(trait_fix("no_flush_to_zero").find("torch.set_flush_denormal(True)"),
            std::string::npos);
}

// Prints the summaries, and fails on a known divergence that nothing needed (a stale entry).
class SummaryPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    for (const auto& [backend, summary] : summaries) {
      std::printf(
          "\nGolden fixtures (TF %s, TFA %s), backend %s: worst |%s − TF| relative to "
          "the scale (comparison.hpp)\n%s",
          golden_manifest().tensorflow.c_str(), golden_manifest().tensorflow_addons.c_str(),
          backend.c_str(), backend.c_str(), summary.markdown().c_str());
    }
    // Only meaningful for a backend whose every fixture ran in this process (ctest's one-process
    // runs: golden.complete, golden.torch_tfa, golden.torch); not under a filter or a shard
    // that left some out. Entries that depend on the machine "may appear" and are not judged.
    for (const auto& e : unused_known_divergences()) {
      const auto ran = fixtures_run.find(e.subject);
      if (ran == fixtures_run.end() || ran->second < golden_manifest().cases.size()) continue;
      ADD_FAILURE() << "stale known divergence: " << e.subject << "/" << to_string(e.precision)
                    << "/" << e.category << "/" << e.variant << "/" << to_string(e.quantity)
                    << " matched no failing comparison";
    }
  }
};

const auto* const kSummary = ::testing::AddGlobalTestEnvironment(new SummaryPrinter);

}  // namespace
}  // namespace tripletcheck::conformance
