// The LibTorch ops that torch-tfa uses in place of TF's, checked for TF's gradient rules at
// ties (docs/SEMANTICS.md §5.1), plus the alternatives a port might pick and why torch-tfa does not, and
// the two LibTorch differences the golden fixtures show (known_divergences.cpp). If a LibTorch
// version changes any of these, this suite says which op and how.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include <cmath>
#include <limits>
#include <vector>

namespace {

// d(sum of f(x))/dx for a float64 leaf x.
template <class F>
std::vector<double> gradient(std::vector<double> values, F f) {
  at::Tensor x = at::tensor(values, at::kDouble).requires_grad_(true);
  const at::Tensor y = f(x).sum();
  const at::Tensor g = torch::autograd::grad({y}, {x})[0].contiguous();
  return {g.data_ptr<double>(), g.data_ptr<double>() + g.numel()};
}

using Grad = std::vector<double>;

// tf.maximum(x, 0.0): x gets the gradient where x >= 0 (selector greater_equal), ties included.
TEST(TorchOpsAtTies, ClampMinPassesTheWholeGradientAtZeroLikeTfMaximum) {
  EXPECT_EQ(gradient({-1, 0, 2}, [](const at::Tensor& x) { return at::clamp_min(x, 0.0); }),
            (Grad{0, 1, 1}));
}

// Why not torch.maximum(x, zeros) or relu: they give half and none of it at 0.
TEST(TorchOpsAtTies, MaximumWithZerosGivesHalfAndReluNoneSoNeitherIsTfsMaximum) {
  EXPECT_EQ(
      gradient({-1, 0, 2}, [](const at::Tensor& x) { return at::maximum(x, at::zeros_like(x)); }),
      (Grad{0, 0.5, 1}));
  EXPECT_EQ(gradient({-1, 0, 2}, [](const at::Tensor& x) { return at::relu(x); }), (Grad{0, 0, 1}));
}

// reduce_max / reduce_min (_MinOrMaxGrad): split evenly among all tied elements.
TEST(TorchOpsAtTies, AmaxAndAminSplitEvenlyAmongTiesLikeTfReductions) {
  EXPECT_EQ(gradient({1, 3, 3, 2}, [](const at::Tensor& x) { return x.amax(0); }),
            (Grad{0, 0.5, 0.5, 0}));
  EXPECT_EQ(gradient({1, 3, 1, 2}, [](const at::Tensor& x) { return x.amin(0); }),
            (Grad{0.5, 0, 0.5, 0}));
  // Along a dimension with keepdim, as the masked reductions use them.
  EXPECT_EQ(gradient({5, 5, 5, 1, 2, 2},
                     [](const at::Tensor& x) {
                       return x.reshape({2, 3}).amax(1, true);
                     }),
            (Grad{1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 0.5, 0.5}));
}

// Why not max(dim) / min(dim): all of the gradient goes to one index.
TEST(TorchOpsAtTies, MaxAlongADimensionGivesOneIndexUnlikeTf) {
  const Grad g = gradient({1, 3, 3, 2}, [](const at::Tensor& x) { return std::get<0>(x.max(0)); });
  EXPECT_EQ(g[0] + g[3], 0);
  EXPECT_EQ(g[1] + g[2], 1);
  EXPECT_TRUE(g[1] == 0 || g[2] == 0);
}

// tf.where (SelectV2): the discarded branch gets exactly 0 ...
TEST(TorchOpsAtTies, WhereGivesTheDiscardedBranchNothing) {
  const Grad g = gradient({1, 2}, [](const at::Tensor& x) {
    return at::where(at::gt(at::tensor({1.0, 0.0}), 0.5), x * 3.0, x * 5.0);
  });
  EXPECT_EQ(g, (Grad{3, 5}));
  // ... and, as in TF, that 0 still meets the discarded branch's own backward: 0 · (½/√−x) is
  // NaN. TFA's discarded `negatives_outside` is finite wherever D is, so this never fires there.
  const Grad nan_branch = gradient(
      {1, 2}, [](const at::Tensor& x) { return at::where(at::gt(x, 0.0), x, at::sqrt(-x)); });
  EXPECT_TRUE(std::isnan(nan_branch[0]) && std::isnan(nan_branch[1]));
}

// tf.tile's gradient sums over the tiles; repeat is torch's tile.
TEST(TorchOpsAtTies, RepeatSumsTheGradientOverTilesLikeTile) {
  EXPECT_EQ(
      gradient({1, 2},
               [](const at::Tensor& x) { return x.repeat({3}) * at::arange(6, at::kDouble); }),
      (Grad{0 + 2 + 4, 1 + 3 + 5}));
}

// truediv by num_positives = 0 sends +Inf upstream; multiplying by a mask of 0 makes it NaN,
// which is how every semi-hard gradient becomes NaN without positive pairs (docs/SEMANTICS.md §5.5).
TEST(TorchOpsAtTies, DivisionByZeroAndMaskingGiveTfsNans) {
  const Grad g = gradient({1, 2}, [](const at::Tensor& x) {
    return at::clamp_min(x * at::zeros_like(x), 0.0).sum() / 0.0;
  });
  EXPECT_TRUE(std::isnan(g[0]) && std::isnan(g[1]));
}

// A LibTorch difference (docs/SEMANTICS.md §5.6): rsqrt's gradient is −½·g·y³, and y³ underflows float32
// for arguments above ~1e26 (row norms above ~1e13); TF computes (−½·y²)·(y·g) and keeps it.
TEST(TorchOpsDifferences, RsqrtGradientLosesPrecisionAtHugeArgumentsUnlikeTf) {
  const float argument = 1e30f;  // y = 1e-15, y³ = 1e-45: one subnormal ulp
  at::Tensor x = at::full({1}, argument).requires_grad_(true);
  const float upstream = 1e15f;  // what l2_normalize sends: about norm × |dLoss/dF|
  const at::Tensor y = (at::rsqrt(x) * upstream).sum();
  const float torch_grad = torch::autograd::grad({y}, {x})[0].item<float>();
  const double tf_order = (-0.5 * 1e-30) * (1e-15 * 1e15);  // (−½·y²)·(y·g), exact here
  EXPECT_GT(std::fabs(torch_grad - tf_order), 0.1 * std::fabs(tf_order))
      << "LibTorch's rsqrt gradient is now accurate here: update torch_backend.hpp's note";
}

// A LibTorch difference: ATen's float32 log1p (SLEEF) returns +Inf above 1e38, so TFA's
// log1p(exp(z)) is +Inf from z ≈ 87.50, where TF's is finite up to z ≈ 88.72.
TEST(TorchOpsDifferences, Float32Log1pOverflowsAbove1e38) {
  const at::Tensor values = at::full({8}, 2e38f);
  EXPECT_TRUE(std::isinf(at::log1p(values)[0].item<float>()))
      << "LibTorch's float32 log1p is finite here now: drop the known divergence";
  EXPECT_NEAR(at::log1p(values.to(at::kDouble))[0].item<double>(),
              std::log1p(static_cast<double>(2e38f)), 1e-12);
}

}  // namespace
