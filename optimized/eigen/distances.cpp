// Distances by row tiles: each tile's strip (its rows against the columns up to its end, the
// lower triangle and the diagonal tile) from GEMM chunks of fixed shape, TF's element-wise
// formula, and the mirror image into the upper triangle. The whole matrix costs half the GEMM
// work of X·Xᵀ and is exactly symmetric; a block of rows takes its upper part from the strips
// of the later tiles, chunk for chunk the same GEMMs, so it gets the same bits.
#include "optimized/eigen/distances.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

namespace tripletcheck::eigen {
namespace {

// TF's float32 constants (docs/SEMANTICS.md §1.2); float64 uses the same decimal values.
template <class T>
constexpr T kNormEpsilon = T(1e-12);

// dst[c][r] = src[r][c] for r < rows, c < cols (row strides given): squares of one packet's
// width go through registers (Eigen's ptranspose), the edges element by element. Each load and
// store is a whole packet of one row, where an element-wise copy strides across a page per
// element on one side.
template <class T>
void transpose_copy(const T* src, Index src_stride, T* dst, Index dst_stride, Index rows,
                    Index cols) {
  namespace ei = Eigen::internal;
  using Packet = typename ei::packet_traits<T>::type;
  constexpr Index kWidth = ei::packet_traits<T>::size;
  Index square_rows = 0;
  Index square_cols = 0;
  if constexpr (ei::packet_traits<T>::Vectorizable && kWidth > 1) {
    square_rows = rows / kWidth * kWidth;
    square_cols = cols / kWidth * kWidth;
    // Along the destination's rows: each fills whole cache lines in turn, where sweeping the
    // source's rows leaves a part-written line in each of kWidth destination rows at a time.
    for (Index c0 = 0; c0 < square_cols; c0 += kWidth) {
      for (Index r0 = 0; r0 < square_rows; r0 += kWidth) {
// The vector types' alignment attributes do not take part in the template's identity; harmless
// here (Eigen's own uses of PacketBlock warn alike, silenced as a system header).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
        ei::PacketBlock<Packet, kWidth> square;
#pragma GCC diagnostic pop
        for (Index k = 0; k < kWidth; ++k) {
          square.packet[k] = ei::ploadu<Packet>(src + (r0 + k) * src_stride + c0);
        }
        ei::ptranspose(square);
        for (Index k = 0; k < kWidth; ++k) {
          ei::pstoreu(dst + (c0 + k) * dst_stride + r0, square.packet[k]);
        }
      }
    }
  }
  for (Index r = 0; r < rows; ++r) {
    for (Index c = r < square_rows ? square_cols : 0; c < cols; ++c) {
      dst[c * dst_stride + r] = src[r * src_stride + c];
    }
  }
}

// `d` holds the rows of D from `row_base` on (stride B). The row tile [i0, i0 + rows)'s entries
// (i, j) with first <= j < i, mirrored: d[j][i] = d[i][j]. Both rows must be held.
template <class T>
void mirror_tile(T* d, Index b, Index row_base, Index i0, Index rows, Index first) {
  // The columns before the tile's own: all below the diagonal.
  transpose_copy(d + (i0 - row_base) * b + first, b, d + (first - row_base) * b + i0, b, rows,
                 i0 - first);
  // The diagonal square's lower triangle, a packet's width of rows at a time: the squares left
  // of the diagonal through registers, the small triangles on it element by element (element
  // stores at a stride of B entries were a third of this function's time at B = 1024).
  constexpr Index kWidth = std::max<Index>(1, Eigen::internal::packet_traits<T>::size);
  for (Index r0 = 0; r0 < rows; r0 += kWidth) {
    const Index height = std::min(kWidth, rows - r0);
    transpose_copy(d + (i0 + r0 - row_base) * b + i0, b, d + (i0 - row_base) * b + i0 + r0, b,
                   height, r0);
    for (Index r = r0 + 1; r < r0 + height; ++r) {
      const T* const source = d + (i0 + r - row_base) * b + i0;
      for (Index c = r0; c < r; ++c) d[(i0 + c - row_base) * b + i0 + r] = source[c];
    }
  }
}

// TF's element-wise formula on row i's GEMM values for the columns [column, column + count),
// held at entry[0, count), in place. Branch-free (it vectorizes); a NaN only raises the flag,
// since the caller then returns NaN everywhere.
template <class T>
unsigned finish_row(const DistanceInputs<T>& in, Index i, T* entry, Index column, Index count) {
  unsigned nan = 0;
  if (in.metric == Metric::kAngular) {
    // angular_distance (docs/SEMANTICS.md §1.2): max(1 − f_i·f_j, 0), no diagonal zeroing; −0.0
    // marks a clamped negative.
    for (Index c = 0; c < count; ++c) {
      const T raw = T(1) - entry[c];
      nan |= raw != raw ? 1u : 0u;
      entry[c] = raw >= T(0) ? raw : -T(0);
    }
    return nan;
  }
  // pairwise_distance (docs/SEMANTICS.md §1.1): s = (‖x_i‖² + ‖x_j‖²) − 2·x_i·x_j, clamped at 0;
  // the error mask s <= 0 gives exactly 0 (TF's 1e-16 guard only keeps its sqrt finite there).
  const bool squared = in.metric == Metric::kSquaredL2;
  const T norm_i = in.norm[static_cast<std::size_t>(i)];
  const T* const norm = in.norm.data() + column;
  for (Index c = 0; c < count; ++c) {
    const T s = (norm_i + norm[c]) - T(2) * entry[c];
    nan |= s != s ? 1u : 0u;
    const T clamped = s > T(0) ? s : (s < T(0) ? -T(0) : T(0));  // −0.0 where s < 0
    entry[c] = squared ? clamped : std::sqrt(clamped);
  }
  return nan;
}

// The GEMM of the row tile [i0, i0 + rows) against the columns of its strip's chunk at c0 (a
// multiple of kChunk), into out (row stride `stride`). Always this shape for this chunk, whoever
// asks: see kChunk. Returns the chunk's width.
template <class T>
Index chunk_product(const DistanceInputs<T>& in, Index i0, Index rows, Index c0, T* out,
                    Index stride) {
  const Index width = std::min(c0 + kChunk, i0 + rows) - c0;
  const ConstRowMap<T> source = in.source();
  BlockMap<T> block(out, rows, width, Eigen::OuterStride<>(stride));
  block.noalias() = source.middleRows(i0, rows) * source.middleRows(c0, width).transpose();
  return width;
}

// `d` holds the rows of D from `row_base` on (stride B), row_base a multiple of kTile: the row tile
// at i0's strip (its entries j <= i) into its rows, then its mirror image into the held rows above
// it (columns of the tile, diagonal tile included). Returns whether the strip has a NaN.
template <class T>
unsigned strip_and_mirror(const DistanceInputs<T>& in, Index i0, T* d, Index row_base) {
  const Index b = in.batch();
  const Index rows = std::min(kTile, b - i0);
  T* const out = d + (i0 - row_base) * b;
  unsigned nan = 0;
  for (Index c0 = 0; c0 < i0 + rows; c0 += kChunk) {
    nan |= strip_chunk(in, i0, rows, c0, out + c0, b).nan;
  }
  mirror_tile(d, b, row_base, i0, rows, row_base);
  return nan;
}

// For the block of rows [first, last): the entries D[i][j], j in the later row tile at j0,
// which are D[j][i] of that tile's strip: its chunks over [first, last), transposed in.
template <class T>
unsigned later_tile_columns(const DistanceInputs<T>& in, Index first, Index last, Index j0,
                            T* out) {
  const Index b = in.batch();
  const Index rows = std::min(kTile, b - j0);
  std::vector<T> scratch(static_cast<std::size_t>(rows * kChunk));
  unsigned nan = 0;
  for (Index c0 = first; c0 < last; c0 += kChunk) {
    const Index width = std::min(chunk_product(in, j0, rows, c0, scratch.data(), kChunk),
                                 last - c0);  // the chunk ends before j0: all entries j > i
    for (Index r = 0; r < rows; ++r) {
      nan |= finish_row(in, j0 + r, scratch.data() + r * kChunk, c0, width);
    }
    transpose_copy(scratch.data(), kChunk, out + (c0 - first) * b + j0, b, rows, width);
  }
  return nan;
}

}  // namespace

template <class T>
DistanceInputs<T>::DistanceInputs(const ConstRowMap<T>& embeddings, const std::int64_t* order,
                                  Metric m, const Parallelism& how)
    : rows(embeddings.rows(), embeddings.cols()),
      x(rows.data(), embeddings.rows(), embeddings.cols()),
      metric(m) {
  const Index b = x.rows();
  const bool angular = metric == Metric::kAngular;
  const auto size = static_cast<std::size_t>(b);
  if (angular) {
    normalized.resize(b, x.cols());
    squared_norm.resize(size);
    inverse_norm.resize(size);
  } else {
    norm.resize(size);
  }
  std::vector<unsigned char> tile_finite(static_cast<std::size_t>(tile_count(b)), 1);
  parallel_for(how, tile_count(b), [&](Index t) {
    bool finite_rows = true;
    for (Index i = t * kTile; i < std::min(b, (t + 1) * kTile); ++i) {
      const auto k = static_cast<std::size_t>(i);
      rows.row(i) = embeddings.row(order[i]);
      const T n2 = x.row(i).squaredNorm();
      if (angular) {
        // tf.maximum(n2, 1e-12) propagates NaN; std::max would not.
        const T floor = std::isnan(n2) || n2 >= kNormEpsilon<T> ? n2 : kNormEpsilon<T>;
        const T y = T(1) / std::sqrt(floor);
        squared_norm[k] = n2;
        inverse_norm[k] = y;
        normalized.row(i) = x.row(i) * y;
      } else {
        norm[k] = n2;
      }
      // x − x is 0 for every finite x and NaN for ±Inf and NaN: a vectorized test (Eigen's
      // allFinite() tests element by element).
      const auto source_row = angular ? normalized.row(i).array() : rows.row(i).array();
      finite_rows = finite_rows && (source_row - source_row).sum() == T(0);
    }
    tile_finite[static_cast<std::size_t>(t)] = finite_rows ? 1 : 0;
  });
  finite =
      std::all_of(tile_finite.begin(), tile_finite.end(), [](unsigned char f) { return f != 0; });
}

template <class T>
ConstRowMap<T> DistanceInputs<T>::source() const {
  return {metric == Metric::kAngular ? normalized.data() : x.data(), x.rows(), x.cols()};
}

template <class T>
StripChunk strip_chunk(const DistanceInputs<T>& in, Index i0, Index rows, Index c0, T* out,
                       Index stride) {
  const Index width = chunk_product(in, i0, rows, c0, out, stride);
  unsigned nan = 0;
  for (Index r = 0; r < rows; ++r) {
    const Index i = i0 + r;
    const Index end = std::min(c0 + width, i + 1);  // columns j <= i
    if (end <= c0) continue;
    T* const row = out + r * stride;
    nan |= finish_row(in, i, row, c0, end - c0);
    if (i < c0 + width) {
      T& diagonal = row[i - c0];
      // TF multiplies by (1 − I): Inf·0 = NaN, and −0.0 (S_raw < 0) keeps its sign.
      if (in.metric != Metric::kAngular) diagonal = diagonal * T(0);
      nan |= std::isnan(diagonal) ? 1u : 0u;
    }
  }
  return {width, nan != 0};
}

template <class T>
bool distance_rows(const DistanceInputs<T>& in, Index first, Index last, T* rows,
                   const Parallelism& how) {
  const Index b = in.batch();
  const Index own_begin = first / kTile;
  const Index own_tiles = tile_count(last) - own_begin;  // last is B or a multiple of kTile
  const Index later_tiles = tile_count(b) - tile_count(last);
  std::vector<unsigned char> task_has_nan(static_cast<std::size_t>(own_tiles + later_tiles), 0);
  parallel_for(how, own_tiles + later_tiles, [&](Index t) {
    unsigned nan = 0;
    if (t < own_tiles) {
      // The block's own tiles, largest strip first (for balance).
      nan = strip_and_mirror(in, (own_begin + own_tiles - 1 - t) * kTile, rows, first);
    } else {
      const Index j0 = (tile_count(last) + t - own_tiles) * kTile;
      nan = later_tile_columns(in, first, last, j0, rows);
    }
    task_has_nan[static_cast<std::size_t>(t)] = nan != 0 ? 1 : 0;
  });
  return std::any_of(task_has_nan.begin(), task_has_nan.end(),
                     [](unsigned char nan) { return nan != 0; });
}

template <class T>
bool whole_distances(const DistanceInputs<T>& in, T* d, const Parallelism& how,
                     const RowsReady& ready) {
  const Index b = in.batch();
  // Row tile m is final once the tiles m, m + 1, … have written their strips and mirror images
  // (tile k writes the rows of tile k and column tile k of the rows above). The tiles go out
  // largest strip first, so row tiles become final from the last one down; each goes to `ready`
  // as soon as it is, by the threads that find it so, while much of it is still in cache.
  // Mining the finished matrix afterwards read all of it back (B = 1024, fwd+bwd, D = 128, K = 4,
  // 2 threads, fastest of 400 calls side by side: hard 1.32–1.35 → 1.24–1.28 ms, semi-hard
  // 1.52–1.58 → 1.48–1.51 ms).
  const Index tiles = tile_count(b);
  std::vector<std::atomic<unsigned char>> state(static_cast<std::size_t>(tiles));  // 0: to do
  constexpr unsigned char kDone = 1;
  constexpr unsigned char kNan = 2;
  // Rows go on in runs of kReadyRows, so that both threads share the mining of the last row tile
  // (handed on whole, it left the other thread idle for about 45 µs of a 1.1 ms call at B = 1024).
  const Index runs = (b + kReadyRows - 1) / kReadyRows;
  std::atomic<Index> next_tile{0};          // tiles handed out: tile tiles − 1 − n is next
  std::atomic<Index> next_ready{runs - 1};  // runs from here down are not yet handed on
  std::atomic<bool> nan{false};
  std::atomic<bool> failed{false};  // a task threw: the others stop waiting for its tile
  // Hands on run r if every tile from its own up is done, claiming it first (one thread does).
  const auto try_ready = [&](Index r) {
    const Index first = r * kReadyRows;
    for (Index k = first / kTile; k < tiles; ++k) {
      const unsigned char s = state[static_cast<std::size_t>(k)].load(std::memory_order_acquire);
      if (s == 0) return false;
      if (s == kNan) nan.store(true);
    }
    Index expected = r;
    if (!next_ready.compare_exchange_strong(expected, r - 1)) return true;  // another has it
    if (!nan.load()) ready(first, std::min(b, first + kReadyRows));
    return true;
  };
  // One worker per thread: hand on final rows first (those just computed, mostly), else compute
  // the next tile, else wait for the tile another thread is computing.
  parallel_for(how, how.threads, [&](Index) {
    try {
      for (;;) {
        const Index m = next_ready.load();
        if (m < 0) return;
        if (try_ready(m)) continue;
        const Index n = next_tile.fetch_add(1);
        if (n < tiles) {
          const Index tile = tiles - 1 - n;
          const unsigned tile_nan = strip_and_mirror(in, tile * kTile, d, 0);
          state[static_cast<std::size_t>(tile)].store(tile_nan != 0 ? kNan : kDone,
                                                      std::memory_order_release);
          continue;
        }
        // Every tile is taken: run m waits for a tile that another thread is computing.
        if (failed.load()) return;
        std::this_thread::yield();
      }
    } catch (...) {
      failed.store(true);
      throw;
    }
  });
  return nan.load();
}

template struct DistanceInputs<float>;
template struct DistanceInputs<double>;
template bool whole_distances(const DistanceInputs<float>&, float*, const Parallelism&,
                              const RowsReady&);
template bool whole_distances(const DistanceInputs<double>&, double*, const Parallelism&,
                              const RowsReady&);
template StripChunk strip_chunk(const DistanceInputs<float>&, Index, Index, Index, float*, Index);
template StripChunk strip_chunk(const DistanceInputs<double>&, Index, Index, Index, double*, Index);
template bool distance_rows(const DistanceInputs<float>&, Index, Index, float*, const Parallelism&);
template bool distance_rows(const DistanceInputs<double>&, Index, Index, double*,
                            const Parallelism&);

}  // namespace tripletcheck::eigen
