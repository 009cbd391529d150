// tripletcheck_bench: registers the families, records what ran (Eigen version, SIMD, threads,
// how memory is measured) in the benchmark context, and hands over to Google Benchmark.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <string>
#include <thread>

#include "bench/grid.hpp"
#include "bench/peak_memory.hpp"
#include "bench/report/build_context.hpp"
#include "optimized/eigen/simd.hpp"
#ifdef TRIPLETCHECK_HAVE_TORCH
#include "optimized/torch/torch_proxies.hpp"
#endif

int main(int argc, char** argv) {
  using namespace tripletcheck::bench;
  namespace eigen = tripletcheck::eigen;
  register_loss_benchmarks();
  register_floors();

  benchmark::AddCustomContext(
      "gemm", "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
                  std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION) +
                  " built-in GEMM (no external BLAS), SIMD: " + eigen::simd_in_use());
  benchmark::AddCustomContext(
      "threads", std::to_string(std::thread::hardware_concurrency()) +
                     " (std::threads over fixed row tiles; 1 below B = 192; no OpenMP)");
  benchmark::AddCustomContext("peak_mem",
                              "growth of VmHWM after malloc_trim(0) and /proc/self/clear_refs=5; "
                              "glibc's default allocator");
  benchmark::AddCustomContext("items", "B² pairs per evaluation");
#ifdef TRIPLETCHECK_HAVE_TORCH
  // LibTorch multiplies through whichever libblas.so.3 the system provides (about 40x apart).
  benchmark::AddCustomContext("torch", tripletcheck::torch_runtime_summary());
#endif
  add_build_context();  // compiler, flags, git revision, CPU: checked by tripletcheck compare

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
