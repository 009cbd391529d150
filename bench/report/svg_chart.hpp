// Line charts on log-log axes as inline SVG, and the self-contained HTML page that holds them:
// no scripts, no fonts or styles from the network, so the page opens from a CI artifact.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tripletcheck::report {

struct Series {
  std::string label;
  std::vector<std::pair<double, double>> points;  // (x, y), both > 0; sorted by x when drawn
  std::string color;                              // CSS colour
  bool dashed = false;
};

struct LineChart {
  std::string title;
  std::string x_label;  // x is a count (the batch size): ticks at powers of two
  std::string y_label;  // y is a duration in seconds: ticks at decades, printed with units
  std::vector<Series> series;
};

std::string svg_line_chart(const LineChart& chart);

// A fixed palette, so that a backend keeps its colour across the charts of one page.
std::string palette_color(std::size_t index);

// `body` is HTML; the page adds the style sheet for tables and charts.
std::string html_page(const std::string& title, const std::string& body);

}  // namespace tripletcheck::report
