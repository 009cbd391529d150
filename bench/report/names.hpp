// The benchmark naming of bench/grid.hpp, parsed: backend/loss/metric/pass/B:…/D:…/K:… for the
// losses and gemm_floor/<product>/pass/B:…/D:…/K:… for the floor, plus the suffixes Google
// Benchmark appends (/process_time, /real_time, /threads:N …), which are dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tripletcheck::report {

inline constexpr const char kGemmFloorBackend[] = "gemm_floor";

struct BenchmarkName {
  std::string backend;
  std::string loss;    // for gemm_floor: the product ("xxt", "xxt_mx")
  std::string metric;  // empty for gemm_floor
  std::string pass;    // "fwd" or "fwdbwd"
  std::int64_t batch = 0;
  std::int64_t dim = 0;
  std::int64_t samples_per_class = 0;
};

// nullopt for a name outside the grid's scheme (such benchmarks still compare by full name).
std::optional<BenchmarkName> parse_name(const std::string& run_name);

// The name without Google Benchmark's suffixes, for tables ("…/K:4/process_time/real_time"
// becomes "…/K:4").
std::string display_name(const std::string& run_name);

}  // namespace tripletcheck::report
