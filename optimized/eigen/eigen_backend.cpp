// The eigen backend's pipeline: classes → distances (GEMMs of X·Xᵀ) → mining (loss and
// W = dLoss/dD, already through the metric's element-wise backward) → M·X (sparse or GEMM) →
// dLoss/dX. While the B×B matrix is small it is held whole and each row tile is mined as soon as
// its rows are final; else it is computed and mined a block of rows at a time, or mined from the
// GEMM's tiles (the same bits every way). Chooses the metric, the weight form and the
// blocking once per call; the loops have no such branches.
#include "optimized/eigen/eigen_backend.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <type_traits>

#include "optimized/eigen/backward.hpp"
#include "optimized/eigen/classes.hpp"
#include "optimized/eigen/distances.hpp"
#include "optimized/eigen/mining.hpp"
#include "optimized/eigen/simd.hpp"
#include "optimized/eigen/threading.hpp"
#include "optimized/eigen/tile_mining.hpp"
#include "optimized/eigen/types.hpp"
#include "optimized/eigen/weight_matrix.hpp"

namespace tripletcheck {
namespace {

using eigen::Classes;
using eigen::ConstRowMap;
using eigen::Index;
using eigen::Parallelism;
using eigen::RowMatrix;
using eigen::WeightScaling;
using eigen::WeightSink;

// Per nonzero of M the sparse product does D multiply-adds on one row of X, about what the GEMM
// spends per entry of M (and the dense path also rewrites and symmetrizes B² entries); the
// factor leaves room for the sparse product's irregular access. It wins while
// nnz(M) · kSparseCost < B² (measured at B = 2048, D = 128: faster up to K ≈ 256 per class).
constexpr double kSparseCost = 2.0;

// Up to this size the whole distance matrix is held (B = 2048 in float32): half the GEMM work of
// blocks of rows, which compute their upper part again. Beyond, blocks of kBlockRows rows (fewer
// where a block would pass kRowBlockBytes), so memory grows as B·(D + block), not B²: B = 65536
// holds 192 MiB of rows. Blocks stay in cache where the whole matrix streams through memory, and
// that outweighs the doubled GEMM from B = 2048 on. Measured (semi-hard fwd+bwd, float32, D = 128,
// K = 4, 2 threads; whole / blocks of 384 / 768 / 1536 rows): B = 1024 5.4 / 7.9 / 5.9 / - ms;
// 2048 21.6 / 21.9 / 19.6 / 20.7 ms; 4096 135 / - / 76 / - ms; 8192 379 / 297 / 275 / 305 ms;
// 16384 1734 / - / 1338 / 1455 ms. (Batches that tile mining takes, below, use blocks only for
// the few anchors it leaves: no row of D is held for the others.)
constexpr double kWholeMatrixBytes = 16.0 * 1024 * 1024;
constexpr Index kBlockRows = 2 * eigen::kChunk;
constexpr double kRowBlockBytes = 256.0 * 1024 * 1024;

// Beyond kWholeMatrixBytes, batches of small classes are mined from the GEMM's tiles
// (tile_mining.hpp): each pair's dot product once, no row of D held, no mirror image. Below, the
// whole matrix, mined row tile by row tile as it becomes final, is faster: its row scans are cheap
// per entry, and the tiles' per-pass set-up and early updates (an anchor's first chunks move its
// extremes often) weigh more in a small batch. Side by side (fwd+bwd, float32, D = 128, K = 4,
// 2 threads, whole matrix / tiles, fastest of 150-300 calls, 3 rounds): B = 1024 hard 1.24 /
// 1.47 ms, semi-hard 1.45 / 1.77 ms; B = 1536 hard 2.44–2.55 / 2.62–2.68 ms, semi-hard 2.79–2.86 /
// 3.05–3.12 ms; B = 2048 hard 4.21–4.23 / 4.17–4.24 ms, semi-hard 4.61–4.72 / 4.73–4.83 ms.

// Rows of D held at once: the whole batch, or a multiple of kChunk (distance_rows' and the
// miners' alignment). Depends on B, T and the backend's setting alone, never on the threads.
template <class T>
Index rows_per_block(Index b, Index requested) {
  const auto row_bytes = static_cast<double>(b) * static_cast<double>(sizeof(T));
  if (requested <= 0 && row_bytes * static_cast<double>(b) <= kWholeMatrixBytes) return b;
  const Index rows = requested > 0
                         ? (requested + eigen::kChunk - 1) / eigen::kChunk * eigen::kChunk
                         : std::min(kBlockRows, static_cast<Index>(kRowBlockBytes / row_bytes) /
                                                    eigen::kChunk * eigen::kChunk);
  return std::min(b, std::max(rows, eigen::kChunk));
}

template <class T>
Parallelism parallelism(int threads, Index batch) {
  return {batch >= eigen::kMinParallelBatch ? threads : 1, std::is_same_v<T, float>};
}

// Nonzeros of M = W' + W'ᵀ barring ties: hard routes to one positive and one negative per
// anchor; semihard to each positive and its semihard_negative, per positive pair.
bool prefer_sparse(const LossSpec& spec, const Classes& classes, Index b) {
  const double w_nonzeros = spec.loss == Loss::kHard
                                ? 2.0 * static_cast<double>(b)
                                : 2.0 * static_cast<double>(classes.num_positive_pairs);
  return 2.0 * w_nonzeros * kSparseCost < static_cast<double>(b) * static_cast<double>(b);
}

// D in class-sorted order: sorted[p][q] = d[order[p]][order[q]].
template <class T>
RowMatrix<T> sorted_distances(const DistanceView<T>& view, const Classes& classes,
                              const Parallelism& how) {
  const Index b = view.batch;
  RowMatrix<T> sorted(b, b);
  const std::int64_t* order = classes.order.data();
  parallel_for(how, eigen::tile_count(b), [&](Index t) {
    for (Index p = t * eigen::kTile; p < std::min(b, (t + 1) * eigen::kTile); ++p) {
      const T* source = view.distances + order[p] * b;
      T* target = sorted.data() + p * b;
      for (Index q = 0; q < b; ++q) target[q] = source[order[q]];
    }
  });
  return sorted;
}

// Mines the given tasks (ascending) from their rows of D, computed a block of rows at a time;
// blocks without such a task are skipped. Returns whether some distance is NaN.
template <class T>
bool mine_row_tasks(const eigen::DistanceInputs<T>& inputs, const std::vector<Index>& tasks,
                    Index block, eigen::Mining<T>& mining, const Parallelism& how) {
  const Index b = inputs.batch();
  std::vector<T> rows;
  auto task = tasks.begin();
  for (Index first = 0; first < b && task != tasks.end(); first += block) {
    const Index last = std::min(b, first + block);
    if (*task * eigen::kMiningRows >= last) continue;
    rows.resize(static_cast<std::size_t>(block * b));
    if (eigen::distance_rows(inputs, first, last, rows.data(), how)) return true;
    // Runs of consecutive tasks in this block, each mined in one call.
    while (task != tasks.end() && *task * eigen::kMiningRows < last) {
      auto run_end = task + 1;
      while (run_end != tasks.end() && *run_end == *(run_end - 1) + 1 &&
             *run_end * eigen::kMiningRows < last) {
        ++run_end;
      }
      const Index run_first = *task * eigen::kMiningRows;
      const Index run_last = std::min(last, (*(run_end - 1) + 1) * eigen::kMiningRows);
      mining.rows(rows.data() + (run_first - first) * b, run_first, run_last, how);
      task = run_end;
    }
  }
  return false;
}

template <class T>
Result<T> run_embeddings(const LossSpec& spec, const BatchView<T>& batch, bool gradient,
                         int threads, Index block_rows) {
  const Index b = batch.batch;
  const Index dim = batch.dim;
  const Parallelism how = parallelism<T>(threads, b);
  const eigen::FlushDenormals flush(how.flush_denormals);
  const Classes classes = eigen::classify(batch.labels, b);
  const auto all_nan = [&] {
    return all_nan_result<T>(static_cast<std::size_t>(b * dim), gradient);
  };
  if (spec.loss == Loss::kSemiHard && classes.num_positive_pairs == 0) return all_nan();  // 0/0
  // X in class order (Classes::order).
  const eigen::DistanceInputs<T> inputs(ConstRowMap<T>(batch.embeddings, b, dim),
                                        classes.order.data(), spec.metric, how);
  const ConstRowMap<T>& x = inputs.x;
  const ConstRowMap<T> source = inputs.source();

  const bool angular = spec.metric == Metric::kAngular;
  WeightSink<T> sink;
  Index block = rows_per_block<T>(b, block_rows);
  if (gradient) {
    // The sparse product skips zeros of M, so it gives the same as the GEMM only when 0·x = 0,
    // i.e. for finite rows.
    const bool sparse = prefer_sparse(spec, classes, b) && inputs.finite;
    sink.form = sparse ? WeightSink<T>::Form::kSparse : WeightSink<T>::Form::kDense;
    sink.scaling = angular                      ? WeightScaling::kAngular
                   : spec.metric == Metric::kL2 ? WeightScaling::kEuclidean
                                                : WeightScaling::kSquaredEuclidean;
    // The dense backward multiplies by all of W': it needs the B×B matrix anyway.
    if (!sparse) block = b;
  }
  // Mined from the tiles (tile_mining.hpp) where it applies and the whole matrix is not held.
  const bool tiles = sink.form != WeightSink<T>::Form::kDense &&
                     eigen::tile_mining_applies<T>(classes, b) && block < b;
  // NaN anywhere in D (NaN or overflowing embeddings): see Capabilities below.
  RowMatrix<T> d;  // the whole matrix: D, then W' row by row (a dense sink)
  eigen::Mining<T> mining(spec, classes, b, sink);
  if (block == b) {
    static_assert(eigen::kReadyRows % eigen::kMiningRows == 0, "runs start where tasks do");
    d.resize(b, b);
    sink.dense = d.data();
    const auto mine_rows = [&](Index first, Index last) {
      mining.rows(d.data() + first * b, first, last, how);
    };
    if (eigen::whole_distances(inputs, d.data(), how, mine_rows)) return all_nan();
  } else {
    // Every task of kMiningRows anchors is mined from rows of D unless the tiles mined it.
    std::vector<Index> row_tasks((b + eigen::kMiningRows - 1) / eigen::kMiningRows);
    std::iota(row_tasks.begin(), row_tasks.end(), Index{0});
    if (tiles) {
      eigen::TileMiningResult mined = eigen::mine_tiles(inputs, spec, classes, mining, sink, how);
      if (mined.nan) return all_nan();
      row_tasks = std::move(mined.row_tasks);
      // Few tasks are left, one here and there: the smallest blocks waste the least.
      block = std::min(block, eigen::kChunk);
    }
    if (mine_row_tasks(inputs, row_tasks, block, mining, how)) return all_nan();
  }
  Result<T> result;
  result.loss = static_cast<double>(mining.loss());
  if (!gradient) return result;

  // dLoss/dX in class order, then in the caller's: each task of the product finishes its rows
  // (the metric's backward) and copies them to their place.
  RowMatrix<T> grad(b, dim);
  std::vector<T> row_sum(static_cast<std::size_t>(b));
  T* const row_sum_out = angular ? nullptr : row_sum.data();
  result.grad.resize(static_cast<std::size_t>(b * dim));
  const T factor = spec.metric == Metric::kL2 ? T(1) : T(2);
  const auto finish_rows = [&](Index first, Index last) {
    if (angular) {
      eigen::angular_gradient(x, inputs.squared_norm, inputs.inverse_norm, grad.data(), first,
                              last);
    } else {
      eigen::euclidean_gradient(x, row_sum, factor, grad.data(), first, last);
    }
    for (Index p = first; p < last; ++p) {
      const T* const row = grad.data() + p * dim;
      std::copy(row, row + dim,
                result.grad.data() + classes.order[static_cast<std::size_t>(p)] * dim);
    }
  };
  if (sink.form == WeightSink<T>::Form::kSparse) {
    const auto w = eigen::assemble(std::move(sink.chunks), b);
    d = RowMatrix<T>();  // D is no longer needed
    eigen::sparse_product(w, eigen::transpose(w, b), source, grad.data(), row_sum_out, how,
                          finish_rows);
  } else {
    eigen::symmetrize(d, how);
    eigen::dense_product(d, source, grad.data(), row_sum_out, how, finish_rows);
  }
  return result;
}

template <class T>
Result<T> run_distances(const LossSpec& spec, const DistanceView<T>& view, bool gradient,
                        int threads) {
  const Index b = view.batch;
  const Parallelism how = parallelism<T>(threads, b);
  const eigen::FlushDenormals flush(how.flush_denormals);
  const Classes classes = eigen::classify(view.labels, b);
  if ((spec.loss == Loss::kSemiHard && classes.num_positive_pairs == 0) ||
      ConstRowMap<T>(view.distances, b, b).hasNaN()) {
    return all_nan_result<T>(static_cast<std::size_t>(b * b), gradient);
  }
  const RowMatrix<T> d = sorted_distances(view, classes, how);
  Result<T> result;
  WeightSink<T> sink;
  if (gradient) {
    result.grad.assign(static_cast<std::size_t>(b * b), T(0));
    sink.form = WeightSink<T>::Form::kDense;
    sink.dense = result.grad.data();
    sink.original = classes.order.data();  // dLoss/dD in the caller's order
  }
  result.loss = static_cast<double>(eigen::mine(spec, d.data(), b, classes, how, sink));
  return result;
}

class EigenBackend final : public TemplatedBackend<EigenBackend> {
 public:
  EigenBackend(int threads, std::int64_t block_rows)
      : threads_(std::max(1, threads)), block_rows_(block_rows) {}

  std::string name() const override { return "eigen"; }
  std::string description() const override {
    // The instruction sets say whether this build targets the machine (TRIPLETCHECK_NATIVE).
    const std::string blocking =
        block_rows_ > 0 ? "blocks of " + std::to_string(block_rows_) + " rows of D"
                        : "the whole B×B distances up to " +
                              std::to_string(static_cast<int>(kWholeMatrixBytes / (1 << 20))) +
                              " MiB, then blocks of " + std::to_string(kBlockRows) + " rows";
    return "Eigen GEMM distances (" + blocking +
           "), O(B²) semi-hard mining (SIMD scans or radix sort; classes of up to " +
           std::to_string(eigen::kTileMiningClassMax) +
           " mined from the GEMM tiles where D is not held whole), sparse or GEMM backward, " +
           std::to_string(threads_) + " thread(s), " + eigen::simd_in_use();
  }
  Capabilities capabilities() const override {
    Capabilities caps;
    caps.float64 = true;
    caps.precomputed_distances = true;
    // Ties follow TF's rules (docs/SEMANTICS.md §5.3): the hinge passes at exactly 0, tied extremes split
    // the gradient evenly, the shift terms of masked max/min leak as in TF, a NaN upstream
    // gradient (soft overflow) makes the anchor's row NaN; the golden tie fixtures match TF.
    // Still false because (1) a NaN anywhere in D (float32 overflow) makes the loss and every
    // gradient entry NaN, where TF's reductions keep or drop each NaN by position and leave some
    // entries finite; (2) ties are decided on D itself, not on TF's rounded shifted values
    // (D − row max), which can merge two distances 1 ulp apart.
    caps.tf_exact_ties = false;
    // Work is cut into tiles and blocks by B (and T) alone and every sum runs in a fixed order:
    // bitwise the same for any thread count, and for any block size.
    caps.deterministic = true;
    caps.thread_count_invariant = true;
    return caps;
  }

 private:
  friend class TemplatedBackend<EigenBackend>;
  template <class T>
  Result<T> run_embeddings(const LossSpec& s, const BatchView<T>& b, bool g) const {
    return tripletcheck::run_embeddings(s, b, g, threads_, block_rows_);
  }
  template <class T>
  Result<T> run_distances(const LossSpec& s, const DistanceView<T>& d, bool g) const {
    return tripletcheck::run_distances(s, d, g, threads_);
  }

  int threads_;
  std::int64_t block_rows_;
};

}  // namespace

std::unique_ptr<Backend> make_eigen_backend() {
  return std::make_unique<EigenBackend>(eigen::hardware_threads(), 0);
}

std::unique_ptr<Backend> make_eigen_backend(int threads, std::int64_t block_rows) {
  return std::make_unique<EigenBackend>(threads, block_rows);
}

}  // namespace tripletcheck
