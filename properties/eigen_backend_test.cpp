// The quick direct check of the eigen backend: the float64 reference against eigen in float64
// and float32 on seeded batches, every loss variant × metric, both input forms, and bitwise
// equality of results across thread counts. (The RapidCheck differential suite goes wider.)
#include "optimized/eigen/eigen_backend.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "conformance/comparison.hpp"
#include "conformance/evaluate.hpp"
#include "conformance/scales.hpp"
#include "conformance/tolerances.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

// Batches are built so that float32 computes every distance exactly (dyadic coordinates with
// small numerators; angular rows whose squared norm is a power of 4, so l2_normalize is exact)
// or, for L2, as the correctly rounded square root of an exact value. Then float32 and float64
// make the same selections, exact ties included, and only the rounding of the results differs.
constexpr int kDim = 8;
// Integer coordinates in [-R, R] times 1/8 (exact in float): R = 8 gives mostly distinct
// distances, R = 2 a coarse lattice full of exact ties and duplicates (TF's tie rules).
constexpr int kCoordinateRanges[] = {8, 2};
constexpr double kCoordinateScale = 0.125;
// L2 hinge arguments are differences of square roots: reject a batch where one is non-zero but
// closer to 0 than this (float32 rounds each distance by ~1e-7 relative).
constexpr double kHingeGap = 1e-4;
constexpr int kMaxRedraws = 10000;

const std::vector<std::int64_t> kBatchSizes = {1, 2, 3, 7, 8, 9, 17, 33, 64, 100};
// Label structures: one class (no negatives), two classes (dense backward), B/4 and B/2 random
// classes (singletons, sparse backward at the larger sizes), all distinct (no positive pair).
constexpr int kLabelStructures = 5;

struct Variant {
  const char* name;
  Loss loss;
  bool soft;
};
constexpr Variant kVariants[] = {{"hard", Loss::kHard, false},
                                 {"hardsoft", Loss::kHard, true},
                                 {"semihard", Loss::kSemiHard, false}};
constexpr Metric kMetrics[] = {Metric::kL2, Metric::kSquaredL2, Metric::kAngular};
const Precision kPrecisions[] = {Precision::kFloat64, Precision::kFloat32};

std::string metric_name(Metric m) {
  return m == Metric::kL2 ? "L2" : m == Metric::kSquaredL2 ? "squaredL2" : "angular";
}

// Exact (or, for L2, correctly rounded) float64 distances of the batch, row-major B×B.
std::vector<double> exact_distances(const std::vector<double>& x, std::int64_t b, Metric metric) {
  std::vector<double> d(static_cast<std::size_t>(b * b));
  for (std::int64_t i = 0; i < b; ++i) {
    for (std::int64_t j = 0; j < b; ++j) {
      double squared = 0, dot = 0, ni = 0, nj = 0;
      for (int k = 0; k < kDim; ++k) {
        const double a = x[i * kDim + k], c = x[j * kDim + k];
        squared += (a - c) * (a - c);
        dot += a * c;
        ni += a * a;
        nj += c * c;
      }
      double v = squared;
      if (metric == Metric::kL2) v = std::sqrt(squared);
      if (metric == Metric::kAngular) v = std::max(1 - dot / std::sqrt(ni * nj), 0.0);
      d[i * b + j] = v;
    }
  }
  return d;
}

// Whether float32 and the float64 reference must agree on this batch: no decision of an L2 loss
// rests on a near tie of square roots. (Exact ties are computed exactly on both sides and stay:
// they exercise TF's tie rules, shift-term leaks included.)
bool decisions_separated(const std::vector<double>& d, const std::vector<std::int64_t>& labels,
                         std::int64_t b, const LossSpec& spec) {
  for (std::int64_t i = 0; i < b; ++i) {
    const double* row = d.data() + i * b;
    double row_min = row[0], row_max = row[0];
    bool has_negative = false;
    double hard_pos = -1, hard_neg = std::numeric_limits<double>::infinity(), largest_neg = -1;
    for (std::int64_t k = 0; k < b; ++k) {
      row_min = std::min(row_min, row[k]);
      row_max = std::max(row_max, row[k]);
      const bool same = labels[k] == labels[i];
      if (same && k != i) hard_pos = std::max(hard_pos, row[k]);
      if (!same) {
        has_negative = true;
        hard_neg = std::min(hard_neg, row[k]);
        largest_neg = std::max(largest_neg, row[k]);
      }
    }

    std::vector<double> hinge_arguments;
    if (spec.loss == Loss::kHard) {
      if (hard_pos < 0) hard_pos = row_min;
      if (!has_negative) hard_neg = row_max;
      hinge_arguments.push_back(spec.soft ? 1.0 : (hard_pos - hard_neg) + spec.margin);
    } else {
      for (std::int64_t j = 0; j < b; ++j) {
        if (j == i || labels[j] != labels[i]) continue;
        double negative = std::numeric_limits<double>::infinity();
        for (std::int64_t k = 0; k < b; ++k) {
          if (labels[k] != labels[i] && row[k] > row[j]) negative = std::min(negative, row[k]);
        }
        if (std::isinf(negative)) negative = has_negative ? largest_neg : row_min;
        hinge_arguments.push_back(spec.margin + (row[j] - negative));
      }
    }
    for (const double h : hinge_arguments) {
      if (h != 0 && std::fabs(h) < kHingeGap) return false;
    }
  }
  return true;
}

std::vector<double> draw_embeddings(std::int64_t b, Metric metric, int range,
                                    std::mt19937_64& rng) {
  std::uniform_int_distribution<int> coordinate(-range, range);
  std::vector<double> x(static_cast<std::size_t>(b * kDim));
  for (std::int64_t i = 0; i < b; ++i) {
    for (;;) {
      int squared_norm = 0;
      for (int k = 0; k < kDim; ++k) {
        const int c = coordinate(rng);
        x[i * kDim + k] = c * kCoordinateScale;
        squared_norm += c * c;
      }
      // Angular: ‖x‖² of 16, 64 or 256 units (1/4, 1, 4 after scaling) normalizes exactly.
      if (metric != Metric::kAngular || squared_norm == 16 || squared_norm == 64 ||
          squared_norm == 256) {
        break;
      }
    }
  }
  return x;
}

std::vector<std::int64_t> draw_labels(std::int64_t b, int structure, std::mt19937_64& rng) {
  const std::int64_t classes[] = {1, 2, std::max<std::int64_t>(1, b / 4),
                                  std::max<std::int64_t>(1, b / 2), b};
  std::uniform_int_distribution<std::int64_t> label(0, classes[structure] - 1);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(b));
  for (std::int64_t i = 0; i < b; ++i) {
    const std::int64_t class_id = structure == kLabelStructures - 1 ? i : label(rng);
    labels[i] = 10 * class_id - 7;  // TFA compares labels only for equality
  }
  return labels;
}

// A batch for `spec` whose decisions are separated; `precomputed` turns it into its distance
// matrix (TFA's callable metric).
CaseInput make_case(const LossSpec& spec, std::int64_t b, int structure, int range,
                    bool precomputed) {
  std::mt19937_64 rng(0x5eed0000u + static_cast<std::uint64_t>(b) * 131u +
                      static_cast<std::uint64_t>(structure) * 17u +
                      static_cast<std::uint64_t>(spec.metric) * 5u +
                      static_cast<std::uint64_t>(range) * 1000003u);
  CaseInput in;
  in.spec = spec;
  in.batch = b;
  for (int redraw = 0; redraw < kMaxRedraws; ++redraw) {
    in.labels = draw_labels(b, structure, rng);
    in.values = draw_embeddings(b, spec.metric, range, rng);
    const std::vector<double> d = exact_distances(in.values, b, spec.metric);
    if (!decisions_separated(d, in.labels, b, spec)) continue;
    if (precomputed) {
      in.precomputed = true;
      in.dim = b;
      in.values = d;
    } else {
      in.dim = kDim;
    }
    return in;
  }
  ADD_FAILURE() << "no separated batch for B=" << b << " after " << kMaxRedraws << " draws";
  return in;
}

const Backend& eigen_backend() {
  static const std::unique_ptr<Backend> backend = make_eigen_backend();
  return *backend;
}

void expect_agreement(const CaseInput& in, Precision precision) {
  const Evaluation expected = evaluate(find_backend("reference"), in, Precision::kFloat64);
  const Evaluation actual = evaluate(eigen_backend(), in, precision);
  const Agreement loss = compare_loss(actual.loss, expected.loss, loss_scale(in));
  const Tolerance loss_tol = with_loss_summation(
      tolerance("eigen", precision, Quantity::kLoss, Regime::kOracle), in, precision);
  EXPECT_TRUE(loss.within(loss_tol))
      << "loss " << actual.loss << " vs reference " << expected.loss << ": " << loss.describe();
  const Agreement grad =
      compare_gradients(actual.gradient, expected.gradient,
                        std::isfinite(expected.loss) ? gradient_term_scale(in) : 0);
  const Tolerance& grad_tol = tolerance("eigen", precision, Quantity::kGradient, Regime::kOracle);
  EXPECT_TRUE(grad.within(grad_tol)) << "gradient: " << grad.describe();
}

struct VariantMetric {
  Variant variant;
  Metric metric;
};

std::vector<VariantMetric> all_variant_metrics() {
  std::vector<VariantMetric> out;
  for (const Variant& v : kVariants) {
    for (const Metric m : kMetrics) out.push_back({v, m});
  }
  return out;
}

void PrintTo(const VariantMetric& p, std::ostream* os) {
  *os << p.variant.name << "/" << metric_name(p.metric);
}

std::string param_name(const ::testing::TestParamInfo<VariantMetric>& info) {
  return std::string(info.param.variant.name) + "_" + metric_name(info.param.metric);
}

LossSpec spec_of(const VariantMetric& p) {
  LossSpec spec;
  spec.loss = p.variant.loss;
  spec.soft = p.variant.soft;
  spec.metric = p.metric;
  return spec;
}

class EigenAgainstReference : public ::testing::TestWithParam<VariantMetric> {};

// Every batch size, label structure, coordinate range and precision for one variant and metric.
void expect_agreement_over_the_grid(const VariantMetric& vm, bool precomputed) {
  for (const std::int64_t b : kBatchSizes) {
    for (int structure = 0; structure < kLabelStructures; ++structure) {
      for (const int range : kCoordinateRanges) {
        const CaseInput in = make_case(spec_of(vm), b, structure, range, precomputed);
        for (const Precision precision : kPrecisions) {
          SCOPED_TRACE("B=" + std::to_string(b) + " label structure " + std::to_string(structure) +
                       " coordinates ±" + std::to_string(range) + " " + to_string(precision));
          expect_agreement(in, precision);
        }
      }
    }
  }
}

TEST_P(EigenAgainstReference, Embeddings) { expect_agreement_over_the_grid(GetParam(), false); }

TEST_P(EigenAgainstReference, PrecomputedDistances) {
  expect_agreement_over_the_grid(GetParam(), true);
}

// ---- thread-count invariance: every bit of the loss and the gradient ------------------------

template <class T>
bool same_bits(const Result<T>& a, const Result<T>& b) {
  return std::memcmp(&a.loss, &b.loss, sizeof a.loss) == 0 && a.grad.size() == b.grad.size() &&
         std::memcmp(a.grad.data(), b.grad.data(), a.grad.size() * sizeof(T)) == 0;
}

template <class T>
void expect_thread_invariance(const LossSpec& spec, std::int64_t b, std::int64_t samples_per_class,
                              std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  constexpr std::int64_t kThreadDim = 24;
  std::uniform_real_distribution<double> value(-1, 1);
  std::vector<T> x(static_cast<std::size_t>(b * kThreadDim));
  for (auto& v : x) v = static_cast<T>(value(rng));
  std::vector<std::int64_t> labels(static_cast<std::size_t>(b));
  for (std::int64_t i = 0; i < b; ++i) labels[i] = i / samples_per_class;
  std::shuffle(labels.begin(), labels.end(), rng);

  const auto one = make_eigen_backend(1);
  const auto two = make_eigen_backend(2);
  const BatchView<T> batch{x.data(), b, kThreadDim, labels.data()};
  EXPECT_TRUE(same_bits(one->evaluate(spec, batch), two->evaluate(spec, batch))) << "embeddings";

  std::vector<T> d(static_cast<std::size_t>(b * b));
  for (auto& v : d) v = static_cast<T>(value(rng) + 1);
  const DistanceView<T> distances{d.data(), b, labels.data()};
  EXPECT_TRUE(same_bits(one->evaluate(spec, distances), two->evaluate(spec, distances)))
      << "precomputed distances";
}

class EigenThreadInvariance : public ::testing::TestWithParam<VariantMetric> {};

TEST_P(EigenThreadInvariance, OneAndTwoThreadsGiveTheSameBits) {
  // Sizes across the parallel threshold and tile boundaries; 4 per class takes the sparse
  // backward, B/3 per class the dense GEMM one.
  for (const std::int64_t b : {100, 200, 257, 600}) {
    for (const std::int64_t per_class : {std::int64_t{4}, (b + 2) / 3}) {
      SCOPED_TRACE("B=" + std::to_string(b) + ", " + std::to_string(per_class) + " per class");
      const auto seed = static_cast<std::uint64_t>(b * 1009 + per_class);
      expect_thread_invariance<float>(spec_of(GetParam()), b, per_class, seed);
      expect_thread_invariance<double>(spec_of(GetParam()), b, per_class, seed);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, EigenAgainstReference,
                         ::testing::ValuesIn(all_variant_metrics()), param_name);
INSTANTIATE_TEST_SUITE_P(Variants, EigenThreadInvariance,
                         ::testing::ValuesIn(all_variant_metrics()), param_name);

// ---- fixed cases: TFA's doctests and the NaN of a batch without positive pairs --------------

TEST(EigenFixedCases, TfaDoctests) {
  const std::vector<float> x = {0, 1, 1, 0};
  const std::vector<std::int64_t> labels = {0, 0};
  const auto batch = make_batch_view(x, 2, labels);
  LossSpec semihard;
  EXPECT_FLOAT_EQ(static_cast<float>(eigen_backend().evaluate(semihard, batch).loss), 2.4142137f);
  LossSpec hard;
  hard.loss = Loss::kHard;
  EXPECT_FLOAT_EQ(static_cast<float>(eigen_backend().evaluate(hard, batch).loss), 1.0f);
}

TEST(EigenFixedCases, SemihardWithoutPositivePairsIsNaNEverywhere) {
  const std::vector<double> x = {0, 1, 1, 0, 2, 2};
  const std::vector<std::int64_t> labels = {1, 2, 3};
  const Result<double> r = eigen_backend().evaluate(LossSpec{}, make_batch_view(x, 2, labels));
  EXPECT_TRUE(std::isnan(r.loss));
  ASSERT_EQ(r.grad.size(), x.size());
  for (const double g : r.grad) EXPECT_TRUE(std::isnan(g));
}

TEST(EigenFixedCases, CapabilitiesAreDeclared) {
  const Capabilities caps = eigen_backend().capabilities();
  EXPECT_TRUE(caps.float32 && caps.float64 && caps.gradients && caps.precomputed_distances);
  EXPECT_TRUE(caps.deterministic && caps.thread_count_invariant);
  EXPECT_FALSE(caps.tf_exact_ties);
}

}  // namespace
}  // namespace tripletcheck::conformance
