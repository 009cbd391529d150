// The CUDA backend's per-thread logic (optimized/cuda/mining_logic.hpp) run on the CPU: a
// sequential stand-in for the kernel pipeline (GEMM as loops, the segmented sort as std::sort on
// (key, column) pairs, which is what a stable radix sort gives) calls exactly the functions the
// kernels call, and its loss and gradient are compared with the float64 reference on generated
// separated batches. Runs without a GPU; the GPU itself is checked by the differential suite.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "optimized/cuda/mining_logic.hpp"
#include "properties/support/comparison.hpp"
#include "properties/support/evaluate.hpp"
#include "properties/support/generators.hpp"
#include "properties/support/labels.hpp"
#include "properties/support/scales.hpp"
#include "properties/support/tolerances.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::testing {
namespace {

namespace logic = cuda_logic;
using Index = std::int64_t;

struct CpuResult {
  double loss = 0;
  std::vector<double> gradient;
};

logic::DistanceKind kind_of(Metric m) {
  return m == Metric::kL2          ? logic::DistanceKind::kL2
         : m == Metric::kSquaredL2 ? logic::DistanceKind::kSquaredL2
                                   : logic::DistanceKind::kAngular;
}

// Mining on D (B×B): the loss, and W = dLoss/dD. Mirrors kernels.cu's mine().
float mine(const std::vector<float>& d, const std::vector<std::int64_t>& labels, Index b,
           const LossSpec& spec, std::vector<float>& w) {
  const float margin = static_cast<float>(spec.margin);
  std::vector<logic::RowSummary> rows(static_cast<std::size_t>(b));
  bool has_nan = false;
  Index num_positive = 0;
  for (Index i = 0; i < b; ++i) {
    for (Index k = 0; k < b; ++k) rows[i].add(k, d[i * b + k], labels[k] == labels[i], k == i);
    has_nan = has_nan || rows[i].has_nan;
    num_positive += rows[i].positives;
  }
  w.assign(static_cast<std::size_t>(b * b), 0.0f);
  float total = 0;
  if (spec.loss == Loss::kHard) {
    for (Index i = 0; i < b; ++i) {
      const logic::HardTerm t = logic::hard_term(rows[i], margin, spec.soft);
      total += t.term;
      const float g = t.slope / static_cast<float>(b);
      w[i * b + t.positive] += g;
      w[i * b + t.negative] -= g;
    }
    total /= static_cast<float>(b);
  } else {
    std::vector<int> counts(static_cast<std::size_t>(b * b), 0);
    for (Index i = 0; i < b; ++i) {
      std::vector<std::pair<std::uint32_t, std::int32_t>> sorted;
      for (Index k = 0; k < b; ++k) {
        const bool negative = labels[k] != labels[i];
        sorted.emplace_back(negative ? logic::order_key(d[i * b + k]) : logic::kNotNegativeKey,
                            static_cast<std::int32_t>(k));
      }
      std::sort(sorted.begin(), sorted.end());
      std::vector<std::uint32_t> keys;
      std::vector<std::int32_t> columns;
      for (const auto& [key, column] : sorted) {
        keys.push_back(key);
        columns.push_back(column);
      }
      for (Index j = 0; j < b; ++j) {
        if (j == i || labels[j] != labels[i]) continue;
        const logic::Pick n = logic::semihard_negative(
            keys.data(), columns.data(), rows[i].negatives, d[i * b + j], rows[i].row_min);
        const logic::SemihardTerm t = logic::semihard_term(d[i * b + j], n.value, margin);
        total += t.term;
        if (t.active) {
          ++counts[i * b + j];
          --counts[i * b + n.index];
        }
      }
    }
    for (std::size_t e = 0; e < counts.size(); ++e) {
      w[e] =
          counts[e] == 0 ? 0.0f : static_cast<float>(counts[e]) / static_cast<float>(num_positive);
    }
    total = num_positive > 0 ? total / static_cast<float>(num_positive)
                             : std::numeric_limits<float>::quiet_NaN();
  }
  if (has_nan || (spec.loss == Loss::kSemiHard && num_positive == 0)) {
    std::fill(w.begin(), w.end(), std::numeric_limits<float>::quiet_NaN());
    return std::numeric_limits<float>::quiet_NaN();
  }
  return total;
}

CpuResult run_on_distances(const CaseInput& in) {
  const Index b = in.batch;
  std::vector<float> d(in.values.begin(), in.values.end());
  std::vector<float> w;
  CpuResult r;
  r.loss = mine(d, in.labels, b, in.spec, w);
  r.gradient.assign(w.begin(), w.end());
  return r;
}

// Mirrors kernels.cu's cuda_triplet_loss.
CpuResult run_on_embeddings(const CaseInput& in) {
  const Index b = in.batch, dim = in.dim;
  const logic::DistanceKind kind = kind_of(in.spec.metric);
  const bool angular = kind == logic::DistanceKind::kAngular;
  std::vector<float> x(in.values.begin(), in.values.end());
  std::vector<float> squared(static_cast<std::size_t>(b)), inverse(static_cast<std::size_t>(b));
  std::vector<float> source = x;
  for (Index i = 0; i < b; ++i) {
    float s = 0;
    for (Index k = 0; k < dim; ++k) s += x[i * dim + k] * x[i * dim + k];
    squared[i] = s;
    inverse[i] = logic::inverse_norm(s);
    if (angular) {
      for (Index k = 0; k < dim; ++k) source[i * dim + k] = x[i * dim + k] * inverse[i];
    }
  }
  std::vector<float> d(static_cast<std::size_t>(b * b));
  for (Index i = 0; i < b; ++i) {
    for (Index j = 0; j < b; ++j) {
      float g = 0;
      for (Index k = 0; k < dim; ++k) g += source[i * dim + k] * source[j * dim + k];
      d[i * b + j] = angular ? logic::angular_entry(g)
                             : logic::euclidean_entry(g, squared[i], squared[j], i == j,
                                                      kind == logic::DistanceKind::kSquaredL2);
    }
  }
  std::vector<float> w;
  CpuResult r;
  r.loss = mine(d, in.labels, b, in.spec, w);
  const bool poisoned = std::isnan(r.loss);
  std::vector<float> m(static_cast<std::size_t>(b * b));
  for (Index i = 0; i < b; ++i) {
    for (Index j = 0; j < b; ++j) {
      m[i * b + j] = logic::pair_coefficient(w[i * b + j], d[i * b + j], kind) +
                     logic::pair_coefficient(w[j * b + i], d[j * b + i], kind);
    }
  }
  r.gradient.assign(static_cast<std::size_t>(b * dim), 0.0);
  for (Index i = 0; i < b; ++i) {
    std::vector<float> ms(static_cast<std::size_t>(dim), 0.0f);
    float row_sum = 0;
    for (Index j = 0; j < b; ++j) {
      row_sum += m[i * b + j];
      for (Index k = 0; k < dim; ++k) ms[k] += m[i * b + j] * source[j * dim + k];
    }
    float dot = 0;
    for (Index k = 0; k < dim; ++k) dot += source[i * dim + k] * -ms[k];
    for (Index k = 0; k < dim; ++k) {
      const float g = angular ? logic::angular_gradient(-ms[k], source[i * dim + k], dot,
                                                        inverse[i], squared[i])
                              : logic::euclidean_gradient(row_sum, x[i * dim + k], ms[k]);
      r.gradient[i * dim + k] = poisoned ? std::nan("") : g;
    }
  }
  return r;
}

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

void check_case(const CaseInput& in, const CpuResult& actual) {
  const Evaluation expected = evaluate(find_backend("reference"), in, "float64");
  const Tolerance& loss_tol = tolerance("cuda", "float32", Quantity::kLoss, Regime::kOracle);
  const Tolerance& grad_tol = tolerance("cuda", "float32", Quantity::kGradient, Regime::kOracle);
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
        check_case(c.input, run_on_embeddings(c.input));
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
      check_case(in, run_on_distances(in));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Inputs, CudaLogic, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "distances" : "embeddings";
                         });

// Keys order floats like the floats themselves, −0 and +0 together, and decode back.
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

}  // namespace
}  // namespace tripletcheck::testing
