// Synthetic Google Benchmark JSON (format of 1.7.1) for the report tests: repetitions drawn
// around chosen medians with the noise of a busy machine, from a seeded generator.
#pragma once

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tripletcheck_test {

// The noise of one repetition: log-normal jitter (a few percent, as on a quiet core) and, now
// and then, interference from another process that slows the repetition by up to half.
struct Noise {
  double jitter_sigma = 0.05;
  double interference_probability = 0.1;
  double interference_max = 0.5;
};

inline nlohmann::json synthetic_context(const std::string& revision = "abc123") {
  return {{"date", "2026-11-28T12:00:00+00:00"},
          {"host_name", "ci-runner"},
          {"executable", "build/release/bench/tripletcheck_bench"},
          {"num_cpus", 2},
          {"mhz_per_cpu", 2596},
          {"cpu_scaling_enabled", false},
          {"caches",
           {{{"type", "Data"}, {"level", 1}, {"size", 32768}, {"num_sharing", 1}},
            {{"type", "Unified"}, {"level", 2}, {"size", 1048576}, {"num_sharing", 1}}}},
          {"load_avg", {1.5, 2.0, 2.5}},
          {"library_build_type", "release"},
          {"compiler", "GNU 12.2.0"},
          {"build_flags", "RelWithDebInfo: -O2 -g -DNDEBUG"},
          {"git_revision", revision}};
}

// One file: for each (name, median seconds), `repetitions` iteration entries scaled by
// `slowdown`, followed by the aggregates Google Benchmark writes (mean, median, stddev).
inline nlohmann::json synthetic_results(const std::vector<std::string>& names,
                                        const std::vector<double>& median_seconds, double slowdown,
                                        int repetitions, std::mt19937_64& rng,
                                        const Noise& noise = {},
                                        const nlohmann::json& context = synthetic_context()) {
  // A normal distribution needs a positive spread: a zero one means exact medians.
  std::normal_distribution<double> jitter(0.0, noise.jitter_sigma > 0 ? noise.jitter_sigma : 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  nlohmann::json benchmarks = nlohmann::json::array();
  for (std::size_t b = 0; b < names.size(); ++b) {
    const std::string run_name = names[b] + "/process_time/real_time";
    double sum = 0;
    std::vector<double> times;
    for (int r = 0; r < repetitions; ++r) {
      double t = median_seconds[b] * slowdown;
      if (noise.jitter_sigma > 0) t *= std::exp(jitter(rng));
      if (unit(rng) < noise.interference_probability) {
        t *= 1 + noise.interference_max * unit(rng);
      }
      const double ms = t * 1e3;
      times.push_back(ms);
      sum += ms;
      benchmarks.push_back({{"name", run_name},
                            {"run_name", run_name},
                            {"run_type", "iteration"},
                            {"repetitions", repetitions},
                            {"repetition_index", r},
                            {"threads", 1},
                            {"iterations", 100},
                            {"real_time", ms},
                            {"cpu_time", ms * 1.8},
                            {"time_unit", "ms"},
                            {"items_per_second", 1e6 / t},
                            {"peak_mem", 1048576.0}});
    }
    std::sort(times.begin(), times.end());
    const std::size_t n = times.size();
    const double median = n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    for (const auto& [aggregate, value] :
         {std::pair<const char*, double>{"mean", sum / static_cast<double>(n)},
          {"median", median},
          {"stddev", 0.0}}) {
      benchmarks.push_back({{"name", run_name + "_" + aggregate},
                            {"run_name", run_name},
                            {"run_type", "aggregate"},
                            {"repetitions", repetitions},
                            {"threads", 1},
                            {"aggregate_name", aggregate},
                            {"aggregate_unit", "time"},
                            {"iterations", repetitions},
                            {"real_time", value},
                            {"cpu_time", value * 1.8},
                            {"time_unit", "ms"}});
    }
  }
  return {{"context", context}, {"benchmarks", benchmarks}};
}

}  // namespace tripletcheck_test
