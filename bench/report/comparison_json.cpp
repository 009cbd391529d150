// The comparison as JSON: settings, contexts, verdict and every benchmark with its repetitions,
// so a tool can redo or extend the analysis without the original files.
#include <cmath>
#include <nlohmann/json.hpp>

#include "bench/report/comparison_report.hpp"
#include "bench/report/names.hpp"

namespace tripletcheck::report {
namespace {

using nlohmann::json;

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json context_json(const Context& context) {
  json out = json::object();
  for (const auto& [key, value] : context) out[key] = value;
  return out;
}

}  // namespace

std::string comparison_json(const Comparison& c) {
  json out;
  out["settings"] = {{"threshold", c.settings.threshold},
                     {"alpha", c.settings.alpha},
                     {"allow_context_mismatch", c.settings.allow_context_mismatch},
                     {"statistic", "real_time"},
                     {"test", "two-sided Mann-Whitney U (scipy.stats.mannwhitneyu, method auto)"}};
  out["baseline"] = {{"files", c.baseline_files}, {"context", context_json(c.baseline_context)}};
  out["contender"] = {{"files", c.contender_files}, {"context", context_json(c.contender_context)}};
  json differences = json::array();
  for (const ContextDifference& d : c.context_differences) {
    differences.push_back({{"key", d.key},
                           {"baseline", d.baseline},
                           {"contender", d.contender},
                           {"blocks_comparison", d.blocks_comparison}});
  }
  out["context_differences"] = differences;
  out["context_mismatch"] = c.context_mismatch;
  out["regressions"] = c.regressions();
  out["compared"] = c.compared;
  out["geomean_ratio"] = number_or_null(c.geomean_ratio);
  out["warnings"] = c.warnings;
  json rows = json::array();
  for (const BenchmarkComparison& b : c.benchmarks) {
    json row = {{"name", b.name},
                {"display_name", display_name(b.name)},
                {"mark", to_string(b.mark)},
                {"baseline_seconds", number_or_null(b.baseline_seconds)},
                {"contender_seconds", number_or_null(b.contender_seconds)},
                {"ratio", number_or_null(b.ratio)},
                {"baseline_repetitions", b.baseline_repetitions},
                {"contender_repetitions", b.contender_repetitions},
                {"note", b.note}};
    if (b.u_test) {
      row["u_test"] = {{"u_baseline", b.u_test->u1},
                       {"p_value", b.u_test->p_value},
                       {"method", b.u_test->exact ? "exact" : "asymptotic"}};
    } else {
      row["u_test"] = nullptr;
    }
    row["baseline_real_seconds"] = b.baseline ? json(b.baseline->real_seconds) : json::array();
    row["contender_real_seconds"] = b.contender ? json(b.contender->real_seconds) : json::array();
    rows.push_back(row);
  }
  out["benchmarks"] = rows;
  return out.dump(2) + "\n";
}

}  // namespace tripletcheck::report
