// Runs every row of the table of bad inputs (error_table.cpp): the API call must throw the typed
// error with the message, and the command line must exit with the status, nothing on stdout and
// the same message as one line on stderr, within a time and (unsanitized) memory bound.
#include "properties/error_table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "sanitized.hpp"
#include "temp_dir.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/npy.hpp"

namespace tripletcheck::conformance {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using tripletcheck_test::kSanitized;
using tripletcheck_test::run_cli;
using tripletcheck_test::TempDir;

// A bad input is refused in milliseconds; a hang shows up as `timeout`'s status 124.
constexpr int kCommandTimeoutSeconds = 60;
// Address space for one command: the largest valid input of the table needs a few MiB, so a
// reader that trusted a declared size would fail here instead of taking the machine's memory.
// Not under the sanitizers (sanitized.hpp).
constexpr long kCommandAddressSpaceKiB = 2L << 20;  // 2 GiB
// Messages are one line of bounded length whatever the input (hostile headers are cut).
constexpr std::size_t kMaxMessageLength = 1000;

const char* type_name(ErrorType type) {
  switch (type) {
    case ErrorType::kInvalidArgument:
      return "InvalidArgument";
    case ErrorType::kNpyError:
      return "NpyError";
    case ErrorType::kResourceLimit:
      return "ResourceLimit";
    case ErrorType::kUnsupported:
      return "Unsupported";
    case ErrorType::kUnavailable:
      return "Unavailable";
    case ErrorType::kUsage:
      return "a usage error";
  }
  return "?";
}

bool has_type(const Error& e, ErrorType type) {
  switch (type) {
    case ErrorType::kInvalidArgument:
      return dynamic_cast<const InvalidArgument*>(&e) != nullptr;
    case ErrorType::kNpyError:
      return dynamic_cast<const NpyError*>(&e) != nullptr;
    case ErrorType::kResourceLimit:
      return dynamic_cast<const ResourceLimit*>(&e) != nullptr;
    case ErrorType::kUnsupported:
      return dynamic_cast<const Unsupported*>(&e) != nullptr;
    case ErrorType::kUnavailable:
      return dynamic_cast<const Unavailable*>(&e) != nullptr;
    case ErrorType::kUsage:
      return false;
  }
  return false;
}

// "{name}" → its path, wherever it appears.
std::string expand(std::string text, const Paths& paths) {
  for (const auto& [name, path] : paths) {
    const std::string key = "{" + name + "}";
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + path.size())) {
      text.replace(at, key.size(), path);
    }
  }
  return text;
}

// Sets "NAME=value" variables for the life of the object (the API half of a row).
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::vector<std::string>& assignments) {
    for (const std::string& a : assignments) {
      const auto eq = a.find('=');
      names_.push_back(a.substr(0, eq));
      ::setenv(names_.back().c_str(), a.substr(eq + 1).c_str(), 1);
    }
  }
  ~ScopedEnv() {
    for (const std::string& name : names_) ::unsetenv(name.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::vector<std::string> names_;
};

void expect_one_bounded_line(const std::string& message) {
  EXPECT_LE(message.size(), kMaxMessageLength) << message.substr(0, kMaxMessageLength);
  const bool control = std::any_of(message.begin(), message.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == '\x7f';
  });
  EXPECT_FALSE(control) << "control characters in: " << message;
}

class ErrorTable : public ::testing::TestWithParam<BadInput> {};

}  // namespace

// gtest prints a failing row's parameter with this (found by ADL) instead of its bytes.
void PrintTo(const BadInput& row, std::ostream* os) { *os << row.name; }

namespace {

TEST_P(ErrorTable, RejectsWithATypedErrorThatNamesTheProblem) {
  const BadInput& row = GetParam();
  TempDir dir;
  std::string root = dir.path("");
  root.pop_back();  // no trailing '/': rows write "{dir}/name"
  Paths paths = {{"dir", root}};
  for (const auto& [name, bytes] : row.files) {
    paths[name] = dir.path(name);
    std::ofstream(paths[name], std::ios::binary) << bytes;
  }
  const std::string message = expand(row.message, paths);

  if (row.api) {
    SCOPED_TRACE("through the C++ API");
    const ScopedEnv env(row.env);
    try {
      row.api(paths);
      ADD_FAILURE() << "no error; expected " << type_name(row.type) << ": " << message;
    } catch (const Error& e) {
      EXPECT_TRUE(has_type(e, row.type)) << "expected " << type_name(row.type) << ": " << e.what();
      EXPECT_THAT(e.what(), HasSubstr(message));
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
      expect_one_bounded_line(e.what());
    } catch (const std::exception& e) {
      ADD_FAILURE() << "untyped exception (not tripletcheck::Error): " << e.what();
    }
  }

  if (!row.command.empty()) {
    SCOPED_TRACE("through the command line");
    std::vector<std::string> args;  // argv[0] is run_cli's
    for (auto a = row.command.begin() + 1; a != row.command.end(); ++a) {
      args.push_back(expand(*a, paths));
    }
    std::string prefix =
        kSanitized ? "" : "ulimit -v " + std::to_string(kCommandAddressSpaceKiB) + ";";
    prefix += " timeout " + std::to_string(kCommandTimeoutSeconds) + " env";
    for (const std::string& a : row.env) prefix += " " + tripletcheck_test::shell_quote(a);
    const std::string scratch = dir.path("scratch");
    std::filesystem::create_directories(scratch);
    const auto run = run_cli(args, scratch, prefix);
    EXPECT_EQ(run.status, row.exit_status) << run.err;
    EXPECT_EQ(run.out, "");
    EXPECT_THAT(run.err, StartsWith("tripletcheck: error: "));
    EXPECT_THAT(run.err, HasSubstr(message));
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    expect_one_bounded_line(run.err);
  }
}

INSTANTIATE_TEST_SUITE_P(BadInputs, ErrorTable, ::testing::ValuesIn(bad_inputs()),
                         [](const ::testing::TestParamInfo<BadInput>& row) {
                           return row.param.name;
                         });

TEST(ErrorTableRows, HaveUniqueNamesAndSomethingToRun) {
  std::vector<std::string> names;
  for (const BadInput& row : bad_inputs()) {
    EXPECT_TRUE(row.api || !row.command.empty()) << row.name;
    EXPECT_TRUE(!row.api || row.type != ErrorType::kUsage) << row.name << ": the API has no usage";
    EXPECT_FALSE(row.message.empty()) << row.name;
    names.push_back(row.name);
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
}

}  // namespace
}  // namespace tripletcheck::conformance
