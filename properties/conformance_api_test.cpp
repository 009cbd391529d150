// The in-process entry point (include/tripletcheck/conformance.hpp, gtest.hpp): a backend object
// checked as `conform` checks a named one; TRIPLETCHECK_CONFORM narrows the run, and a failure's
// replay command, run as it is printed, reruns exactly the failing fixture; a bad request is an
// error, never a pass. examples/cpp_port does the same through the installed package.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <string>

#include "conformance/run/backend_resolver.hpp"
#include "temp_dir.hpp"
#include "tripletcheck/conformance.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/gtest.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Sets TRIPLETCHECK_CONFORM for one scope.
class ConformEnvironment {
 public:
  explicit ConformEnvironment(const std::string& value) {
    ::setenv(kConformEnvironment, value.c_str(), 1);
  }
  ~ConformEnvironment() { ::unsetenv(kConformEnvironment); }
  ConformEnvironment(const ConformEnvironment&) = delete;
  ConformEnvironment& operator=(const ConformEnvironment&) = delete;
};

ConformanceRequest golden_only() {
  ConformanceRequest r;
  r.checks = {"golden"};
  return r;
}

TEST(ConformanceApi, TheReferencePassesEveryGoldenFixtureAndTheEnvironmentNarrowsTheRun) {
  const Backend& reference = find_backend("reference");
  const ConformanceVerdict all = check_conformance(reference, golden_only());
  EXPECT_TRUE(all.passed) << all.report;
  EXPECT_THAT(all.summary, HasSubstr("PASS: reference"));

  const ConformEnvironment narrow("--golden-case tfa_suite_semihard_l2");
  const ConformanceVerdict one = check_conformance(reference, golden_only());
  EXPECT_TRUE(one.passed) << one.report;
  EXPECT_THAT(one.report, HasSubstr("tfa_suite_semihard_l2"));
  EXPECT_THAT(one.report, Not(HasSubstr("tfa_suite_hard_l2")));
  EXPECT_THAT(one.report, HasSubstr(std::string(kConformEnvironment) + "="));
}

TEST(ConformanceApi, AFailuresReplayCommandRerunsExactlyTheFailingFixture) {
  conformance::BackendSet set;
  const Backend& mutant = set.add("mutant:semihard-greater-equal");
  ConformanceRequest request = golden_only();
  request.rerun = "--gtest_filter='ConformanceApi.Replay'";
  const ConformanceVerdict verdict = check_conformance(mutant, request);
  ASSERT_FALSE(verdict.passed);
  EXPECT_THAT(verdict.summary, HasSubstr("FAIL: mutant:semihard-greater-equal"));

  // The first replay line: TRIPLETCHECK_CONFORM='<arguments>' <this program> <rerun>.
  const std::regex replay(std::string(kConformEnvironment) +
                          "='(--checks golden --golden-case ([a-z0-9_]+))' [^ ]+ "
                          "--gtest_filter='ConformanceApi.Replay'");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(verdict.report, m, replay)) << verdict.report;
  const std::string fixture = m[2];

  const ConformEnvironment rerun(m[1]);
  const ConformanceVerdict again = check_conformance(mutant, ConformanceRequest{});
  EXPECT_FALSE(again.passed);
  EXPECT_THAT(again.report, HasSubstr(fixture));
}

TEST(ConformanceApi, ABadRequestIsAnErrorNeverAPass) {
  const Backend& reference = find_backend("reference");
  for (const char* bad :
       {"--cases 0", "--cases x", "--seed 1x", "--seed -1", "--bogus 1", "--checks",
        "--checks golden,nothing", "--golden-case 'unterminated", "--golden-case no_such_fixture",
        "--property NoSuchProperty", "--replay /no/such/case.json"}) {
    const ConformEnvironment environment(bad);
    EXPECT_THROW(check_conformance(reference, golden_only()), InvalidArgument) << bad;
  }
  tripletcheck_test::TempDir empty;
  ConformanceRequest no_fixtures = golden_only();
  no_fixtures.data_dir = empty.path("data");
  try {
    check_conformance(reference, no_fixtures);
    ADD_FAILURE() << "a data folder without fixtures was accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_THAT(e.what(), HasSubstr(kDataDirEnvironment));
  }
  // The assertion form turns the error into a failure that says why.
  const ::testing::AssertionResult result = testing::Conforms(reference, no_fixtures);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr("holds no golden fixtures"));
}

}  // namespace
}  // namespace tripletcheck
