// What `conform` and `mutation-check` share around a run: where the reports go, how to name this
// program and the gtest binary in replay commands, and the stale known divergences.
#pragma once

#include <string>
#include <vector>

#include "conformance/run/outcome.hpp"
#include "conformance/run/runner.hpp"

namespace tripletcheck::conformance {

// This program as the current directory can call it (for replay commands).
std::string this_program();
// The differential_tests binary of this build; empty when there is none (an installed program,
// a build without tests).
std::string gtest_binary();
// A path relative to the current directory when it is below it.
std::string display_path(const std::string& path);

// Creates the folder; throws InvalidArgument(argument, dir) when it cannot be written, so that a
// bad path is found before minutes of checks.
void prepare_report_dir(const std::string& argument, const std::string& dir);
// conform.md, conform.json, conform.xml.
void write_reports(const RunOutcome& run, const std::string& dir);
void write_text(const std::string& path, const std::string& text);

// Entries of known_divergences.cpp for a backend that checked every golden fixture and never
// needed them.
std::vector<conformance::KnownDivergence> stale_known_divergences(const RunOutcome& run);

}  // namespace tripletcheck::conformance
