// `tripletcheck eval` and `tripletcheck backends` as a user runs them: the built binary on .npy
// files, checking the JSON on stdout, the gradient files, and one-line errors with exit status 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "temp_dir.hpp"
#include "tripletcheck/half.hpp"
#include "tripletcheck/npy.hpp"

namespace tripletcheck {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using tripletcheck_test::TempDir;

// Usage and input errors: the status scripts test for (DESIGN.md, "The command line").
constexpr int kExitUsage = 2;
// SPEC.md §7.2 doctests, labels [0, 0] and X = [[0, 1], [1, 0]]: no negatives, so semihard falls
// back to the row minimum (1 + √2) and hard to the margin.
constexpr double kDoctestSemihardL2 = 2.4142135623730949;
constexpr double kDoctestHardL2 = 1.0;
// The doctests' float32 value is printed to 8 digits; float32 rounding is ~2e-7 here.
constexpr double kDoctestTolerance = 1e-6;

struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class EvalCliTest : public ::testing::Test {
 protected:
  CliRun run(const std::vector<std::string>& args) {
    std::string command = shell_quote(TRIPLETCHECK_CLI_PATH);
    for (const std::string& a : args) command += " " + shell_quote(a);
    const std::string out = dir_.path("stdout.txt"), err = dir_.path("stderr.txt");
    command += " >" + shell_quote(out) + " 2>" + shell_quote(err);
    const int raw = std::system(command.c_str());
    CliRun result;
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    result.out = slurp(out);
    result.err = slurp(err);
    return result;
  }

  // Runs `eval` with `args` and returns the parsed JSON, failing the test on a non-zero exit.
  json eval_ok(std::vector<std::string> args) {
    args.insert(args.begin(), "eval");
    const CliRun r = run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one JSON object: " << r.out;
    return r.status == 0 ? json::parse(r.out) : json::object();
  }

  // Runs `eval` with `args`, expecting exit 2, nothing on stdout, and one error line on stderr.
  std::string eval_error(std::vector<std::string> args) {
    args.insert(args.begin(), "eval");
    const CliRun r = run(args);
    EXPECT_EQ(r.status, kExitUsage) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, StartsWith("tripletcheck: error: "));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    return r.err;
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

  // Replaces `from` by `to` (same length) in a file: makes a malformed file from a good one.
  static void patch(const std::string& path, const std::string& from, const std::string& to) {
    std::string bytes = slurp(path);
    const auto at = bytes.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    ASSERT_EQ(from.size(), to.size());
    bytes.replace(at, from.size(), to);
    std::ofstream(path, std::ios::binary) << bytes;
  }

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
  // SPEC.md §3.6: a semihard batch without a positive pair has loss NaN; JSON cannot hold NaN.
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

  // float16: computed in float32 and rounded back (SPEC.md §3.1), so on inputs exact in float16
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

TEST_F(EvalCliTest, RejectsMalformedNpyFiles) {
  const std::string y = doctest_y();
  const std::string text = dir_.path("text.npy");
  std::ofstream(text) << "this is not numpy\n";
  EXPECT_THAT(eval_error({"--embeddings", text, "--labels", y}),
              AllOf(HasSubstr("bad magic"), HasSubstr(text)));

  const std::string truncated = doctest_x();
  std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) - 3);
  EXPECT_THAT(eval_error({"--embeddings", truncated, "--labels", y}), HasSubstr("truncated"));

  const std::string complex = write<float>("c.npy", NpyType::kFloat32, {2, 1}, {0, 1, 1, 0});
  patch(complex, "<f4", "<c8");
  EXPECT_THAT(eval_error({"--embeddings", complex, "--labels", y}),
              AllOf(HasSubstr("unsupported dtype"), HasSubstr("complex")));

  const std::string fortran = doctest_x();
  patch(fortran, "False", "True ");
  EXPECT_THAT(eval_error({"--embeddings", fortran, "--labels", y}), HasSubstr("Fortran"));
}

TEST_F(EvalCliTest, RejectsWrongShapesAndDtypes) {
  const std::string x = doctest_x(), y = doctest_y();
  const std::string rank3 = write<float>("r3.npy", NpyType::kFloat32, {2, 1, 2}, {0, 1, 1, 0});
  EXPECT_THAT(eval_error({"--embeddings", rank3, "--labels", y}),
              AllOf(HasSubstr("rank 2"), HasSubstr("[2, 1, 2]")));

  const std::string y3 = write<std::int64_t>("y3.npy", NpyType::kInt64, {3}, {0, 0, 1});
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", y3}),
              AllOf(HasSubstr("3 labels"), HasSubstr("batch of 2")));

  const std::string yf = write<float>("yf.npy", NpyType::kFloat32, {2}, {0, 0});
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", yf}),
              AllOf(HasSubstr("labels must be an integer array"), HasSubstr("<f4")));

  const std::string yb = write<std::uint8_t>("yb.npy", NpyType::kBool, {2}, {0, 0});
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", yb}), HasSubstr("|b1"));

  const std::string y12 = write<std::int64_t>("y12.npy", NpyType::kInt64, {1, 2}, {0, 0});
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", y12}), HasSubstr("[B] or [B, 1]"));

  const std::string xi = write<std::int32_t>("xi.npy", NpyType::kInt32, {2, 2}, {0, 1, 1, 0});
  EXPECT_THAT(eval_error({"--embeddings", xi, "--labels", y}), HasSubstr("<i4"));

  const std::string d23 = write<float>("d23.npy", NpyType::kFloat32, {2, 3}, {0, 1, 1, 0, 1, 1});
  EXPECT_THAT(eval_error({"--distances", d23, "--labels", y}), HasSubstr("[B, B]"));
}

TEST_F(EvalCliTest, RejectsBadArguments) {
  const std::string x = doctest_x(), y = doctest_y();
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", y, "--backend", "nope"}),
              AllOf(HasSubstr("backend"), HasSubstr("nope"), HasSubstr("reference")));
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", y, "--metric", "l2"}),
              AllOf(HasSubstr("metric"), HasSubstr("l2")));
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", y, "--loss", "soft"}), HasSubstr("loss"));
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", y, "--margin", "nan"}),
              AllOf(HasSubstr("margin"), HasSubstr("nan")));
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", y, "--margin", "one"}),
              HasSubstr("margin"));
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", y, "--soft"}), HasSubstr("soft"));
  EXPECT_THAT(eval_error({"--embeddings", x, "--distances", x, "--labels", y}),
              HasSubstr("--distances"));
  EXPECT_THAT(eval_error({"--embeddings", x}), HasSubstr("--labels"));
  EXPECT_THAT(eval_error({"--labels", y}), HasSubstr("--embeddings"));
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", y, "--bogus"}), HasSubstr("--bogus"));

  const std::string missing = dir_.path("missing.npy");
  EXPECT_THAT(eval_error({"--embeddings", missing, "--labels", y}),
              AllOf(HasSubstr(missing), HasSubstr("No such file")));
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", missing}), HasSubstr(missing));
}

TEST_F(EvalCliTest, StrictRejectsNonFiniteEmbeddings) {
  const std::string x = write<float>("xnan.npy", NpyType::kFloat32, {2, 2},
                                     {0, std::numeric_limits<float>::quiet_NaN(), 1, 0});
  EXPECT_THAT(eval_error({"--embeddings", x, "--labels", doctest_y(), "--strict"}),
              HasSubstr("non-finite"));
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
