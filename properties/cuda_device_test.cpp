// The `cuda` backend through the registry and its device API: how it presents itself on any
// machine, and on a GPU the checks the differential suite does not make: rows reduced by whole
// blocks (RowSummary::merge) and grids of many blocks, gradients against the float64 reference,
// precomputed distances that are no metric, the chunked semi-hard sort (B >= 46341, and any B
// with a sort-rows limit), and buffers reused across shapes. The checks against the reference
// also run on the CPU emulation of the kernels (cuda_logic_test.cpp), so they are rehearsed
// everywhere; without a GPU (or without the backend compiled in) the GPU forms skip with the
// reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "conformance/comparison.hpp"
#include "conformance/evaluate.hpp"
#include "conformance/generators.hpp"
#include "conformance/labels.hpp"
#include "conformance/scales.hpp"
#include "conformance/tolerances.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/registry.hpp"
#if defined(TRIPLETCHECK_HAVE_CUDA)
#include "optimized/cuda/cuda_status.hpp"
#include "optimized/cuda/cuda_triplet.hpp"
#endif

namespace tripletcheck {
namespace conformance {
// The kernels' logic replayed on the CPU (cuda_logic_test.cpp).
const Backend& cuda_emulation();
}  // namespace conformance

namespace {

using conformance::CaseInput;
using conformance::Evaluation;

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

// ---- against the float64 reference, on the GPU and on its CPU emulation ----------------------

// The backend a parameter names: the emulation always, the GPU when there is one (else null and
// `why` says why not).
const Backend* under_test(bool device, std::string& why) {
  if (!device) return &conformance::cuda_emulation();
  const Backend* cuda = cuda_backend();
  if (cuda == nullptr) {
    why = "the cuda backend is not compiled in (no nvcc)";
  } else if (!cuda->available()) {
    why = "needs a GPU: " + cuda->unavailable_reason();
    cuda = nullptr;
  }
  return cuda;
}

// Loss and gradient within the cuda backend's oracle tolerances of the float64 reference.
void expect_matches_reference(const Backend& backend, const CaseInput& in) {
  using namespace conformance;
  const Evaluation actual = evaluate(backend, in, Precision::kFloat32);
  const Evaluation expected = evaluate(find_backend("reference"), in, Precision::kFloat64);
  const Agreement loss = compare_loss(actual.loss, expected.loss, loss_scale(in));
  EXPECT_TRUE(loss.within(tolerance("cuda", Precision::kFloat32, Quantity::kLoss, Regime::kOracle)))
      << "loss " << actual.loss << " vs " << expected.loss << ": " << loss.describe();
  const Agreement grad = compare_gradients(actual.gradient, expected.gradient);
  EXPECT_TRUE(
      grad.within(tolerance("cuda", Precision::kFloat32, Quantity::kGradient, Regime::kOracle)))
      << "gradient: " << grad.describe();
}

class CudaAgainstReference : public ::testing::TestWithParam<bool> {};  // on the GPU or not

// B = 300 > 256 threads: every row reduction merges partial summaries that hold entries
// (RowSummary::merge), the per-row kernels run two blocks and the B² ones hundreds; the gradients
// of every variant are checked, not only the loss.
TEST_P(CudaAgainstReference, MultiBlockBatchesWithGradients) {
  std::string why;
  const Backend* backend = under_test(GetParam(), why);
  if (backend == nullptr) GTEST_SKIP() << why;
  conformance::GeneratorOptions options;
  options.max_batch = 300;
  std::uint64_t seed = 300;
  for (const LossSpec& spec : conformance::all_variants()) {
    ++seed;
    SCOPED_TRACE(variant_name(spec) + " " + to_string(spec.metric));
    std::mt19937_64 rng(seed);
    std::vector<std::int64_t> labels =
        conformance::make_labels(conformance::LabelStructure::kSamplesPerClass, 300, 6, 3, -5, rng);
    const conformance::GeneratedCase c =
        conformance::build_generic_case(spec, 300, 8, conformance::LabelStructure::kSamplesPerClass,
                                        std::move(labels), seed, options);
    ASSERT_EQ(c.input.batch, 300);
    expect_matches_reference(*backend, c.input);
  }
}

// TFA's callable metric may return any matrix: not symmetric, a nonzero (even negative)
// diagonal, negative entries. Distinct dyadic values keep every selection free of ties and
// every hinge exact in float32; |z| < 45 keeps the soft loss away from overflow.
TEST_P(CudaAgainstReference, PrecomputedMatricesThatAreNoMetric) {
  std::string why;
  const Backend* backend = under_test(GetParam(), why);
  if (backend == nullptr) GTEST_SKIP() << why;
  constexpr std::int64_t kBatch = 200;
  std::mt19937_64 rng(46);
  std::vector<double> values(kBatch * kBatch);
  std::iota(values.begin(), values.end(), 0.0);
  std::shuffle(values.begin(), values.end(), rng);
  for (double& v : values) v = v / 1024.0 - 4.0;  // in [-4, 35.1)
  std::uniform_int_distribution<std::int64_t> label(0, 9);
  CaseInput in;
  in.precomputed = true;
  in.batch = in.dim = kBatch;
  in.values = values;
  for (std::int64_t i = 0; i < kBatch; ++i) in.labels.push_back(label(rng));
  for (const LossSpec& spec : conformance::all_variants()) {
    if (spec.metric != Metric::kL2) continue;  // the metric does not apply to a given D
    SCOPED_TRACE(variant_name(spec));
    in.spec = spec;
    expect_matches_reference(*backend, in);
  }
}

INSTANTIATE_TEST_SUITE_P(On, CudaAgainstReference, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "gpu" : "cpu_emulation";
                         });

// ---- the GPU only: buffer reuse, the chunked sort ----------------------------------------------

struct Problem {
  LossSpec spec;
  std::int64_t batch;
  std::int64_t dim;
  bool precomputed;
  std::vector<float> values;
  std::vector<std::int64_t> labels;
};

Problem random_problem(Loss loss, Metric metric, std::int64_t batch, std::int64_t dim,
                       bool precomputed, std::uint64_t seed) {
  Problem p{LossSpec{}, batch, precomputed ? batch : dim, precomputed, {}, {}};
  p.spec.loss = loss;
  p.spec.metric = metric;
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> coordinate;
  p.values.resize(static_cast<std::size_t>(batch * p.dim));
  for (float& v : p.values) v = precomputed ? std::fabs(coordinate(rng)) : coordinate(rng);
  for (std::int64_t i = 0; i < batch; ++i) p.labels.push_back(i % (batch / 4 + 1));
  return p;
}

Result<float> evaluate_problem(const Backend& backend, const Problem& p) {
  if (p.precomputed) {
    return backend.evaluate(p.spec, DistanceView<float>{p.values.data(), p.batch, p.labels.data()});
  }
  return backend.evaluate(p.spec,
                          BatchView<float>{p.values.data(), p.batch, p.dim, p.labels.data()});
}

void expect_bitwise_equal(const Result<float>& a, const Result<float>& b) {
  EXPECT_TRUE(a.loss == b.loss || (std::isnan(a.loss) && std::isnan(b.loss)))
      << a.loss << " vs " << b.loss;
  ASSERT_EQ(a.grad.size(), b.grad.size());
  for (std::size_t e = 0; e < a.grad.size(); ++e) {
    if (std::isnan(a.grad[e]) && std::isnan(b.grad[e])) continue;
    ASSERT_EQ(a.grad[e], b.grad[e]) << "entry " << e;
  }
}

// One backend object, shapes that grow, shrink and change kind one after another: the pooled
// workspace keeps larger buffers with stale contents, which must not leak into a later call.
TEST(CudaDevice, BuffersReusedAcrossShapesLeakNothing) {
  const Backend* cuda = cuda_backend();
  if (cuda == nullptr) GTEST_SKIP() << "the cuda backend is not compiled in (no nvcc)";
  if (!cuda->available()) GTEST_SKIP() << "needs a GPU: " << cuda->unavailable_reason();
  const std::vector<Problem> problems = {
      random_problem(Loss::kSemiHard, Metric::kL2, 40, 8, false, 1),
      random_problem(Loss::kSemiHard, Metric::kAngular, 700, 32, false, 2),
      random_problem(Loss::kHard, Metric::kSquaredL2, 64, 4, false, 3),
      random_problem(Loss::kSemiHard, Metric::kL2, 300, 1, true, 4),
      random_problem(Loss::kHard, Metric::kAngular, 500, 16, false, 5),
  };
  std::vector<Result<float>> first;
  for (const Problem& p : problems) first.push_back(evaluate_problem(*cuda, p));
  for (std::size_t k = problems.size(); k-- > 0;) {  // again, in the reverse order
    SCOPED_TRACE("problem " + std::to_string(k));
    expect_bitwise_equal(evaluate_problem(*cuda, problems[k]), first[k]);
  }
}

// The semi-hard loss of pairs (labels i / 2; with B odd the last sample is a singleton, a
// negative to all) in float64 on the host: anchor i's only positive is i ^ 1, its negative the
// closest one strictly farther, else the farthest.
double pairs_semihard_loss(const Problem& p) {
  const std::int64_t b = p.batch, dim = p.dim, anchors = b / 2 * 2;
  auto distance = [&](std::int64_t i, std::int64_t k) {
    double s = 0;
    for (std::int64_t c = 0; c < dim; ++c) {
      const double diff = double{p.values[i * dim + c]} - double{p.values[k * dim + c]};
      s += diff * diff;
    }
    return std::sqrt(s);
  };
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<double> sums(threads, 0.0);
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (std::int64_t i = t; i < anchors; i += threads) {
        const double d_ij = distance(i, i ^ 1);
        double above = std::numeric_limits<double>::infinity();
        double farthest = -std::numeric_limits<double>::infinity();
        for (std::int64_t k = 0; k < b; ++k) {
          if (k / 2 == i / 2) continue;
          const double d = distance(i, k);
          if (d > d_ij) above = std::min(above, d);
          farthest = std::max(farthest, d);
        }
        const double n = std::isfinite(above) ? above : farthest;
        sums[t] += std::max(p.spec.margin + d_ij - n, 0.0);
      }
    });
  }
  for (std::thread& w : workers) w.join();
  return std::accumulate(sums.begin(), sums.end(), 0.0) / static_cast<double>(anchors);
}

// The host check of ChunkedSortAtItsNaturalSize, rehearsed here against the reference.
TEST(CudaDevice, PairsLossOfTheNaturalSizeCheckMatchesReference) {
  Problem p = random_problem(Loss::kSemiHard, Metric::kL2, 41, 4, false, 8);
  for (std::int64_t i = 0; i < p.batch; ++i) p.labels[i] = i / 2;
  const Result<float> expected =
      find_backend("reference")
          .evaluate(p.spec, BatchView<float>{p.values.data(), p.batch, p.dim, p.labels.data()});
  EXPECT_NEAR(pairs_semihard_loss(p), expected.loss, 1e-5 * std::fabs(expected.loss));
}

#if defined(TRIPLETCHECK_HAVE_CUDA)
// The device API on data copied in, with a workspace of the caller's.
Result<float> run_device_api(const Problem& p, cuda::Workspace& workspace) {
  struct DeviceBytes {
    void* ptr;
    explicit DeviceBytes(std::size_t bytes) : ptr(cuda::device_allocate(bytes, "the test")) {}
    ~DeviceBytes() { (void)cudaFree(ptr); }
  };
  const DeviceBytes x(p.values.size() * sizeof(float)), labels(p.labels.size() * 8);
  const DeviceBytes loss(sizeof(float)), grad(p.values.size() * sizeof(float));
  cuda::check(
      cudaMemcpy(x.ptr, p.values.data(), p.values.size() * sizeof(float), cudaMemcpyHostToDevice),
      "copy in");
  cuda::check(cudaMemcpy(labels.ptr, p.labels.data(), p.labels.size() * 8, cudaMemcpyHostToDevice),
              "copy in");
  const auto* l = static_cast<const std::int64_t*>(labels.ptr);
  if (p.precomputed) {
    cuda::cuda_triplet_loss_on_distances(static_cast<const float*>(x.ptr), l, p.batch, p.spec,
                                         static_cast<float*>(loss.ptr),
                                         static_cast<float*>(grad.ptr), nullptr, workspace);
  } else {
    cuda::cuda_triplet_loss(static_cast<const float*>(x.ptr), l, p.batch, p.dim, p.spec,
                            static_cast<float*>(loss.ptr), static_cast<float*>(grad.ptr), nullptr,
                            workspace);
  }
  Result<float> r;
  float value = 0;
  r.grad.resize(p.values.size());
  cuda::check(cudaMemcpy(&value, loss.ptr, sizeof(float), cudaMemcpyDeviceToHost), "copy out");
  cuda::check(
      cudaMemcpy(r.grad.data(), grad.ptr, r.grad.size() * sizeof(float), cudaMemcpyDeviceToHost),
      "copy out");
  r.loss = value;
  return r;
}

// The semi-hard sort in chunks of a few rows (the last one partial) gives the same bits as one
// sort of every row: the chunk loop's offsets and pointers are right at any B.
TEST(CudaDevice, ChunkedSortMatchesOneSort) {
  const Backend* cuda = cuda_backend();
  if (cuda == nullptr || !cuda->available()) {
    GTEST_SKIP() << "needs a GPU: " << (cuda ? cuda->unavailable_reason() : "not compiled in");
  }
  for (const bool precomputed : {false, true}) {
    const Problem p = random_problem(Loss::kSemiHard, Metric::kL2, 700, 16, precomputed, 6);
    cuda::Workspace whole;
    whole.set_bucket_positives_limit(0);  // the sort path, which the chunks are part of
    const Result<float> expected = run_device_api(p, whole);
    for (const std::int64_t rows : {1, 3, 256}) {
      SCOPED_TRACE("rows per sort " + std::to_string(rows));
      cuda::Workspace chunked;
      chunked.set_bucket_positives_limit(0);
      chunked.set_sort_rows_limit(rows);
      expect_bitwise_equal(run_device_api(p, chunked), expected);
    }
  }
}

// The bucket kernel (classes up to 2049 samples) gives every bit the sort path gives: loss and
// gradient, embeddings and precomputed distances, classes of 2, 6 and 200 samples, and values
// rounded to halves (rows full of exact ties) or not.
TEST(CudaDevice, BucketsMatchTheSort) {
  const Backend* cuda = cuda_backend();
  if (cuda == nullptr || !cuda->available()) {
    GTEST_SKIP() << "needs a GPU: " << (cuda ? cuda->unavailable_reason() : "not compiled in");
  }
  for (const bool precomputed : {false, true}) {
    for (const bool ties : {false, true}) {
      for (const std::int64_t per_class : {2, 6, 200}) {
        SCOPED_TRACE(std::to_string(per_class) + " per class" +
                     (precomputed ? ", precomputed" : "") + (ties ? ", ties" : ""));
        Problem p = random_problem(Loss::kSemiHard, Metric::kL2, 1000, 16, precomputed,
                                   static_cast<std::uint64_t>(per_class));
        for (std::int64_t i = 0; i < p.batch; ++i) p.labels[i] = i / per_class;
        if (ties) {
          for (float& v : p.values) v = std::round(v * 2) / 2;
        }
        cuda::Workspace sorted;
        sorted.set_bucket_positives_limit(0);
        cuda::Workspace bucketed;  // the default
        expect_bitwise_equal(run_device_api(p, bucketed), run_device_api(p, sorted));
      }
    }
  }
}

// B = 46341: B² passes INT_MAX, so the sort runs in chunks at its natural size (46340 rows, then
// 1), and the B² kernels' grids are capped and stride. Checked against a chunking of 20000 rows
// in the same workspace (bitwise) and the float64 loss of the same pairs (loosely: random data
// has near ties). About 60 GB of device memory: skipped, with the reason, where it is not free.
TEST(CudaDevice, ChunkedSortAtItsNaturalSize) {
  const Backend* cuda = cuda_backend();
  if (cuda == nullptr || !cuda->available()) {
    GTEST_SKIP() << "needs a GPU: " << (cuda ? cuda->unavailable_reason() : "not compiled in");
  }
  constexpr std::int64_t kBatch = 46341;
  Problem p = random_problem(Loss::kSemiHard, Metric::kL2, kBatch, 4, false, 7);
  for (std::int64_t i = 0; i < kBatch; ++i) p.labels[i] = i / 2;
  cuda::Workspace workspace;
  workspace.set_bucket_positives_limit(0);  // the sort path, which the chunks are part of
  Result<float> natural;
  try {
    natural = run_device_api(p, workspace);
  } catch (const ResourceLimit& e) {
    GTEST_SKIP() << "this GPU has too little free memory: " << e.what();
  }
  workspace.set_sort_rows_limit(20000);
  expect_bitwise_equal(run_device_api(p, workspace), natural);
  const double expected = pairs_semihard_loss(p);
  EXPECT_NEAR(natural.loss, expected, 1e-3 * std::fabs(expected) + 1e-5);
}
#endif

}  // namespace
}  // namespace tripletcheck
