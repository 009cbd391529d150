// One statement per TF op of tensorflow_addons/losses/{metric_learning,triplet}.py (v0.23),
// in TF's order, so that the float32 rounding and the gradient at ties follow TF's.
#include "optimized/torch/tfa_graph.hpp"

#include <ATen/ATen.h>

namespace tripletcheck::torch_backend {
namespace {

// metric_learning.pairwise_distance.
at::Tensor pairwise_distance(const at::Tensor& x, bool squared) {
  const at::Tensor row_norms = at::square(x).sum(1, /*keepdim=*/true);      // B×1
  const at::Tensor col_norms = at::square(x.t()).sum(0, /*keepdim=*/true);  // 1×B
  // (r + c) − 2·G: the norms are added first, as TF does.
  const at::Tensor raw = at::add(row_norms, col_norms) - at::mul(at::mm(x, x.t()), 2.0);
  // tf.maximum(raw, 0.0): clamp_min passes the whole gradient at exactly 0, as TF does.
  const at::Tensor squared_d = at::clamp_min(raw, 0.0);
  const at::Tensor error_mask = at::le(squared_d, 0.0);
  at::Tensor d = squared ? squared_d : at::sqrt(squared_d + error_mask.to(x.scalar_type()) * 1e-16);
  d = d * at::logical_not(error_mask).to(x.scalar_type());
  const std::int64_t b = x.size(0);
  const at::Tensor off_diagonal = at::ones_like(d) - at::diag(at::ones({b}, d.options()));
  return d * off_diagonal;
}

// metric_learning.angular_distance. (The rsqrt gradient of the normalization differs from TF's
// at huge norms: see torch_backend.hpp.)
at::Tensor angular_distance(const at::Tensor& x) {
  const at::Tensor normalized = tfa_l2_normalize(x);
  const at::Tensor a = at::rsub(at::mm(normalized, normalized.t()), 1.0);  // 1 − F·Fᵀ
  return at::clamp_min(a, 0.0);
}

// triplet._masked_maximum: max over masked-in entries, shifted by the row minimum so that the
// masked-out zeros cannot win; an all-zero mask row gives the row minimum.
at::Tensor masked_maximum(const at::Tensor& data, const at::Tensor& mask) {
  const at::Tensor axis_minimums = data.amin(1, /*keepdim=*/true);
  return (at::mul(data - axis_minimums, mask)).amax(1, /*keepdim=*/true) + axis_minimums;
}

// triplet._masked_minimum: the mirror image, shifted by the row maximum.
at::Tensor masked_minimum(const at::Tensor& data, const at::Tensor& mask) {
  const at::Tensor axis_maximums = data.amax(1, /*keepdim=*/true);
  return (at::mul(data - axis_maximums, mask)).amin(1, /*keepdim=*/true) + axis_maximums;
}

// triplet.triplet_semihard_loss after the distances.
at::Tensor semihard(const at::Tensor& pdist_matrix, const at::Tensor& labels, double margin) {
  const auto dtype = pdist_matrix.scalar_type();
  const at::Tensor column = labels.reshape({-1, 1});
  const at::Tensor adjacency = at::eq(column, column.t());
  const at::Tensor adjacency_not = at::logical_not(adjacency);
  const std::int64_t b = column.size(0);

  // Row j·B + i of the tile is D[i, :]; the reshaped transpose at that row is D[i, j]: the mask
  // says "k is a negative of anchor i strictly farther than positive candidate j".
  const at::Tensor pdist_matrix_tile = pdist_matrix.repeat({b, 1});
  const at::Tensor mask = at::logical_and(
      adjacency_not.repeat({b, 1}), at::gt(pdist_matrix_tile, pdist_matrix.t().reshape({-1, 1})));
  const at::Tensor mask_float = mask.to(dtype);
  at::Tensor mask_final = at::gt(mask_float.sum(1, /*keepdim=*/true), 0.0).reshape({b, b});
  mask_final = mask_final.t();

  const at::Tensor negatives_outside =
      masked_minimum(pdist_matrix_tile, mask_float).reshape({b, b}).t();
  const at::Tensor negatives_inside =
      masked_maximum(pdist_matrix, adjacency_not.to(dtype)).repeat({1, b});
  const at::Tensor semi_hard_negatives = at::where(mask_final, negatives_outside, negatives_inside);

  const at::Tensor loss_mat = (pdist_matrix - semi_hard_negatives) + margin;
  const at::Tensor mask_positives =
      adjacency.to(dtype) - at::diag(at::ones({b}, pdist_matrix.options()));
  const at::Tensor num_positives = mask_positives.sum();
  return at::clamp_min(at::mul(loss_mat, mask_positives), 0.0).sum() / num_positives;
}

// triplet.triplet_hard_loss after the distances.
at::Tensor hard(const at::Tensor& pdist_matrix, const at::Tensor& labels, double margin,
                bool soft) {
  const auto dtype = pdist_matrix.scalar_type();
  const at::Tensor column = labels.reshape({-1, 1});
  const at::Tensor adjacency = at::eq(column, column.t());
  const at::Tensor adjacency_not = at::logical_not(adjacency).to(dtype);
  const std::int64_t b = column.size(0);

  const at::Tensor hard_negatives = masked_minimum(pdist_matrix, adjacency_not);
  const at::Tensor mask_positives =
      adjacency.to(dtype) - at::diag(at::ones({b}, pdist_matrix.options()));
  const at::Tensor hard_positives = masked_maximum(pdist_matrix, mask_positives);
  // Literally log1p(exp(z)) as TFA writes it: +Inf past z ≈ 88.7 in float32, NaN gradient.
  const at::Tensor triplet_loss =
      soft ? at::log1p(at::exp(hard_positives - hard_negatives))
           : at::clamp_min((hard_positives - hard_negatives) + margin, 0.0);
  return triplet_loss.mean();
}

}  // namespace

at::Tensor tfa_l2_normalize(const at::Tensor& x) {
  const at::Tensor square_sum = at::square(x).sum(1, /*keepdim=*/true);
  return x * at::rsqrt(at::clamp_min(square_sum, 1e-12));
}

at::Tensor tfa_distances(const at::Tensor& x, Metric metric) {
  switch (metric) {
    case Metric::kL2:
      return pairwise_distance(x, /*squared=*/false);
    case Metric::kSquaredL2:
      return pairwise_distance(x, /*squared=*/true);
    case Metric::kAngular:
      return angular_distance(x);
  }
  return {};
}

at::Tensor tfa_loss_on_distances(const at::Tensor& d, const at::Tensor& labels,
                                 const LossSpec& spec) {
  if (spec.loss == Loss::kSemiHard) return semihard(d, labels, spec.margin);
  return hard(d, labels, spec.margin, spec.soft);
}

}  // namespace tripletcheck::torch_backend
