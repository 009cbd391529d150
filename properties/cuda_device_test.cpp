// The `cuda` backend through the registry: how it presents itself on any machine, and on a GPU
// the checks the differential suite does not make (a batch large enough for every block-per-row
// reduction to use all its threads, compared with the CPU result, and repeated bitwise). Without a
// GPU (or without the backend compiled in) the GPU tests skip with the reason.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tripletcheck/registry.hpp"

namespace tripletcheck {
namespace {

const Backend* cuda_backend() {
  for (const Backend* b : registered_backends()) {
    if (b->name() == "cuda") return b;
  }
  return nullptr;
}

TEST(CudaDevice, PresentsItselfOrIsNotCompiledIn) {
  const Backend* cuda = cuda_backend();
  if (cuda == nullptr) GTEST_SKIP() << "the cuda backend is not compiled in (no nvcc)";
  const Capabilities caps = cuda->capabilities();
  EXPECT_EQ(caps.device, Device::kCuda);
  EXPECT_TRUE(caps.float32);
  EXPECT_FALSE(caps.float64);
  EXPECT_TRUE(caps.deterministic);
  if (!cuda->available()) {
    EXPECT_EQ(cuda->unavailable_reason().rfind("no CUDA device", 0), 0u)
        << cuda->unavailable_reason();
    std::vector<float> x = {0, 1, 1, 0};
    std::vector<std::int64_t> labels = {0, 0};
    EXPECT_THROW(cuda->evaluate(LossSpec{}, BatchView<float>{x.data(), 2, 2, labels.data()}),
                 Unavailable);
  }
}

// The CPU result to compare with: eigen when compiled in (fast), else the reference.
const Backend& cpu_backend() {
  for (const Backend* b : available_backends()) {
    if (b->name() == "eigen") return *b;
  }
  return find_backend("reference");
}

TEST(CudaDevice, LargeBatchAgreesWithCpuAndRepeatsBitwise) {
  const Backend* cuda = cuda_backend();
  if (cuda == nullptr) GTEST_SKIP() << "the cuda backend is not compiled in (no nvcc)";
  if (!cuda->available()) GTEST_SKIP() << "needs a GPU: " << cuda->unavailable_reason();
  constexpr std::int64_t kBatch = 1500, kDim = 64;
  std::mt19937_64 rng(7);
  std::normal_distribution<float> coordinate;
  std::vector<float> x(static_cast<std::size_t>(kBatch * kDim));
  for (float& v : x) v = coordinate(rng);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(kBatch));
  for (std::int64_t i = 0; i < kBatch; ++i) labels[i] = (i * 13) % 150;
  const BatchView<float> batch{x.data(), kBatch, kDim, labels.data()};
  for (const Loss loss : {Loss::kHard, Loss::kSemiHard}) {
    for (const Metric metric : {Metric::kL2, Metric::kSquaredL2, Metric::kAngular}) {
      LossSpec spec;
      spec.loss = loss;
      spec.metric = metric;
      SCOPED_TRACE(variant_name(spec) + " " + to_string(metric));
      const Result<float> a = cuda->evaluate(spec, batch);
      const Result<float> b = cuda->evaluate(spec, batch);
      EXPECT_EQ(a.loss, b.loss);
      EXPECT_EQ(a.grad, b.grad);
      const Result<float> cpu = cpu_backend().evaluate(spec, batch);
      // Random normal data: no near ties at this size is not guaranteed, so compare the loss
      // (a mean over many terms) loosely; the exact checks are the differential suite's.
      EXPECT_NEAR(a.loss, cpu.loss, 1e-3 * std::fabs(cpu.loss) + 1e-5);
    }
  }
}

}  // namespace
}  // namespace tripletcheck
