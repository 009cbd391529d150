// The CUDA backend's per-thread logic (optimized/cuda/mining_logic.hpp) run on the CPU: a
// sequential stand-in for the kernel pipeline (GEMM as loops, the segmented sort as std::sort on
// (key, column) pairs, which is what a stable radix sort gives, the block reductions replayed
// thread by thread and tree level by tree level) calls exactly the functions the kernels call,
// under the CPU's flush-to-zero mode as the kernels run under nvcc's --ftz=true. Its loss and
// gradient are compared with the float64 reference on generated separated batches and with the
// real TFA on every golden fixture. Runs without a GPU; the GPU itself is checked by
// cuda_device_test.cpp and the differential suite.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "optimized/cuda/mining_logic.hpp"
#include "conformance/comparison.hpp"
#include "conformance/evaluate.hpp"
#include "conformance/generators.hpp"
#include "conformance/golden_check.hpp"
#include "conformance/known_divergences.hpp"
#include "conformance/labels.hpp"
#include "conformance/scales.hpp"
#include "conformance/tolerances.hpp"
#include "reference/tf_scalar_ops.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

namespace logic = cuda_logic;
using Index = std::int64_t;

logic::DistanceKind kind_of(Metric m) {
  return m == Metric::kL2          ? logic::DistanceKind::kL2
         : m == Metric::kSquaredL2 ? logic::DistanceKind::kSquaredL2
                                   : logic::DistanceKind::kAngular;
}

// One block's reduction as the kernels do it: thread t folds elements t, t + kBlockThreads, ...
// into its part with `add`, then the parts combine by the fixed tree with `merge`.
template <class T, class Add, class Merge>
T block_reduce(Index n, Add add, Merge merge) {
  std::vector<T> part(logic::kBlockThreads);
  for (Index t = 0; t < logic::kBlockThreads; ++t) {
    for (Index e = t; e < n; e += logic::kBlockThreads) add(part[t], e);
  }
  for (int stride = logic::kBlockThreads / 2; stride > 0; stride /= 2) {
    for (int t = 0; t < stride; ++t) merge(part[t], part[t + stride]);
  }
  return part[0];
}
template <class T, class Term>
T block_sum(Index n, Term term) {
  return block_reduce<T>(
      n, [&](T& acc, Index e) { acc += term(e); }, [](T& a, const T& b) { a += b; });
}

// Mining on D (B×B): the loss, and W = dLoss/dD. Mirrors kernels.cu's mine().
float mine(const float* d, const std::int64_t* labels, Index b, const LossSpec& spec,
           std::vector<float>& w) {
  const float margin = static_cast<float>(spec.margin);
  std::vector<logic::RowSummary> rows(static_cast<std::size_t>(b));
  for (Index i = 0; i < b; ++i) {  // row_summary_kernel
    rows[i] = block_reduce<logic::RowSummary>(
        b,
        [&](logic::RowSummary& s, Index k) {
          s.add(k, d[i * b + k], labels[k] == labels[i], k == i);
        },
        [](logic::RowSummary& a, const logic::RowSummary& o) { a.merge(o); });
  }
  // finish_loss_kernel's sums (the weights below need the count of positive pairs)
  const long long num_positive =
      block_sum<long long>(b, [&](Index i) { return rows[i].positives; });
  const bool has_nan = block_sum<int>(b, [&](Index i) { return rows[i].has_nan ? 1 : 0; }) != 0;
  w.assign(static_cast<std::size_t>(b * b), 0.0f);
  std::vector<float> row_loss(static_cast<std::size_t>(b));
  if (spec.loss == Loss::kHard) {
    for (Index i = 0; i < b; ++i) {  // hard_rows_kernel
      const logic::HardTerm t = logic::hard_term(rows[i], margin, spec.soft);
      row_loss[i] = t.term;
      const float g = t.slope / static_cast<float>(b);
      w[i * b + t.positive] += g;
      w[i * b + t.negative] -= g;
    }
  } else {
    std::vector<int> counts(static_cast<std::size_t>(b * b), 0);
    for (Index i = 0; i < b; ++i) {  // semihard_buckets_kernel (classes up to 2049 samples)
      std::vector<std::uint32_t> positive_keys;
      for (Index j = 0; j < b; ++j) {
        if (j != i && labels[j] == labels[i])
          positive_keys.push_back(logic::order_key(d[i * b + j]));
      }
      std::sort(positive_keys.begin(), positive_keys.end());
      const auto p = static_cast<Index>(positive_keys.size());
      EXPECT_LE(p, logic::kBucketPositivesMax) << "the emulation covers the bucket kernel only";
      std::vector<logic::PackedNegative> buckets(static_cast<std::size_t>(p + 1),
                                                 logic::kEmptyBucket);
      logic::PackedNegative largest = 0;
      for (Index k = 0; k < b; ++k) {
        if (labels[k] == labels[i]) continue;
        const std::uint32_t key = logic::order_key(d[i * b + k]);
        const logic::PackedNegative packed = logic::pack_negative(key, k);
        auto& bucket = buckets[logic::negative_bucket(positive_keys.data(), p, key)];
        bucket = std::min(bucket, packed);
        largest = std::max(largest, packed);
      }
      for (Index u = p - 1; u >= 0; --u) buckets[u] = std::min(buckets[u], buckets[u + 1]);
      row_loss[i] = block_sum<float>(b, [&](Index j) {
        if (j == i || labels[j] != labels[i]) return 0.0f;
        const logic::Pick n =
            logic::semihard_from_buckets(buckets.data(), positive_keys.data(), p, d[i * b + j],
                                         rows[i].negatives, largest, rows[i].row_min);
        const logic::SemihardTerm t = logic::semihard_term(d[i * b + j], n.value, margin);
        if (t.active) {
          ++counts[i * b + j];
          --counts[i * b + n.index];
        }
        return t.term;
      });
    }
    for (std::size_t e = 0; e < counts.size(); ++e) {  // counts_to_weights_kernel
      w[e] =
          counts[e] == 0 ? 0.0f : static_cast<float>(counts[e]) / static_cast<float>(num_positive);
    }
  }
  const float sum = block_sum<float>(b, [&](Index i) { return row_loss[i]; });
  const float nan = std::numeric_limits<float>::quiet_NaN();
  if (has_nan || (spec.loss == Loss::kSemiHard && num_positive == 0)) {
    std::fill(w.begin(), w.end(), nan);  // nan_fill_kernel
    return nan;
  }
  return spec.loss == Loss::kSemiHard ? sum / static_cast<float>(num_positive)
                                      : sum / static_cast<float>(b);
}

Result<float> run_on_distances(const LossSpec& spec, const DistanceView<float>& view,
                               bool gradient) {
  std::vector<float> w;
  Result<float> r;
  r.loss = mine(view.distances, view.labels, view.batch, spec, w);
  if (gradient) r.grad = std::move(w);
  return r;
}

// Mirrors kernels.cu's cuda_triplet_loss.
Result<float> run_on_embeddings(const LossSpec& spec, const BatchView<float>& batch,
                                bool gradient) {
  const Index b = batch.batch, dim = batch.dim;
  const logic::DistanceKind kind = kind_of(spec.metric);
  const bool angular = kind == logic::DistanceKind::kAngular;
  const float* x = batch.embeddings;
  std::vector<float> squared(static_cast<std::size_t>(b)), inverse(static_cast<std::size_t>(b));
  std::vector<float> source(x, x + b * dim);
  for (Index i = 0; i < b; ++i) {  // norms_kernel
    float s = 0;
    for (Index k = 0; k < dim; ++k) s += x[i * dim + k] * x[i * dim + k];
    squared[i] = s;
    inverse[i] = logic::inverse_norm(s);
    if (angular) {
      for (Index k = 0; k < dim; ++k) source[i * dim + k] = x[i * dim + k] * inverse[i];
    }
  }
  std::vector<float> d(static_cast<std::size_t>(b * b));
  for (Index i = 0; i < b; ++i) {  // GEMM + distance_kernel
    for (Index j = 0; j < b; ++j) {
      float g = 0;
      for (Index k = 0; k < dim; ++k) g += source[i * dim + k] * source[j * dim + k];
      d[i * b + j] = angular ? logic::angular_entry(g)
                             : logic::euclidean_entry(g, squared[i], squared[j], i == j,
                                                      kind == logic::DistanceKind::kSquaredL2);
    }
  }
  std::vector<float> w;
  Result<float> r;
  r.loss = mine(d.data(), batch.labels, b, spec, w);
  if (!gradient) return r;
  const bool poisoned = std::isnan(r.loss);
  std::vector<float> m(static_cast<std::size_t>(b * b));
  for (Index i = 0; i < b; ++i) {  // coefficient_kernel
    for (Index j = i; j < b; ++j) {
      m[i * b + j] = m[j * b + i] = logic::pair_coefficient(w[i * b + j], d[i * b + j], kind) +
                                    logic::pair_coefficient(w[j * b + i], d[j * b + i], kind);
    }
  }
  r.grad.assign(static_cast<std::size_t>(b * dim), 0.0f);
  for (Index i = 0; i < b; ++i) {
    std::vector<float> ms(static_cast<std::size_t>(dim), 0.0f);  // GEMM M·X
    for (Index j = 0; j < b; ++j) {
      for (Index k = 0; k < dim; ++k) ms[k] += m[i * b + j] * source[j * dim + k];
    }
    const float row_sum = block_sum<float>(b, [&](Index j) { return m[i * b + j]; });
    float dot = 0;  // the finish kernels
    for (Index k = 0; k < dim; ++k) dot += source[i * dim + k] * -ms[k];
    for (Index k = 0; k < dim; ++k) {
      const float g = angular ? logic::angular_gradient(-ms[k], source[i * dim + k], dot,
                                                        inverse[i], squared[i])
                              : logic::euclidean_gradient(row_sum, x[i * dim + k], ms[k]);
      r.grad[i * dim + k] = poisoned ? std::numeric_limits<float>::quiet_NaN() : g;
    }
  }
  return r;
}

// The emulation behind the Backend interface, named "cuda" so that the tolerance table and the
// known divergences of the cuda backend apply to it. `flush` off shows what the kernels would
// give without --ftz=true.
class CudaEmulation final : public Backend {
 public:
  explicit CudaEmulation(bool flush = true) : flush_(flush) {}
  std::string name() const override { return "cuda"; }
  std::string description() const override {
    return "the cuda backend's kernel logic replayed on the CPU";
  }
  Capabilities capabilities() const override {
    Capabilities caps;
    caps.float32 = true;
    caps.float64 = false;
    caps.precomputed_distances = true;
    caps.tf_exact_ties = false;  // ties go one-hot to the smallest column, as on the GPU
    return caps;
  }

 protected:
  Result<float> run(const LossSpec& spec, const BatchView<float>& batch,
                    bool gradient) const override {
    const reference::FlushDenormalsGuard ftz(flush_);  // nvcc --ftz=true
    return run_on_embeddings(spec, batch, gradient);
  }
  Result<float> run(const LossSpec& spec, const DistanceView<float>& view,
                    bool gradient) const override {
    const reference::FlushDenormalsGuard ftz(flush_);
    return run_on_distances(spec, view, gradient);
  }

 private:
  bool flush_;
};

const CudaEmulation kEmulation;

}  // namespace

const Backend& cuda_emulation() { return kEmulation; }

namespace {

struct Shape {
  Index batch;
  Index dim;
  LabelStructure labels;
  int k;  // samples per class or number of classes
};

const Shape kShapes[] = {
    {2, 3, LabelStructure::kAllSame, 1},          {5, 4, LabelStructure::kRandom, 2},
    {16, 8, LabelStructure::kSamplesPerClass, 4}, {33, 5, LabelStructure::kSingletonsMixed, 0},
    {64, 16, LabelStructure::kRandom, 6},         {40, 8, LabelStructure::kAllSame, 1},
    {12, 6, LabelStructure::kAllDistinct, 12},
};

void check_case(const CaseInput& in) {
  const Evaluation actual = evaluate(kEmulation, in, Precision::kFloat32);
  const Evaluation expected = evaluate(find_backend("reference"), in, Precision::kFloat64);
  const Tolerance& loss_tol =
      tolerance("cuda", Precision::kFloat32, Quantity::kLoss, Regime::kOracle);
  const Tolerance& grad_tol =
      tolerance("cuda", Precision::kFloat32, Quantity::kGradient, Regime::kOracle);
  const Agreement loss = compare_loss(actual.loss, expected.loss, loss_scale(in));
  EXPECT_TRUE(loss.within(loss_tol))
      << "loss " << actual.loss << " vs " << expected.loss << ": " << loss.describe();
  if (std::isnan(expected.loss)) {
    // No positive pair: every entry NaN (the reference's angular diagonal may say 0, SPEC §5.5).
    for (const double g : actual.gradient) EXPECT_TRUE(std::isnan(g));
    return;
  }
  const Agreement grad = compare_gradients(actual.gradient, expected.gradient);
  EXPECT_TRUE(grad.within(grad_tol)) << "gradient: " << grad.describe();
}

class CudaLogic : public ::testing::TestWithParam<bool> {};  // precomputed distances or not

TEST_P(CudaLogic, MatchesReferenceOnSeparatedBatches) {
  const bool precomputed = GetParam();
  GeneratorOptions options;
  std::uint64_t seed = 1;
  for (const LossSpec& spec : all_variants()) {
    for (const Shape& shape : kShapes) {
      ++seed;
      SCOPED_TRACE(variant_name(spec) + " " + to_string(spec.metric) +
                   " B=" + std::to_string(shape.batch) + " labels=" + to_string(shape.labels));
      std::mt19937_64 rng(seed);
      std::vector<std::int64_t> labels =
          make_labels(shape.labels, shape.batch, shape.k, 3, -5, rng);
      const GeneratedCase c = build_generic_case(spec, shape.batch, shape.dim, shape.labels,
                                                 std::move(labels), seed, options);
      if (!precomputed) {
        check_case(c.input);
        continue;
      }
      // The L2 distance matrix of the same batch, as TFA's callable metric would return it
      // (only for L2 cases: the generator separated the decisions of that metric).
      if (spec.metric != Metric::kL2) continue;
      CaseInput in = c.input;
      in.precomputed = true;
      in.dim = in.batch;
      in.values.assign(static_cast<std::size_t>(in.batch * in.batch), 0.0);
      for (Index i = 0; i < in.batch; ++i) {
        for (Index j = 0; j < in.batch; ++j) {
          double s = 0;
          for (Index k = 0; k < c.input.dim; ++k) {
            const double diff =
                c.input.values[i * c.input.dim + k] - c.input.values[j * c.input.dim + k];
            s += diff * diff;
          }
          in.values[i * in.batch + j] = std::sqrt(s);
        }
      }
      check_case(in);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Inputs, CudaLogic, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "distances" : "embeddings";
                         });

// Keys order floats like the floats themselves, −0 and +0 together, and decode back.
// The bucket selection (semihard_buckets_kernel) picks what the sorted one (semihard_rows_kernel,
// the path of classes over 2049 samples) picks, value and column, on rows full of ties (small
// integers, −0 and +0), with every class size from 1 to the whole row and no negatives at all.
TEST(CudaLogicSemihard, BucketsPickWhatTheSortPicks) {
  std::mt19937 rng(15);
  int pairs = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const Index b = std::uniform_int_distribution<Index>(1, 40)(rng);
    const Index classes = std::uniform_int_distribution<Index>(1, b)(rng);
    std::vector<std::int64_t> labels(static_cast<std::size_t>(b));
    std::vector<float> row(static_cast<std::size_t>(b));
    const int range = trial % 2 == 0 ? 4 : 1000;
    for (Index k = 0; k < b; ++k) {
      labels[k] = std::uniform_int_distribution<std::int64_t>(0, classes - 1)(rng);
      const int v = std::uniform_int_distribution<int>(0, range)(rng);
      row[k] = v == 0 && rng() % 2 == 0 ? -0.0f : static_cast<float>(v) / 4;
    }
    const Index i = std::uniform_int_distribution<Index>(0, b - 1)(rng);
    logic::RowSummary s;
    std::vector<std::pair<std::uint32_t, std::int32_t>> sorted;
    std::vector<std::uint32_t> positive_keys;
    for (Index k = 0; k < b; ++k) {
      s.add(k, row[k], labels[k] == labels[i], k == i);
      const bool negative = labels[k] != labels[i];
      sorted.emplace_back(negative ? logic::order_key(row[k]) : logic::kNotNegativeKey,
                          static_cast<std::int32_t>(k));
      if (k != i && !negative) positive_keys.push_back(logic::order_key(row[k]));
    }
    std::sort(sorted.begin(), sorted.end());
    std::sort(positive_keys.begin(), positive_keys.end());
    std::vector<std::uint32_t> keys;
    std::vector<std::int32_t> columns;
    for (const auto& [key, column] : sorted) {
      keys.push_back(key);
      columns.push_back(column);
    }
    const auto p = static_cast<Index>(positive_keys.size());
    std::vector<logic::PackedNegative> buckets(static_cast<std::size_t>(p + 1),
                                               logic::kEmptyBucket);
    logic::PackedNegative largest = 0;
    for (Index k = 0; k < b; ++k) {
      if (labels[k] == labels[i]) continue;
      const logic::PackedNegative packed = logic::pack_negative(logic::order_key(row[k]), k);
      auto& bucket =
          buckets[logic::negative_bucket(positive_keys.data(), p, logic::order_key(row[k]))];
      bucket = std::min(bucket, packed);
      largest = std::max(largest, packed);
    }
    for (Index u = p - 1; u >= 0; --u) buckets[u] = std::min(buckets[u], buckets[u + 1]);
    for (Index j = 0; j < b; ++j) {
      if (j == i || labels[j] != labels[i]) continue;
      const logic::Pick by_sort =
          logic::semihard_negative(keys.data(), columns.data(), s.negatives, row[j], s.row_min);
      const logic::Pick by_buckets = logic::semihard_from_buckets(
          buckets.data(), positive_keys.data(), p, row[j], s.negatives, largest, s.row_min);
      ASSERT_EQ(logic::float_bits(by_buckets.value), logic::float_bits(by_sort.value))
          << "trial " << trial << ", anchor " << i << ", positive " << j;
      ASSERT_EQ(by_buckets.index, by_sort.index)
          << "trial " << trial << ", anchor " << i << ", positive " << j;
      ++pairs;
    }
  }
  EXPECT_GT(pairs, 5000);  // the trials reach many (anchor, positive) pairs
}

TEST(CudaLogicKeys, OrderAndRoundTrip) {
  const float values[] = {-3.5f,  -1e-30f, -0.0f, 0.0f,
                          1e-30f, 0.5f,    2.0f,  std::numeric_limits<float>::infinity()};
  for (std::size_t a = 0; a < std::size(values); ++a) {
    EXPECT_EQ(logic::key_value(logic::order_key(values[a])), values[a] == 0 ? 0.0f : values[a]);
    for (std::size_t b = 0; b < std::size(values); ++b) {
      EXPECT_EQ(logic::order_key(values[a]) < logic::order_key(values[b]), values[a] < values[b]);
    }
    EXPECT_LT(logic::order_key(values[a]), logic::kNotNegativeKey);
  }
}

// ---- flush-to-zero: the golden fixtures ---------------------------------------------------------

// Whether the CPU can flush subnormals as nvcc's --ftz=true does (only SSE's MXCSR is set).
bool cpu_flushes_subnormals() {
  const reference::FlushDenormalsGuard ftz(true);
  volatile float tiny = 1e-30f;
  volatile float product = tiny * 1e-10f;  // volatile: computed before the guard restores MXCSR
  return product == 0.0f;
}

GoldenCase loaded(const std::string& id) {
  auto c = golden_case(id);
  if (!c) ADD_FAILURE() << "no golden fixture " << id;
  return c.value_or(GoldenCase{});
}

// Every golden fixture through the emulation, judged as the golden suite judges the cuda backend
// (its tolerances and known divergences): nothing fails.
TEST(CudaLogicGolden, EmulationAgreesWithTfaOnEveryFixture) {
  if (!cpu_flushes_subnormals()) GTEST_SKIP() << "this CPU has no flush-to-zero mode to emulate";
  int comparisons = 0;
  for (GoldenCase c : golden_manifest().cases) {
    if (!supports(kEmulation, c)) continue;
    load_arrays(golden_directory(), c);
    for (const Precision precision : golden_precisions(kEmulation, c)) {
      const GoldenCheck check = check_golden_case(kEmulation, c, precision);
      ++comparisons;
      EXPECT_FALSE(check.failed()) << check.describe_failure(c, "cuda (emulated)");
    }
  }
  EXPECT_GE(comparisons, 150);
  // The cuda backend's known divergences are all needed (none stale).
  for (const KnownDivergence& e : unused_known_divergences()) {
    EXPECT_NE(e.subject, "cuda") << "stale: " << e.category << " " << e.reason;
  }
}

// The fixtures whose intermediates are subnormal in float32 (docs/SEMANTICS.md §5.6): with
// flush-to-zero they agree with TF within the tolerances, without it their gradients do not (the
// golden judge would even excuse the soft ones as another subgradient at their exact tie, which
// they are not).
TEST(CudaLogicGolden, SubnormalFixturesNeedFlushToZero) {
  if (!cpu_flushes_subnormals()) GTEST_SKIP() << "this CPU has no flush-to-zero mode to emulate";
  const CudaEmulation without_flush(false);
  for (const char* id : {"soft_z87p5", "soft_z88p5", "tiny_1em20_hard_l2", "tiny_1em20_hard_sql2",
                         "tiny_1em20_semihard_l2"}) {
    SCOPED_TRACE(id);
    const GoldenCase c = loaded(id);
    const GoldenCheck flushed = check_golden_case(kEmulation, c, Precision::kFloat32);
    EXPECT_EQ(flushed.loss.verdict, Verdict::kPass) << flushed.describe_failure(c, "cuda");
    EXPECT_EQ(flushed.gradient.verdict, Verdict::kPass) << flushed.describe_failure(c, "cuda");
    const QuantityCheck unflushed =
        check_golden_case(without_flush, c, Precision::kFloat32).gradient;
    EXPECT_FALSE(unflushed.agreement.within(unflushed.tolerance)) << unflushed.agreement.describe();
  }
}

// ---- the diagonal and float32 overflow (docs/SEMANTICS.md §1.1 step 9, §5.6)
// ------------------------------

TEST(CudaLogicDistances, DiagonalIsComputedThenMultipliedByZero) {
  const float inf = std::numeric_limits<float>::infinity();
  for (const bool squared : {false, true}) {
    const float finite = logic::euclidean_entry(2.0f, 1.0f, 1.5f, true, squared);
    EXPECT_EQ(finite, 0.0f);
    EXPECT_FALSE(std::signbit(finite));
    // An overflowing row: ‖x_i‖² = Inf, so (Inf + Inf) − 2·Inf = NaN, or Inf·0 = NaN.
    EXPECT_TRUE(std::isnan(logic::euclidean_entry(inf, inf, inf, true, squared)));
    EXPECT_TRUE(std::isnan(logic::euclidean_entry(1e30f, inf, inf, true, squared)));
    EXPECT_EQ(logic::euclidean_entry(1e30f, inf, 1.0f, false, squared), inf);
  }
}

// One row whose squared norm overflows float32: its diagonal is NaN as in TF, so the loss and
// every gradient entry are NaN (TF: NaN gradients at such inputs; the all-NaN policy), where a
// diagonal set to 0 up front left the loss Inf and the gradient finite.
TEST(CudaLogicDistances, OverflowingRowPoisonsLossAndGradient) {
  const std::vector<float> x = {1e20f, 1e20f, 0.0f, 1.0f, 1.0f, 0.0f, 2.0f, 2.0f};
  const std::vector<std::int64_t> labels = {0, 0, 1, 1};
  const BatchView<float> batch{x.data(), 4, 2, labels.data()};
  for (const LossSpec& spec : all_variants()) {
    if (spec.metric == Metric::kAngular) continue;  // rsqrt(Inf) = 0: a zero row, no overflow
    SCOPED_TRACE(variant_name(spec) + " " + to_string(spec.metric));
    const Result<float> r = kEmulation.evaluate(spec, batch);
    EXPECT_TRUE(std::isnan(r.loss));
    for (const float g : r.grad) EXPECT_TRUE(std::isnan(g));
  }
}

// ---- RowSummary::merge: any split of a row and any merge order give the same summary ------------

void expect_same_pick(const logic::Pick& a, const logic::Pick& b, const char* what) {
  EXPECT_EQ(a.index, b.index) << what;
  if (a.index >= 0) {
    EXPECT_EQ(a.value, b.value) << what;
  }
}

void expect_same_summary(const logic::RowSummary& a, const logic::RowSummary& b) {
  expect_same_pick(a.positive_max, b.positive_max, "positive_max");
  expect_same_pick(a.negative_min, b.negative_min, "negative_min");
  expect_same_pick(a.row_min, b.row_min, "row_min");
  expect_same_pick(a.row_max, b.row_max, "row_max");
  EXPECT_EQ(a.positives, b.positives);
  EXPECT_EQ(a.negatives, b.negatives);
  EXPECT_EQ(a.has_nan, b.has_nan);
}

TEST(CudaLogicRowSummary, MergeOfAnySplitEqualsOneSequentialPass) {
  std::mt19937_64 rng(15);
  for (const Index b : {1, 3, 255, 256, 257, 1000}) {
    for (const bool with_nan : {false, true}) {
      SCOPED_TRACE("B=" + std::to_string(b) + (with_nan ? " with NaN" : ""));
      // Few distinct values, so that ties (broken by the smallest column) are everywhere.
      std::uniform_int_distribution<int> value(0, 4), label(0, 2);
      std::vector<float> row(static_cast<std::size_t>(b));
      std::vector<int> labels(static_cast<std::size_t>(b));
      for (Index k = 0; k < b; ++k) {
        row[k] = 0.5f * static_cast<float>(value(rng));
        labels[k] = label(rng);
      }
      if (with_nan) row[b / 2] = std::numeric_limits<float>::quiet_NaN();
      const Index anchor = b / 3;
      auto add = [&](logic::RowSummary& s, Index k) {
        s.add(k, row[k], labels[k] == labels[anchor], k == anchor);
      };
      logic::RowSummary sequential;
      for (Index k = 0; k < b; ++k) add(sequential, k);
      // NaN makes the extremes depend on the order (and the result all-NaN anyway): only the
      // flag and the counts are compared then.
      auto compare = [&](const logic::RowSummary& s) {
        if (!with_nan) return expect_same_summary(s, sequential);
        EXPECT_TRUE(s.has_nan);
        EXPECT_EQ(s.positives, sequential.positives);
        EXPECT_EQ(s.negatives, sequential.negatives);
      };
      // The kernel's split (strided, then the tree) ...
      compare(block_reduce<logic::RowSummary>(
          b, add, [](logic::RowSummary& a, const logic::RowSummary& o) { a.merge(o); }));
      // ... and contiguous chunks merged from the last to the first.
      for (const Index parts : {2, 7}) {
        std::vector<logic::RowSummary> chunk(static_cast<std::size_t>(parts));
        for (Index k = 0; k < b; ++k) add(chunk[k * parts / b], k);
        logic::RowSummary merged;
        for (Index p = parts - 1; p >= 0; --p) merged.merge(chunk[p]);
        compare(merged);
      }
    }
  }
}

}  // namespace
}  // namespace tripletcheck::conformance
