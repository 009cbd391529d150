// Thrown by a command whose checks ran and found failures: exit status 1, distinct from bad
// input or usage (2), so CI can tell "the implementation is wrong" from "the call is wrong".
#pragma once

#include <stdexcept>
#include <string>

#include "conformance/run/outcome.hpp"

namespace tripletcheck::cli {

class ChecksFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The end of a conform run (conform, golden, merge-reports): ChecksFailed unless it passed.
inline void fail_unless_passed(const conformance::RunOutcome& run, const std::string& report_dir) {
  if (run.passed()) return;
  int failures = 0;
  for (const auto& b : run.backends) failures += b.failing();
  throw ChecksFailed(std::to_string(failures) + " conformance failures (see " + report_dir +
                     "/conform.md)");
}

}  // namespace tripletcheck::cli
