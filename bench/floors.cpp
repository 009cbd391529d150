// The floors a loss evaluation is measured against, float32, on the eigen backend's own kernels
// and threads (optimized/eigen), so that a ratio to a floor is the cost of everything else the
// backend does (the element-wise passes, mining, the gradient's epilogue):
//  * syrk_floor/<loss>/fwd: the B(B+1)/2 dot products of X·Xᵀ, as the backend computes them (row
//    tile I against columns [0, end of I), one Eigen GEMM per tile): what any exact forward pass
//    needs, since D is symmetric.
//  * syrk_floor/<loss>/fwdbwd: the same plus the backward's sparse product M·X over the nonzeros
//    a loss of that kind routes (hard: a positive and a negative per anchor; semi-hard: each
//    positive pair and its negative), M = W + Wᵀ. The same for fwd under both loss names.
//  * gemm_floor/xxt/fwd and gemm_floor/xxt_mx/fwdbwd: the full X·Xᵀ (and a dense B×B by B×D
//    product): a reference line, what a backend that ignores the symmetry and the sparsity pays.
#include <Eigen/Core>
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "bench/grid.hpp"
#include "optimized/eigen/backward.hpp"
#include "optimized/eigen/threading.hpp"
#include "optimized/eigen/types.hpp"
#include "optimized/eigen/weight_matrix.hpp"
#include "tripletcheck/options.hpp"

namespace tripletcheck::bench {
namespace {

using eigen::Index;
using Matrix = eigen::RowMatrix<float>;

eigen::Parallelism floor_parallelism(Index b) {
  // Threaded as the eigen backend is (one thread below its parallel threshold).
  return {b >= eigen::kMinParallelBatch ? eigen::hardware_threads() : 1, false};
}

Matrix normal_matrix(Index rows, Index cols, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  Matrix m(rows, cols);
  for (Index k = 0; k < m.size(); ++k) m.data()[k] = normal(rng);
  return m;
}

// The lower triangle of X·Xᵀ (diagonal tiles whole) into `gram`, tile by tile and chunk by chunk
// as in optimized/eigen/distances.cpp, largest tiles first.
void lower_gram(const Matrix& x, Matrix& gram, const eigen::Parallelism& how) {
  const Index b = x.rows();
  const Index tiles = eigen::tile_count(b);
  eigen::parallel_for(how, tiles, [&](Index t) {
    const Index i0 = (tiles - 1 - t) * eigen::kTile;
    const Index rows = std::min(eigen::kTile, b - i0);
    for (Index c0 = 0; c0 < i0 + rows; c0 += eigen::kChunk) {  // the same GEMM chunks
      const Index width = std::min(c0 + eigen::kChunk, i0 + rows) - c0;
      eigen::BlockMap<float> block(gram.data() + i0 * b + c0, rows, width, Eigen::OuterStride<>(b));
      block.noalias() = x.middleRows(i0, rows) * x.middleRows(c0, width).transpose();
    }
  });
}

// W with `per_row` nonzeros in every row at distinct random columns other than the row, the
// count a loss routes per anchor on tie-free inputs with K samples per class.
eigen::SparseRows<float> random_weights(Index b, Index per_row, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<Index> column(0, b - 1);
  eigen::SparseRows<float> w;
  w.start.push_back(0);
  for (Index i = 0; i < b; ++i) {
    std::vector<std::int32_t> cols;
    while (static_cast<Index>(cols.size()) < std::min(per_row, b - 1)) {
      const Index c = column(rng);
      if (c != i && std::find(cols.begin(), cols.end(), c) == cols.end()) {
        cols.push_back(static_cast<std::int32_t>(c));
      }
    }
    for (const std::int32_t c : cols) {
      w.col.push_back(c);
      w.value.push_back(1.0F / static_cast<float>(b));
    }
    w.start.push_back(static_cast<Index>(w.col.size()));
  }
  return w;
}

// Nonzeros per anchor row of W: hard routes to one positive and one negative; semi-hard to each
// of the K − 1 positives and its negative.
Index weights_per_row(Loss loss, Index k) { return loss == Loss::kHard ? 2 : 2 * (k - 1); }

void run_syrk_floor(benchmark::State& state, Loss loss, bool backward, Index b, Index d, Index k) {
  const Matrix x = normal_matrix(b, d, static_cast<std::uint64_t>(b * 31 + d));
  const eigen::Parallelism how = floor_parallelism(b);
  eigen::SparseRows<float> w, w_transposed;
  if (backward) {
    w = random_weights(b, weights_per_row(loss, k), static_cast<std::uint64_t>(b * 17 + k));
    w_transposed = eigen::transpose(w, b);
  }
  const eigen::ConstRowMap<float> source(x.data(), b, d);
  const PeakMemory peak;
  // Outputs allocated once: a floor pays for the arithmetic and the stores, not for the kernel
  // mapping fresh pages (which a caller reusing its buffers would not pay either).
  Matrix gram(b, b);
  Matrix product(backward ? b : 0, d);
  std::vector<float> row_sum(static_cast<std::size_t>(b));
  for (auto _ : state) {
    lower_gram(x, gram, how);
    benchmark::DoNotOptimize(gram.data());
    if (backward) {
      eigen::sparse_product(w, w_transposed, source, product.data(), row_sum.data(), how);
      benchmark::DoNotOptimize(product.data());
    }
  }
  set_counters(state, b, peak);
}

// out = a·b, the rows of `out` split evenly over the threads.
template <class Lhs, class Rhs>
void parallel_product(const Lhs& a, const Rhs& b, Matrix& out, const eigen::Parallelism& how) {
  const Index rows = out.rows();
  const Index parts = how.threads;
  eigen::parallel_for(how, parts, [&](Index t) {
    const Index first = rows * t / parts;
    const Index last = rows * (t + 1) / parts;
    out.middleRows(first, last - first).noalias() = a.middleRows(first, last - first) * b;
  });
}

void run_gemm_floor(benchmark::State& state, bool backward, Index b, Index d) {
  const Matrix x = normal_matrix(b, d, static_cast<std::uint64_t>(b * 31 + d));
  Matrix m;
  if (backward) m = normal_matrix(b, b, static_cast<std::uint64_t>(b * 31 + d + 1));
  const eigen::Parallelism how = floor_parallelism(b);
  const PeakMemory peak;
  Matrix gram(b, b);  // allocated once, as in the syrk floor
  Matrix product(backward ? b : 0, d);
  for (auto _ : state) {
    parallel_product(x, x.transpose(), gram, how);
    benchmark::DoNotOptimize(gram.data());
    if (backward) {
      parallel_product(m, x, product, how);
      benchmark::DoNotOptimize(product.data());
    }
  }
  set_counters(state, b, peak);
}

template <class... Args>
void add(const std::string& name, Args&&... args) {
  benchmark::RegisterBenchmark(name.c_str(), std::forward<Args>(args)...)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->MeasureProcessCPUTime();
}

}  // namespace

void register_floors() {
  for (const bool backward : {false, true}) {
    const std::string pass = backward ? "/fwdbwd/" : "/fwd/";
    for (const std::int64_t b : kBatches) {
      for (const std::int64_t d : kDims) {
        for (const std::int64_t k : kSamplesPerClass) {
          for (const Loss loss : {Loss::kSemiHard, Loss::kHard}) {
            add(std::string(kSyrkFloor) + "/" + to_string(loss) + pass + shape_name(b, d, k),
                run_syrk_floor, loss, backward, b, d, k);
          }
          // The full products do not depend on K: the same figure under every K.
          add(std::string(kGemmFloor) + (backward ? "/xxt_mx" : "/xxt") + pass +
                  shape_name(b, d, k),
              run_gemm_floor, backward, b, d);
        }
      }
    }
  }
}

}  // namespace tripletcheck::bench
