// The exit statuses of every tripletcheck program, one convention, as a test runner's: a script
// or CI job tells "the implementation is wrong" (1) from "the call is wrong" (2).
#pragma once

#include <string>
#include <string_view>

namespace tripletcheck {

inline constexpr int kExitPassed = 0;
// Checks ran and found failures. An internal error (a bug, the machine's problem) exits 1 too:
// a run that could not check is not a pass.
inline constexpr int kExitChecksFailed = 1;
// Bad usage or bad input: nothing was checked.
inline constexpr int kExitUsage = 2;

// The --help footer: "Exit status: 0 <passed>, 1 <failed>, 2 <usage>." (no 1 when `failed` is
// empty, for a command without checks).
inline std::string exit_status_footer(std::string_view passed, std::string_view failed,
                                      std::string_view usage = "bad usage") {
  std::string out = "Exit status: " + std::to_string(kExitPassed) + " " + std::string(passed);
  if (!failed.empty()) out += ", " + std::to_string(kExitChecksFailed) + " " + std::string(failed);
  return out + ", " + std::to_string(kExitUsage) + " " + std::string(usage) + ".";
}

}  // namespace tripletcheck
