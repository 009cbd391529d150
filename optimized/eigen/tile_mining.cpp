// Tile mining's order of work: the semi-hard thresholds (the distances within each class) first,
// then every chunk of the lower triangle once through the workers' ChunkMiners, then each
// anchor's term and row of W' from its merged extremes, and the list of tasks left to the rows.
#include "optimized/eigen/tile_mining.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>

#include "optimized/eigen/semihard_mining.hpp"
#include "optimized/eigen/tile_anchor.hpp"
#include "optimized/eigen/tile_chunk_miner.hpp"
#include "optimized/eigen/tile_states.hpp"

namespace tripletcheck::eigen {
namespace {

using tiles::AnchorContext;
using tiles::AnchorStates;
using tiles::ChunkMiner;
using tiles::kGroup;
using tiles::kNaN;
using tiles::Layout;
using tiles::Merged;
using tiles::Touches;

// The chunks of row tile t whose entries include some pair of one class (semi-hard needs those
// distances, the thresholds, before any chunk is mined): from the chunk of its first row's class.
Index first_class_chunk(const Classes& classes, Index i0) {
  return classes.class_begin[static_cast<std::size_t>(i0)] / kChunk * kChunk;
}
// How many: from that chunk to the tile's own.
Index class_chunks(const Classes& classes, Index i0) {
  return (i0 - first_class_chunk(classes, i0)) / kChunk + 1;
}

}  // namespace

template <class T>
bool tile_mining_applies(const Classes& classes, Index b) {
  if (b >= (Index{1} << std::numeric_limits<T>::digits)) return false;
  // The row code scans up to kScanPositivesMax positives in column order and sorts beyond:
  // another order of the terms and the gradient's additions.
  const Index largest = std::min<Index>(kTileMiningClassMax, kScanPositivesMax<T> + 1);
  for (std::size_t p = 0; p < classes.class_begin.size(); ++p) {
    if (classes.class_end[p] - classes.class_begin[p] > largest) return false;
  }
  return true;
}

template <class T>
TileMiningResult mine_tiles(const DistanceInputs<T>& in, const LossSpec& spec,
                            const Classes& classes, Mining<T>& mining, WeightSink<T>& sink,
                            const Parallelism& how) {
  const Index b = in.batch();
  const Index tiles = tile_count(b);
  Layout<T> layout;
  layout.b = b;
  layout.semihard = spec.loss == Loss::kSemiHard;
  layout.stride = b + kChunk;
  layout.begin.assign(static_cast<std::size_t>(layout.stride), T(0));
  layout.end.assign(static_cast<std::size_t>(layout.stride), static_cast<T>(b));
  Index largest_class = 1;
  for (Index a = 0; a < b; ++a) {
    const auto at = static_cast<std::size_t>(a);
    layout.begin[at] = static_cast<T>(classes.class_begin[at]);
    layout.end[at] = static_cast<T>(classes.class_end[at]);
    largest_class = std::max(largest_class, classes.class_end[at] - classes.class_begin[at]);
  }
  TileMiningResult result;
  std::atomic<bool> nan{false};

  // Buffers are allocated here, on the calling thread, once per call: glibc gives a helper
  // thread's frees back to the system at once, so buffers allocated in the tasks came back as
  // fresh pages on every call (a third of the page faults of a B = 1024 call, tiles forced).
  // Uninitialized: the passes use only the entries the GEMM writes.
  const int workers = std::max(1, how.threads);
  const std::unique_ptr<T[]> scratch(new T[static_cast<std::size_t>(workers * kTile * kChunk)]);

  // Semi-hard: the thresholds first, from the chunks holding pairs of one class; those chunks
  // are kept for the main pass (about rows × kChunk entries per row tile), tile t's from
  // kept_at[t] on.
  std::vector<Index> kept_at(static_cast<std::size_t>(tiles + 1), 0);
  for (Index t = 0; layout.semihard && t < tiles; ++t) {
    const Index i0 = t * kTile;
    kept_at[static_cast<std::size_t>(t + 1)] =
        kept_at[static_cast<std::size_t>(t)] +
        class_chunks(classes, i0) * std::min(kTile, b - i0) * kChunk;
  }
  std::unique_ptr<T[]> kept(new T[static_cast<std::size_t>(kept_at.back())]);
  if (layout.semihard) {
    layout.positives = largest_class - 1;
    layout.groups = (layout.positives + kGroup - 1) / kGroup;
    layout.threshold.assign(static_cast<std::size_t>(layout.groups * kGroup * layout.stride),
                            kNaN<T>);
    parallel_for(how, tiles, [&](Index t) {
      const Index i0 = t * kTile;
      const Index rows = std::min(kTile, b - i0);
      const Index first_chunk = first_class_chunk(classes, i0);
      const Index chunks = class_chunks(classes, i0);
      T* const buffer = kept.get() + kept_at[static_cast<std::size_t>(t)];
      for (Index k = 0; k < chunks; ++k) {
        T* out = buffer + k * rows * kChunk;
        if (strip_chunk(in, i0, rows, first_chunk + k * kChunk, out, kChunk).nan) nan = true;
      }
      // Each pair j < i of one class: threshold of i (j is its (j − begin)-th positive) and of j
      // (i is its (i − begin − 1)-th). Every such pair lies in exactly one tile.
      for (Index r = 0; r < rows; ++r) {
        const Index i = i0 + r;
        const Index begin = classes.class_begin[static_cast<std::size_t>(i)];
        for (Index j = begin; j < i; ++j) {
          const Index k = (j - first_chunk) / kChunk;
          const T d = buffer[static_cast<std::size_t>(k * rows * kChunk + r * kChunk +
                                                      (j - first_chunk - k * kChunk))];
          layout.threshold[static_cast<std::size_t>((j - begin) * layout.stride + i)] = d;
          layout.threshold[static_cast<std::size_t>((i - begin - 1) * layout.stride + j)] = d;
        }
      }
    });
    if (nan) return {true, {}};
  }

  // The main pass: every chunk of every strip, largest strips first, each worker into its own
  // states (merged per anchor below, in any order).
  std::vector<AnchorStates<T>> states;
  states.reserve(static_cast<std::size_t>(workers));
  for (int w = 0; w < workers; ++w) states.emplace_back(layout);
  std::atomic<Index> next{0};
  const auto mine_strips = [&](auto semihard, Index w) {
    ChunkMiner<T, semihard()> miner(layout, states[static_cast<std::size_t>(w)]);
    T* const own = scratch.get() + w * kTile * kChunk;
    for (Index t = next++; t < tiles; t = next++) {
      const Index tile = tiles - 1 - t;
      const Index i0 = tile * kTile;
      const Index rows = std::min(kTile, b - i0);
      const Index kept_from = layout.semihard ? first_class_chunk(classes, i0) : i0 + rows;
      for (Index c0 = 0; c0 < i0 + rows; c0 += kChunk) {
        const T* e = own;
        Index width = 0;
        if (c0 >= kept_from) {
          e = kept.get() + kept_at[static_cast<std::size_t>(tile)] +
              (c0 - kept_from) / kChunk * rows * kChunk;
          width = std::min(c0 + kChunk, i0 + rows) - c0;
        } else {
          const StripChunk chunk = strip_chunk(in, i0, rows, c0, own, kChunk);
          if (chunk.nan) nan = true;
          width = chunk.width;
        }
        miner.chunk(e, i0, rows, c0, width);
      }
    }
  };
  parallel_for(how, workers, [&](Index w) {
    if (layout.semihard) {
      mine_strips(std::true_type(), w);
    } else {
      mine_strips(std::false_type(), w);
    }
  });
  if (nan) return {true, {}};
  kept.reset();

  // Each anchor's term and row of W' from its extremes, a mining task at a time.
  const bool gradient = sink.form == WeightSink<T>::Form::kSparse;
  const Index tasks = (b + kMiningRows - 1) / kMiningRows;
  std::vector<unsigned char> by_rows(static_cast<std::size_t>(tasks), 0);
  const AnchorContext<T> anchor{spec, classes, layout, static_cast<T>(spec.margin),
                                layout.semihard ? T(1) / static_cast<T>(classes.num_positive_pairs)
                                                : T(1) / static_cast<T>(b)};
  parallel_for(how, tasks, [&](Index t) {
    Merged<T> m;
    Touches<T> touches;
    SparseChunk<T> chunk;
    const Index task_first = t * kMiningRows;
    const Index task_last = std::min(b, task_first + kMiningRows);
    chunk.first_row = task_first;
    chunk.row_count.assign(static_cast<std::size_t>(task_last - task_first), 0);
    std::vector<double> terms;
    for (Index a = task_first; a < task_last; ++a) {
      merge_anchor(states, layout, a, m);
      touches.entries.clear();
      double term = 0;
      if (!anchor_from_states(anchor, a, m, term, gradient ? &touches : nullptr)) {
        by_rows[static_cast<std::size_t>(t)] = 1;
        return;
      }
      terms.push_back(term);
      for (const auto& entry : touches.entries) {
        const T value = scaled_weight(sink.scaling, entry.weight, entry.distance, false);
        if (value == T(0)) continue;
        chunk.col.push_back(static_cast<std::int32_t>(entry.column));
        chunk.value.push_back(value);
        ++chunk.row_count[static_cast<std::size_t>(a - task_first)];
      }
    }
    for (Index a = task_first; a < task_last; ++a) {
      mining.record(a, terms[static_cast<std::size_t>(a - task_first)]);
    }
    if (gradient) sink.chunks[static_cast<std::size_t>(t)] = std::move(chunk);
  });
  for (Index t = 0; t < tasks; ++t) {
    if (by_rows[static_cast<std::size_t>(t)] != 0) result.row_tasks.push_back(t);
  }
  return result;
}

template bool tile_mining_applies<float>(const Classes&, Index);
template bool tile_mining_applies<double>(const Classes&, Index);
template TileMiningResult mine_tiles(const DistanceInputs<float>&, const LossSpec&, const Classes&,
                                     Mining<float>&, WeightSink<float>&, const Parallelism&);
template TileMiningResult mine_tiles(const DistanceInputs<double>&, const LossSpec&, const Classes&,
                                     Mining<double>&, WeightSink<double>&, const Parallelism&);

}  // namespace tripletcheck::eigen
