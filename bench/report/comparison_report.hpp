// The outputs of `tripletcheck compare`: Markdown for a pull request, JSON for tools, JUnit XML
// for CI test views (one test case per benchmark, failed on a confirmed regression) and an HTML
// page with the baseline's and contender's times against B.
#pragma once

#include <string>

#include "bench/report/comparison.hpp"

namespace tripletcheck::report {

std::string comparison_markdown(const Comparison& comparison);
std::string comparison_html(const Comparison& comparison);
std::string comparison_json(const Comparison& comparison);
std::string comparison_junit(const Comparison& comparison);

}  // namespace tripletcheck::report
