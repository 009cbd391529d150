// `exec:COMMAND`: a Backend that checks an implementation which is not ours, through files and a
// process per evaluation (or one long-running process). The protocol: tools/EXEC_PROTOCOL.md.
#pragma once

#include <memory>
#include <string>

#include "tripletcheck/backend.hpp"

namespace tripletcheck::conformance {

constexpr const char* kExecPrefix = "exec:";

// Probes `command --capabilities` once (see the protocol). Throws InvalidArgument for an empty
// command.
struct ExecOptions {
  // Per evaluation (and for the --capabilities probe): generous, so that only a hung program
  // trips it; `conform --exec-timeout`.
  double timeout_seconds = 300;
};

// Throws InvalidArgument for an empty command or capabilities that cannot be right (an unknown
// numeric trait, an unknown loss or metric): a usage error, exit status 2.
std::unique_ptr<Backend> make_exec_backend(const std::string& command,
                                           const ExecOptions& options = {});

}  // namespace tripletcheck::conformance
