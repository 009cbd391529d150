// TFA's graph reproduced op for op in LibTorch (docs/SEMANTICS.md §1–§4), for autograd to differentiate:
// the baseline `torch-tfa`, i.e. the TFA algorithm as users port it, B²×B tiled mask and all.
// Each op is chosen so that its gradient at ties is TF's (docs/SEMANTICS.md §5.1; checked in
// properties/torch_ops_test.cpp): clamp_min for tf.maximum(x, 0), amax/amin for
// reduce_max/reduce_min, where for tf.where.
#pragma once

#include <ATen/core/Tensor.h>

#include "tripletcheck/options.hpp"

namespace tripletcheck::torch_backend {

// tf.math.l2_normalize(x, axis=1) as TFA's angular_distance calls it: epsilon 1e-12 on the
// squared norm, so a zero row stays a zero row.
at::Tensor tfa_l2_normalize(const at::Tensor& x);

// TFA's metric_learning.pairwise_distance (squared or not) and angular_distance of the B×D
// embeddings `x`: the B×B matrix D.
at::Tensor tfa_distances(const at::Tensor& x, Metric metric);

// The loss on the B×B distances `d` and the B int64 labels, as TFA's triplet_semihard_loss /
// triplet_hard_loss compute it after their distance dispatch. A 0-dim tensor.
at::Tensor tfa_loss_on_distances(const at::Tensor& d, const at::Tensor& labels,
                                 const LossSpec& spec);

}  // namespace tripletcheck::torch_backend
