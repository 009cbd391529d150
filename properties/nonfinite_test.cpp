// Non-finite inputs: by default they propagate as in TFA (docs/SEMANTICS.md §3.6: NaN/Inf embeddings give a
// NaN loss), on every backend and through `tripletcheck eval`; EvalOptions::strict and --strict
// reject them instead, naming the first bad row and column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "conformance/generators.hpp"
#include "temp_dir.hpp"
#include "tripletcheck/backend.hpp"
#include "tripletcheck/npy.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck {
namespace {

using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Three classes of two, so every variant has positive pairs and negatives; row 3 is spoiled.
constexpr std::int64_t kBatch = 6, kDim = 3;
constexpr std::int64_t kBadRow = 3, kBadColumn = 1;
const std::vector<std::int64_t> kLabels = {0, 0, 1, 1, 2, 2};

template <class T>
std::vector<T> embeddings_with(double bad) {
  std::vector<T> x(kBatch * kDim);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(0.25 * ((i * 7) % 11) - 1);
  x[kBadRow * kDim + kBadColumn] = static_cast<T>(bad);
  return x;
}

struct Case {
  std::string name;
  const Backend* backend;
  LossSpec spec;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const Backend* backend : available_backends()) {
    for (const LossSpec& spec : conformance::all_variants()) {
      out.push_back({backend->name() + "_" + variant_name(spec) + "_" + to_string(spec.metric),
                     backend, spec});
    }
  }
  return out;
}

class NonFinite : public ::testing::TestWithParam<Case> {};

template <class T>
void check_propagates_or_rejects(const Backend& backend, const LossSpec& spec, double bad) {
  if (!(sizeof(T) == 4 ? backend.capabilities().float32 : backend.capabilities().float64)) return;
  SCOPED_TRACE(std::string(sizeof(T) == 4 ? "float32" : "float64") + ", bad value " +
               std::to_string(bad));
  const std::vector<T> x = embeddings_with<T>(bad);
  const BatchView<T> view{x.data(), kBatch, kDim, kLabels.data()};
  const Result<T> result = backend.evaluate(spec, view);
  EXPECT_TRUE(std::isnan(result.loss)) << "loss " << result.loss;
  bool any_nan = false;
  for (T g : result.grad) any_nan = any_nan || std::isnan(g);
  EXPECT_TRUE(any_nan) << "the gradient should carry the NaN too";

  EvalOptions strict;
  strict.strict = true;
  try {
    backend.evaluate(spec, view, strict);
    ADD_FAILURE() << "strict checking accepted a non-finite embedding";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.argument(), "embeddings");
    EXPECT_THAT(e.what(), HasSubstr("row " + std::to_string(kBadRow) + ", column " +
                                    std::to_string(kBadColumn)));
  }
}

TEST_P(NonFinite, EmbeddingsPropagateByDefaultAndStrictRejectsThem) {
  const Case& c = GetParam();
  for (double bad : {kNaN, kInf, -kInf}) {
    check_propagates_or_rejects<float>(*c.backend, c.spec, bad);
    check_propagates_or_rejects<double>(*c.backend, c.spec, bad);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, NonFinite, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& c) {
                           std::string name = c.param.name;
                           for (char& ch : name)
                             ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return name;
                         });

TEST(NonFiniteCli, EvalPrintsNanByDefault) {
  tripletcheck_test::TempDir dir;
  const std::vector<float> x = embeddings_with<float>(kNaN);
  const std::string x_path = dir.path("x.npy"), y_path = dir.path("y.npy");
  write_npy(x_path, NpyType::kFloat32, {kBatch, kDim}, x.data());
  write_npy(y_path, NpyType::kInt64, {kBatch}, kLabels.data());
  const auto run = tripletcheck_test::run_cli(
      {"eval", "--embeddings", x_path, "--labels", y_path, "--grad-out", dir.path("g.npy")},
      dir.path(""));
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["loss"], "nan");
  bool any_nan = false;
  for (float g : read_npy(dir.path("g.npy")).to_float()) any_nan = any_nan || std::isnan(g);
  EXPECT_TRUE(any_nan);
}

}  // namespace
}  // namespace tripletcheck
