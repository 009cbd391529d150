// The eigen backend's pipeline: classes → distances (one symmetric GEMM) → mining (loss and
// W = dLoss/dD, already through the metric's element-wise backward) → M·X (sparse or GEMM) →
// dLoss/dX. Chooses the metric and the weight form once per call; the loops have no such branches.
#include "optimized/eigen/eigen_backend.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>

#include "optimized/eigen/backward.hpp"
#include "optimized/eigen/classes.hpp"
#include "optimized/eigen/distances.hpp"
#include "optimized/eigen/mining.hpp"
#include "optimized/eigen/simd.hpp"
#include "optimized/eigen/threading.hpp"
#include "optimized/eigen/types.hpp"
#include "optimized/eigen/weight_matrix.hpp"

namespace tripletcheck {
namespace {

using eigen::Classes;
using eigen::ConstRowMap;
using eigen::Index;
using eigen::Parallelism;
using eigen::RowMap;
using eigen::RowMatrix;
using eigen::WeightScaling;
using eigen::WeightSink;

// Per nonzero of M the sparse product does D multiply-adds on one row of X, about what the GEMM
// spends per entry of M (and the dense path also rewrites and symmetrizes B² entries); the
// factor leaves room for the sparse product's irregular access. It wins while
// nnz(M) · kSparseCost < B² (measured at B = 2048, D = 128: faster up to K ≈ 256 per class).
constexpr double kSparseCost = 2.0;

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

// The embeddings in class-sorted order (Classes::order).
template <class T>
RowMatrix<T> sorted_rows(const BatchView<T>& batch, const Classes& classes) {
  const ConstRowMap<T> x(batch.embeddings, batch.batch, batch.dim);
  RowMatrix<T> sorted(batch.batch, batch.dim);
  for (Index p = 0; p < batch.batch; ++p) {
    sorted.row(p) = x.row(classes.order[static_cast<std::size_t>(p)]);
  }
  return sorted;
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

template <class T>
Result<T> run_embeddings(const LossSpec& spec, const BatchView<T>& batch, bool gradient,
                         int threads) {
  const Index b = batch.batch;
  const Index dim = batch.dim;
  const Parallelism how = parallelism<T>(threads, b);
  const eigen::FlushDenormals flush(how.flush_denormals);
  const Classes classes = eigen::classify(batch.labels, b);
  if (spec.loss == Loss::kSemiHard && classes.num_positive_pairs == 0) {
    return all_nan_result<T>(static_cast<std::size_t>(b * dim), gradient);  // 0/0, 1/0 · 0
  }
  const RowMatrix<T> sorted_x = sorted_rows(batch, classes);
  const ConstRowMap<T> x(sorted_x.data(), b, dim);
  eigen::Distances<T> distances = eigen::forward_distances(x, spec.metric, how);
  // NaN anywhere in D (NaN or overflowing embeddings): see Capabilities below.
  if (distances.has_nan) return all_nan_result<T>(static_cast<std::size_t>(b * dim), gradient);

  const bool angular = spec.metric == Metric::kAngular;
  const ConstRowMap<T> source(angular ? distances.normalized.data() : x.data(), b, dim);
  WeightSink<T> sink;
  if (gradient) {
    // The sparse product skips zeros of M, so it gives the same as the GEMM only when 0·x = 0,
    // i.e. for finite rows.
    const bool sparse = prefer_sparse(spec, classes, b) && source.allFinite();
    sink.form = sparse ? WeightSink<T>::Form::kSparse : WeightSink<T>::Form::kDense;
    sink.scaling = angular                      ? WeightScaling::kAngular
                   : spec.metric == Metric::kL2 ? WeightScaling::kEuclidean
                                                : WeightScaling::kSquaredEuclidean;
    sink.dense = distances.d.data();  // W' replaces D row by row
  }
  Result<T> result;
  result.loss = static_cast<double>(eigen::mine(spec, distances.d.data(), b, classes, how, sink));
  if (!gradient) return result;

  RowMatrix<T> grad(b, dim);  // class-sorted order
  std::vector<T> row_sum(static_cast<std::size_t>(b));
  T* const row_sum_out = angular ? nullptr : row_sum.data();
  if (sink.form == WeightSink<T>::Form::kSparse) {
    const auto w = eigen::assemble(std::move(sink.chunks), b);
    distances.d = RowMatrix<T>();  // D is no longer needed
    eigen::sparse_product(w, eigen::transpose(w, b), source, grad.data(), row_sum_out, how);
  } else {
    eigen::symmetrize(distances.d, how);
    eigen::dense_product(distances.d, source, grad.data(), row_sum_out, how);
  }
  if (angular) {
    eigen::angular_gradient(x, distances.squared_norm, distances.inverse_norm, grad.data());
  } else {
    const T factor = spec.metric == Metric::kL2 ? T(1) : T(2);
    eigen::euclidean_gradient(x, row_sum, factor, grad.data());
  }
  result.grad.resize(static_cast<std::size_t>(b * dim));
  RowMap<T> out(result.grad.data(), b, dim);
  for (Index p = 0; p < b; ++p) out.row(classes.order[static_cast<std::size_t>(p)]) = grad.row(p);
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
  explicit EigenBackend(int threads) : threads_(std::max(1, threads)) {}

  std::string name() const override { return "eigen"; }
  std::string description() const override {
    // The instruction sets say whether this build targets the machine (TRIPLETCHECK_NATIVE).
    return "Eigen GEMM distances, O(B²) semi-hard mining (SIMD scans or radix sort), sparse or "
           "GEMM backward, " +
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
    // Work is cut into tiles by B alone and every sum runs in a fixed order: bitwise the same
    // for any thread count.
    caps.deterministic = true;
    caps.thread_count_invariant = true;
    return caps;
  }

 private:
  friend class TemplatedBackend<EigenBackend>;
  template <class T>
  Result<T> run_embeddings(const LossSpec& s, const BatchView<T>& b, bool g) const {
    return tripletcheck::run_embeddings(s, b, g, threads_);
  }
  template <class T>
  Result<T> run_distances(const LossSpec& s, const DistanceView<T>& d, bool g) const {
    return tripletcheck::run_distances(s, d, g, threads_);
  }

  int threads_;
};

}  // namespace

std::unique_ptr<Backend> make_eigen_backend() {
  return std::make_unique<EigenBackend>(eigen::hardware_threads());
}

std::unique_ptr<Backend> make_eigen_backend(int threads) {
  return std::make_unique<EigenBackend>(threads);
}

}  // namespace tripletcheck
