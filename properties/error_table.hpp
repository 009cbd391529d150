// The table of bad inputs: each row is one mistake a user can make, tried through the C++ API
// and through the `tripletcheck` command line, with the typed error, the words of the message
// and the exit status it must give. Rows: error_table.cpp; runner: error_table_test.cpp.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tripletcheck::conformance {

// Usage and input errors exit 2 (tools/main.cpp).
constexpr int kExitUsage = 2;

enum class ErrorType {
  kInvalidArgument,
  kNpyError,
  kResourceLimit,
  kUnsupported,
  kUnavailable,
  kUsage,  // a command-line usage error of CLI11: no API call has it
};

// Where the row's files were written: the file name → its path, and "dir" → the directory.
using Paths = std::map<std::string, std::string>;

struct BadInput {
  std::string name;                          // a gtest name: letters and digits
  std::map<std::string, std::string> files;  // name → bytes, written to a fresh directory
  // The command line, argv[0] ("tripletcheck") first, "{name}" standing for a path of Paths;
  // empty: API only.
  std::vector<std::string> command;
  // The same mistake through the C++ API; empty when only the command line can make it.
  std::function<void(const Paths&)> api;
  ErrorType type = ErrorType::kInvalidArgument;  // what `api` throws
  std::string message;  // in the exception's what() and on stderr ("{name}" expanded too)
  int exit_status = kExitUsage;
  std::vector<std::string> env = {};  // "NAME=value", set around both calls
};

const std::vector<BadInput>& bad_inputs();

}  // namespace tripletcheck::conformance
