// Every registered backend at B = 16384, D = 128 either computes the loss and gradient within
// memory, or refuses up front, quickly, with ResourceLimit (saying how many bytes it would need)
// or Unsupported. No backend may be killed for memory or run for a quarter of an hour.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <random>
#include <vector>

#include "properties/support/test_names.hpp"
#include "tripletcheck/backend.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck {
namespace {

constexpr std::int64_t kBatch = 16384;
constexpr std::int64_t kDim = 128;
constexpr std::int64_t kSamplesPerClass = 4;
// A refusal is a size check before any work: anything slower did work first.
constexpr double kMaxRefusalSeconds = 1.0;
// The CI machines have 24 GiB; a backend that computes must leave room for the rest of the job.
constexpr double kMaxPeakGiB = 16.0;

double peak_rss_gib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
}

class LargeBatch : public ::testing::TestWithParam<const Backend*> {};

TEST_P(LargeBatch, ComputesWithinMemoryOrRefusesUpFront) {
  const Backend& backend = *GetParam();
  if (!backend.available()) GTEST_SKIP() << backend.unavailable_reason();
  std::mt19937 rng(16384);
  std::normal_distribution<float> coordinate(0.0f, 1.0f);
  std::vector<float> x(static_cast<std::size_t>(kBatch * kDim));
  for (float& v : x) v = coordinate(rng);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(kBatch));
  for (std::int64_t i = 0; i < kBatch; ++i) labels[i] = i / kSamplesPerClass;
  LossSpec spec;  // semihard, L2: the heavier mining of the two losses

  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  try {
    const Result<float> r =
        backend.evaluate(spec, BatchView<float>{x.data(), kBatch, kDim, labels.data()});
    std::cout << backend.name() << ": B = " << kBatch << ", D = " << kDim << " computed in "
              << seconds() << " s, peak RSS " << peak_rss_gib() << " GiB\n";
    EXPECT_TRUE(std::isfinite(r.loss));
    ASSERT_EQ(r.grad.size(), x.size());
    for (float g : r.grad) ASSERT_TRUE(std::isfinite(g));
    EXPECT_LT(peak_rss_gib(), kMaxPeakGiB);
  } catch (const ResourceLimit& e) {
    std::cout << backend.name() << " refused: " << e.what() << '\n';
    EXPECT_LT(seconds(), kMaxRefusalSeconds) << "refused only after working";
    EXPECT_GT(e.bytes_needed(), e.bytes_allowed());
  } catch (const Unsupported& e) {
    std::cout << backend.name() << " refused: " << e.what() << '\n';
    EXPECT_LT(seconds(), kMaxRefusalSeconds) << "refused only after working";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, LargeBatch, ::testing::ValuesIn(registered_backends()),
                         [](const ::testing::TestParamInfo<const Backend*>& b) {
                           return testing::test_name(*b.param);
                         });

}  // namespace
}  // namespace tripletcheck
