// The benchmark grid and naming shared by every family, so that names differ only in the
// backend part: backend/loss/metric/pass/B:…/D:…/K:… (filter slices with --benchmark_filter).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "bench/peak_memory.hpp"
#include "bench/report/names.hpp"

namespace tripletcheck::bench {

// 16384: the memory column and the B² growth at a size where D (B×B) no longer fits in cache.
constexpr std::int64_t kBatches[] = {32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};
constexpr std::int64_t kDims[] = {32, 128, 512};
constexpr std::int64_t kSamplesPerClass[] = {2, 4, 8};
// The reference is O(B³) loops: past this it takes seconds per call.
constexpr std::int64_t kReferenceMaxBatch = 256;

inline std::string shape_name(std::int64_t b, std::int64_t d, std::int64_t k) {
  return "B:" + std::to_string(b) + "/D:" + std::to_string(d) + "/K:" + std::to_string(k);
}

// Items are the B² (anchor, other) pairs a pass touches; peak memory as measured by PeakMemory,
// left out where /proc cannot tell it (the report then shows "n/a").
inline void set_counters(benchmark::State& state, std::int64_t b, const PeakMemory& peak) {
  state.SetItemsProcessed(state.iterations() * b * b);
  const std::int64_t growth = peak.growth_bytes();
  if (growth < 0) return;
  state.counters["peak_mem"] =
      benchmark::Counter(static_cast<double>(growth), benchmark::Counter::kDefaults,
                         benchmark::Counter::OneK::kIs1024);
}

// The floors' "backend" segments, as bench-report reads them.
inline constexpr const char* kSyrkFloor = report::kSyrkFloorBackend;
inline constexpr const char* kGemmFloor = report::kGemmFloorBackend;

void register_loss_benchmarks();
void register_floors();  // floors.cpp

}  // namespace tripletcheck::bench
