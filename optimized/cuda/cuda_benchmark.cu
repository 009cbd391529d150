// GPU benchmark of the device API (cuda_triplet.hpp), independent of Google Benchmark: times
// each loss at B = 1024..16384, D = 128 and 512 with CUDA events, next to the floor of the same
// shape (one SGEMM X·Xᵀ plus one B×B by B×D SGEMM, TF32 off), and writes JSON to stdout.
// Usage: tripletcheck_cuda_bench [max_batch] [repetitions]
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "optimized/cuda/cuda_triplet.hpp"

namespace {

using tripletcheck::Loss;
using tripletcheck::LossSpec;

#define CHECK_CUDA(call)                                                    \
  do {                                                                      \
    const cudaError_t status_ = (call);                                     \
    if (status_ != cudaSuccess) {                                           \
      std::fprintf(stderr, "%s: %s\n", #call, cudaGetErrorString(status_)); \
      std::exit(2);                                                         \
    }                                                                       \
  } while (0)

// Median milliseconds of `reps` timed runs of `body` after one warm-up.
template <class Body>
double median_ms(int reps, cudaStream_t stream, Body body) {
  cudaEvent_t start, stop;
  CHECK_CUDA(cudaEventCreate(&start));
  CHECK_CUDA(cudaEventCreate(&stop));
  body();
  CHECK_CUDA(cudaStreamSynchronize(stream));
  std::vector<float> times;
  for (int r = 0; r < reps; ++r) {
    CHECK_CUDA(cudaEventRecord(start, stream));
    body();
    CHECK_CUDA(cudaEventRecord(stop, stream));
    CHECK_CUDA(cudaEventSynchronize(stop));
    float ms = 0;
    CHECK_CUDA(cudaEventElapsedTime(&ms, start, stop));
    times.push_back(ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const long long max_batch = argc > 1 ? std::atoll(argv[1]) : 16384;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
  cudaStream_t stream;
  CHECK_CUDA(cudaStreamCreate(&stream));
  cublasHandle_t blas;
  if (cublasCreate(&blas) != CUBLAS_STATUS_SUCCESS) return 2;
  cublasSetMathMode(blas, CUBLAS_PEDANTIC_MATH);
  cublasSetStream(blas, stream);
  tripletcheck::cuda::Workspace workspace;
  std::mt19937 rng(20261128);
  std::normal_distribution<float> normal;
  std::printf("{\n  \"benchmarks\": [\n");
  bool first = true;
  for (const long long dim : {128LL, 512LL}) {
    for (long long b = 1024; b <= max_batch; b *= 2) {
      std::vector<float> x(static_cast<std::size_t>(b * dim));
      for (float& v : x) v = normal(rng);
      std::vector<std::int64_t> labels(static_cast<std::size_t>(b));
      for (long long i = 0; i < b; ++i) labels[i] = i / 8;  // 8 samples per class
      float *d_x, *d_grad, *d_loss, *d_bb;
      std::int64_t* d_labels;
      CHECK_CUDA(cudaMalloc(&d_x, x.size() * sizeof(float)));
      CHECK_CUDA(cudaMalloc(&d_grad, x.size() * sizeof(float)));
      CHECK_CUDA(cudaMalloc(&d_loss, sizeof(float)));
      CHECK_CUDA(cudaMalloc(&d_bb, static_cast<std::size_t>(b * b) * sizeof(float)));
      CHECK_CUDA(cudaMalloc(&d_labels, labels.size() * sizeof(std::int64_t)));
      CHECK_CUDA(cudaMemcpy(d_x, x.data(), x.size() * sizeof(float), cudaMemcpyHostToDevice));
      CHECK_CUDA(cudaMemcpy(d_labels, labels.data(), labels.size() * sizeof(std::int64_t),
                            cudaMemcpyHostToDevice));
      const int bi = static_cast<int>(b), di = static_cast<int>(dim);
      const float one = 1, zero = 0;
      const double floor_ms = median_ms(reps, stream, [&] {
        cublasSgemm(blas, CUBLAS_OP_T, CUBLAS_OP_N, bi, bi, di, &one, d_x, di, d_x, di, &zero, d_bb,
                    bi);
        cublasSgemm(blas, CUBLAS_OP_N, CUBLAS_OP_N, di, bi, bi, &one, d_x, di, d_bb, bi, &zero,
                    d_grad, di);
      });
      for (const Loss loss : {Loss::kHard, Loss::kSemiHard}) {
        LossSpec spec;
        spec.loss = loss;
        const double ms = median_ms(reps, stream, [&] {
          tripletcheck::cuda::cuda_triplet_loss(d_x, d_labels, b, dim, spec, d_loss, d_grad, stream,
                                                workspace);
        });
        std::printf(
            "%s    {\"loss\": \"%s\", \"batch\": %lld, \"dim\": %lld, \"median_ms\": %.4f, "
            "\"gemm_floor_ms\": %.4f, \"ratio_to_floor\": %.2f}",
            first ? "" : ",\n", loss == Loss::kHard ? "hard" : "semihard", b, dim, ms, floor_ms,
            ms / floor_ms);
        std::fflush(stdout);
        first = false;
        std::fprintf(stderr, "bench: %s B=%lld D=%lld %.3f ms (floor %.3f ms)\n",
                     loss == Loss::kHard ? "hard" : "semihard", b, dim, ms, floor_ms);
      }
      cudaFree(d_x);
      cudaFree(d_grad);
      cudaFree(d_loss);
      cudaFree(d_bb);
      cudaFree(d_labels);
    }
  }
  std::printf("\n  ]\n}\n");
  return 0;
}
