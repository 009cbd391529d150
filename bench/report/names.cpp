// Parsing benchmark names of the grid (bench/grid.hpp) into their parts.
#include "bench/report/names.hpp"

#include <vector>

namespace tripletcheck::report {
namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find(separator, start)) != std::string::npos; start = end + 1) {
    parts.push_back(text.substr(start, end - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// A segment Google Benchmark adds for the run's settings rather than the user's name.
bool is_library_suffix(const std::string& segment) {
  if (segment == "real_time" || segment == "process_time" || segment == "manual_time") {
    return true;
  }
  for (const char* prefix :
       {"threads:", "repeats:", "iterations:", "min_time:", "min_warmup_time:"}) {
    if (starts_with(segment, prefix)) return true;
  }
  return false;
}

std::vector<std::string> user_segments(const std::string& run_name) {
  std::vector<std::string> parts = split(run_name, '/');
  while (parts.size() > 1 && is_library_suffix(parts.back())) parts.pop_back();
  return parts;
}

// "B:128" with key "B" gives 128; nullopt for anything else, including "B:12x" and "B:-1".
std::optional<std::int64_t> shape_value(const std::string& segment, const std::string& key) {
  const std::string prefix = key + ":";
  if (!starts_with(segment, prefix) || segment.size() == prefix.size()) return std::nullopt;
  std::int64_t value = 0;
  for (std::size_t k = prefix.size(); k < segment.size(); ++k) {
    const char c = segment[k];
    if (c < '0' || c > '9' || value > (INT64_MAX - 9) / 10) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<BenchmarkName> parse_name(const std::string& run_name) {
  const std::vector<std::string> parts = user_segments(run_name);
  // backend, 1 or 2 variant segments, pass, B, D, K.
  if (parts.size() != 6 && parts.size() != 7) return std::nullopt;
  const std::size_t n = parts.size();
  const auto batch = shape_value(parts[n - 3], "B");
  const auto dim = shape_value(parts[n - 2], "D");
  const auto k = shape_value(parts[n - 1], "K");
  if (!batch || !dim || !k || parts[0].empty() || parts[n - 4].empty()) return std::nullopt;
  BenchmarkName name;
  name.backend = parts[0];
  name.loss = parts[1];
  name.metric = n == 7 ? parts[2] : "";
  name.pass = parts[n - 4];
  name.batch = *batch;
  name.dim = *dim;
  name.samples_per_class = *k;
  return name;
}

std::string display_name(const std::string& run_name) {
  std::string out;
  for (const std::string& part : user_segments(run_name)) out += (out.empty() ? "" : "/") + part;
  return out;
}

}  // namespace tripletcheck::report
