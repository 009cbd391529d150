// The conformance checks as a GoogleTest assertion, for a port's own test suite:
//
//   #include <tripletcheck/gtest.hpp>
//   TEST(MyPort, MatchesTFA) {
//     MyPortBackend port;
//     EXPECT_TRUE(tripletcheck::testing::Conforms(port));
//   }
//
// Linked with tripletcheck::conformance (find_package(tripletcheck CONFIG)). A failure prints the
// Markdown report: which golden fixtures, corpus cases and properties failed, by how much, the
// porting mistakes that reproduce it, and the commands that rerun just that check
// (TRIPLETCHECK_CONFORM=... ./your_tests --gtest_filter=...). Header-only, so this library does
// not depend on GoogleTest.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tripletcheck/conformance.hpp"
#include "tripletcheck/errors.hpp"

namespace tripletcheck::testing {

inline ::testing::AssertionResult Conforms(const Backend& backend,
                                           ConformanceRequest request = {}) {
#ifdef TRIPLETCHECK_PACKAGE_DATA_DIR
  // Defined by the CMake package (tripletcheckConfig.cmake) from where it is installed, so a
  // moved prefix still finds its fixtures. Only the caller's code sees it: this function is
  // never compiled into the library.
  // TRIPLETCHECK_DATA_DIR still wins.
  if (request.data_dir.empty() && std::getenv(kDataDirEnvironment) == nullptr) {
    request.data_dir = TRIPLETCHECK_PACKAGE_DATA_DIR;
  }
#endif
  if (request.rerun.empty()) {
    if (const auto* test = ::testing::UnitTest::GetInstance()->current_test_info()) {
      request.rerun =
          std::string("--gtest_filter='") + test->test_suite_name() + "." + test->name() + "'";
    }
  }
  try {
    const ConformanceVerdict verdict = check_conformance(backend, request);
    if (verdict.passed) return ::testing::AssertionSuccess() << verdict.summary;
    return ::testing::AssertionFailure() << verdict.summary << "\n\n" << verdict.report;
  } catch (const Error& e) {
    return ::testing::AssertionFailure() << "tripletcheck: " << e.what();
  }
}

}  // namespace tripletcheck::testing
