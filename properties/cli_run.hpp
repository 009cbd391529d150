// Runs the built `tripletcheck` binary as a user would, capturing its exit status, stdout and
// stderr. Shared by the command-line tests and the table of bad inputs.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tripletcheck/text.hpp"

namespace tripletcheck_test {

struct CliRun {
  int status = -1;  // the exit status; -1 when killed by a signal
  std::string out;
  std::string err;
};

using tripletcheck::shell_quote;

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `prefix cli args...` through the shell; stdout and stderr go to files in `scratch`, a
// directory. `prefix` is shell text placed before the binary (e.g. "timeout 60 env A=1").
inline CliRun run_cli(const std::vector<std::string>& args, const std::string& scratch,
                      const std::string& prefix = "") {
  // GoogleTest's sharding variables would shard a conform run started from a sharded test.
  std::string command = prefix + " env -u GTEST_SHARD_INDEX -u GTEST_TOTAL_SHARDS " +
                        shell_quote(TRIPLETCHECK_CLI_PATH);
  for (const std::string& a : args) command += " " + shell_quote(a);
  const std::string out = scratch + "/stdout.txt", err = scratch + "/stderr.txt";
  command += " >" + shell_quote(out) + " 2>" + shell_quote(err);
  const int raw = std::system(command.c_str());
  CliRun result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

}  // namespace tripletcheck_test
