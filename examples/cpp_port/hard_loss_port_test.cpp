// The port's conformance test, as it would sit in the port's own GoogleTest suite.
#include "hard_loss_port.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <tripletcheck/gtest.hpp>

namespace {

// A unit test's budget: every golden fixture and corpus case, and 50 generated cases per
// property (the command's default is 2000). TRIPLETCHECK_CONFORM="--cases 2000" runs more.
tripletcheck::ConformanceRequest quick() {
  tripletcheck::ConformanceRequest request;
  request.cases = 50;
  return request;
}

TEST(HardLossPort, MatchesTFA) {
  const example::HardLossPort port;
  const ::testing::AssertionResult verdict = tripletcheck::testing::Conforms(port, quick());
  EXPECT_TRUE(verdict);
  std::cout << verdict.message() << "\n";  // the one-line summary: what was checked
}

// What a failing port sees: the verdict, the first failing golden fixture, the porting mistake
// that reproduces it, and the command that reruns just that fixture.
TEST(HardLossPort, AMarginInTheSoftLossIsCaughtAndNamed) {
  const example::HardLossPort port(example::Mistake::kSoftWithMargin);
  const ::testing::AssertionResult verdict = tripletcheck::testing::Conforms(port, quick());
  EXPECT_FALSE(verdict);
  EXPECT_THAT(verdict.message(), ::testing::HasSubstr("FAIL: example-hard-port-soft-margin"));
  EXPECT_THAT(verdict.message(), ::testing::HasSubstr("mutant:soft-with-margin"));
  EXPECT_THAT(verdict.message(),
              ::testing::HasSubstr("TRIPLETCHECK_CONFORM='--checks golden --golden-case "));
  EXPECT_THAT(verdict.message(), ::testing::HasSubstr("--gtest_filter='HardLossPort."));
}

}  // namespace
