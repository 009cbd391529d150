// Google Benchmark results (the JSON of --benchmark_out, format of 1.7) read into one record per
// benchmark with every repetition kept. The one reader behind `bench-report` and `compare`.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace tripletcheck::report {

// The counter bench/grid.hpp sets for the growth of the resident set, in bytes.
inline constexpr const char kPeakMemoryCounter[] = "peak_mem";

// The run's "context" object flattened to text: caches and load averages become one line each.
using Context = std::map<std::string, std::string>;

struct Benchmark {
  std::string name;                  // run_name: without the aggregate suffix (_mean, ...)
  std::vector<double> real_seconds;  // wall time per repetition (run_type "iteration")
  std::vector<double> cpu_seconds;   // CPU time per repetition
  double median_aggregate_seconds;   // the "median" aggregate, NaN when absent
  std::vector<double> items_per_second;
  std::vector<double> peak_memory_bytes;
  std::string error;  // error_message of a repetition that failed, if any

  Benchmark();
  // The figure reports use: the median of the repetitions' wall times, else the median
  // aggregate (files written with --benchmark_report_aggregates_only), else NaN.
  double seconds() const;
  int repetitions() const { return static_cast<int>(real_seconds.size()); }
};

struct Source {
  std::string path;
  Context context;
};

struct Results {
  std::vector<Source> sources;
  std::vector<Benchmark> benchmarks;  // in the order of first appearance
  // Values left out because they cannot be right (a negative or non-finite counter), one line
  // each naming the file, the entry and the value: the report shows them and "n/a" in its cell.
  std::vector<std::string> warnings;

  const Benchmark* find(const std::string& name) const;
  // Appends `more`'s repetitions to the benchmarks of the same name, adds the new ones.
  void merge(const Results& more);
};

// Throws InvalidArgument naming `source` and what is wrong with the document.
Results parse_results(const nlohmann::json& document, const std::string& source);
// A JSON file, or a directory whose *.json files (sorted by name) are merged: the form in which
// ci/bench-ab leaves the interleaved runs of one side.
Results load_results(const std::string& path);

}  // namespace tripletcheck::report
