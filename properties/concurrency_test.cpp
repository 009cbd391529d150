// Backends are shared objects called from many threads at once (backend.hpp). For each available
// backend: kThreads threads evaluate the same jobs, in different orders, on the one registered
// object, and every result must be bitwise the single-threaded one. Run under ThreadSanitizer by
// the `tsan` preset.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "conformance/evaluate.hpp"
#include "conformance/generators.hpp"
#include "conformance/labels.hpp"
#include "conformance/test_names.hpp"
#include "sanitized.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

using tripletcheck_test::kSanitized;

// More threads than this machine's cores, so that calls really interleave (fewer under the
// sanitizers, which serialize much of the work anyway).
constexpr int kThreads = kSanitized ? 4 : 8;
// Each thread runs every job this many times, in its own order.
constexpr int kRounds = kSanitized ? 1 : 2;
// 48 is below the eigen backend's threshold for its own threads (192), the second above it: it
// also runs the backend's internal parallelism inside each caller's thread.
constexpr std::int64_t kBatches[] = {48, kSanitized ? 200 : 256};
constexpr std::int64_t kDim = 16;
constexpr int kSamplesPerClass = 4;
constexpr std::uint64_t kSeed = 20261128;

struct Job {
  CaseInput input;
  Precision precision;
  Evaluation expected;  // single-threaded
};

bool bitwise_equal(const Evaluation& a, const Evaluation& b) {
  return std::memcmp(&a.loss, &b.loss, sizeof a.loss) == 0 &&
         a.gradient.size() == b.gradient.size() &&
         std::memcmp(a.gradient.data(), b.gradient.data(), a.gradient.size() * sizeof(double)) == 0;
}

// The B×B squared distances of `in`'s embeddings: a precomputed-distance input of the same batch.
CaseInput as_distances(const CaseInput& in) {
  CaseInput d = in;
  d.precomputed = true;
  d.dim = in.batch;
  d.values.assign(static_cast<std::size_t>(in.batch * in.batch), 0.0);
  for (std::int64_t i = 0; i < in.batch; ++i) {
    for (std::int64_t j = 0; j < in.batch; ++j) {
      double sum = 0;
      for (std::int64_t k = 0; k < in.dim; ++k) {
        const double diff = in.values[i * in.dim + k] - in.values[j * in.dim + k];
        sum += diff * diff;
      }
      d.values[i * in.batch + j] = sum;
    }
  }
  return d;
}

std::vector<Job> jobs_for(const Backend& backend) {
  std::vector<Precision> precisions;
  if (backend.capabilities().float32) precisions.push_back(Precision::kFloat32);
  if (backend.capabilities().float64) precisions.push_back(Precision::kFloat64);
  std::vector<Job> jobs;
  std::mt19937_64 rng(kSeed);
  for (const LossSpec& spec : all_variants()) {
    for (const std::int64_t wanted : kBatches) {
      const std::int64_t batch = batch_for(backend, wanted);
      auto labels =
          make_labels(LabelStructure::kSamplesPerClass, batch, kSamplesPerClass, 1, 0, rng);
      // Unseparated: ties are fine when a backend is compared with itself.
      const GeneratedCase c =
          build_generic_case(spec, batch, kDim, LabelStructure::kSamplesPerClass, std::move(labels),
                             rng(), GeneratorOptions{}, false);
      std::vector<CaseInput> inputs = {c.input};
      if (backend.capabilities().precomputed_distances) inputs.push_back(as_distances(c.input));
      for (const CaseInput& input : inputs) {
        for (const Precision precision : precisions) {
          jobs.push_back({input, precision, evaluate(backend, input, precision)});
        }
      }
    }
  }
  return jobs;
}

class Concurrency : public ::testing::TestWithParam<const Backend*> {};

TEST_P(Concurrency, SharedBackendGivesTheSingleThreadedBitsFromManyThreads) {
  const Backend& backend = *GetParam();
  const std::vector<Job> jobs = jobs_for(backend);
  std::atomic<int> mismatches{0};
  std::atomic<int> evaluations{0};
  std::mutex first_failure_mutex;
  std::string first_failure;
  const auto fail = [&](const std::string& why) {
    const std::lock_guard<std::mutex> lock(first_failure_mutex);
    if (first_failure.empty()) first_failure = why;
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int round = 0; round < kRounds; ++round) {
          for (std::size_t n = 0; n < jobs.size(); ++n) {
            // A different start per thread and round: the same job runs at different times.
            const Job& job = jobs[(n + static_cast<std::size_t>(t * 7 + round * 3)) % jobs.size()];
            const Evaluation e = evaluate(backend, job.input, job.precision);
            ++evaluations;
            if (!bitwise_equal(e, job.expected)) {
              ++mismatches;
              fail(variant_name(job.input.spec) + " " + to_string(job.input.spec.metric) +
                   " B=" + std::to_string(job.input.batch) + " " + to_string(job.precision) +
                   (job.input.precomputed ? " precomputed" : ""));
            }
          }
        }
      } catch (const std::exception& e) {
        fail(std::string("exception: ") + e.what());
        ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(evaluations.load(), kThreads * kRounds * static_cast<int>(jobs.size()));
  EXPECT_EQ(mismatches.load(), 0) << "first: " << first_failure;
}

INSTANTIATE_TEST_SUITE_P(Backends, Concurrency, ::testing::ValuesIn(available_backends()),
                         [](const ::testing::TestParamInfo<const Backend*>& b) {
                           return conformance::test_name(*b.param);
                         });

}  // namespace
}  // namespace tripletcheck::conformance
