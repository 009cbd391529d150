// The per-entry, per-row and per-pair logic of the CUDA backend (float32), written once as
// TRIPLETCHECK_HD functions: the kernels (kernels.cu) call them on the GPU and
// properties/cuda_logic_test.cpp calls the same code on the CPU against the reference. Nothing
// here allocates, loops over a whole matrix or knows about threads; the kernels decide who
// computes what, and every combining step here is associative and commutative so that any
// reduction tree gives the same bits.
//
// Semantics: docs/SEMANTICS.md §1 (distances), §2 (masked max/min with their fallbacks), §3 (semi-hard),
// §4 (hard), §5.2 (closed-form backward). Ties are broken by the smallest column index (one-hot),
// not split as TF does, so the backend reports tf_exact_ties = false.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "optimized/cuda/host_device.hpp"

namespace tripletcheck::cuda_logic {

// Threads per block of the kernels (a power of two). A per-row reduction gives thread t the
// entries t, t + kBlockThreads, ... in order, then combines the kBlockThreads partial results by
// a fixed tree (part[t] with part[t + stride], stride halving); the CPU emulation replays it.
constexpr int kBlockThreads = 256;

enum class DistanceKind : int { kL2, kSquaredL2, kAngular };

// ---- distances (docs/SEMANTICS.md §1) -------------------------------------------------------------------

TRIPLETCHECK_HD inline std::uint32_t float_bits(float v) {
  std::uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}
TRIPLETCHECK_HD inline float bits_float(std::uint32_t bits) {
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// §1.1 steps 4–9 for one entry of X·Xᵀ: (‖x_i‖² + ‖x_j‖²) − 2·G, clamped at 0; the error mask
// (clamped value <= 0) gives exactly 0. The 1e-16 TF adds under the error mask only keeps its
// sqrt finite and is multiplied away, so it needs no counterpart here. NaN propagates (the
// comparison below keeps it). The diagonal is computed like any entry and then multiplied by 0,
// as TF's mask (ones − I) does: 0 for a finite value, NaN for an overflowing row (Inf − Inf or
// Inf·0), which the all-NaN policy then spreads (docs/SEMANTICS.md §5.6).
TRIPLETCHECK_HD inline float euclidean_entry(float gram, float norm_i, float norm_j, bool diagonal,
                                             bool squared) {
  const float raw = (norm_i + norm_j) - 2.0f * gram;
  const float clamped = raw < 0.0f ? 0.0f : raw;
  const float value = clamped <= 0.0f ? 0.0f : (squared ? clamped : sqrtf(clamped));
  return diagonal ? value * 0.0f : value;
}

// TF's l2_normalize factor rsqrt(max(‖x‖², 1e-12)) (§1.2): a zero row stays zero.
TRIPLETCHECK_HD inline float inverse_norm(float squared_norm) {
  return 1.0f / sqrtf(squared_norm < 1e-12f ? 1e-12f : squared_norm);
}

// §1.2: max(1 − f_i·f_j, 0), diagonal kept. An entry that the clamp cut (1 − f_i·f_j < 0) is
// stored as −0: it equals 0 in every comparison and sum, and its sign bit tells the backward
// (angular_passes) that TF's maximum sent that entry's gradient to the constant.
TRIPLETCHECK_HD inline float angular_entry(float gram_normalized) {
  const float raw = 1.0f - gram_normalized;
  return raw < 0.0f ? -0.0f : raw;
}
TRIPLETCHECK_HD inline bool angular_passes(float distance) {
  return (float_bits(distance) & 0x80000000u) == 0;
}

// ---- masked row extremes (docs/SEMANTICS.md §2, §4) ------------------------------------------------------

// One candidate of a reduction: a value and its column; index < 0 means "none yet".
struct Pick {
  float value = 0.0f;
  std::int64_t index = -1;
};

// Larger value wins; equal values go to the smaller index, so the merge order does not matter.
TRIPLETCHECK_HD inline void keep_max(Pick& acc, const Pick& c) {
  if (c.index < 0) return;
  if (acc.index < 0 || c.value > acc.value || (c.value == acc.value && c.index < acc.index)) {
    acc = c;
  }
}
TRIPLETCHECK_HD inline void keep_min(Pick& acc, const Pick& c) {
  if (c.index < 0) return;
  if (acc.index < 0 || c.value < acc.value || (c.value == acc.value && c.index < acc.index)) {
    acc = c;
  }
}

// Everything the losses need from one anchor row of D, accumulated entry by entry (add) and
// combined across threads (merge).
struct RowSummary {
  Pick positive_max;  // over j != i with the anchor's label
  Pick negative_min;  // over k with another label
  Pick row_min;       // over the whole row, diagonal included (masked_maximum's fallback)
  Pick row_max;       // ... (masked_minimum's fallback)
  std::int64_t positives = 0;
  std::int64_t negatives = 0;
  bool has_nan = false;

  TRIPLETCHECK_HD void add(std::int64_t k, float d, bool same_label, bool diagonal) {
    const Pick p{d, k};
    if (d != d) has_nan = true;
    keep_min(row_min, p);
    keep_max(row_max, p);
    if (same_label && !diagonal) {
      keep_max(positive_max, p);
      ++positives;
    } else if (!same_label) {
      keep_min(negative_min, p);
      ++negatives;
    }
  }
  TRIPLETCHECK_HD void merge(const RowSummary& o) {
    keep_max(positive_max, o.positive_max);
    keep_min(negative_min, o.negative_min);
    keep_min(row_min, o.row_min);
    keep_max(row_max, o.row_max);
    positives += o.positives;
    negatives += o.negatives;
    has_nan = has_nan || o.has_nan;
  }
};

// ---- hard loss of one anchor (docs/SEMANTICS.md §4) ------------------------------------------------------

struct HardTerm {
  float term = 0;              // t_i
  float slope = 0;             // dt_i/dz_i: 1 or 0 for the hinge (>= 0 passes), sigmoid for soft
  std::int64_t positive = -1;  // column receiving +slope/B
  std::int64_t negative = -1;  // column receiving −slope/B
};

TRIPLETCHECK_HD inline HardTerm hard_term(const RowSummary& row, float margin, bool soft) {
  const Pick pos = row.positive_max.index >= 0 ? row.positive_max : row.row_min;
  const Pick neg = row.negative_min.index >= 0 ? row.negative_min : row.row_max;
  const float z = pos.value - neg.value;
  HardTerm t;
  t.positive = pos.index;
  t.negative = neg.index;
  if (soft) {
    // Literally log1p(exp(z)) and exp(z)·(1/(1 + exp(z))), as TF: +Inf and NaN past z ≈ 88.7.
    const float e = expf(z);
    t.term = log1pf(e);
    t.slope = e * (1.0f / (1.0f + e));
  } else {
    const float arg = z + margin;
    t.term = arg < 0.0f ? 0.0f : arg;
    t.slope = arg >= 0.0f ? 1.0f : 0.0f;
  }
  return t;
}

// ---- semi-hard negative of one (anchor, positive) pair (docs/SEMANTICS.md §3.4) --------------------------

// A total order on floats as unsigned keys (radix-sortable): key(a) < key(b) iff a < b for
// non-NaN values; −0 and +0 share a key so that a clamped angular entry ties with a true 0.
TRIPLETCHECK_HD inline std::uint32_t order_key(float v) {
  const std::uint32_t bits = float_bits(v == 0.0f ? 0.0f : v);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}
TRIPLETCHECK_HD inline float key_value(std::uint32_t key) {
  return bits_float((key & 0x80000000u) ? (key & 0x7fffffffu) : ~key);
}
// The key of a column that is not a negative: above every non-NaN key, so after sorting a row
// its negatives come first, in increasing distance, ties by increasing column (stable sort).
constexpr std::uint32_t kNotNegativeKey = 0xffffffffu;

// The anchor's negatives sorted as above (keys and columns; `count` of them) give the selection
// in O(log B): the smallest negative strictly greater than d_ij (first of equals: the smallest
// column); if none, the largest negative (last of equals: the largest column — a one-hot choice
// among ties either way); if the anchor has no negatives, the row minimum.
TRIPLETCHECK_HD inline Pick semihard_negative(const std::uint32_t* keys,
                                              const std::int32_t* columns, std::int64_t count,
                                              float d_ij, const Pick& row_min) {
  if (count == 0) return row_min;
  const std::uint32_t target = order_key(d_ij);
  std::int64_t lo = 0, hi = count;  // first position whose key is > target
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (keys[mid] > target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  const std::int64_t at = lo < count ? lo : count - 1;
  return {key_value(keys[at]), columns[at]};
}

// The same selection without sorting the row (kernels.cu's bucket kernel): the anchor's P
// positive keys sorted ascending cut the keys into P + 1 buckets; a negative with key k falls in
// bucket #{positive keys < k}. The positive with key t takes the smallest negative of buckets
// #{positive keys <= t} and up, which are exactly the negatives strictly farther than it (t is
// one of the positive keys). A bucket keeps the minimum of pack_negative(key, column): the
// smallest distance, then the smallest column, as the sorted path picks; the row keeps the
// maximum: the largest negative, then the largest column, the sorted path's fallback.
using PackedNegative = unsigned long long;  // CUDA's 64-bit atomicMin/atomicMax take this type
// The most positives per anchor the bucket kernel holds in shared memory (4 + 8 bytes each: 24
// KiB); anchors of larger classes go through the sort.
constexpr int kBucketPositivesMax = 2048;
constexpr PackedNegative kEmptyBucket = ~0ull;

TRIPLETCHECK_HD inline PackedNegative pack_negative(std::uint32_t key, std::int64_t column) {
  return (static_cast<PackedNegative>(key) << 32) | static_cast<std::uint32_t>(column);
}
TRIPLETCHECK_HD inline Pick unpack_negative(PackedNegative packed) {
  return {key_value(static_cast<std::uint32_t>(packed >> 32)),
          static_cast<std::int64_t>(packed & 0xffffffffull)};
}

// #{sorted[0, count) < key}, or <= key with `or_equal`: a binary search.
TRIPLETCHECK_HD inline std::int64_t keys_below(const std::uint32_t* sorted, std::int64_t count,
                                               std::uint32_t key, bool or_equal) {
  std::int64_t lo = 0, hi = count;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (sorted[mid] < key || (or_equal && sorted[mid] == key)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// The bucket a negative's packed entry goes to.
TRIPLETCHECK_HD inline std::int64_t negative_bucket(const std::uint32_t* positive_keys,
                                                    std::int64_t positives, std::uint32_t key) {
  return keys_below(positive_keys, positives, key, false);
}

// The semi-hard negative of the pair (anchor, positive at distance d_ij) from the buckets'
// suffix minima (suffix[u] = the minimum of buckets u..P, kEmptyBucket when all are empty),
// `largest` the maximum packed negative; as semihard_negative, the row minimum when the anchor
// has no negatives.
TRIPLETCHECK_HD inline Pick semihard_from_buckets(const PackedNegative* suffix,
                                                  const std::uint32_t* positive_keys,
                                                  std::int64_t positives, float d_ij,
                                                  std::int64_t negatives, PackedNegative largest,
                                                  const Pick& row_min) {
  if (negatives == 0) return row_min;
  const PackedNegative found = suffix[keys_below(positive_keys, positives, order_key(d_ij), true)];
  return unpack_negative(found != kEmptyBucket ? found : largest);
}

struct SemihardTerm {
  float term = 0;       // max(margin + (d_ij − n), 0)
  bool active = false;  // the hinge passes gradient (argument >= 0, ties included)
};

TRIPLETCHECK_HD inline SemihardTerm semihard_term(float d_ij, float negative, float margin) {
  const float arg = margin + (d_ij - negative);
  return {arg < 0.0f ? 0.0f : arg, arg >= 0.0f};
}

// ---- backward (docs/SEMANTICS.md §5.2) -------------------------------------------------------------------

// dLoss/dD[i,j] = g turns into the coefficient c_ij with
// dLoss/dx_i = Σ_j (c_ij + c_ji)·(x_i − x_j)    (L2, squared-L2)
// dLoss/df_i = −Σ_j (c_ij + c_ji)·f_j           (angular, before the normalisation's backward).
// Entries that TF masks (error mask, diagonal, angular clamp) pass nothing; 0 stays 0 even where
// the distance is 0 (no 0/0).
TRIPLETCHECK_HD inline float pair_coefficient(float g, float distance, DistanceKind kind) {
  if (g == 0.0f) return 0.0f;
  switch (kind) {
    case DistanceKind::kL2:
      return distance > 0.0f ? g / distance : 0.0f;
    case DistanceKind::kSquaredL2:
      return distance > 0.0f ? 2.0f * g : 0.0f;
    case DistanceKind::kAngular:
    default:
      return angular_passes(distance) ? g : 0.0f;
  }
}

// dLoss/dx_ik for L2/squared-L2 from m = M·X (M = C + Cᵀ) and the row sum of M.
TRIPLETCHECK_HD inline float euclidean_gradient(float row_sum, float x_ik, float mx_ik) {
  return row_sum * x_ik - mx_ik;
}

// The backward of f = x·rsqrt(max(‖x‖², 1e-12)) for one entry: r·(g_k − (f·g)·f_k) when the norm
// path is live (‖x‖² >= 1e-12, the max's tie passing to ‖x‖²), r·g_k when the max cut it.
TRIPLETCHECK_HD inline float angular_gradient(float g_k, float f_k, float f_dot_g, float inv_norm,
                                              float squared_norm) {
  return squared_norm >= 1e-12f ? inv_norm * (g_k - f_dot_g * f_k) : inv_norm * g_k;
}

}  // namespace tripletcheck::cuda_logic
