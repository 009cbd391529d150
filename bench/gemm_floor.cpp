// The physical floor of a loss evaluation: the distances need X·Xᵀ and
// the backward pass at least one B×B by B×D product, so a fwdbwd pass cannot beat
// X·Xᵀ + M·X with dense M, and a fwd pass cannot beat X·Xᵀ. Eigen's GEMM, float32, rows split
// over the hardware threads like the eigen backend (one thread below its parallel threshold).
#include <Eigen/Core>
#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/grid.hpp"

namespace tripletcheck::bench {
namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// As the eigen backend's kMinParallelBatch: below it a thread start costs more than it saves.
constexpr std::int64_t kMinParallelBatch = 192;

int floor_threads(std::int64_t b) {
  return b >= kMinParallelBatch ? std::max(1, static_cast<int>(std::thread::hardware_concurrency()))
                                : 1;
}

// out = a·b, the rows of `out` split evenly over `threads` threads.
template <class Lhs, class Rhs>
void parallel_product(const Lhs& a, const Rhs& b, Matrix& out, int threads) {
  const auto rows = out.rows();
  auto part = [&](int t) {
    const auto first = rows * t / threads;
    const auto last = rows * (t + 1) / threads;
    out.middleRows(first, last - first).noalias() = a.middleRows(first, last - first) * b;
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(part, t);
  part(0);
  for (auto& thread : pool) thread.join();
}

void run_floor(benchmark::State& state, bool backward, std::int64_t b, std::int64_t d) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(b * 31 + d));
  std::normal_distribution<float> normal;
  Matrix x(b, d);
  for (Eigen::Index k = 0; k < x.size(); ++k) x.data()[k] = normal(rng);
  Matrix m;
  if (backward) {
    m.resize(b, b);
    for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = normal(rng);
  }
  const int threads = floor_threads(b);
  const PeakMemory peak;
  for (auto _ : state) {
    Matrix gram(b, b);
    parallel_product(x, x.transpose(), gram, threads);
    benchmark::DoNotOptimize(gram.data());
    if (backward) {
      Matrix product(b, d);
      parallel_product(m, x, product, threads);
      benchmark::DoNotOptimize(product.data());
    }
  }
  set_counters(state, b, peak);
}

}  // namespace

void register_gemm_floor() {
  for (const bool backward : {false, true}) {
    for (const std::int64_t b : kBatches) {
      for (const std::int64_t d : kDims) {
        for (const std::int64_t k : kSamplesPerClass) {  // K does not matter: same figure
          const std::string name = std::string("gemm_floor/") +
                                   (backward ? "xxt_mx/fwdbwd/" : "xxt/fwd/") + shape_name(b, d, k);
          benchmark::RegisterBenchmark(name.c_str(), run_floor, backward, b, d)
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime()
              ->MeasureProcessCPUTime();
        }
      }
    }
  }
}

}  // namespace tripletcheck::bench
