// Running another program for the exec backend: once per call (`sh -c SCRIPT sh ARGS...`, output
// captured, killed after a timeout), or as a long-running server answering one line per request.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace tripletcheck::conformance {

struct ProcessResult {
  int exit_status = -1;  // the exit code, or 128 + signal number
  bool timed_out = false;
  std::string out;
  std::string err;
};

using Environment = std::vector<std::pair<std::string, std::string>>;

// Runs `/bin/sh -c script` with `args` as $1, $2, ... and `environment` added, in the current
// directory. Kills the whole process group after `timeout_seconds`.
ProcessResult run_shell(const std::string& script, const std::vector<std::string>& args,
                        const Environment& environment, double timeout_seconds);

// `/bin/sh -c script` kept running: request() writes one line to its stdin and reads one line
// from its stdout. Its stderr goes to `stderr_path`. Not thread-safe: the caller serializes.
class ShellServer {
 public:
  ShellServer(const std::string& script, const std::string& stderr_path);
  ~ShellServer();
  ShellServer(const ShellServer&) = delete;
  ShellServer& operator=(const ShellServer&) = delete;

  // Throws std::runtime_error when the server died, closed its stdout, or timed out (and then
  // kills it; a later request fails).
  std::string request(const std::string& line, double timeout_seconds);
  bool running() const { return pid_ > 0; }

 private:
  void stop();
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffered_;  // bytes read past the last answered line
};

// The last `max_chars` characters of a text, on one line when possible (for error messages).
std::string tail(const std::string& text, std::size_t max_chars);

}  // namespace tripletcheck::conformance
