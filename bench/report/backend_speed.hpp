// The backend speed comparison of `tripletcheck bench-report`: per (loss, metric, pass, D, K),
// every backend's time by batch size, its ratio to the syrk floor (the full GEMM beside it), its
// speed-up over a chosen backend (torch-tfa by default) and its peak memory, as Markdown and as
// an HTML page of charts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/report/results.hpp"

namespace tripletcheck::report {

inline constexpr const char kDefaultVersusBackend[] = "torch-tfa";

struct SpeedRow {
  std::string backend;
  std::int64_t batch = 0;
  double seconds;  // median wall time of one evaluation
  int repetitions = 0;
  double floor_ratio;        // seconds over the syrk floor's (same loss, pass, B, D, K); NaN: none
  double speedup;            // the versus backend's seconds over these; NaN: not measured
  // seconds over the same backend's at the next smaller B, divided by (B / that B)²; NaN: first
  double growth_over_pairs;
  double peak_memory_bytes;  // largest over the repetitions; NaN: not recorded
  double items_per_second;   // median; NaN: not recorded
  SpeedRow();
};

struct SpeedGroup {
  std::string loss, metric, pass;
  std::int64_t dim = 0, samples_per_class = 0;
  std::vector<SpeedRow> rows;  // by batch size, then backend; the floors' rows last
  std::string title() const;   // "semihard · L2 · fwdbwd · D=128 · K=4"
};

struct SpeedComparison {
  std::string versus;
  bool versus_present = false;        // the versus backend appears anywhere in the results
  std::vector<std::string> backends;  // loss backends, sorted; the floors not included
  std::vector<SpeedGroup> groups;
  std::vector<std::string> other_names;  // benchmarks outside the grid's naming, listed as such
  // Benchmarks that skipped themselves ("name: reason"), e.g. torch-tfa past its memory cap.
  std::vector<std::string> skipped;
};

SpeedComparison compare_backends(const Results& results, const std::string& versus);

std::string speed_markdown(const SpeedComparison& comparison, const Results& results);
std::string speed_html(const SpeedComparison& comparison, const Results& results);

}  // namespace tripletcheck::report
