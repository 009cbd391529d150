// torch-tfa's memory cap rests on an estimate of its peak (optimized/torch/tfa_footprint.hpp).
// Here the estimate is held against the measured peak (VmHWM, as the benchmarks measure it):
// never below it, or the cap would let a call be killed; and not far above it, or the cap would
// refuse batches that fit. Then the cap itself: a call above it is refused before any work.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <vector>

#include "bench/peak_memory.hpp"
#include "optimized/torch/tfa_footprint.hpp"
#include "properties/sanitized.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck {
namespace {

constexpr std::int64_t kBatch = 256;
constexpr std::int64_t kDim = 32;
// The estimate may exceed the measurement by this factor at most (B = 256: the B² terms and
// allocator rounding are a larger share than at the B ≈ 700 where the 8 GiB cap bites).
constexpr double kMaxOverestimate = 1.6;

const Backend& torch_tfa() { return find_backend("torch-tfa"); }

template <class T>
void check_estimate(bool gradient) {
  if (tripletcheck_test::kSanitized) {
    GTEST_SKIP() << "the sanitizers' shadow memory and quarantine add to the resident set: the "
                    "estimate is for the uninstrumented build (checked in the release tests)";
  }
  std::mt19937 rng(7);
  std::normal_distribution<double> normal;
  std::vector<T> x(static_cast<std::size_t>(kBatch * kDim));
  for (T& v : x) v = static_cast<T>(normal(rng));
  std::vector<std::int64_t> labels(static_cast<std::size_t>(kBatch));
  for (std::int64_t i = 0; i < kBatch; ++i) labels[i] = i / 4;
  EvalOptions options;
  options.gradient = gradient;
  const LossSpec spec;  // semi-hard, L2: the B³ graph
  (void)torch_tfa().evaluate(spec, BatchView<T>{x.data(), 8, kDim, labels.data()},
                             options);  // load
  const bench::PeakMemory peak;
  (void)torch_tfa().evaluate(spec, BatchView<T>{x.data(), kBatch, kDim, labels.data()}, options);
  const auto measured = static_cast<double>(peak.growth_bytes());
  ASSERT_GT(measured, 0) << "/proc/self/status or clear_refs unavailable";
  const auto estimate = static_cast<double>(
      torch_backend::tfa_peak_bytes(Loss::kSemiHard, kBatch, kDim, false, sizeof(T), gradient));
  std::cout << "torch-tfa semihard " << (sizeof(T) == 4 ? "float32" : "float64")
            << (gradient ? " fwdbwd" : " fwd") << " B=" << kBatch << ": measured "
            << measured / (1 << 20) << " MiB, estimated " << estimate / (1 << 20) << " MiB\n";
  EXPECT_GE(estimate, measured);
  EXPECT_LE(estimate, kMaxOverestimate * measured);
}

TEST(TorchTfaMemory, EstimateBoundsTheMeasuredPeakFloat32Forward) { check_estimate<float>(false); }
TEST(TorchTfaMemory, EstimateBoundsTheMeasuredPeakFloat32WithGradient) {
  check_estimate<float>(true);
}
TEST(TorchTfaMemory, EstimateBoundsTheMeasuredPeakFloat64WithGradient) {
  check_estimate<double>(true);
}

TEST(TorchTfaMemory, RefusesAboveItsCapBeforeAnyWork) {
  std::vector<float> x(static_cast<std::size_t>(kBatch * kDim), 1.0f);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(kBatch), 0);
  // Loads LibTorch first (~0.6 s), so that the clock below times the refusal alone.
  (void)torch_tfa().evaluate({}, BatchView<float>{x.data(), 8, kDim, labels.data()});
  ASSERT_EQ(setenv("TRIPLETCHECK_TORCH_TFA_MAX_BYTES", "100000000", 1), 0);  // ~95 MiB
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)torch_tfa().evaluate({}, BatchView<float>{x.data(), kBatch, kDim, labels.data()});
    ADD_FAILURE() << "B = 256 needs ~400 MiB: expected ResourceLimit";
  } catch (const ResourceLimit& e) {
    EXPECT_EQ(e.bytes_allowed(), 100000000u);
    EXPECT_GT(e.bytes_needed(), e.bytes_allowed());
    EXPECT_NE(std::string(e.what()).find("TRIPLETCHECK_TORCH_TFA_MAX_BYTES"), std::string::npos);
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.5);
  unsetenv("TRIPLETCHECK_TORCH_TFA_MAX_BYTES");
}

}  // namespace
}  // namespace tripletcheck
