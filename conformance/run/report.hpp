// The reports of a conform run: Markdown for a person or a pull request (also printed), JSON for
// tools, JUnit XML for CI test views (one testcase per backend × check).
#pragma once

#include <string>

#include "conformance/run/outcome.hpp"

namespace tripletcheck::conformance {

std::string markdown_report(const RunOutcome& run);
std::string json_report(const RunOutcome& run);
std::string junit_report(const RunOutcome& run);
// The outcome a json_report was written from (what the reports show; timings as written).
// Throws InvalidArgument(where, ...) for text that is not a conform.json of this version.
RunOutcome read_json_report(const std::string& text, const std::string& where);

// Shared by the writers: "1.2e-07", or "-" for a cell without comparisons.
std::string short_number(double value);

}  // namespace tripletcheck::conformance
