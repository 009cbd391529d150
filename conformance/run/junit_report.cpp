// conform.xml: JUnit XML, one <testsuite> per backend and one <testcase> per check (a golden
// category, a corpus case, a property), so CI test views list what failed where.
#include <cstdio>
#include <sstream>

#include "bench/report/format.hpp"
#include "conformance/run/report.hpp"

namespace tripletcheck::conformance {
namespace {

std::string xml(const std::string& text) { return report::html_escape(text); }

std::string seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", s);
  return text;
}

}  // namespace

std::string junit_report(const RunOutcome& run) {
  int tests = static_cast<int>(run.unavailable.size()), failures = 0;
  for (const auto& b : run.backends) {
    tests += static_cast<int>(b.checks.size());
    for (const auto& c : b.checks) failures += c.passed() ? 0 : 1;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tripletcheck conform\" "
      << "tests=\"" << tests << "\" failures=\"" << failures << "\" time=\"" << seconds(run.seconds)
      << "\">\n";
  for (const auto& b : run.backends) {
    int suite_failures = 0, skipped = 0;
    for (const auto& c : b.checks) {
      suite_failures += c.passed() ? 0 : 1;
      skipped += c.cases == 0 && c.skipped > 0 ? 1 : 0;
    }
    out << "  <testsuite name=\"" << xml(b.backend) << "\" tests=\"" << b.checks.size()
        << "\" failures=\"" << suite_failures << "\" skipped=\"" << skipped << "\" time=\""
        << seconds(b.seconds) << "\">\n";
    for (const auto& c : b.checks) {
      out << "    <testcase classname=\"" << xml(b.backend + "." + to_string(c.kind))
          << "\" name=\"" << xml(c.name) << "\" time=\"" << seconds(c.seconds) << "\"";
      if (c.passed() && !(c.cases == 0 && c.skipped > 0)) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      if (c.passed()) {
        out << "      <skipped message=\"the backend cannot evaluate these cases\"/>\n";
      } else {
        std::string message, details;
        for (const auto& f : b.failures) {
          if (f.kind != c.kind || f.check != c.name || !b.counts(f)) continue;
          if (message.empty()) message = f.summary;
          details += f.summary + "\n";
          for (const auto& r : f.replay) details += "replay: " + r + "\n";
          details += f.details + "\n";
        }
        out << "      <failure message=\"" << xml(message) << "\">" << xml(details)
            << "</failure>\n";
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  for (const auto& [name, reason] : run.unavailable) {
    out << "  <testsuite name=\"" << xml(name)
        << "\" tests=\"1\" failures=\"0\" skipped=\"1\" time=\"0\">\n    <testcase classname=\""
        << xml(name) << "\" name=\"available\" time=\"0\">\n      <skipped message=\""
        << xml(reason) << "\"/>\n    </testcase>\n  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

}  // namespace tripletcheck::conformance
