// Drawing of the log-log line charts and the page around them.
#include "bench/report/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "bench/report/format.hpp"

namespace tripletcheck::report {
namespace {

// Geometry of one chart, in SVG user units: the plot area plus room for the axes' labels on the
// left and below and for the legend on the right.
constexpr double kWidth = 540, kHeight = 340;
constexpr double kLeft = 64, kRight = 118, kTop = 34, kBottom = 46;
constexpr double kPlotWidth = kWidth - kLeft - kRight, kPlotHeight = kHeight - kTop - kBottom;

std::string num(double v) { return format_fixed(v, 1); }

struct LogAxis {
  double low, high;  // log10 of the range shown
  double to_unit(double value) const { return (std::log10(value) - low) / (high - low); }
};

// The data range widened by a margin (and around a single value), in log10.
LogAxis make_axis(double min_value, double max_value, double margin_factor) {
  double low = std::log10(min_value / margin_factor), high = std::log10(max_value * margin_factor);
  if (high - low < 0.3) {  // one value, or nearly: show a factor of two around it
    const double mid = 0.5 * (low + high);
    low = mid - 0.15;
    high = mid + 0.15;
  }
  return {low, high};
}

// Powers of two for counts; decades for times, with 2× and 5× steps when the range is short.
std::vector<double> x_ticks(const LogAxis& axis) {
  std::vector<double> ticks;
  for (int e = static_cast<int>(std::floor(axis.low / std::log10(2.0)));
       e <= static_cast<int>(std::ceil(axis.high / std::log10(2.0))); ++e) {
    const double v = std::ldexp(1.0, e);
    if (std::log10(v) >= axis.low && std::log10(v) <= axis.high) ticks.push_back(v);
  }
  return ticks;
}

std::vector<double> y_ticks(const LogAxis& axis) {
  const bool short_range = axis.high - axis.low < 2;
  std::vector<double> ticks;
  for (int e = static_cast<int>(std::floor(axis.low)); e <= static_cast<int>(std::ceil(axis.high));
       ++e) {
    for (double step : {1.0, 2.0, 5.0}) {
      if (step != 1.0 && !short_range) continue;
      const double v = step * std::pow(10.0, e);
      if (std::log10(v) >= axis.low && std::log10(v) <= axis.high) ticks.push_back(v);
    }
  }
  return ticks;
}

std::string count_label(double v) { return format_fixed(v, 0); }

// Tick labels as short as the value allows ("100 µs", "2 ms"): ticks are round numbers.
std::string duration_tick(double seconds) {
  static const char* const units[] = {"ns", "µs", "ms", "s"};
  double value = seconds * 1e9;
  int k = 0;
  while (k < 3 && value >= 999.5) {
    value /= 1000;
    ++k;
  }
  return format_short(value) + " " + units[k];
}

}  // namespace

std::string palette_color(std::size_t index) {
  // Colour-blind-safe (Okabe–Ito), then greys.
  static const char* const colors[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                       "#E69F00", "#56B4E9", "#F0E442", "#000000"};
  return colors[index % (sizeof colors / sizeof colors[0])];
}

std::string svg_line_chart(const LineChart& chart) {
  double x_min = std::numeric_limits<double>::infinity(), x_max = 0;
  double y_min = std::numeric_limits<double>::infinity(), y_max = 0;
  for (const Series& s : chart.series) {
    for (const auto& [x, y] : s.points) {
      if (!(x > 0) || !(y > 0)) continue;
      x_min = std::min(x_min, x);
      x_max = std::max(x_max, x);
      y_min = std::min(y_min, y);
      y_max = std::max(y_max, y);
    }
  }
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " +
                    num(kWidth) + " " + num(kHeight) + "\" width=\"" + num(kWidth) +
                    "\" height=\"" + num(kHeight) + "\" role=\"img\">\n<title>" +
                    html_escape(chart.title) + "</title>\n";
  svg += "<text x=\"" + num(kLeft) + "\" y=\"20\" class=\"title\">" + html_escape(chart.title) +
         "</text>\n";
  if (!(x_max > 0)) return svg + "<text x=\"80\" y=\"100\">no data</text>\n</svg>\n";

  const LogAxis xa = make_axis(x_min, x_max, 1.15), ya = make_axis(y_min, y_max, 1.25);
  auto px = [&](double x) { return kLeft + xa.to_unit(x) * kPlotWidth; };
  auto py = [&](double y) { return kTop + (1 - ya.to_unit(y)) * kPlotHeight; };

  svg += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(kPlotWidth) +
         "\" height=\"" + num(kPlotHeight) + "\" class=\"frame\"/>\n";
  for (double t : x_ticks(xa)) {
    svg += "<line x1=\"" + num(px(t)) + "\" x2=\"" + num(px(t)) + "\" y1=\"" + num(kTop) +
           "\" y2=\"" + num(kTop + kPlotHeight) + "\" class=\"grid\"/>\n<text x=\"" + num(px(t)) +
           "\" y=\"" + num(kTop + kPlotHeight + 16) + "\" class=\"xtick\">" + count_label(t) +
           "</text>\n";
  }
  for (double t : y_ticks(ya)) {
    svg += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlotWidth) + "\" y1=\"" +
           num(py(t)) + "\" y2=\"" + num(py(t)) + "\" class=\"grid\"/>\n<text x=\"" +
           num(kLeft - 6) + "\" y=\"" + num(py(t) + 4) + "\" class=\"ytick\">" +
           html_escape(duration_tick(t)) + "</text>\n";
  }
  svg += "<text x=\"" + num(kLeft + kPlotWidth / 2) + "\" y=\"" + num(kHeight - 8) +
         "\" class=\"xlabel\">" + html_escape(chart.x_label) + "</text>\n";
  svg += "<text transform=\"translate(14 " + num(kTop + kPlotHeight / 2) +
         ") rotate(-90)\" class=\"ylabel\">" + html_escape(chart.y_label) + "</text>\n";

  for (std::size_t k = 0; k < chart.series.size(); ++k) {
    Series s = chart.series[k];
    std::sort(s.points.begin(), s.points.end());
    const std::string stroke = html_escape(s.color);
    std::string path;
    for (const auto& [x, y] : s.points) {
      if (x > 0 && y > 0) path += (path.empty() ? "" : " ") + num(px(x)) + "," + num(py(y));
    }
    svg += "<polyline points=\"" + path + "\" fill=\"none\" stroke=\"" + stroke +
           "\" stroke-width=\"2\"" + (s.dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>\n";
    for (const auto& [x, y] : s.points) {
      if (!(x > 0 && y > 0)) continue;
      svg += "<circle cx=\"" + num(px(x)) + "\" cy=\"" + num(py(y)) + "\" r=\"3\" fill=\"" +
             stroke + "\"><title>" + html_escape(s.label) + ", " + html_escape(chart.x_label) +
             " " + count_label(x) + ": " + html_escape(format_duration(y)) + "</title></circle>\n";
    }
    const double legend_y = kTop + 10 + 18 * static_cast<double>(k);
    const double legend_x = kLeft + kPlotWidth + 12;
    svg += "<line x1=\"" + num(legend_x) + "\" x2=\"" + num(legend_x + 22) + "\" y1=\"" +
           num(legend_y) + "\" y2=\"" + num(legend_y) + "\" stroke=\"" + stroke +
           "\" stroke-width=\"2\"" + (s.dashed ? " stroke-dasharray=\"6 4\"" : "") +
           "/>\n<text x=\"" + num(legend_x + 28) + "\" y=\"" + num(legend_y + 4) +
           "\" class=\"legend\">" + html_escape(s.label) + "</text>\n";
  }
  return svg + "</svg>\n";
}

std::string html_page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
         html_escape(title) +
         "</title>\n<style>\n"
         "body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}\n"
         "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}\n"
         "table{border-collapse:collapse;font-size:13px;margin:8px 0}\n"
         "th,td{border:1px solid #ccc;padding:3px 8px}th{background:#f3f3f3}\n"
         "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
         "tr.worse td{background:#fde2e1}tr.better td{background:#e2f5e4}\n"
         "tr.missing td,tr.new td,tr.not-comparable td{background:#fff6d6}\n"
         ".group{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}\n"
         "svg.chart{font-size:11px;background:#fff}\n"
         "svg .frame{fill:none;stroke:#999}svg .grid{stroke:#e4e4e4}\n"
         "svg .title{font-size:13px;font-weight:600}\n"
         "svg .xtick,svg .xlabel{text-anchor:middle}svg .ytick{text-anchor:end}\n"
         "svg .ylabel{text-anchor:middle}\n"
         "pre{background:#f6f6f6;padding:8px;overflow-x:auto}\n"
         "</style>\n</head>\n<body>\n" +
         body + "</body>\n</html>\n";
}

}  // namespace tripletcheck::report
