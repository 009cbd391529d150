// Every registered backend at B = 16384, D = 128 either computes the loss and gradient within
// memory, or refuses up front with ResourceLimit (saying how many bytes it would need) or
// Unsupported. No backend may be killed for memory or run for a quarter of an hour.
// "Up front" is checked by what the call did, not by how long it took (a cold machine's first
// load of LibTorch once took 1.28 s of a refusal): the resident set's peak may not have grown by
// as much as the smallest thing any work at this B holds, one B×B float32 matrix (1 GiB).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdint>
#include <iostream>
#include <random>
#include <vector>

#include "bench/peak_memory.hpp"
#include "conformance/test_names.hpp"
#include "tripletcheck/backend.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck {
namespace {

constexpr std::int64_t kBatch = 16384;
constexpr std::int64_t kDim = 128;
constexpr std::int64_t kSamplesPerClass = 4;
// A refusal is a size check before any work; work at this B holds at least the B×B distances.
constexpr std::int64_t kSmallestWorkBytes = kBatch * kBatch * 4;
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

  const bench::PeakMemory peak;  // after the inputs exist: only the call's growth counts
  const auto refused_before_working = [&] {
    const std::int64_t growth = peak.growth_bytes();
    if (growth < 0) {
      std::cout << "(peak memory not measurable here: /proc/self/clear_refs unavailable)\n";
      return;
    }
    std::cout << "peak resident set grew by " << growth / (1 << 20) << " MiB before the refusal\n";
    EXPECT_LT(growth, kSmallestWorkBytes) << "refused only after working";
  };
  try {
    const Result<float> r =
        backend.evaluate(spec, BatchView<float>{x.data(), kBatch, kDim, labels.data()});
    std::cout << backend.name() << ": B = " << kBatch << ", D = " << kDim << " computed, peak RSS "
              << peak_rss_gib() << " GiB\n";
    EXPECT_TRUE(std::isfinite(r.loss));
    ASSERT_EQ(r.grad.size(), x.size());
    for (float g : r.grad) ASSERT_TRUE(std::isfinite(g));
    EXPECT_LT(peak_rss_gib(), kMaxPeakGiB);
  } catch (const ResourceLimit& e) {
    std::cout << backend.name() << " refused: " << e.what() << '\n';
    refused_before_working();
    EXPECT_GT(e.bytes_needed(), e.bytes_allowed());
  } catch (const Unsupported& e) {
    std::cout << backend.name() << " refused: " << e.what() << '\n';
    refused_before_working();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, LargeBatch, ::testing::ValuesIn(registered_backends()),
                         [](const ::testing::TestParamInfo<const Backend*>& b) {
                           return conformance::test_name(*b.param);
                         });

}  // namespace
}  // namespace tripletcheck
