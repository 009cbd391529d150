// Reading Google Benchmark JSON: validation with messages that name the file, unit conversion,
// repetitions grouped by run name.
#include "bench/report/results.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "bench/report/statistics.hpp"
#include "tripletcheck/errors.hpp"

namespace tripletcheck::report {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& source, const std::string& problem) {
  throw InvalidArgument("benchmark results", source, problem);
}

double seconds_per_unit(const std::string& unit, const std::string& source,
                        const std::string& where) {
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1.0;
  bad(source, where + ": unknown time_unit \"" + unit + "\" (expected ns, us, ms or s)");
}

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

// "L1 Data 32 KiB (shared by 1), ...": one comparable line for the cache hierarchy.
std::string caches_text(const json& caches) {
  if (!caches.is_array()) return text_of(caches);
  std::ostringstream out;
  for (const json& c : caches) {
    if (!c.is_object()) return text_of(caches);
    if (out.tellp() > 0) out << ", ";
    const auto size = c.value("size", std::int64_t{0});
    out << "L" << c.value("level", 0) << " " << c.value("type", std::string("?")) << " "
        << size / 1024 << " KiB (shared by " << c.value("num_sharing", 0) << ")";
  }
  return out.str();
}

Context flatten_context(const json& context, const std::string& source) {
  Context out;
  if (context.is_null()) return out;
  if (!context.is_object()) bad(source, "\"context\" is not an object");
  for (const auto& [key, value] : context.items()) {
    out[key] = key == "caches" ? caches_text(value) : text_of(value);
  }
  return out;
}

// A required number of a benchmark entry, finite and not negative.
double number(const json& entry, const char* key, const std::string& source,
              const std::string& where) {
  const auto it = entry.find(key);
  if (it == entry.end()) bad(source, where + ": no \"" + key + "\"");
  if (!it->is_number()) bad(source, where + ": \"" + key + "\" is not a number");
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < 0) bad(source, where + ": \"" + key + "\" = " + it->dump());
  return v;
}

std::string string_field(const json& entry, const char* key, const std::string& source,
                         const std::string& where) {
  const auto it = entry.find(key);
  if (it == entry.end() || !it->is_string()) bad(source, where + ": no string \"" + key + "\"");
  return it->get<std::string>();
}

// Google Benchmark writes non-finite doubles as the bare words NaN and Infinity (as Python's json
// does, which compare.py reads), e.g. the peak_mem counter's coefficient of variation when
// every repetition measured 0. Strict JSON has no such words: they become null here.
std::string nonfinite_as_null(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (in_string) {
      out += c;
      if (c == '\\' && k + 1 < text.size()) {
        out += text[++k];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    const std::size_t word = c == '-' ? k + 1 : k;
    bool replaced = false;
    for (const std::string_view bare : {"NaN", "Infinity"}) {
      if (text.compare(word, bare.size(), bare) == 0) {
        out += "null";
        k = word + bare.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

}  // namespace

Benchmark::Benchmark() : median_aggregate_seconds(std::numeric_limits<double>::quiet_NaN()) {}

double Benchmark::seconds() const {
  return real_seconds.empty() ? median_aggregate_seconds : median(real_seconds);
}

const Benchmark* Results::find(const std::string& name) const {
  for (const Benchmark& b : benchmarks) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

void Results::merge(const Results& more) {
  sources.insert(sources.end(), more.sources.begin(), more.sources.end());
  warnings.insert(warnings.end(), more.warnings.begin(), more.warnings.end());
  for (const Benchmark& m : more.benchmarks) {
    auto it = std::find_if(benchmarks.begin(), benchmarks.end(),
                           [&](const Benchmark& b) { return b.name == m.name; });
    if (it == benchmarks.end()) {
      benchmarks.push_back(m);
      continue;
    }
    auto append = [](std::vector<double>& to, const std::vector<double>& from) {
      to.insert(to.end(), from.begin(), from.end());
    };
    append(it->real_seconds, m.real_seconds);
    append(it->cpu_seconds, m.cpu_seconds);
    append(it->items_per_second, m.items_per_second);
    append(it->peak_memory_bytes, m.peak_memory_bytes);
    if (std::isnan(it->median_aggregate_seconds)) {
      it->median_aggregate_seconds = m.median_aggregate_seconds;
    }
    if (it->error.empty()) it->error = m.error;
  }
}

Results parse_results(const json& document, const std::string& source) {
  if (!document.is_object()) bad(source, "not a JSON object");
  const auto list = document.find("benchmarks");
  if (list == document.end() || !list->is_array()) {
    bad(source, "no \"benchmarks\" array: not the output of --benchmark_out_format=json");
  }
  Results results;
  results.sources.push_back({source, flatten_context(document.value("context", json()), source)});
  std::map<std::string, std::size_t> index;
  for (std::size_t k = 0; k < list->size(); ++k) {
    const json& entry = (*list)[k];
    const std::string where = "benchmarks[" + std::to_string(k) + "]";
    if (!entry.is_object()) bad(source, where + " is not an object");
    // Files older than run_name (before 1.5) name repetitions by "name" alone.
    const std::string name = entry.contains("run_name")
                                 ? string_field(entry, "run_name", source, where)
                                 : string_field(entry, "name", source, where);
    auto [slot, added] = index.emplace(name, results.benchmarks.size());
    if (added) {
      results.benchmarks.emplace_back();
      results.benchmarks.back().name = name;
    }
    Benchmark& b = results.benchmarks[slot->second];
    if (entry.value("error_occurred", false)) {
      b.error = entry.value("error_message", std::string("the benchmark reported an error"));
      continue;
    }
    const double unit =
        seconds_per_unit(string_field(entry, "time_unit", source, where), source, where);
    const double real = number(entry, "real_time", source, where) * unit;
    if (entry.value("run_type", std::string("iteration")) == "aggregate") {
      // Means and spreads are derived from the repetitions, which are kept when present.
      if (entry.value("aggregate_name", std::string()) == "median") {
        b.median_aggregate_seconds = real;
      }
      continue;
    }
    b.real_seconds.push_back(real);
    b.cpu_seconds.push_back(number(entry, "cpu_time", source, where) * unit);
    // Counters are optional; null is a non-finite value (see nonfinite_as_null): not recorded.
    // One odd counter of one benchmark must not cost the whole report: it is left out, with a
    // warning, where a time that cannot be read is an error.
    auto counter = [&](const char* key, std::vector<double>& to) {
      const auto it = entry.find(key);
      if (it == entry.end() || it->is_null()) return;
      if (it->is_number() && std::isfinite(it->get<double>()) && it->get<double>() >= 0) {
        to.push_back(it->get<double>());
        return;
      }
      results.warnings.push_back(source + ": " + where + " (" + name + "): \"" + key +
                                 "\" = " + it->dump() + " cannot be right; shown as n/a");
    };
    counter("items_per_second", b.items_per_second);
    counter(kPeakMemoryCounter, b.peak_memory_bytes);
  }
  return results;
}

Results load_results(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    }
    if (files.empty()) bad(path, "a directory without *.json files");
    std::sort(files.begin(), files.end());
    Results merged = load_results(files.front());
    for (std::size_t k = 1; k < files.size(); ++k) merged.merge(load_results(files[k]));
    return merged;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) bad(path, "cannot read this file");
  std::ostringstream text;
  text << in.rdbuf();
  json document;
  try {
    document = json::parse(nonfinite_as_null(text.str()));
  } catch (const json::parse_error& e) {
    bad(path, std::string("not valid JSON: ") + e.what());
  }
  return parse_results(document, path);
}

}  // namespace tripletcheck::report
