// Numbers and text as the reports print them, and one table type rendered both as Markdown (pull
// requests, stdout) and as HTML (the chart page), so each table is built once.
#pragma once

#include <string>
#include <vector>

namespace tripletcheck::report {

std::string format_duration(double seconds);  // "1.23 ms", three significant digits; "—" if NaN
std::string format_bytes(double bytes);       // "1.5 MiB"; "—" if NaN
std::string format_rate(double per_second);   // "1.23 G/s"; "—" if NaN
std::string format_factor(double ratio);      // "1.23×"; "n/a" if NaN
std::string format_change(double ratio);      // "+23.0%" for a ratio of 1.23; "—" if NaN
std::string format_p_value(double p);         // "0.0012"; "—" if NaN
std::string format_fixed(double value, int decimals);
std::string format_short(double value);  // shortest form: 0.05, 1e-06

// Escapes & < > " ' for HTML text, attributes and XML (JUnit): the one markup escape of the
// reports, shared by `bench-report`, `compare` and `conform`.
std::string html_escape(const std::string& text);

struct Table {
  std::vector<std::string> header;
  std::vector<bool> right_aligned;  // per column; numbers are right-aligned
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row_classes;  // optional CSS class per row (HTML only)
};

std::string markdown_table(const Table& table);
std::string html_table(const Table& table);

}  // namespace tripletcheck::report
