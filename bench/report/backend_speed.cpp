// Grouping of the grid's benchmarks into the backend speed tables and charts.
#include "bench/report/backend_speed.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "bench/report/context.hpp"
#include "bench/report/format.hpp"
#include "bench/report/names.hpp"
#include "bench/report/statistics.hpp"
#include "bench/report/svg_chart.hpp"

namespace tripletcheck::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char kFloorColor[] = "#555555";
const char kReferenceColor[] = "#aaaaaa";

using GroupKey = std::tuple<std::string, std::string, std::string, std::int64_t, std::int64_t>;
using ShapeKey = std::tuple<std::string, std::int64_t, std::int64_t, std::int64_t>;  // pass B D K

struct Measured {
  BenchmarkName name;
  const Benchmark* benchmark;
};

SpeedRow make_row(const Measured& m) {
  SpeedRow row;
  row.backend = m.name.backend;
  row.batch = m.name.batch;
  row.seconds = m.benchmark->seconds();
  row.repetitions = std::max(1, m.benchmark->repetitions());
  const auto& peaks = m.benchmark->peak_memory_bytes;
  if (!peaks.empty()) row.peak_memory_bytes = *std::max_element(peaks.begin(), peaks.end());
  if (!m.benchmark->items_per_second.empty()) {
    row.items_per_second = median(m.benchmark->items_per_second);
  }
  return row;
}

// The syrk floor of a row: the same loss, pass, B, D and K (semi-hard's sparse product grows
// with K).
const Measured* find_floor(const std::vector<Measured>& floors, const BenchmarkName& row) {
  for (const Measured& f : floors) {
    const BenchmarkName& n = f.name;
    if (n.loss == row.loss && n.pass == row.pass && n.batch == row.batch && n.dim == row.dim &&
        n.samples_per_class == row.samples_per_class) {
      return &f;
    }
  }
  return nullptr;
}

// The full-GEMM reference line does not depend on K (bench/floors.cpp registers the same
// product for every K): prefer the same K, else any.
const Measured* find_reference(const std::vector<Measured>& references, const std::string& pass,
                               std::int64_t batch, std::int64_t dim, std::int64_t k) {
  const Measured* any = nullptr;
  for (const Measured& f : references) {
    if (f.name.pass != pass || f.name.batch != batch || f.name.dim != dim) continue;
    if (f.name.samples_per_class == k) return &f;
    if (any == nullptr) any = &f;
  }
  return any;
}

std::string versus_header(const SpeedComparison& c) { return "speed-up vs " + c.versus; }

Table group_table(const SpeedComparison& c, const SpeedGroup& g) {
  Table t;
  t.header = {"B",           "backend", "time", "× floor", "growth ÷ B² growth", versus_header(c),
              "peak memory", "pairs/s"};
  t.right_aligned = {true, false, true, true, true, true, true, true};
  for (const SpeedRow& r : g.rows) {
    t.rows.push_back({std::to_string(r.batch), r.backend, format_duration(r.seconds),
                      format_factor(r.floor_ratio), format_factor(r.growth_over_pairs),
                      format_factor(r.speedup), format_bytes(r.peak_memory_bytes),
                      format_rate(r.items_per_second)});
  }
  return t;
}

LineChart group_chart(const SpeedComparison& c, const SpeedGroup& g) {
  LineChart chart;
  chart.title = g.title();
  chart.x_label = "B";
  chart.y_label = "time per evaluation";
  for (std::size_t k = 0; k < c.backends.size(); ++k) {
    Series s;
    s.label = c.backends[k];
    s.color = palette_color(k);
    for (const SpeedRow& r : g.rows) {
      if (r.backend == c.backends[k])
        s.points.emplace_back(static_cast<double>(r.batch), r.seconds);
    }
    if (!s.points.empty()) chart.series.push_back(s);
  }
  const struct {
    const char* backend;
    const char* label;
    const char* color;
  } floors[] = {{kSyrkFloorBackend, "syrk floor", kFloorColor},
                {kGemmFloorBackend, "full GEMM", kReferenceColor}};
  for (const auto& f : floors) {
    Series line;
    line.label = f.label;
    line.color = f.color;
    line.dashed = true;
    for (const SpeedRow& r : g.rows) {
      if (r.backend == f.backend) line.points.emplace_back(static_cast<double>(r.batch), r.seconds);
    }
    if (!line.points.empty()) chart.series.push_back(line);
  }
  return chart;
}

int max_repetitions(const SpeedComparison& c) {
  int n = 1;
  for (const SpeedGroup& g : c.groups) {
    for (const SpeedRow& r : g.rows) n = std::max(n, r.repetitions);
  }
  return n;
}

std::string introduction(const SpeedComparison& c, const Results& results, bool html) {
  auto code = [&](const std::string& s) {
    return html ? "<code>" + html_escape(s) + "</code>" : "`" + s + "`";
  };
  auto text = [&](const std::string& s) { return html ? html_escape(s) : s; };
  std::string out =
      text("Wall time of one evaluation, float32 embeddings: the median over the repetitions (" +
           std::to_string(max_repetitions(c)) + " at most)") +
      text(". × floor: the time over the floor of the same loss, pass, B, D and K (") +
      code(kSyrkFloorBackend) +
      text(
          ": the B(B+1)/2 dot products of X·Xᵀ on the eigen backend's GEMM tiles; for fwdbwd "
          "also the sparse product M·X over the nonzeros the loss routes, M = W + Wᵀ). ") +
      code(kGemmFloorBackend) +
      text(", the full X·Xᵀ (+ a dense M·X for fwdbwd), is a reference line. ") +
      text(
          "Growth ÷ B² growth: the time over the same backend's at the next smaller B, divided "
          "by the pairs' ratio (B/B')²: 1× is time growing exactly as B², above it faster. ") +
      text("Speed-up: ") + code(c.versus) + text("'s time over the backend's") +
      text(c.versus_present ? "." : " (n/a: " + c.versus + " is not in these results).") +
      text(" Peak memory: growth of the resident set. Pairs/s: B² per evaluation.");
  out += html ? "</p>\n<ul>\n" : "\n\n";
  for (const Source& s : results.sources) {
    out += html ? "<li>" + code(s.path) + ": " + text(describe_context(s.context)) + "</li>\n"
                : "- " + code(s.path) + ": " + describe_context(s.context) + "\n";
  }
  out += html ? "</ul>\n" : "";
  return out;
}

std::string other_names_note(const SpeedComparison& c) {
  std::string out;
  if (!c.skipped.empty()) {
    out += "\nSkipped, with the reason each benchmark gave:\n\n";
    for (const auto& s : c.skipped) out += "- " + s + "\n";
  }
  if (c.other_names.empty()) return out;
  out += "\nNot in the grid's naming (not tabulated): ";
  for (std::size_t k = 0; k < c.other_names.size(); ++k) {
    out += (k ? ", " : "") + c.other_names[k];
  }
  return out + ".\n";
}

std::string warnings_note(const Results& results) {
  if (results.warnings.empty()) return "";
  std::string out = "\nValues left out of the tables (shown as n/a):\n\n";
  for (const std::string& w : results.warnings) out += "- " + w + "\n";
  return out;
}

}  // namespace

SpeedRow::SpeedRow()
    : seconds(kNaN),
      floor_ratio(kNaN),
      speedup(kNaN),
      growth_over_pairs(kNaN),
      peak_memory_bytes(kNaN),
      items_per_second(kNaN) {}

std::string SpeedGroup::title() const {
  return loss + " · " + metric + " · " + pass + " · D=" + std::to_string(dim) +
         " · K=" + std::to_string(samples_per_class);
}

SpeedComparison compare_backends(const Results& results, const std::string& versus) {
  SpeedComparison out;
  out.versus = versus;
  std::vector<Measured> floors, references, losses;
  for (const Benchmark& b : results.benchmarks) {
    const auto name = parse_name(b.name);
    if (!b.error.empty()) {
      out.skipped.push_back(display_name(b.name) + ": " + b.error);
      continue;
    }
    if (!name || std::isnan(b.seconds())) {
      out.other_names.push_back(display_name(b.name));
      continue;
    }
    if (name->backend == kSyrkFloorBackend) {
      floors.push_back({*name, &b});
    } else if (name->backend == kGemmFloorBackend) {
      references.push_back({*name, &b});
    } else {
      losses.push_back({*name, &b});
    }
  }

  std::map<std::tuple<std::string, std::string, ShapeKey>, double> versus_seconds;
  std::set<std::string> backends;
  for (const Measured& m : losses) {
    backends.insert(m.name.backend);
    if (m.name.backend == versus) {
      versus_seconds[{m.name.loss, m.name.metric,
                      ShapeKey{m.name.pass, m.name.batch, m.name.dim, m.name.samples_per_class}}] =
          m.benchmark->seconds();
    }
  }
  out.versus_present = !versus_seconds.empty();
  out.backends.assign(backends.begin(), backends.end());

  std::map<GroupKey, SpeedGroup> groups;
  std::map<GroupKey, std::set<std::int64_t>> batches;
  for (const Measured& m : losses) {
    const GroupKey key{m.name.loss, m.name.metric, m.name.pass, m.name.dim,
                       m.name.samples_per_class};
    SpeedGroup& g = groups[key];
    std::tie(g.loss, g.metric, g.pass, g.dim, g.samples_per_class) = key;
    SpeedRow row = make_row(m);
    const Measured* floor = find_floor(floors, m.name);
    if (floor != nullptr) row.floor_ratio = row.seconds / floor->benchmark->seconds();
    const auto v = versus_seconds.find(
        {m.name.loss, m.name.metric,
         ShapeKey{m.name.pass, m.name.batch, m.name.dim, m.name.samples_per_class}});
    if (v != versus_seconds.end()) row.speedup = v->second / row.seconds;
    g.rows.push_back(row);
    batches[key].insert(m.name.batch);
  }
  for (auto& [key, g] : groups) {
    for (const std::int64_t b : batches[key]) {
      BenchmarkName shape;
      shape.loss = g.loss;
      shape.pass = g.pass;
      shape.batch = b;
      shape.dim = g.dim;
      shape.samples_per_class = g.samples_per_class;
      const Measured* floor = find_floor(floors, shape);
      if (floor != nullptr) {
        SpeedRow row = make_row(*floor);
        row.floor_ratio = 1;
        g.rows.push_back(row);
      }
      const Measured* reference = find_reference(references, g.pass, b, g.dim, g.samples_per_class);
      if (reference != nullptr) {
        SpeedRow row = make_row(*reference);
        if (floor != nullptr) row.floor_ratio = row.seconds / floor->benchmark->seconds();
        g.rows.push_back(row);
      }
    }
    // By batch size; within one, backends by name and the floors last (the syrk floor, then the
    // full GEMM), as in the charts' legend.
    std::sort(g.rows.begin(), g.rows.end(), [](const SpeedRow& a, const SpeedRow& b) {
      const auto rank = [](const SpeedRow& r) {
        return r.backend == kSyrkFloorBackend ? 1 : r.backend == kGemmFloorBackend ? 2 : 0;
      };
      return std::make_tuple(a.batch, rank(a), a.backend) <
             std::make_tuple(b.batch, rank(b), b.backend);
    });
    std::map<std::string, const SpeedRow*> previous;  // by backend: its row at the last B seen
    for (SpeedRow& row : g.rows) {
      const auto p = previous.find(row.backend);
      if (p != previous.end()) {
        const double pairs = static_cast<double>(row.batch) / static_cast<double>(p->second->batch);
        row.growth_over_pairs = row.seconds / p->second->seconds / (pairs * pairs);
      }
      previous[row.backend] = &row;
    }
    out.groups.push_back(std::move(g));
  }
  return out;
}

std::string speed_markdown(const SpeedComparison& c, const Results& results) {
  std::string out = "# Backend speed comparison\n\n" + introduction(c, results, false);
  for (const SpeedGroup& g : c.groups) {
    out += "\n## " + g.title() + "\n\n" + markdown_table(group_table(c, g));
  }
  if (c.groups.empty()) out += "\nNo benchmark of the loss grid in these results.\n";
  return out + other_names_note(c) + warnings_note(results);
}

std::string speed_html(const SpeedComparison& c, const Results& results) {
  std::string body = "<h1>Backend speed comparison</h1>\n<p>" + introduction(c, results, true);
  for (const SpeedGroup& g : c.groups) {
    body += "<h2>" + html_escape(g.title()) + "</h2>\n<div class=\"group\">\n" +
            svg_line_chart(group_chart(c, g)) + html_table(group_table(c, g)) + "</div>\n";
  }
  const std::string others = other_names_note(c) + warnings_note(results);
  if (!others.empty()) body += "<p>" + html_escape(others) + "</p>\n";
  return html_page("Backend speed comparison", body);
}

}  // namespace tripletcheck::report
