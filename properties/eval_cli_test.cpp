// `tripletcheck eval` and `tripletcheck backends` as a user runs them: the built binary on .npy
// files, checking the JSON on stdout and the gradient files. Bad input: error_table.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "temp_dir.hpp"
#include "tripletcheck/half.hpp"
#include "tripletcheck/npy.hpp"

namespace tripletcheck {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using tripletcheck_test::CliRun;
using tripletcheck_test::run_cli;
using tripletcheck_test::TempDir;

// Usage and input errors: the status scripts test for (README, "Exit status").
constexpr int kExitUsage = 2;
// docs/SEMANTICS.md §7.2 doctests, labels [0, 0] and X = [[0, 1], [1, 0]]: no negatives, so semihard falls
// back to the row minimum (1 + √2) and hard to the margin.
constexpr double kDoctestSemihardL2 = 2.4142135623730949;
constexpr double kDoctestHardL2 = 1.0;
// The doctests' float32 value is printed to 8 digits; float32 rounding is ~2e-7 here.
constexpr double kDoctestTolerance = 1e-6;

class EvalCliTest : public ::testing::Test {
 protected:
  CliRun run(const std::vector<std::string>& args) { return run_cli(args, dir_.path("")); }

  // Runs `eval` with `args` and returns the parsed JSON, failing the test on a non-zero exit.
  json eval_ok(std::vector<std::string> args) {
    args.insert(args.begin(), "eval");
    const CliRun r = run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one JSON object: " << r.out;
    return r.status == 0 ? json::parse(r.out) : json::object();
  }

  template <class T>
  std::string write(const std::string& name, NpyType type, const std::vector<std::int64_t>& shape,
                    const std::vector<T>& values) {
    const std::string path = dir_.path(name);
    write_npy(path, type, shape, values.data());
    return path;
  }

  // The doctest inputs: X = [[0, 1], [1, 0]] in float32, labels [0, 0] as int64.
  std::string doctest_x() { return write<float>("x.npy", NpyType::kFloat32, {2, 2}, {0, 1, 1, 0}); }
  std::string doctest_y() { return write<std::int64_t>("y.npy", NpyType::kInt64, {2}, {0, 0}); }

  TempDir dir_;
};

TEST_F(EvalCliTest, SemihardDoctestGivesOnePlusSqrt2WithAllFields) {
  const std::string x = doctest_x(), y = doctest_y();
  const json j = eval_ok({"--embeddings", x, "--labels", y});
  EXPECT_NEAR(j["loss"].get<double>(), kDoctestSemihardL2, kDoctestTolerance);
  EXPECT_EQ(j["backend"], "reference");
  EXPECT_EQ(j["loss_kind"], "semihard");
  EXPECT_EQ(j["metric"], "L2");
  EXPECT_EQ(j["margin"], 1.0);
  EXPECT_EQ(j["soft"], false);
  EXPECT_EQ(j["batch"], 2);
  EXPECT_EQ(j["dim"], 2);
  EXPECT_EQ(j["dtype"], "float32");
  EXPECT_FALSE(j.contains("grad_out"));
}

TEST_F(EvalCliTest, HardDoctestGivesTheMargin) {
  const std::string x = doctest_x(), y = doctest_y();
  const json j = eval_ok({"--embeddings", x, "--labels", y, "--loss", "hard"});
  EXPECT_NEAR(j["loss"].get<double>(), kDoctestHardL2, kDoctestTolerance);
  EXPECT_EQ(j["loss_kind"], "hard");
}

TEST_F(EvalCliTest, PassesOptionsThrough) {
  const std::string x = doctest_x(), y = doctest_y();
  const json j = eval_ok({"--embeddings", x, "--labels", y, "--loss", "hard", "--soft", "--margin",
                          "0.25", "--metric", "squared-L2", "--backend", "reference", "--strict"});
  EXPECT_EQ(j["loss_kind"], "hard");
  EXPECT_EQ(j["soft"], true);
  EXPECT_EQ(j["margin"], 0.25);
  EXPECT_EQ(j["metric"], "squared-L2");
  EXPECT_EQ(j["strict"], true);
  EXPECT_TRUE(j["loss"].is_number());
}

TEST_F(EvalCliTest, Float64InputIsEvaluatedInDouble) {
  const std::string x = write<double>("x64.npy", NpyType::kFloat64, {2, 2}, {0, 1, 1, 0});
  const json j = eval_ok({"--embeddings", x, "--labels", doctest_y()});
  EXPECT_EQ(j["dtype"], "float64");
  EXPECT_NEAR(j["loss"].get<double>(), kDoctestSemihardL2, 1e-12);
}

TEST_F(EvalCliTest, NoPositivePairPrintsNanAsAString) {
  // docs/SEMANTICS.md §3.6: a semihard batch without a positive pair has loss NaN; JSON cannot hold NaN.
  const std::string y = write<std::int64_t>("y01.npy", NpyType::kInt64, {2}, {0, 1});
  const json j = eval_ok({"--embeddings", doctest_x(), "--labels", y});
  EXPECT_EQ(j["loss"], "nan");
}

TEST_F(EvalCliTest, PrecomputedDistancesFollowTheCallableDoctests) {
  // The doctests' callable X·Xᵀ on X = [[0, 1], [1, 0]] is the identity matrix.
  const std::string d = write<float>("d.npy", NpyType::kFloat32, {2, 2}, {1, 0, 0, 1});
  const std::string y = doctest_y(), g = dir_.path("gd.npy");
  json j = eval_ok({"--distances", d, "--labels", y, "--grad-out", g});
  EXPECT_NEAR(j["loss"].get<double>(), 1.0, kDoctestTolerance);
  EXPECT_EQ(j["metric"], "precomputed");
  EXPECT_TRUE(j["dim"].is_null());
  const NpyArray grad = read_npy(g);
  EXPECT_EQ(grad.type, NpyType::kFloat32);
  EXPECT_EQ(grad.shape, (std::vector<std::int64_t>{2, 2}));
  j = eval_ok({"--distances", d, "--labels", y, "--loss", "hard"});
  EXPECT_NEAR(j["loss"].get<double>(), 0.0, kDoctestTolerance);
}

TEST_F(EvalCliTest, GradientIsWrittenInTheEmbeddingsDtypeAndShape) {
  const std::vector<float> x = {0.5f, 1, 1, 0, 0.25f, -1};
  const auto y3 = write<std::int64_t>("y3.npy", NpyType::kInt64, {3}, {0, 0, 1});
  const std::vector<std::int64_t> shape = {3, 2};

  const std::string g32 = dir_.path("g32.npy");
  const json j32 = eval_ok({"--embeddings", write("x32.npy", NpyType::kFloat32, shape, x),
                            "--labels", y3, "--grad-out", g32});
  EXPECT_EQ(j32["grad_out"], g32);
  const NpyArray grad32 = read_npy(g32);
  EXPECT_EQ(grad32.type, NpyType::kFloat32);
  EXPECT_EQ(grad32.shape, shape);

  const std::string g64 = dir_.path("g64.npy");
  const std::vector<double> x64(x.begin(), x.end());
  eval_ok({"--embeddings", write("x64.npy", NpyType::kFloat64, shape, x64), "--labels", y3,
           "--grad-out", g64});
  const NpyArray grad64 = read_npy(g64);
  EXPECT_EQ(grad64.type, NpyType::kFloat64);
  EXPECT_EQ(grad64.shape, shape);

  // float16: computed in float32 and rounded back (docs/SEMANTICS.md §3.1), so on inputs exact in float16
  // the loss and gradient are the float32 ones rounded to float16.
  std::vector<std::uint16_t> x16;
  for (float v : x) x16.push_back(float_to_half_bits(v, HalfType::kFloat16));
  const std::string g16 = dir_.path("g16.npy");
  const json j16 = eval_ok({"--embeddings", write("x16.npy", NpyType::kFloat16, shape, x16),
                            "--labels", y3, "--grad-out", g16});
  EXPECT_EQ(j16["dtype"], "float16");
  EXPECT_EQ(j16["loss"].get<double>(),
            round_to_half(static_cast<float>(j32["loss"].get<double>()), HalfType::kFloat16));
  const NpyArray grad16 = read_npy(g16);
  EXPECT_EQ(grad16.type, NpyType::kFloat16);
  EXPECT_EQ(grad16.shape, shape);
  const std::vector<float> values16 = grad16.to_float(), values32 = grad32.to_float();
  for (std::size_t i = 0; i < values32.size(); ++i) {
    EXPECT_EQ(values16[i], round_to_half(values32[i], HalfType::kFloat16)) << i;
  }
}

TEST_F(EvalCliTest, AcceptsEveryIntegerLabelDtypeAndAColumn) {
  const std::string x = doctest_x();
  const struct {
    NpyType type;
    std::vector<std::int64_t> shape;
  } cases[] = {{NpyType::kInt8, {2}},     {NpyType::kInt16, {2}},    {NpyType::kInt32, {2, 1}},
               {NpyType::kInt64, {2, 1}}, {NpyType::kUInt8, {2}},    {NpyType::kUInt16, {2}},
               {NpyType::kUInt32, {2}},   {NpyType::kUInt64, {2, 1}}};
  for (const auto& c : cases) {
    SCOPED_TRACE(to_string(c.type));
    const std::vector<unsigned char> zeros(2 * item_size(c.type), 0);
    const json j =
        eval_ok({"--embeddings", x, "--labels", write("labels.npy", c.type, c.shape, zeros)});
    EXPECT_NEAR(j["loss"].get<double>(), kDoctestSemihardL2, kDoctestTolerance);
  }
}

TEST_F(EvalCliTest, HelpDescribesTheCommands) {
  CliRun r = run({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.out, AllOf(HasSubstr("eval"), HasSubstr("backends")));
  r = run({"eval", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.out,
              AllOf(HasSubstr("--embeddings"), HasSubstr("--distances"), HasSubstr("--labels"),
                    HasSubstr("--grad-out"), HasSubstr("semihard"), HasSubstr("squared-L2")));
  r = run({});
  EXPECT_EQ(r.status, kExitUsage);
  EXPECT_THAT(r.err, StartsWith("tripletcheck: error: "));
}

TEST_F(EvalCliTest, BackendsListsTheReference) {
  CliRun r = run({"backends"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("NAME"), HasSubstr("reference")));
  r = run({"backends", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const json list = json::parse(r.out);
  ASSERT_TRUE(list.is_array());
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list[0]["name"], "reference");
  EXPECT_EQ(list[0]["available"], true);
  EXPECT_TRUE(list[0]["float64"].is_boolean());
}

}  // namespace
}  // namespace tripletcheck
