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
#include <exception>
#include <random>
#include <vector>

#include "optimized/cuda/cuda_status.hpp"
#include "optimized/cuda/cuda_triplet.hpp"

namespace {

using tripletcheck::Loss;
using tripletcheck::LossSpec;
using tripletcheck::cuda::check;

// Median milliseconds of `reps` timed runs of `body` after one warm-up.
template <class Body>
double median_ms(int reps, cudaStream_t stream, Body body) {
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  body();
  check(cudaStreamSynchronize(stream), "cudaStreamSynchronize (warm-up)");
  std::vector<float> times;
  for (int r = 0; r < reps; ++r) {
    check(cudaEventRecord(start, stream), "cudaEventRecord");
    body();
    check(cudaEventRecord(stop, stream), "cudaEventRecord");
    check(cudaEventSynchronize(stop), "cudaEventSynchronize");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
    times.push_back(ms);
  }
  check(cudaEventDestroy(start), "cudaEventDestroy");
  check(cudaEventDestroy(stop), "cudaEventDestroy");
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

template <class T>
T* device_array(std::size_t count) {
  return static_cast<T*>(tripletcheck::cuda::device_allocate(count * sizeof(T), "the benchmark"));
}

void run(long long max_batch, int reps) {
  cudaStream_t stream;
  check(cudaStreamCreate(&stream), "cudaStreamCreate");
  cublasHandle_t blas;
  check(cublasCreate(&blas), "cublasCreate");
  check(cublasSetMathMode(blas, CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");  // TF32 off
  check(cublasSetStream(blas, stream), "cublasSetStream");
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
      float* d_x = device_array<float>(x.size());
      float* d_grad = device_array<float>(x.size());
      float* d_loss = device_array<float>(1);
      float* d_bb = device_array<float>(static_cast<std::size_t>(b * b));
      std::int64_t* d_labels = device_array<std::int64_t>(labels.size());
      check(cudaMemcpy(d_x, x.data(), x.size() * sizeof(float), cudaMemcpyHostToDevice),
            "copy embeddings in");
      check(cudaMemcpy(d_labels, labels.data(), labels.size() * sizeof(std::int64_t),
                       cudaMemcpyHostToDevice),
            "copy labels in");
      const int bi = static_cast<int>(b), di = static_cast<int>(dim);
      const float one = 1, zero = 0;
      const double floor_ms = median_ms(reps, stream, [&] {
        check(cublasSgemm(blas, CUBLAS_OP_T, CUBLAS_OP_N, bi, bi, di, &one, d_x, di, d_x, di, &zero,
                          d_bb, bi),
              "cublasSgemm floor X·Xᵀ");
        check(cublasSgemm(blas, CUBLAS_OP_N, CUBLAS_OP_N, di, bi, bi, &one, d_x, di, d_bb, bi,
                          &zero, d_grad, di),
              "cublasSgemm floor M·X");
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
      for (void* p :
           {static_cast<void*>(d_x), static_cast<void*>(d_grad), static_cast<void*>(d_loss),
            static_cast<void*>(d_bb), static_cast<void*>(d_labels)}) {
        check(cudaFree(p), "cudaFree");
      }
    }
  }
  std::printf("\n  ]\n}\n");
  check(cublasDestroy(blas), "cublasDestroy");
  check(cudaStreamDestroy(stream), "cudaStreamDestroy");
}

}  // namespace

int main(int argc, char** argv) {
  const long long max_batch = argc > 1 ? std::atoll(argv[1]) : 16384;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
  try {
    run(max_batch, reps);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tripletcheck_cuda_bench: %s\n", e.what());
    return 2;
  }
  return 0;
}
