// Mining fed straight from the distance GEMM's chunks, for batches too large to hold D (issue 17).
// Each chunk of the lower triangle (distances.hpp's strip_chunk) is computed once, and its entries
// update per-anchor states both along its rows (anchor i sees D[i][j]) and down its columns
// (anchor j sees D[j][i] = D[i][j]); then the chunk is dropped. Blocks of rows, the alternative,
// compute every pair's dot product twice (once for each of its rows) and hold B·block entries.
//
// A state is an extreme of the anchor's row over some members (its negatives, its positives, the
// negatives strictly above one positive's distance): its value, its column, and whether another
// entry ties with it. States merge in any order to the same result, so neither the threads nor
// the order of the chunks changes a bit. Once an anchor has seen a chunk or two, few packets of
// entries reach any of its states: one compare per packet and state screens them (take_reaching
// in tile_chunk_miner.hpp), and only those that reach one update it. The values are those of
// Mining::rows (the same chunks make the same entries); the gradient is routed as row_weights.hpp
// does in the common case: one entry per chosen extreme, not equal to the row's shift term. Anchors
// outside that case (ties to split, leaks to the shift, no positives or negatives to route to, an
// infinite distance) are handed back and mined from their rows, which gives the same bits by
// construction.
//
// Files: tile_mining.cpp (the order of work), tile_chunk_miner.hpp (the passes over a chunk),
// tile_lanes.hpp (their packet updates), tile_states.hpp (the extremes and their merging),
// tile_anchor.hpp (an anchor's term and row of W from its extremes).
#pragma once

#include <vector>

#include "optimized/eigen/classes.hpp"
#include "optimized/eigen/distances.hpp"
#include "optimized/eigen/mining.hpp"
#include "optimized/eigen/threading.hpp"
#include "optimized/eigen/types.hpp"
#include "tripletcheck/options.hpp"

namespace tripletcheck::eigen {

// Up to this many samples per class: the semi-hard states hold, per anchor, one threshold and
// one extreme per positive, and every entry is compared with all of them.
constexpr Index kTileMiningClassMax = 16;

// Whether mine_tiles takes this batch: classes of at most kTileMiningClassMax (and positives the
// row code scans in column order), and columns that T holds exactly (a state keeps its column in
// T's lanes). The caller wants a sparse gradient or none.
template <class T>
bool tile_mining_applies(const Classes& classes, Index b);

struct TileMiningResult {
  bool nan = false;              // some distance is NaN: nothing else is valid
  std::vector<Index> row_tasks;  // mining tasks (kMiningRows anchors) left to Mining::rows
};

// Mines every anchor it can into `mining` (its term) and `sink` (its sparse chunk, whole tasks
// only); the tasks it leaves must be mined from their rows of D.
template <class T>
TileMiningResult mine_tiles(const DistanceInputs<T>& in, const LossSpec& spec,
                            const Classes& classes, Mining<T>& mining, WeightSink<T>& sink,
                            const Parallelism& how);

}  // namespace tripletcheck::eigen
