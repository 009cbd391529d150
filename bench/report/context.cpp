// The context keys and how each is judged (see context.hpp).
#include "bench/report/context.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "tripletcheck/errors.hpp"

namespace tripletcheck::report {
namespace {

// Keys expected to differ between two runs worth comparing: when and where the run happened and
// the revision being measured (bench/report/build_context.hpp).
const std::set<std::string>& run_specific_keys() {
  static const std::set<std::string> keys = {"date",      "executable",   "load_avg",
                                             "host_name", "git_revision", "json_schema_version"};
  return keys;
}

// Google Benchmark reads the clock from /proc/cpuinfo when no cpufreq is exposed (virtual
// machines), and the figure there moves by a few MHz between runs of the same machine.
constexpr double kMhzTolerance = 0.02;

bool same_value(const std::string& key, const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (key != "mhz_per_cpu") return false;
  char* end_a = nullptr;
  char* end_b = nullptr;
  const double x = std::strtod(a.c_str(), &end_a), y = std::strtod(b.c_str(), &end_b);
  if (*end_a != '\0' || *end_b != '\0' || !(x > 0) || !(y > 0)) return false;
  return std::fabs(x - y) <= kMhzTolerance * std::max(x, y);
}

}  // namespace

std::vector<ContextDifference> compare_contexts(const Context& baseline, const Context& contender) {
  static const std::string kAbsent = "(absent)";
  std::set<std::string> keys;
  for (const auto& [key, value] : baseline) keys.insert(key);
  for (const auto& [key, value] : contender) keys.insert(key);
  std::vector<ContextDifference> out;
  for (const std::string& key : keys) {
    const auto a = baseline.find(key), b = contender.find(key);
    const bool in_a = a != baseline.end(), in_b = b != contender.end();
    if (in_a && in_b && same_value(key, a->second, b->second)) continue;
    ContextDifference d;
    d.key = key;
    d.baseline = in_a ? a->second : kAbsent;
    d.contender = in_b ? b->second : kAbsent;
    // A key only one side records (a revision from before it was added) cannot be checked: it
    // is shown, but does not block an A/B run against an older revision.
    d.blocks_comparison = in_a && in_b && run_specific_keys().count(key) == 0;
    out.push_back(d);
  }
  return out;
}

Context side_context(const Results& side) {
  if (side.sources.empty()) return {};
  const Source& first = side.sources.front();
  for (std::size_t k = 1; k < side.sources.size(); ++k) {
    for (const ContextDifference& d : compare_contexts(first.context, side.sources[k].context)) {
      if (d.blocks_comparison) {
        throw InvalidArgument("benchmark results", side.sources[k].path,
                              "its context differs from " + first.path + "'s in \"" + d.key +
                                  "\" (" + d.contender + " vs " + d.baseline +
                                  "): the files of one side must come from one build");
      }
    }
  }
  return first.context;
}

std::string describe_context(const Context& context) {
  auto get = [&](const char* key) {
    const auto it = context.find(key);
    return it == context.end() ? std::string() : it->second;
  };
  std::string out;
  auto add = [&](const std::string& part) {
    if (!part.empty()) out += (out.empty() ? "" : ", ") + part;
  };
  add(get("cpu_model"));
  if (!get("num_cpus").empty()) add(get("num_cpus") + " CPUs × " + get("mhz_per_cpu") + " MHz");
  add(get("host_name").empty() ? "" : "host " + get("host_name"));
  add(get("compiler"));
  add(get("build_flags").empty() ? "" : "flags " + get("build_flags"));
  add(get("library_build_type").empty() ? "" : "benchmark library " + get("library_build_type"));
  add(get("git_revision").empty() ? "" : "revision " + get("git_revision"));
  add(get("date"));
  return out.empty() ? "no context recorded" : out;
}

}  // namespace tripletcheck::report
