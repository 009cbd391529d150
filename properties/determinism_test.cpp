// Bitwise determinism beyond the differential suite's same-call-twice property: the result may
// not depend on where the caller's buffers sit in memory (a SIMD path that peels an unaligned
// head rounds differently), nor on the process (two `tripletcheck eval` runs, same bits).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "conformance/generators.hpp"
#include "conformance/test_names.hpp"
#include "sanitized.hpp"
#include "temp_dir.hpp"
#include "tripletcheck/npy.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck {
namespace {

using tripletcheck_test::kSanitized;

// The second crosses the eigen backend's threshold for its own threads (192).
constexpr std::int64_t kBatches[] = {40, kSanitized ? 200 : 256};
constexpr std::int64_t kDim = 24;
constexpr std::int64_t kSamplesPerClass = 4;
// Element offsets of the copies: 0 is the allocator's alignment (16 bytes), the others are not
// aligned to 16 or 32 bytes (one is enough to find the bug under the slow sanitizers).
constexpr std::size_t kOffsets[] = {0, 1, 2, 3};
constexpr std::size_t kOffsetsUsed = kSanitized ? 2 : std::size(kOffsets);

template <class T>
bool bitwise_equal(const Result<T>& a, const Result<T>& b) {
  return std::memcmp(&a.loss, &b.loss, sizeof a.loss) == 0 && a.grad.size() == b.grad.size() &&
         std::memcmp(a.grad.data(), b.grad.data(), a.grad.size() * sizeof(T)) == 0;
}

template <class T>
void check_alignment_invariance(const Backend& backend, const LossSpec& spec, std::int64_t batch) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(batch));
  std::normal_distribution<double> coordinate;
  std::vector<T> x(static_cast<std::size_t>(batch * kDim));
  for (T& v : x) v = static_cast<T>(coordinate(rng));
  std::vector<std::int64_t> labels(static_cast<std::size_t>(batch));
  for (std::int64_t i = 0; i < batch; ++i) labels[i] = (i * 7) % (batch / kSamplesPerClass);

  Result<T> first;
  for (std::size_t k = 0; k < kOffsetsUsed; ++k) {
    const std::size_t offset = kOffsets[k];
    std::vector<T> buffer(x.size() + offset);
    std::copy(x.begin(), x.end(), buffer.begin() + static_cast<std::ptrdiff_t>(offset));
    const Result<T> r =
        backend.evaluate(spec, BatchView<T>{buffer.data() + offset, batch, kDim, labels.data()});
    if (offset == 0) {
      first = r;
    } else {
      EXPECT_TRUE(bitwise_equal(r, first))
          << variant_name(spec) << " " << to_string(spec.metric) << " B=" << batch << " "
          << sizeof(T) * 8 << "-bit, input offset by " << offset << " elements";
    }
  }
}

class Determinism : public ::testing::TestWithParam<const Backend*> {};

TEST_P(Determinism, ResultsDoNotDependOnTheInputsAddress) {
  const Backend& backend = *GetParam();
  for (const LossSpec& spec : conformance::all_variants()) {
    for (const std::int64_t wanted : kBatches) {
      const std::int64_t batch = conformance::batch_for(backend, wanted);
      if (backend.capabilities().float32) check_alignment_invariance<float>(backend, spec, batch);
      if (backend.capabilities().float64) check_alignment_invariance<double>(backend, spec, batch);
    }
  }
}

TEST_P(Determinism, TwoProcessesGiveTheSameBits) {
  const Backend& backend = *GetParam();
  tripletcheck_test::TempDir dir;
  std::mt19937 rng(7);
  std::normal_distribution<float> coordinate;
  const std::int64_t batch = kBatches[1];
  std::vector<float> x(static_cast<std::size_t>(batch * kDim));
  for (float& v : x) v = coordinate(rng);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(batch));
  for (std::int64_t i = 0; i < batch; ++i) labels[i] = i % (batch / kSamplesPerClass);
  write_npy(dir.path("x.npy"), NpyType::kFloat32, {batch, kDim}, x.data());
  write_npy(dir.path("y.npy"), NpyType::kInt64, {batch}, labels.data());

  std::vector<std::string> outputs;
  for (const char* name : {"g1.npy", "g2.npy"}) {
    const auto run = tripletcheck_test::run_cli(
        {"eval", "--embeddings", dir.path("x.npy"), "--labels", dir.path("y.npy"), "--backend",
         backend.name(), "--grad-out", dir.path(name)},
        dir.path(""));
    ASSERT_EQ(run.status, 0) << run.err;
    // The loss as printed (%.17g round-trips) and the gradient file's bytes.
    outputs.push_back(nlohmann::json::parse(run.out)["loss"].dump() +
                      tripletcheck_test::slurp(dir.path(name)));
  }
  EXPECT_TRUE(outputs[0] == outputs[1]) << "the loss or the gradient's bytes differ";
}

INSTANTIATE_TEST_SUITE_P(Backends, Determinism, ::testing::ValuesIn(available_backends()),
                         [](const ::testing::TestParamInfo<const Backend*>& b) {
                           return conformance::test_name(*b.param);
                         });

}  // namespace
}  // namespace tripletcheck
