// `tripletcheck compare` and `tripletcheck bench-report` as CI runs them: the built binary on
// synthetic files, checking exit statuses (0 pass, 1 confirmed regression, 2 bad input or
// incomparable runs) and the files written with --out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "synthetic_benchmarks.hpp"
#include "temp_dir.hpp"

namespace {

using ::testing::HasSubstr;
using tripletcheck_test::CliRun;
using tripletcheck_test::run_cli;
using tripletcheck_test::synthetic_context;
using tripletcheck_test::synthetic_results;
using tripletcheck_test::TempDir;

constexpr int kExitRegression = 1;
constexpr int kExitBadInput = 2;
constexpr std::uint64_t kSeed = 11;

const std::vector<std::string> kNames = {
    "eigen/semihard/L2/fwdbwd/B:256/D:128/K:4", "eigen/semihard/L2/fwdbwd/B:512/D:128/K:4",
    "gemm_floor/xxt_mx/fwdbwd/B:256/D:128/K:4", "gemm_floor/xxt_mx/fwdbwd/B:512/D:128/K:4"};
const std::vector<double> kMedians = {1e-3, 4e-3, 2e-4, 8e-4};

class CompareCliTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, double slowdown,
                    const nlohmann::json& context = synthetic_context()) {
    const std::string path = dir_.path(name);
    std::ofstream(path)
        << synthetic_results(kNames, kMedians, slowdown, 10, rng_, {}, context).dump();
    return path;
  }
  CliRun run(const std::vector<std::string>& args) { return run_cli(args, dir_.path("")); }

  TempDir dir_;
  std::mt19937_64 rng_{kSeed};
};

TEST_F(CompareCliTest, SameDistributionPasses) {
  const CliRun r = run({"compare", write("a.json", 1.0), write("b.json", 1.0)});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("no confirmed regression"));
}

TEST_F(CompareCliTest, ThirtyPercentSlowerFailsWithStatusOneAndWritesEveryReport) {
  const std::string out = dir_.path("report");
  const CliRun r = run({"compare", write("a.json", 1.0), write("b.json", 1.3), "--out", out});
  EXPECT_EQ(r.status, kExitRegression) << r.err;
  EXPECT_THAT(r.out, HasSubstr("4 confirmed regressions"));
  EXPECT_THAT(r.err, HasSubstr("4 benchmark(s) slower"));
  for (const char* file :
       {"comparison.md", "comparison.json", "comparison.junit.xml", "comparison.html"}) {
    EXPECT_TRUE(std::filesystem::exists(out + "/" + file)) << file;
  }
  // A looser threshold lets the same slowdown through.
  EXPECT_EQ(run({"compare", dir_.path("a.json"), dir_.path("b.json"), "--threshold", "0.5"}).status,
            0);
}

TEST_F(CompareCliTest, DifferentBuildsAreRefusedUnlessAllowed) {
  nlohmann::json other = synthetic_context();
  other["build_flags"] = "Debug: -g";
  const std::string a = write("a.json", 1.0), b = write("b.json", 1.0, other);
  const CliRun refused = run({"compare", a, b});
  EXPECT_EQ(refused.status, kExitBadInput);
  EXPECT_THAT(refused.err, HasSubstr("contexts differ in build_flags"));
  EXPECT_THAT(refused.out, HasSubstr("not comparable"));
  const CliRun allowed = run({"compare", a, b, "--allow-context-mismatch"});
  EXPECT_EQ(allowed.status, 0) << allowed.err;
  EXPECT_THAT(allowed.out, HasSubstr("compared anyway"));
}

TEST_F(CompareCliTest, BadInputExitsTwoNamingTheFile) {
  const std::string broken = dir_.path("broken.json");
  std::ofstream(broken) << "{ \"benchmarks\": 3 }";
  const CliRun r = run({"compare", broken, write("b.json", 1.0)});
  EXPECT_EQ(r.status, kExitBadInput);
  EXPECT_THAT(r.err, HasSubstr(broken));
  EXPECT_THAT(r.err, HasSubstr("no \"benchmarks\" array"));
  EXPECT_EQ(run({"compare", write("a.json", 1.0), dir_.path("missing.json")}).status,
            kExitBadInput);
  EXPECT_EQ(run({"compare", dir_.path("a.json"), dir_.path("a.json"), "--alpha", "2"}).status,
            kExitBadInput);
}

TEST_F(CompareCliTest, BenchReportWritesMarkdownAndHtml) {
  const std::string out = dir_.path("speed");
  const CliRun r = run({"bench-report", write("a.json", 1.0), "--out", out});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("# Backend speed comparison"));
  EXPECT_THAT(r.out, HasSubstr("speed-up vs torch-tfa"));
  EXPECT_TRUE(std::filesystem::exists(out + "/report.md"));
  EXPECT_TRUE(std::filesystem::exists(out + "/report.html"));
  EXPECT_EQ(run({"bench-report", dir_.path("nothing.json")}).status, kExitBadInput);
}

}  // namespace
