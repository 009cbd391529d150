// The CUDA pipeline: norms → cuBLAS GEMM (TF32 off) → distance entries → per-row summaries →
// mining (hard: one thread per anchor; semi-hard: per anchor its positives sorted in shared memory
// and each negative bucketed below them, or, for classes over 2049 samples, a CUB segmented sort of
// each row's negatives and a binary search per (anchor, positive)) → fixed-order loss reduction → W
// = dLoss/dD → M = C + Cᵀ → one GEMM M·X → per-row finish. The per-element logic lives in
// mining_logic.hpp.
//
// Determinism: the only atomics are integer (the semi-hard per-entry selection counts, the
// buckets' packed minima and the sort's positions of keys that are sorted afterwards), all float
// sums are per-thread strided loops followed by a fixed shared-memory tree. 64-bit indices for
// everything that spans B² entries.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cub/device/device_segmented_radix_sort.cuh>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "optimized/cuda/cuda_status.hpp"
#include "optimized/cuda/cuda_triplet.hpp"
#include "optimized/cuda/mining_logic.hpp"

namespace tripletcheck::cuda {

using cuda_logic::DistanceKind;
using cuda_logic::Pick;
using cuda_logic::RowSummary;

namespace {

constexpr int kThreads = cuda_logic::kBlockThreads;  // every block reduction assumes it

// Grid for a grid-stride loop over n elements.
unsigned grid_for(std::int64_t n) {
  const std::int64_t blocks = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(blocks < (1 << 20) ? (blocks > 0 ? blocks : 1) : (1 << 20));
}

__device__ inline std::int64_t global_thread() {
  return static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ inline std::int64_t grid_stride() {
  return static_cast<std::int64_t>(gridDim.x) * blockDim.x;
}

// Fixed-order tree sum over the block (kThreads values in `part`); result in part[0].
template <class T>
__device__ void block_sum(T* part) {
  for (int stride = kThreads / 2; stride > 0; stride /= 2) {
    if (static_cast<int>(threadIdx.x) < stride) part[threadIdx.x] += part[threadIdx.x + stride];
    __syncthreads();
  }
}

// ---- forward --------------------------------------------------------------------------------

// ‖x_i‖² in column order (one thread per row) and, for angular, f_i = x_i·rsqrt(max(‖x_i‖², ε)).
__global__ void norms_kernel(const float* x, std::int64_t b, std::int64_t dim, float* squared,
                             float* inverse, float* normalized) {
  for (std::int64_t i = global_thread(); i < b; i += grid_stride()) {
    const float* row = x + i * dim;
    float s = 0.0f;
    for (std::int64_t k = 0; k < dim; ++k) s += row[k] * row[k];
    squared[i] = s;
    if (normalized != nullptr) {
      const float r = cuda_logic::inverse_norm(s);
      inverse[i] = r;
      for (std::int64_t k = 0; k < dim; ++k) normalized[i * dim + k] = row[k] * r;
    }
  }
}

// The GEMM output becomes D in place.
__global__ void distance_kernel(float* d, const float* squared, std::int64_t b, DistanceKind kind) {
  const std::int64_t n = b * b;
  for (std::int64_t e = global_thread(); e < n; e += grid_stride()) {
    const std::int64_t i = e / b, j = e % b;
    d[e] = kind == DistanceKind::kAngular
               ? cuda_logic::angular_entry(d[e])
               : cuda_logic::euclidean_entry(d[e], squared[i], squared[j], i == j,
                                             kind == DistanceKind::kSquaredL2);
  }
}

// ---- mining ---------------------------------------------------------------------------------

__global__ void row_summary_kernel(const float* d, const std::int64_t* labels, std::int64_t b,
                                   RowSummary* out) {
  __shared__ alignas(RowSummary) unsigned char raw[sizeof(RowSummary) * kThreads];
  RowSummary* part = reinterpret_cast<RowSummary*>(raw);
  const std::int64_t i = blockIdx.x;
  const std::int64_t label = labels[i];
  RowSummary s;
  for (std::int64_t k = threadIdx.x; k < b; k += kThreads) {
    s.add(k, d[i * b + k], labels[k] == label, k == i);
  }
  part[threadIdx.x] = s;
  __syncthreads();
  for (int stride = kThreads / 2; stride > 0; stride /= 2) {
    if (static_cast<int>(threadIdx.x) < stride) part[threadIdx.x].merge(part[threadIdx.x + stride]);
    __syncthreads();
  }
  if (threadIdx.x == 0) out[i] = part[0];
}

// One thread per anchor writes its own row of W, so the +/− on the same entry add in order.
__global__ void hard_rows_kernel(const RowSummary* rows, std::int64_t b, float margin, bool soft,
                                 float* row_loss, float* w) {
  for (std::int64_t i = global_thread(); i < b; i += grid_stride()) {
    const cuda_logic::HardTerm t = cuda_logic::hard_term(rows[i], margin, soft);
    row_loss[i] = t.term;
    if (w != nullptr) {
      const float g = t.slope / static_cast<float>(b);
      w[i * b + t.positive] += g;
      w[i * b + t.negative] -= g;
    }
  }
}

__global__ void negative_keys_kernel(const float* d, const std::int64_t* labels, std::int64_t b,
                                     std::uint32_t* keys, std::int32_t* columns) {
  const std::int64_t n = b * b;
  for (std::int64_t e = global_thread(); e < n; e += grid_stride()) {
    const std::int64_t i = e / b, k = e % b;
    keys[e] = labels[k] != labels[i] ? cuda_logic::order_key(d[e]) : cuda_logic::kNotNegativeKey;
    columns[e] = static_cast<std::int32_t>(k);
  }
}

__global__ void offsets_kernel(int* offsets, std::int64_t rows, std::int64_t b) {
  for (std::int64_t r = global_thread(); r <= rows; r += grid_stride()) {
    offsets[r] = static_cast<int>(r * b);
  }
}

// The anchor i's positive pairs, each with the negative pick(j) selects: their hinges summed
// into row_loss[i] by the block's fixed tree; with `counts`, +1 on each active positive and −1 on
// its negative (integer atomics commute: the same counts in any order).
template <class PickNegative>
__device__ void score_positives(const float* row, const std::int64_t* labels, std::int64_t i,
                                std::int64_t b, float margin, int* counts, float* row_loss,
                                PickNegative pick) {
  __shared__ float part[kThreads];
  const std::int64_t label = labels[i];
  float acc = 0.0f;
  for (std::int64_t j = threadIdx.x; j < b; j += kThreads) {
    if (j == i || labels[j] != label) continue;
    const Pick n = pick(j);
    const cuda_logic::SemihardTerm t = cuda_logic::semihard_term(row[j], n.value, margin);
    acc += t.term;
    if (counts != nullptr && t.active) {
      atomicAdd(counts + i * b + j, 1);
      atomicAdd(counts + i * b + n.index, -1);
    }
  }
  part[threadIdx.x] = acc;
  __syncthreads();
  block_sum(part);
  if (threadIdx.x == 0) row_loss[i] = part[0];
}

// One block per anchor; counts[i,·] (int32, zeroed) gets +1 on each active positive and −1 on its
// selected negative. Integer atomics commute, so the counts are the same in any order.
__global__ void semihard_rows_kernel(const float* d, const std::int64_t* labels, std::int64_t b,
                                     const std::uint32_t* keys, const std::int32_t* columns,
                                     const RowSummary* rows, float margin, float* row_loss,
                                     int* counts) {
  const std::int64_t i = blockIdx.x;
  const float* row = d + i * b;
  const RowSummary s = rows[i];
  score_positives(row, labels, i, b, margin, counts, row_loss, [&](std::int64_t j) {
    return cuda_logic::semihard_negative(keys + i * b, columns + i * b, s.negatives, row[j],
                                         s.row_min);
  });
}

// Semi-hard mining without sorting the row (issue 15 point 8; cuda_logic::semihard_from_buckets):
// one block per anchor with at most kBucketPositivesMax positives. Its positives' keys are
// sorted in shared memory (bitonic), each negative lands by binary search in the bucket below
// it with a packed atomicMin (smallest distance, then column: commutes, so deterministic), one
// thread takes the suffix minima, and the positives are scored as in semihard_rows_kernel. No B²
// scratch: the call holds D and, with the gradient, the counts (8·B² bytes).
__global__ void semihard_buckets_kernel(const float* d, const std::int64_t* labels, std::int64_t b,
                                        const RowSummary* rows, float margin, float* row_loss,
                                        int* counts) {
  using cuda_logic::PackedNegative;
  __shared__ std::uint32_t positive_keys[cuda_logic::kBucketPositivesMax];
  __shared__ PackedNegative buckets[cuda_logic::kBucketPositivesMax + 1];
  __shared__ PackedNegative largest;
  __shared__ int filled;
  const std::int64_t i = blockIdx.x;
  const std::int64_t label = labels[i];
  const float* row = d + i * b;
  const RowSummary s = rows[i];
  const int p = static_cast<int>(s.positives);  // <= kBucketPositivesMax: the host checked
  int padded = 1;                               // the bitonic sort's size, a power of two
  while (padded < p) padded *= 2;
  if (threadIdx.x == 0) {
    filled = 0;
    largest = 0;
  }
  for (int k = threadIdx.x; k < padded; k += kThreads) positive_keys[k] = 0xffffffffu;
  for (int k = threadIdx.x; k <= p; k += kThreads) buckets[k] = cuda_logic::kEmptyBucket;
  __syncthreads();
  for (std::int64_t j = threadIdx.x; j < b; j += kThreads) {
    // In any order: only the sorted keys are used.
    if (j != i && labels[j] == label) {
      positive_keys[atomicAdd(&filled, 1)] = cuda_logic::order_key(row[j]);
    }
  }
  __syncthreads();
  for (int size = 2; size <= padded; size *= 2) {
    for (int stride = size / 2; stride > 0; stride /= 2) {
      for (int t = threadIdx.x; t < padded; t += kThreads) {
        const int partner = t ^ stride;
        if (partner <= t) continue;
        const bool ascending = (t & size) == 0;
        const std::uint32_t a = positive_keys[t], c = positive_keys[partner];
        if ((a > c) == ascending) {
          positive_keys[t] = c;
          positive_keys[partner] = a;
        }
      }
      __syncthreads();
    }
  }
  for (std::int64_t k = threadIdx.x; k < b; k += kThreads) {
    if (labels[k] == label) continue;
    const std::uint32_t key = cuda_logic::order_key(row[k]);
    const PackedNegative packed = cuda_logic::pack_negative(key, k);
    atomicMin(&buckets[cuda_logic::negative_bucket(positive_keys, p, key)], packed);
    atomicMax(&largest, packed);
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int u = p - 1; u >= 0; --u) buckets[u] = min(buckets[u], buckets[u + 1]);
  }
  __syncthreads();
  score_positives(row, labels, i, b, margin, counts, row_loss, [&](std::int64_t j) {
    return cuda_logic::semihard_from_buckets(buckets, positive_keys, p, row[j], s.negatives,
                                             largest, s.row_min);
  });
}

// Single block: the most positives any anchor has (which semi-hard miner runs).
__global__ void max_positives_kernel(const RowSummary* rows, std::int64_t b, long long* out) {
  __shared__ long long part[kThreads];
  long long m = 0;
  for (std::int64_t i = threadIdx.x; i < b; i += kThreads)
    m = max(m, static_cast<long long>(rows[i].positives));
  part[threadIdx.x] = m;
  __syncthreads();
  for (int stride = kThreads / 2; stride > 0; stride /= 2) {
    if (static_cast<int>(threadIdx.x) < stride) {
      part[threadIdx.x] = max(part[threadIdx.x], part[threadIdx.x + stride]);
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) *out = part[0];
}

// Single block: loss = Σ row terms / (B or num_pos); all_nan when D holds a NaN or semi-hard has
// no positive pair (docs/SEMANTICS.md §3.6, §5.5).
__global__ void finish_loss_kernel(const float* row_loss, const RowSummary* rows, std::int64_t b,
                                   bool semihard, float* loss, int* all_nan,
                                   long long* num_positive) {
  __shared__ float sum[kThreads];
  __shared__ long long pos[kThreads];
  __shared__ int nan[kThreads];
  float s = 0.0f;
  long long p = 0;
  int has_nan = 0;
  for (std::int64_t i = threadIdx.x; i < b; i += kThreads) {
    s += row_loss[i];
    p += rows[i].positives;
    has_nan |= rows[i].has_nan ? 1 : 0;
  }
  sum[threadIdx.x] = s;
  pos[threadIdx.x] = p;
  nan[threadIdx.x] = has_nan;
  __syncthreads();
  block_sum(sum);
  block_sum(pos);
  block_sum(nan);
  if (threadIdx.x != 0) return;
  const float qnan = __int_as_float(0x7fc00000);
  float value = semihard ? (pos[0] > 0 ? sum[0] / static_cast<float>(pos[0]) : qnan)
                         : sum[0] / static_cast<float>(b);
  const bool poisoned = nan[0] != 0 || (semihard && pos[0] == 0);
  if (poisoned) value = qnan;
  *loss = value;
  *all_nan = poisoned ? 1 : 0;
  *num_positive = pos[0];
}

// Semi-hard counts → W = count / num_pos, written over another buffer.
__global__ void counts_to_weights_kernel(const int* counts, float* w, std::int64_t n,
                                         const long long* num_positive) {
  const float p = static_cast<float>(*num_positive);
  for (std::int64_t e = global_thread(); e < n; e += grid_stride()) {
    w[e] = counts[e] == 0 ? 0.0f : static_cast<float>(counts[e]) / p;
  }
}

__global__ void nan_fill_kernel(float* v, std::int64_t n, const int* all_nan) {
  if (*all_nan == 0) return;
  const float qnan = __int_as_float(0x7fc00000);
  for (std::int64_t e = global_thread(); e < n; e += grid_stride()) v[e] = qnan;
}

// ---- backward -------------------------------------------------------------------------------

// D becomes M = C + Cᵀ in place; the thread of (i, j ≥ i) owns both entries, so M is bitwise
// symmetric (the GEMM below relies on it).
__global__ void coefficient_kernel(const float* w, float* d, std::int64_t b, DistanceKind kind) {
  const std::int64_t n = b * b;
  for (std::int64_t e = global_thread(); e < n; e += grid_stride()) {
    const std::int64_t i = e / b, j = e % b;
    if (j < i) continue;
    const float m = cuda_logic::pair_coefficient(w[i * b + j], d[i * b + j], kind) +
                    cuda_logic::pair_coefficient(w[j * b + i], d[j * b + i], kind);
    d[i * b + j] = m;
    d[j * b + i] = m;
  }
}

__global__ void row_sum_kernel(const float* m, std::int64_t b, float* out) {
  __shared__ float part[kThreads];
  const std::int64_t i = blockIdx.x;
  float s = 0.0f;
  for (std::int64_t k = threadIdx.x; k < b; k += kThreads) s += m[i * b + k];
  part[threadIdx.x] = s;
  __syncthreads();
  block_sum(part);
  if (threadIdx.x == 0) out[i] = part[0];
}

__global__ void euclidean_finish_kernel(const float* x, const float* row_sum, std::int64_t b,
                                        std::int64_t dim, float* grad, const int* all_nan) {
  const bool poisoned = *all_nan != 0;
  const std::int64_t n = b * dim;
  for (std::int64_t e = global_thread(); e < n; e += grid_stride()) {
    grad[e] = poisoned ? __int_as_float(0x7fc00000)
                       : cuda_logic::euclidean_gradient(row_sum[e / dim], x[e], grad[e]);
  }
}

// grad holds M·F on entry; dLoss/dF = −M·F.
__global__ void angular_finish_kernel(const float* f, const float* squared, const float* inverse,
                                      std::int64_t b, std::int64_t dim, float* grad,
                                      const int* all_nan) {
  const bool poisoned = *all_nan != 0;
  for (std::int64_t i = global_thread(); i < b; i += grid_stride()) {
    float* g = grad + i * dim;
    const float* fi = f + i * dim;
    float dot = 0.0f;
    for (std::int64_t k = 0; k < dim; ++k) dot += fi[k] * -g[k];
    for (std::int64_t k = 0; k < dim; ++k) {
      g[k] = poisoned ? __int_as_float(0x7fc00000)
                      : cuda_logic::angular_gradient(-g[k], fi[k], dot, inverse[i], squared[i]);
    }
  }
}

}  // namespace

// ---- workspace --------------------------------------------------------------------------------

struct DeviceBuffer {
  void* ptr = nullptr;
  std::size_t bytes = 0;
  ~DeviceBuffer() {
    if (ptr != nullptr) (void)cudaFree(ptr);  // a destructor cannot throw
  }
  void reserve(std::size_t need) {
    if (need <= bytes) return;
    if (ptr != nullptr) check(cudaFree(ptr), "cudaFree");
    ptr = nullptr;
    bytes = 0;
    ptr = device_allocate(need, "the cuda workspace");
    bytes = need;
  }
  template <class T>
  T* get(std::int64_t count) {
    reserve(static_cast<std::size_t>(count) * sizeof(T));
    return static_cast<T*>(ptr);
  }
};

struct Workspace::Impl {
  cublasHandle_t blas = nullptr;
  DeviceBuffer distances, scratch, keys_out, columns_in, columns_out, offsets, sort_temp;
  DeviceBuffer summaries, row_loss, squared, inverse, normalized, row_sum, scalars;
  std::int64_t sort_rows_limit = 0;  // 0: none
  std::int64_t bucket_positives_limit = cuda_logic::kBucketPositivesMax;
  ~Impl() {
    if (blas != nullptr) (void)cublasDestroy(blas);  // a destructor cannot throw
  }
  cublasHandle_t handle(cudaStream_t stream) {
    if (blas == nullptr) {
      check(cublasCreate(&blas), "cublasCreate");
      // Plain FP32 products: no TF32, no reduced-precision reductions (they round differently
      // from the CPU backends and change the selections near ties).
      check(cublasSetMathMode(blas, CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
    }
    check(cublasSetStream(blas, stream), "cublasSetStream");
    return blas;
  }
  // Grows every buffer to its need, after refusing (ResourceLimit) a growth that exceeds the
  // free device memory: a call too large for the GPU fails before any kernel runs.
  void reserve(const std::vector<std::pair<DeviceBuffer*, std::uint64_t>>& needs,
               const std::string& what) {
    std::uint64_t growth = 0;
    for (const auto& [buffer, bytes] : needs)
      growth += bytes > buffer->bytes ? bytes - buffer->bytes : 0;
    if (growth > 0) require_free_device_memory(growth, what);
    for (const auto& [buffer, bytes] : needs) buffer->reserve(static_cast<std::size_t>(bytes));
  }
};

Workspace::Workspace() : impl_(std::make_unique<Impl>()) {}
Workspace::~Workspace() = default;
void Workspace::set_sort_rows_limit(std::int64_t rows) { impl_->sort_rows_limit = rows; }
void Workspace::set_bucket_positives_limit(std::int64_t positives) {
  impl_->bucket_positives_limit =
      std::min<std::int64_t>(positives, cuda_logic::kBucketPositivesMax);
}

namespace {

struct Scalars {  // device scalars shared by the kernels of one call
  int all_nan;
  long long num_positive;
  long long max_positives;
};

DistanceKind kind_of(Metric metric) {
  return metric == Metric::kL2          ? DistanceKind::kL2
         : metric == Metric::kSquaredL2 ? DistanceKind::kSquaredL2
                                        : DistanceKind::kAngular;
}

void launched(const char* what) { check(cudaGetLastError(), what); }

// CUB's segmented sort counts items in int: it sorts at most this many anchor rows at a time.
std::int64_t sort_chunk_rows(std::int64_t b, const Workspace::Impl& ws) {
  std::int64_t chunk = std::min<std::int64_t>(b, INT_MAX / b);
  if (ws.sort_rows_limit > 0) chunk = std::min(chunk, ws.sort_rows_limit);
  return std::max<std::int64_t>(chunk, 1);
}

// CUB's temporary storage for sorting `rows` rows of B (keys + columns); asks CUB, allocates
// nothing.
std::size_t sort_temp_bytes(std::int64_t b, std::int64_t rows) {
  std::size_t bytes = 0;
  check(cub::DeviceSegmentedRadixSort::SortPairs(
            nullptr, bytes, static_cast<const std::uint32_t*>(nullptr),
            static_cast<std::uint32_t*>(nullptr), static_cast<const std::int32_t*>(nullptr),
            static_cast<std::int32_t*>(nullptr), static_cast<int>(rows * b), static_cast<int>(rows),
            static_cast<int*>(nullptr), static_cast<int*>(nullptr), 0, 32, cudaStream_t{}),
        "SortPairs (size)");
  return bytes;
}

void sort_negatives(const float* d, const std::int64_t* labels, std::int64_t b, Workspace::Impl& ws,
                    cudaStream_t stream, std::uint32_t* keys_in, std::uint32_t* keys_out,
                    std::int32_t** columns) {
  const std::int64_t n = b * b;
  std::int32_t* cols_in = ws.columns_in.get<std::int32_t>(n);
  std::int32_t* cols_out = ws.columns_out.get<std::int32_t>(n);
  negative_keys_kernel<<<grid_for(n), kThreads, 0, stream>>>(d, labels, b, keys_in, cols_in);
  launched("negative_keys_kernel");
  const std::int64_t chunk = sort_chunk_rows(b, ws);
  int* offsets = ws.offsets.get<int>(chunk + 1);
  offsets_kernel<<<grid_for(chunk + 1), kThreads, 0, stream>>>(offsets, chunk, b);
  launched("offsets_kernel");
  for (std::int64_t r0 = 0; r0 < b; r0 += chunk) {
    const std::int64_t rows = std::min(chunk, b - r0);
    std::size_t temp_bytes = sort_temp_bytes(b, rows);
    void* temp = ws.sort_temp.get<unsigned char>(static_cast<std::int64_t>(temp_bytes));
    check(cub::DeviceSegmentedRadixSort::SortPairs(
              temp, temp_bytes, keys_in + r0 * b, keys_out + r0 * b, cols_in + r0 * b,
              cols_out + r0 * b, static_cast<int>(rows * b), static_cast<int>(rows), offsets,
              offsets + 1, 0, 32, stream),
          "SortPairs");
  }
  *columns = cols_out;
}

// Every workspace buffer one call will take, reserved (or refused) before anything runs.
void reserve_call(Workspace::Impl& ws, std::int64_t b, std::int64_t dim, const LossSpec& spec,
                  bool gradient, bool embeddings) {
  const auto n = static_cast<std::uint64_t>(b) * static_cast<std::uint64_t>(b);
  const auto rows = static_cast<std::uint64_t>(b);
  std::vector<std::pair<DeviceBuffer*, std::uint64_t>> needs = {
      {&ws.summaries, rows * sizeof(RowSummary)},
      {&ws.row_loss, rows * sizeof(float)},
      {&ws.scalars, sizeof(Scalars)}};
  if (embeddings) {
    const bool angular = spec.metric == Metric::kAngular;
    needs.push_back({&ws.distances, n * sizeof(float)});
    needs.push_back({&ws.squared, rows * sizeof(float)});
    if (angular) {
      needs.push_back({&ws.inverse, rows * sizeof(float)});
      needs.push_back({&ws.normalized, rows * static_cast<std::uint64_t>(dim) * sizeof(float)});
    }
    if (gradient && !angular) needs.push_back({&ws.row_sum, rows * sizeof(float)});
  }
  if (gradient) needs.push_back({&ws.scratch, n * 4});  // hard: W; semi-hard: counts, then W
  ws.reserve(needs, "the cuda backend at B = " + std::to_string(b) +
                        (embeddings ? ", D = " + std::to_string(dim) : " (precomputed)") + " (" +
                        (spec.loss == Loss::kSemiHard ? "semi-hard: D and the selection counts"
                                                      : "hard: D and W") +
                        ")");
}

// The sort path's buffers (semi-hard anchors with more than the bucket kernel's positives),
// reserved or refused when that path is taken: 4 more B² buffers and CUB's temporaries.
void reserve_sort(Workspace::Impl& ws, std::int64_t b) {
  const auto n = static_cast<std::uint64_t>(b) * static_cast<std::uint64_t>(b);
  const std::int64_t chunk = sort_chunk_rows(b, ws);
  std::vector<std::pair<DeviceBuffer*, std::uint64_t>> needs;
  for (DeviceBuffer* buffer : {&ws.scratch, &ws.keys_out, &ws.columns_in, &ws.columns_out}) {
    needs.push_back({buffer, n * 4});  // keys and columns: 4 bytes each
  }
  needs.push_back({&ws.offsets, static_cast<std::uint64_t>(chunk + 1) * sizeof(int)});
  needs.push_back({&ws.sort_temp, std::max(sort_temp_bytes(b, chunk),
                                           sort_temp_bytes(b, b - (b - 1) / chunk * chunk))});
  ws.reserve(needs, "the cuda backend's semi-hard sort at B = " + std::to_string(b) +
                        " (classes over " + std::to_string(ws.bucket_positives_limit + 1) +
                        " samples: sort keys and columns)");
}

// Whether every anchor's positives fit the bucket kernel. Past B = limit + 1 that takes the
// largest class from the device: one synchronization of the stream.
bool semihard_by_buckets(const RowSummary* rows, std::int64_t b, Scalars* scalars,
                         cudaStream_t stream, const Workspace::Impl& ws) {
  if (ws.bucket_positives_limit <= 0) return false;
  if (b - 1 <= ws.bucket_positives_limit) return true;
  max_positives_kernel<<<1, kThreads, 0, stream>>>(rows, b, &scalars->max_positives);
  launched("max_positives_kernel");
  long long most = 0;
  check(
      cudaMemcpyAsync(&most, &scalars->max_positives, sizeof most, cudaMemcpyDeviceToHost, stream),
      "cudaMemcpyAsync the largest class");
  check(cudaStreamSynchronize(stream), "cudaStreamSynchronize the largest class");
  return most <= ws.bucket_positives_limit;
}

// Mining on D (device, B×B): writes the loss; when `want_w`, returns W = dLoss/dD (device,
// B×B, owned by the workspace, NaN-filled when the result is poisoned).
float* mine(const float* d, const std::int64_t* labels, std::int64_t b, const LossSpec& spec,
            bool want_w, float* d_loss, cudaStream_t stream, Workspace::Impl& ws) {
  const std::int64_t n = b * b;
  RowSummary* rows = ws.summaries.get<RowSummary>(b);
  float* row_loss = ws.row_loss.get<float>(b);
  Scalars* scalars = ws.scalars.get<Scalars>(1);
  const float margin = static_cast<float>(spec.margin);
  row_summary_kernel<<<static_cast<unsigned>(b), kThreads, 0, stream>>>(d, labels, b, rows);
  launched("row_summary_kernel");

  float* w = nullptr;
  if (spec.loss == Loss::kHard) {
    if (want_w) {
      w = ws.scratch.get<float>(n);
      check(cudaMemsetAsync(w, 0, static_cast<std::size_t>(n) * sizeof(float), stream), "memset");
    }
    hard_rows_kernel<<<grid_for(b), kThreads, 0, stream>>>(rows, b, margin, spec.soft, row_loss, w);
    launched("hard_rows_kernel");
  } else if (semihard_by_buckets(rows, b, scalars, stream, ws)) {
    int* counts = nullptr;
    if (want_w) {
      counts = ws.scratch.get<int>(n);
      check(cudaMemsetAsync(counts, 0, static_cast<std::size_t>(n) * sizeof(int), stream),
            "memset");
      w = reinterpret_cast<float*>(counts);  // the counts become W in place below
    }
    semihard_buckets_kernel<<<static_cast<unsigned>(b), kThreads, 0, stream>>>(
        d, labels, b, rows, margin, row_loss, counts);
    launched("semihard_buckets_kernel");
  } else {
    reserve_sort(ws, b);
    std::uint32_t* keys_in = ws.scratch.get<std::uint32_t>(n);
    std::uint32_t* keys_out = ws.keys_out.get<std::uint32_t>(n);
    std::int32_t* columns = nullptr;
    sort_negatives(d, labels, b, ws, stream, keys_in, keys_out, &columns);
    int* counts = nullptr;
    if (want_w) {  // keys_in is free once sorted
      counts = reinterpret_cast<int*>(keys_in);
      check(cudaMemsetAsync(counts, 0, static_cast<std::size_t>(n) * sizeof(int), stream),
            "memset");
    }
    semihard_rows_kernel<<<static_cast<unsigned>(b), kThreads, 0, stream>>>(
        d, labels, b, keys_out, columns, rows, margin, row_loss, counts);
    launched("semihard_rows_kernel");
    if (want_w) w = reinterpret_cast<float*>(keys_out);  // keys_out is free after mining
  }
  finish_loss_kernel<<<1, kThreads, 0, stream>>>(row_loss, rows, b, spec.loss == Loss::kSemiHard,
                                                 d_loss, &scalars->all_nan, &scalars->num_positive);
  launched("finish_loss_kernel");
  if (w != nullptr && spec.loss == Loss::kSemiHard) {
    // The counts are in scratch; W is scratch itself (buckets: in place, each entry read then
    // written by one thread) or keys_out (sort).
    counts_to_weights_kernel<<<grid_for(n), kThreads, 0, stream>>>(
        reinterpret_cast<const int*>(ws.scratch.ptr), w, n, &scalars->num_positive);
    launched("counts_to_weights_kernel");
  }
  if (w != nullptr) {
    nan_fill_kernel<<<grid_for(n), kThreads, 0, stream>>>(w, n, &scalars->all_nan);
    launched("nan_fill_kernel");
  }
  return w;
}

}  // namespace

void cuda_triplet_loss(const float* d_embeddings, const std::int64_t* d_labels, std::int64_t batch,
                       std::int64_t dim, const LossSpec& spec, float* d_loss, float* d_grad,
                       cudaStream_t stream, Workspace& workspace) {
  Workspace::Impl& ws = workspace.impl();
  const std::int64_t b = batch;
  reserve_call(ws, b, dim, spec, d_grad != nullptr, true);
  const DistanceKind kind = kind_of(spec.metric);
  const bool angular = kind == DistanceKind::kAngular;
  float* d = ws.distances.get<float>(b * b);
  float* squared = ws.squared.get<float>(b);
  float* inverse = angular ? ws.inverse.get<float>(b) : nullptr;
  float* normalized = angular ? ws.normalized.get<float>(b * dim) : nullptr;
  norms_kernel<<<grid_for(b), kThreads, 0, stream>>>(d_embeddings, b, dim, squared, inverse,
                                                     normalized);
  launched("norms_kernel");
  const float* source = angular ? normalized : d_embeddings;
  const float one = 1.0f, zero = 0.0f;
  const int bi = static_cast<int>(b), di = static_cast<int>(dim);
  cublasHandle_t blas = ws.handle(stream);
  check(cublasSgemm(blas, CUBLAS_OP_T, CUBLAS_OP_N, bi, bi, di, &one, source, di, source, di, &zero,
                    d, bi),
        "cublasSgemm X·Xᵀ");
  distance_kernel<<<grid_for(b * b), kThreads, 0, stream>>>(d, squared, b, kind);
  launched("distance_kernel");

  const float* w = mine(d, d_labels, b, spec, d_grad != nullptr, d_loss, stream, ws);
  if (d_grad == nullptr) return;
  coefficient_kernel<<<grid_for(b * b), kThreads, 0, stream>>>(w, d, b, kind);
  launched("coefficient_kernel");
  check(cublasSgemm(blas, CUBLAS_OP_N, CUBLAS_OP_N, di, bi, bi, &one, source, di, d, bi, &zero,
                    d_grad, di),
        "cublasSgemm M·X");
  const int* all_nan = &ws.scalars.get<Scalars>(1)->all_nan;
  if (angular) {
    angular_finish_kernel<<<grid_for(b), kThreads, 0, stream>>>(normalized, squared, inverse, b,
                                                                dim, d_grad, all_nan);
    launched("angular_finish_kernel");
  } else {
    float* row_sum = ws.row_sum.get<float>(b);
    row_sum_kernel<<<static_cast<unsigned>(b), kThreads, 0, stream>>>(d, b, row_sum);
    launched("row_sum_kernel");
    euclidean_finish_kernel<<<grid_for(b * dim), kThreads, 0, stream>>>(d_embeddings, row_sum, b,
                                                                        dim, d_grad, all_nan);
    launched("euclidean_finish_kernel");
  }
}

void cuda_triplet_loss_on_distances(const float* d_distances, const std::int64_t* d_labels,
                                    std::int64_t batch, const LossSpec& spec, float* d_loss,
                                    float* d_grad, cudaStream_t stream, Workspace& workspace) {
  Workspace::Impl& ws = workspace.impl();
  reserve_call(ws, batch, batch, spec, d_grad != nullptr, false);
  const float* w = mine(d_distances, d_labels, batch, spec, d_grad != nullptr, d_loss, stream, ws);
  if (d_grad == nullptr) return;
  check(cudaMemcpyAsync(d_grad, w, static_cast<std::size_t>(batch * batch) * sizeof(float),
                        cudaMemcpyDeviceToDevice, stream),
        "cudaMemcpyAsync dLoss/dD");
}

}  // namespace tripletcheck::cuda
