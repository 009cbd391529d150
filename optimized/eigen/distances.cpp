// Distances by row tiles of the lower triangle: one GEMM per tile, TF's element-wise formula,
// and the mirror image into the upper triangle. Half the GEMM work of X·Xᵀ, and D is exactly
// symmetric.
#include "optimized/eigen/distances.hpp"

#include <algorithm>
#include <cmath>

namespace tripletcheck::eigen {
namespace {

// TF's float32 constants (docs/SEMANTICS.md §1.2); float64 uses the same decimal values.
template <class T>
constexpr T kNormEpsilon = T(1e-12);

// Sub-blocks small enough that the source and target lines of one stay in L1 and its pages in
// the first-level TLB; a plain transposed copy of a whole tile strides across 128 pages.
constexpr Index kMirrorBlock = 16;

// d[j][i] = d[i][j] for the entries j < i of the rows × cols block at (i0, j0).
template <class T>
void mirror_block(T* d, Index b, Index i0, Index j0, Index rows, Index cols) {
  for (Index r0 = 0; r0 < rows; r0 += kMirrorBlock) {
    const Index r1 = std::min(rows, r0 + kMirrorBlock);
    for (Index c0 = 0; c0 < cols; c0 += kMirrorBlock) {
      const Index c1 = std::min(cols, c0 + kMirrorBlock);
      for (Index c = c0; c < c1; ++c) {
        T* const target = d + (j0 + c) * b + i0;
        for (Index r = std::max(r0, j0 + c - i0 + 1); r < r1; ++r) {
          target[r] = d[(i0 + r) * b + j0 + c];
        }
      }
    }
  }
}

template <class T>
void normalize_rows(const ConstRowMap<T>& x, Distances<T>& out) {
  const Index b = x.rows();
  out.normalized.resize(b, x.cols());
  out.squared_norm.resize(static_cast<std::size_t>(b));
  out.inverse_norm.resize(static_cast<std::size_t>(b));
  for (Index i = 0; i < b; ++i) {
    const T n2 = x.row(i).squaredNorm();
    // tf.maximum(n2, 1e-12) propagates NaN; std::max would not.
    const T floor = std::isnan(n2) || n2 >= kNormEpsilon<T> ? n2 : kNormEpsilon<T>;
    const T y = T(1) / std::sqrt(floor);
    out.squared_norm[static_cast<std::size_t>(i)] = n2;
    out.inverse_norm[static_cast<std::size_t>(i)] = y;
    out.normalized.row(i) = x.row(i) * y;
  }
}

}  // namespace

template <class T>
Distances<T> forward_distances(const ConstRowMap<T>& x, Metric metric, const Parallelism& how) {
  const Index b = x.rows();
  Distances<T> out;
  const bool angular = metric == Metric::kAngular;
  const bool squared = metric == Metric::kSquaredL2;
  std::vector<T> norm;  // L2 metrics: r_i = ‖x_i‖²
  if (angular) {
    normalize_rows(x, out);
  } else {
    norm.resize(static_cast<std::size_t>(b));
    for (Index i = 0; i < b; ++i) norm[static_cast<std::size_t>(i)] = x.row(i).squaredNorm();
  }
  const ConstRowMap<T> source(angular ? out.normalized.data() : x.data(), b, x.cols());

  out.d.resize(b, b);
  T* const d = out.d.data();
  const Index tiles = tile_count(b);
  std::vector<unsigned char> tile_has_nan(static_cast<std::size_t>(tiles), 0);
  parallel_for(how, tiles, [&](Index t) {
    // Row tile I against columns [0, end of I): one GEMM with a wide right-hand side, which
    // Eigen blocks far better than many square tiles. Largest first, for balance.
    const Index tile = tiles - 1 - t;
    const Index i0 = tile * kTile;
    const Index rows = std::min(kTile, b - i0);
    const Index cols = i0 + rows;
    BlockMap<T> block(d + i0 * b, rows, cols, Eigen::OuterStride<>(b));
    block.noalias() = source.middleRows(i0, rows) * source.topRows(cols).transpose();
    // Branch-free element-wise passes over the lower triangle (they vectorize); a NaN only
    // raises the flag, since the caller then returns NaN everywhere.
    unsigned nan = 0;
    for (Index r = 0; r < rows; ++r) {
      T* const entry = block.data() + r * b;
      const Index last = i0 + r + 1;  // columns j <= i
      if (angular) {
        // angular_distance (docs/SEMANTICS.md §1.2): max(1 − f_i·f_j, 0), no diagonal zeroing; −0.0 marks
        // a clamped negative (see Distances::d).
        for (Index c = 0; c < last; ++c) {
          const T raw = T(1) - entry[c];
          nan |= raw != raw ? 1u : 0u;
          entry[c] = raw >= T(0) ? raw : -T(0);
        }
        continue;
      }
      // pairwise_distance (docs/SEMANTICS.md §1.1): s = (‖x_i‖² + ‖x_j‖²) − 2·x_i·x_j, clamped at 0; the
      // error mask s <= 0 gives exactly 0 (TF's 1e-16 guard only keeps its sqrt finite there).
      const T norm_i = norm[static_cast<std::size_t>(i0 + r)];
      for (Index c = 0; c < last; ++c) {
        const T s = (norm_i + norm[static_cast<std::size_t>(c)]) - T(2) * entry[c];
        nan |= s != s ? 1u : 0u;
        // −0.0 where s < 0 (sqrt keeps it): see Distances::d.
        const T clamped = s > T(0) ? s : (s < T(0) ? -T(0) : T(0));
        entry[c] = squared ? clamped : std::sqrt(clamped);
      }
    }
    for (Index r = 0; r < rows; ++r) {
      T& diagonal = d[(i0 + r) * b + i0 + r];
      // TF multiplies by (1 − I): Inf·0 = NaN, and −0.0 (S_raw < 0) keeps its sign.
      if (!angular) diagonal = diagonal * T(0);
      nan |= std::isnan(diagonal) ? 1u : 0u;
    }
    mirror_block(d, b, i0, 0, rows, cols);  // the upper triangle, diagonal tile included
    tile_has_nan[static_cast<std::size_t>(t)] = nan != 0 ? 1 : 0;
  });
  for (const unsigned char nan : tile_has_nan) out.has_nan = out.has_nan || nan != 0;
  return out;
}

template Distances<float> forward_distances(const ConstRowMap<float>&, Metric, const Parallelism&);
template Distances<double> forward_distances(const ConstRowMap<double>&, Metric,
                                             const Parallelism&);

}  // namespace tripletcheck::eigen
