// Semi-hard: for the P ordered positive pairs (i, j), the smallest negative distance of row i
// strictly greater than D[i, j], found by a masked row minimum over chunks of pairs (O(P·B)
// work, O(B²) memory); without one, the largest negative of row i; without negatives, the row
// minimum. Hard: masked row max/min with their fallbacks. Only index selection runs without
// gradient; values are gathered from D, so the gradient is a valid subgradient (one-hot where
// the choice is unique, split by amax/amin among ties of the fallbacks).
#include "optimized/torch/fast_graph.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <limits>

namespace tripletcheck::torch_backend {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Classes {
  at::Tensor negatives;  // B×B bool: different label
  at::Tensor positives;  // B×B bool: same label, off the diagonal
};

Classes classes_of(const at::Tensor& labels) {
  const at::Tensor column = labels.reshape({-1, 1});
  const at::Tensor same = at::eq(column, column.t());
  const std::int64_t b = column.size(0);
  const at::Tensor diagonal = at::eye(b, labels.options().dtype(at::kBool));
  return {at::logical_not(same), at::logical_and(same, at::logical_not(diagonal))};
}

// Per row: the largest negative distance, or the row minimum when the row has no negative
// (TFA's masked_maximum over the negatives and its fallback). B×1, differentiable.
at::Tensor largest_negative(const at::Tensor& d, const Classes& c) {
  const at::Tensor has_negative = c.negatives.any(1, /*keepdim=*/true);
  const at::Tensor masked = at::where(c.negatives, d, -kInf).amax(1, /*keepdim=*/true);
  return at::where(has_negative, masked, d.amin(1, /*keepdim=*/true));
}

// D[rows[p], columns[p]] for every p, differentiable (the gradient lands on those entries).
at::Tensor entries(const at::Tensor& d, const at::Tensor& rows, const at::Tensor& columns) {
  return d.reshape({-1}).index_select(0, rows * d.size(1) + columns);
}

// Column index of the semi-hard negative of each positive pair (anchors[p], D value limit[p]),
// or -1 where no negative of the anchor is strictly farther. No gradient.
at::Tensor outside_negative_index(const at::Tensor& d, const Classes& c, const at::Tensor& anchors,
                                  const at::Tensor& limits) {
  const std::int64_t b = d.size(0);
  const std::int64_t pairs = anchors.size(0);
  // Rows of pairs per chunk, so that a chunk's temporaries are about one B×B matrix.
  const std::int64_t chunk = std::max<std::int64_t>(1, b);
  at::Tensor index = at::empty({pairs}, anchors.options());
  for (std::int64_t start = 0; start < pairs; start += chunk) {
    const std::int64_t stop = std::min(pairs, start + chunk);
    const at::Tensor rows = anchors.slice(0, start, stop);
    const at::Tensor candidates = d.index_select(0, rows);  // chunk×B
    const at::Tensor farther =
        at::logical_and(c.negatives.index_select(0, rows),
                        at::gt(candidates, limits.slice(0, start, stop).unsqueeze(1)));
    const at::Tensor column = std::get<1>(at::where(farther, candidates, kInf).min(1));
    index.slice(0, start, stop).copy_(at::where(farther.any(1), column, -1));
  }
  return index;
}

at::Tensor semihard(const at::Tensor& d, const Classes& c, double margin) {
  const at::Tensor pair_index = c.positives.nonzero();  // P×2 (anchor, positive), row-major
  const at::Tensor anchors = pair_index.select(1, 0);
  const at::Tensor positive_d = entries(d, anchors, pair_index.select(1, 1));
  at::Tensor outside;
  {
    const at::NoGradGuard no_grad;
    outside = outside_negative_index(d, c, anchors, positive_d.detach());
  }
  const at::Tensor has_outside = outside.ge(0);
  const at::Tensor outside_d = entries(d, anchors, outside.clamp_min(0));
  const at::Tensor inside_d = largest_negative(d, c).squeeze(1).index_select(0, anchors);
  const at::Tensor negative_d = at::where(has_outside, outside_d, inside_d);
  // Hinge ≥ 0 passes the gradient (clamp_min, as TF's maximum); the divisor counts ordered
  // pairs.
  const at::Tensor terms = at::clamp_min((positive_d - negative_d) + margin, 0.0);
  return terms.sum() / static_cast<double>(pair_index.size(0));
}

// TFA's literal log1p(exp(z)): exp in the input's precision overflows where TF's does (z ≈ 88.7
// in float32). The log1p runs in float64 because LibTorch's float32 log1p (SLEEF) returns +Inf
// for every argument above 1e38, i.e. from z ≈ 87.5 (torch-tfa keeps that, as a port would).
at::Tensor soft_term(const at::Tensor& z) {
  const at::Tensor e = at::exp(z);
  if (e.scalar_type() == at::kDouble) return at::log1p(e);
  return at::log1p(e.to(at::kDouble)).to(e.scalar_type());
}

at::Tensor hard(const at::Tensor& d, const Classes& c, double margin, bool soft) {
  const at::Tensor has_positive = c.positives.any(1, /*keepdim=*/true);
  const at::Tensor has_negative = c.negatives.any(1, /*keepdim=*/true);
  const at::Tensor hard_positive =
      at::where(has_positive, at::where(c.positives, d, -kInf).amax(1, /*keepdim=*/true),
                d.amin(1, /*keepdim=*/true));
  const at::Tensor hard_negative =
      at::where(has_negative, at::where(c.negatives, d, kInf).amin(1, /*keepdim=*/true),
                d.amax(1, /*keepdim=*/true));
  const at::Tensor z = hard_positive - hard_negative;
  const at::Tensor terms = soft ? soft_term(z) : at::clamp_min(z + margin, 0.0);
  return terms.mean();
}

}  // namespace

FastLoss fast_loss_on_distances(const at::Tensor& d, const at::Tensor& labels,
                                const LossSpec& spec) {
  if (at::isnan(d).any().item<bool>()) return {{}, true};
  const Classes c = classes_of(labels);
  if (spec.loss == Loss::kSemiHard) {
    if (!c.positives.any().item<bool>()) return {{}, true};
    return {semihard(d, c, spec.margin), false};
  }
  return {hard(d, c, spec.margin, spec.soft), false};
}

}  // namespace tripletcheck::torch_backend
