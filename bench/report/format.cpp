// Formatting of report numbers and the Markdown / HTML rendering of tables.
#include "bench/report/format.hpp"

#include <cmath>
#include <cstdio>

namespace tripletcheck::report {
namespace {

const char kNone[] = "—";

// Three significant digits, so columns of times read alike from nanoseconds to seconds.
std::string significant(double value) {
  char buffer[32];
  const double magnitude = std::fabs(value);
  const int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string scaled(double value, const char* const units[], int count, double step) {
  int k = 0;
  while (k + 1 < count && std::fabs(value) >= step * 0.9995) {
    value /= step;
    ++k;
  }
  return significant(value) + " " + units[k];
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::string format_fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string format_short(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

std::string format_duration(double seconds) {
  if (std::isnan(seconds)) return kNone;
  static const char* const units[] = {"ns", "µs", "ms", "s"};
  return scaled(seconds * 1e9, units, 4, 1000);
}

std::string format_bytes(double bytes) {
  if (std::isnan(bytes)) return "n/a";  // not measured, or left out as impossible (a warning)
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return format_fixed(bytes, 0) + " B";
  return scaled(bytes, units, 5, 1024);
}

std::string format_rate(double per_second) {
  if (std::isnan(per_second)) return kNone;
  static const char* const units[] = {"/s", "k/s", "M/s", "G/s", "T/s"};
  std::string text = scaled(per_second, units, 5, 1000);
  return text.replace(text.find(' '), 1, "");
}

std::string format_factor(double ratio) {
  if (std::isnan(ratio)) return "n/a";
  return significant(ratio) + "×";
}

std::string format_change(double ratio) {
  if (std::isnan(ratio)) return kNone;
  const double percent = (ratio - 1) * 100;
  return (percent >= 0 ? "+" : "") + format_fixed(percent, 1) + "%";
}

std::string format_p_value(double p) {
  if (std::isnan(p)) return kNone;
  if (p < 1e-4) return "<0.0001";
  return format_fixed(p, 4);
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string markdown_table(const Table& table) {
  std::string out = "|";
  for (const std::string& h : table.header) out += " " + markdown_cell(h) + " |";
  out += "\n|";
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    const bool right = c < table.right_aligned.size() && table.right_aligned[c];
    out += right ? "---:|" : "---|";
  }
  out += "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (const std::string& cell : row) out += " " + markdown_cell(cell) + " |";
    out += "\n";
  }
  return out;
}

std::string html_table(const Table& table) {
  auto align = [&](std::size_t c) {
    return c < table.right_aligned.size() && table.right_aligned[c] ? " class=\"num\"" : "";
  };
  std::string out = "<table>\n<thead><tr>";
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    out += std::string("<th") + align(c) + ">" + html_escape(table.header[c]) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const bool has_class = r < table.row_classes.size() && !table.row_classes[r].empty();
    out += has_class ? "<tr class=\"" + html_escape(table.row_classes[r]) + "\">" : "<tr>";
    for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
      out += std::string("<td") + align(c) + ">" + html_escape(table.rows[r][c]) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

}  // namespace tripletcheck::report
