// `exec:COMMAND`: a Backend that checks an implementation which is not ours, through files and a
// process per evaluation (or one long-running process). The protocol: tools/EXEC_PROTOCOL.md.
#pragma once

#include <memory>
#include <string>

#include "tripletcheck/backend.hpp"

namespace tripletcheck::cli::conform {

constexpr const char* kExecPrefix = "exec:";

// Probes `command --capabilities` once (see the protocol). Throws InvalidArgument for an empty
// command.
std::unique_ptr<Backend> make_exec_backend(const std::string& command);

}  // namespace tripletcheck::cli::conform
