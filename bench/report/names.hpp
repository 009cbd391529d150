// The benchmark naming of bench/grid.hpp, parsed: backend/loss/metric/pass/B:…/D:…/K:… for the
// losses, syrk_floor/<loss>/pass/B:…/D:…/K:… and gemm_floor/<product>/pass/B:…/D:…/K:… for the
// floors (bench/floors.cpp), plus the suffixes Google Benchmark appends (/process_time,
// /real_time, /threads:N …), which are dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tripletcheck::report {

// The floor a backend's time is divided by: the symmetric half of X·Xᵀ (+ the sparse backward).
inline constexpr const char kSyrkFloorBackend[] = "syrk_floor";
// The full X·Xᵀ (+ a dense M·X): a reference line beside the floor.
inline constexpr const char kGemmFloorBackend[] = "gemm_floor";

struct BenchmarkName {
  std::string backend;
  std::string loss;    // syrk_floor: the loss; gemm_floor: the product ("xxt", "xxt_mx")
  std::string metric;  // empty for the floors
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
