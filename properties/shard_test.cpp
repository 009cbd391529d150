// Sharded conform runs (conformance/run/shard.hpp, merge.hpp): `--shard K/N` and GoogleTest's
// variables, four parts merged by `merge-reports` into the report one run gives (everything but
// the times), conform.json read back into the outcome it was written from, and a set of parts
// that is not one run refused.
#include "conformance/run/shard.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "conformance/run/report.hpp"
#include "temp_dir.hpp"
#include "tripletcheck/errors.hpp"

namespace tripletcheck::conformance {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using tripletcheck_test::CliRun;
using tripletcheck_test::run_cli;
using tripletcheck_test::shell_quote;
using tripletcheck_test::slurp;
using tripletcheck_test::TempDir;

constexpr int kExitChecksFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kShards = 4;

const std::string kSource = TRIPLETCHECK_SOURCE_DIR;

TEST(Shard, ParsesKOfNOneBased) {
  const Shard s = parse_shard("--shard", "2/4");
  EXPECT_EQ(s.index, 1);
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(s.text(), "2/4");
  EXPECT_TRUE(s.owns(1));
  EXPECT_TRUE(s.owns(5));
  EXPECT_FALSE(s.owns(4));
  EXPECT_TRUE(Shard{}.whole());
  for (const char* bad : {"0/4", "5/4", "1/0", "4", "a/b", "1/4/2", "-1/4", "", "1/100000"}) {
    EXPECT_THROW(parse_shard("--shard", bad), InvalidArgument) << bad;
  }
}

TEST(Shard, ReadsGoogleTestsVariablesZeroBased) {
  ::setenv("GTEST_SHARD_INDEX", "3", 1);
  ::setenv("GTEST_TOTAL_SHARDS", "4", 1);
  EXPECT_EQ(shard_from_environment().text(), "4/4");
  ::setenv("GTEST_SHARD_INDEX", "4", 1);
  EXPECT_THROW(shard_from_environment(), InvalidArgument) << "index past the count";
  ::unsetenv("GTEST_TOTAL_SHARDS");
  EXPECT_THROW(shard_from_environment(), InvalidArgument) << "one without the other";
  ::unsetenv("GTEST_SHARD_INDEX");
  EXPECT_TRUE(shard_from_environment().whole());
}

// A passing backend and a failing one (failures, a diagnosis, a checklist with failures), over
// every check; few cases: the split and the merge are under test, not the properties.
class ShardedConform : public ::testing::Test {
 protected:
  static std::vector<std::string> options() {
    return {"--backend", "reference", "--backend", "mutant:semihard-greater-equal",
            "--cases",   "10",        "--no-save"};
  }
  CliRun run(std::vector<std::string> args, const std::string& env = "") {
    return run_cli(args, dir_.path(""), "cd " + shell_quote(kSource) + " && " + env);
  }
  CliRun conform(const std::string& report, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"conform"};
    for (const auto& a : options()) args.push_back(a);
    for (const auto& a : extra) args.push_back(a);
    args.insert(args.end(), {"--report-dir", dir_.path(report)});
    return run(args);
  }
  CliRun merge(const std::vector<std::string>& parts, const std::string& report) {
    std::vector<std::string> args = {"merge-reports"};
    for (const auto& p : parts) args.push_back(dir_.path(p));
    args.insert(args.end(), {"--report-dir", dir_.path(report)});
    return run(args);
  }
  json report(const std::string& name) {
    return json::parse(slurp(dir_.path(name) + "/conform.json"));
  }
  // Times differ between one run and its parts by nature (merge.hpp), and so does the count of
  // cases before the first failure, which is counted within a part.
  static json without_times(json j) {
    if (j.is_object()) {
      json out = json::object();
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "seconds" || it.key() == "cases_to_first_failure") continue;
        out[it.key()] = without_times(it.value());
      }
      return out;
    }
    if (j.is_array()) {
      json out = json::array();
      for (const auto& x : j) out.push_back(without_times(x));
      return out;
    }
    return j;
  }
  TempDir dir_;
};

TEST_F(ShardedConform, FourPartsMergedAreTheReportOfOneRun) {
  const CliRun whole = conform("whole");
  ASSERT_EQ(whole.status, kExitChecksFailed) << whole.err << whole.out;
  std::vector<std::string> parts;
  int golden = 0;
  for (int k = 1; k <= kShards; ++k) {
    const std::string name = "part" + std::to_string(k);
    const std::string shard = std::to_string(k) + "/" + std::to_string(kShards);
    const CliRun part = conform(name, {"--shard", shard});
    ASSERT_LE(part.status, kExitChecksFailed) << part.err << part.out;
    const json j = report(name);
    EXPECT_EQ(j.at("settings").at("shard"), shard);
    // Each part runs a share: some fixtures, never all of them.
    const int fixtures = j.at("backends").at(0).at("checks").at(0).at("cases");
    EXPECT_GT(j.at("backends").at(0).at("cases").get<int>(), 0) << shard;
    EXPECT_LT(j.at("backends").at(0).at("cases").get<int>(),
              report("whole").at("backends").at(0).at("cases").get<int>())
        << shard;
    golden += fixtures > 0;
    parts.push_back(name);
  }
  EXPECT_GT(golden, 1) << "the golden fixtures are spread over the parts";

  const CliRun merged = merge(parts, "merged");
  EXPECT_EQ(merged.status, whole.status) << merged.err;
  const json one = without_times(report("whole"));
  const json joined = without_times(report("merged"));
  EXPECT_EQ(joined, one) << "merged:\n" << joined.dump(1).substr(0, 4000);
  EXPECT_FALSE(one.at("backends").at(1).at("suspects").empty()) << "the diagnosis is compared";
  EXPECT_FALSE(one.at("backends").at(1).at("failures").empty()) << "failures are compared";
}

TEST_F(ShardedConform, GoogleTestsVariablesShardARun) {
  // Not through run_cli, which keeps the test's own sharding variables from its conform runs.
  const std::string command = "cd " + shell_quote(kSource) +
                              " && GTEST_SHARD_INDEX=1 GTEST_TOTAL_SHARDS=4 " +
                              shell_quote(TRIPLETCHECK_CLI_PATH) +
                              " conform --backend reference --checks golden --report-dir " +
                              shell_quote(dir_.path("env")) + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const json j = report("env");
  EXPECT_EQ(j.at("settings").at("shard"), "2/4");
  EXPECT_THAT(j.at("settings").at("command").get<std::string>(), HasSubstr("--shard 2/4"));
}

TEST_F(ShardedConform, TheJsonReportReadsBackIntoTheOutcomeItWasWrittenFrom) {
  ASSERT_EQ(conform("whole").status, kExitChecksFailed);
  ASSERT_LE(conform("part", {"--shard", "1/2"}).status, kExitChecksFailed);
  for (const std::string name : {"whole", "part"}) {
    const std::string text = slurp(dir_.path(name) + "/conform.json");
    const RunOutcome outcome = read_json_report(text, name);
    EXPECT_EQ(json_report(outcome), text) << name;
    EXPECT_EQ(markdown_report(outcome), slurp(dir_.path(name) + "/conform.md")) << name;
  }
  EXPECT_THROW(read_json_report("{\"tool\": \"tripletcheck conform\"}", "x"), InvalidArgument);
  EXPECT_THROW(read_json_report("not json", "x"), InvalidArgument);
}

TEST_F(ShardedConform, MergeRefusesPartsThatAreNotOneRun) {
  ASSERT_EQ(conform("whole", {"--checks", "golden"}).status, kExitChecksFailed);
  for (int k = 1; k <= 2; ++k) {
    ASSERT_EQ(conform("p" + std::to_string(k),
                      {"--checks", "golden", "--shard", std::to_string(k) + "/2"})
                  .status,
              kExitChecksFailed);
  }
  ASSERT_EQ(conform("other-seed", {"--checks", "golden", "--shard", "2/2", "--seed", "7"}).status,
            kExitChecksFailed);
  struct Case {
    std::vector<std::string> parts;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"p1"}, "invalid merge-reports = 2/2: missing"},
      {{"p1", "p1", "p2"}, "the same shard given twice"},
      {{"whole", "p1"}, "a whole run, not a shard"},
      {{"p1", "other-seed"}, "differs from shard 1/2 in its seed"},
      {{"p1", "nowhere"}, "cannot read: is this a conform --report-dir?"},
  };
  for (const auto& c : cases) {
    const CliRun r = merge(c.parts, "merged");
    EXPECT_EQ(r.status, kExitUsage) << c.message;
    EXPECT_THAT(r.err, HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace tripletcheck::conformance
