// The CUDA backend's device API: the triplet losses on data already on the GPU. Nothing is copied
// between host and device per call and nothing synchronizes the stream; the caller owns the
// pointers and the stream, and a Workspace keeps the scratch buffers between calls.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>

#include "tripletcheck/options.hpp"

namespace tripletcheck::cuda {

// Device scratch (O(B²) floats plus, for semi-hard, the sort buffers) and the cuBLAS handle,
// grown on demand and reused. One Workspace per concurrent caller: it is not thread-safe.
class Workspace {
 public:
  Workspace();
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  // The most anchor rows one segmented sort of the semi-hard loss takes. By default as many as
  // CUB's int item count allows (INT_MAX / B, so B >= 46341 sorts in chunks); a smaller limit
  // runs the chunked path at a small B (tests). 0 removes the limit.
  void set_sort_rows_limit(std::int64_t rows);
  // Semi-hard anchors with up to this many positives (at most 2048, the default) are mined by the
  // bucket kernel (D and the counts: 8·B² bytes with the gradient); when some anchor has more, the
  // call sorts every row's negatives (28·B² bytes or so). 0 always sorts (tests: both paths give
  // the same bits).
  void set_bucket_positives_limit(std::int64_t positives);
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// loss (1 float) and, when d_grad is not null, dLoss/dEmbeddings (B×D, row-major) for the B×D
// row-major float32 embeddings and B labels, all on the device. Distances use cuBLAS SGEMM with
// TF32 off. Deterministic: no float atomics; fixed-order reductions. Throws ResourceLimit, before
// any kernel runs, when the workspace would need more than the free device memory, and
// tripletcheck::Error on a CUDA or cuBLAS failure; errors of the asynchronous kernels surface at
// the next synchronizing call, as usual with CUDA.
void cuda_triplet_loss(const float* d_embeddings, const std::int64_t* d_labels, std::int64_t batch,
                       std::int64_t dim, const LossSpec& spec, float* d_loss, float* d_grad,
                       cudaStream_t stream, Workspace& workspace);

// The same for a precomputed B×B distance matrix (TFA's callable metric): d_grad, when not
// null, receives dLoss/dD (B×B).
void cuda_triplet_loss_on_distances(const float* d_distances, const std::int64_t* d_labels,
                                    std::int64_t batch, const LossSpec& spec, float* d_loss,
                                    float* d_grad, cudaStream_t stream, Workspace& workspace);

}  // namespace tripletcheck::cuda
