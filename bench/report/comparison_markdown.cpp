// The comparison as Markdown and as an HTML page: verdict, warnings, one row per benchmark,
// the context of both runs, and (HTML) charts of each family's time against B.
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "bench/report/comparison_report.hpp"
#include "bench/report/format.hpp"
#include "bench/report/names.hpp"
#include "bench/report/svg_chart.hpp"

namespace tripletcheck::report {
namespace {

std::string verdict(const Comparison& c) {
  const int worse = c.regressions();
  if (worse > 0) {
    return std::to_string(worse) + " confirmed regression" + (worse == 1 ? "" : "s");
  }
  if (c.context_mismatch && !c.settings.allow_context_mismatch) {
    return "not comparable: the runs' contexts differ";
  }
  return "no confirmed regression";
}

std::string gate_text(const Comparison& c) {
  return "a benchmark fails when it is slower by more than " +
         format_short(c.settings.threshold * 100) + "% (median over the repetitions) and p < " +
         format_short(c.settings.alpha) +
         " (two-sided Mann–Whitney U test on the repetitions' wall times, as Google Benchmark's "
         "compare.py)";
}

std::string marks_line(const Comparison& c) {
  std::string out;
  for (Mark m : {Mark::kWorse, Mark::kBetter, Mark::kWithinThreshold, Mark::kNotSignificant,
                 Mark::kNew, Mark::kMissing, Mark::kNotComparable}) {
    const int n = c.count(m);
    if (n > 0) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + to_string(m);
  }
  return out.empty() ? "no benchmarks" : out;
}

std::string geomean_text(const Comparison& c) {
  if (c.compared == 0) return "no benchmark was compared";
  return format_fixed(c.geomean_ratio, 3) + "× (" + format_change(c.geomean_ratio) + ") over " +
         std::to_string(c.compared) + " benchmarks";
}

std::string css_class(Mark mark) {
  std::string s = to_string(mark);
  std::replace(s.begin(), s.end(), ' ', '-');
  return s;
}

std::string repetitions_text(const BenchmarkComparison& b) {
  return std::to_string(b.baseline_repetitions) + " / " + std::to_string(b.contender_repetitions);
}

Table benchmark_table(const Comparison& c, bool only_regressions) {
  Table t;
  t.header = {"benchmark", "baseline", "contender", "change", "p-value", "reps", "mark", "note"};
  t.right_aligned = {false, true, true, true, true, true, false, false};
  for (const BenchmarkComparison& b : c.benchmarks) {
    if (only_regressions && b.mark != Mark::kWorse) continue;
    t.rows.push_back({display_name(b.name), format_duration(b.baseline_seconds),
                      format_duration(b.contender_seconds), format_change(b.ratio),
                      b.u_test ? format_p_value(b.u_test->p_value) : "—", repetitions_text(b),
                      to_string(b.mark), b.note});
    t.row_classes.push_back(css_class(b.mark));
  }
  return t;
}

Table context_table(const Comparison& c) {
  Table t;
  t.header = {"context key", "baseline", "contender", "effect"};
  for (const ContextDifference& d : c.context_differences) {
    t.rows.push_back({d.key, d.baseline, d.contender,
                      d.blocks_comparison ? "blocks comparison" : "informational"});
    t.row_classes.push_back(d.blocks_comparison ? "not-comparable" : "");
  }
  return t;
}

// A directory side (ci/bench-ab) holds a file per round: name the first and last, and count.
std::string files_text(const std::vector<std::string>& files) {
  if (files.size() > 2) {
    return files.front() + " … " + files.back() + " (" + std::to_string(files.size()) + " files)";
  }
  std::string out;
  for (const std::string& f : files) out += (out.empty() ? "" : ", ") + f;
  return out;
}

// One chart per family (everything but B) with at least two batch sizes on either side.
std::string charts_html(const Comparison& c) {
  using Family =
      std::tuple<std::string, std::string, std::string, std::string, std::int64_t, std::int64_t>;
  std::map<Family, std::pair<Series, Series>> families;
  std::map<std::string, std::size_t> backend_colors;
  for (const BenchmarkComparison& b : c.benchmarks) {
    const auto name = parse_name(b.name);
    if (!name) continue;
    const Family key{name->backend, name->loss, name->metric,
                     name->pass,    name->dim,  name->samples_per_class};
    const std::size_t color =
        backend_colors.emplace(name->backend, backend_colors.size()).first->second;
    auto& [base, cont] = families[key];
    base.label = "baseline";
    base.dashed = true;
    cont.label = "contender";
    base.color = cont.color = palette_color(color);
    const double x = static_cast<double>(name->batch);
    if (b.baseline_seconds > 0) base.points.emplace_back(x, b.baseline_seconds);
    if (b.contender_seconds > 0) cont.points.emplace_back(x, b.contender_seconds);
  }
  std::string out;
  for (const auto& [key, series] : families) {
    if (std::max(series.first.points.size(), series.second.points.size()) < 2) continue;
    const auto& [backend, loss, metric, pass, dim, k] = key;
    LineChart chart;
    chart.title = backend + " · " + loss + (metric.empty() ? "" : " · " + metric) + " · " + pass +
                  " · D=" + std::to_string(dim) + " · K=" + std::to_string(k);
    chart.x_label = "B";
    chart.y_label = "time per evaluation";
    chart.series = {series.first, series.second};
    out += svg_line_chart(chart);
  }
  return out.empty() ? "" : "<h2>Time against B</h2>\n<div class=\"group\">\n" + out + "</div>\n";
}

}  // namespace

std::string comparison_markdown(const Comparison& c) {
  std::string out = "# Benchmark comparison: " + verdict(c) + "\n\n";
  out += "Gate: " + gate_text(c) + ".\n\n";
  out += "Marks: " + marks_line(c) +
         ". Geometric mean of the time ratios (contender / "
         "baseline): " +
         geomean_text(c) + ".\n";
  for (const std::string& w : c.warnings) out += "\n> **Warning:** " + w + "\n";
  if (c.regressions() > 0) {
    out += "\n## Confirmed regressions\n\n" + markdown_table(benchmark_table(c, true));
  }
  out += "\n## All benchmarks\n\n" + markdown_table(benchmark_table(c, false));
  out += "\n## Context\n\n- baseline (" + files_text(c.baseline_files) +
         "): " + describe_context(c.baseline_context) + "\n- contender (" +
         files_text(c.contender_files) + "): " + describe_context(c.contender_context) + "\n";
  if (!c.context_differences.empty()) out += "\n" + markdown_table(context_table(c));
  return out;
}

std::string comparison_html(const Comparison& c) {
  std::string body = "<h1>Benchmark comparison: " + html_escape(verdict(c)) + "</h1>\n";
  body += "<p>Gate: " + html_escape(gate_text(c)) +
          ".</p>\n<p>Marks: " + html_escape(marks_line(c)) +
          ". Geometric mean of the time ratios (contender / "
          "baseline): " +
          html_escape(geomean_text(c)) + ".</p>\n";
  for (const std::string& w : c.warnings) {
    body += "<p><strong>Warning:</strong> " + html_escape(w) + "</p>\n";
  }
  body += charts_html(c);
  body += "<h2>All benchmarks</h2>\n" + html_table(benchmark_table(c, false));
  body += "<h2>Context</h2>\n<ul><li>baseline (" + html_escape(files_text(c.baseline_files)) +
          "): " + html_escape(describe_context(c.baseline_context)) + "</li><li>contender (" +
          html_escape(files_text(c.contender_files)) +
          "): " + html_escape(describe_context(c.contender_context)) + "</li></ul>\n";
  if (!c.context_differences.empty()) body += html_table(context_table(c));
  return html_page("Benchmark comparison", body);
}

}  // namespace tripletcheck::report
