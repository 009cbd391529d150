// Adds the build's identity to a benchmark binary's JSON context: compiler, flags, Google
// Benchmark's version, git revision (bench/report/build_context.cmake) and the CPU model, which
// Google Benchmark 1.7 does not record. `tripletcheck compare` checks them before comparing.
#pragma once

#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "build_context_values.hpp"

namespace tripletcheck::bench {

inline std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      const auto start = line.find_first_not_of(" \t", line.find(':') + 1);
      if (start != std::string::npos) return line.substr(start);
    }
  }
  return "unknown";
}

inline void add_build_context() {
  benchmark::AddCustomContext("compiler", TRIPLETCHECK_BUILD_COMPILER);
  benchmark::AddCustomContext("build_flags", TRIPLETCHECK_BUILD_FLAGS);
  benchmark::AddCustomContext(
      "benchmark_library", std::string("Google Benchmark ") + TRIPLETCHECK_BUILD_BENCHMARK_VERSION);
  benchmark::AddCustomContext("git_revision", TRIPLETCHECK_BUILD_GIT_REVISION);
  benchmark::AddCustomContext("cpu_model", cpu_model());
}

}  // namespace tripletcheck::bench
