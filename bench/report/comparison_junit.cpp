// The comparison as JUnit XML: one test case per benchmark, grouped by family (the name up to
// the shape), failed on a confirmed regression and skipped when it could not be compared.
#include <cmath>

#include "bench/report/comparison_report.hpp"
#include "bench/report/format.hpp"
#include "bench/report/names.hpp"

namespace tripletcheck::report {
namespace {

// XML attribute and text escaping (HTML's set covers XML's).
std::string xml(const std::string& text) { return html_escape(text); }

// "eigen/semihard/L2/fwdbwd/B:32/D:128/K:4" → class "eigen.semihard.L2.fwdbwd", case "B:32/…".
std::pair<std::string, std::string> case_names(const std::string& run_name) {
  const std::string shown = display_name(run_name);
  const auto name = parse_name(run_name);
  if (!name) return {"benchmarks", shown};
  std::string family = name->backend + "." + name->loss;
  if (!name->metric.empty()) family += "." + name->metric;
  family += "." + name->pass;
  return {family, "B:" + std::to_string(name->batch) + "/D:" + std::to_string(name->dim) +
                      "/K:" + std::to_string(name->samples_per_class)};
}

std::string summary(const BenchmarkComparison& b) {
  return "baseline " + format_duration(b.baseline_seconds) + ", contender " +
         format_duration(b.contender_seconds) + " (" + format_change(b.ratio) +
         "), p = " + (b.u_test ? format_p_value(b.u_test->p_value) : std::string("—")) +
         ", repetitions " + std::to_string(b.baseline_repetitions) + " / " +
         std::to_string(b.contender_repetitions) + ": " + to_string(b.mark) +
         (b.note.empty() ? "" : " (" + b.note + ")");
}

bool skipped(Mark mark) {
  return mark == Mark::kNew || mark == Mark::kMissing || mark == Mark::kNotComparable;
}

}  // namespace

std::string comparison_junit(const Comparison& c) {
  int skips = 0;
  for (const BenchmarkComparison& b : c.benchmarks) skips += skipped(b.mark) ? 1 : 0;
  const std::string counts = " tests=\"" + std::to_string(c.benchmarks.size()) + "\" failures=\"" +
                             std::to_string(c.regressions()) + "\" errors=\"0\" skipped=\"" +
                             std::to_string(skips) + "\"";
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tripletcheck "
      "compare\"" +
      counts + ">\n<testsuite name=\"benchmark regressions\"" + counts + ">\n<properties>\n";
  out += "<property name=\"threshold\" value=\"" + format_fixed(c.settings.threshold, 4) +
         "\"/>\n<property name=\"alpha\" value=\"" + format_fixed(c.settings.alpha, 4) +
         "\"/>\n<property name=\"context_mismatch\" value=\"" +
         (c.context_mismatch ? "true" : "false") + "\"/>\n</properties>\n";
  for (const BenchmarkComparison& b : c.benchmarks) {
    const auto [family, name] = case_names(b.name);
    const double seconds = b.contender_seconds > 0 ? b.contender_seconds : 0.0;
    out += "<testcase classname=\"" + xml(family) + "\" name=\"" + xml(name) + "\" time=\"" +
           format_fixed(seconds, 9) + "\">\n";
    if (b.mark == Mark::kWorse) {
      out += "<failure type=\"regression\" message=\"" + xml(format_change(b.ratio)) +
             " slower, p = " + xml(format_p_value(b.u_test->p_value)) + "\">" + xml(summary(b)) +
             "</failure>\n";
    } else if (skipped(b.mark)) {
      out += "<skipped message=\"" + xml(summary(b)) + "\"/>\n";
    } else {
      out += "<system-out>" + xml(summary(b)) + "</system-out>\n";
    }
    out += "</testcase>\n";
  }
  return out + "</testsuite>\n</testsuites>\n";
}

}  // namespace tripletcheck::report
