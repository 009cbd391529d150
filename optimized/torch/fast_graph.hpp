// The `torch` backends' loss: TFA's semantics without its B³ tensors and without autograd over
// B×B matrices, as a PyTorch user would ship it. Three steps:
//  1. D, B×B, without gradient (TFA's formulas, built in place: about two B×B matrices at once);
//  2. the mining on D, without gradient: index vectors of the chosen (anchor, positive) and
//     (anchor, negative) entries, the semi-hard search in chunks of about B² elements;
//  3. the loss from those entries recomputed with gradient (O((P + B)·D) work), so autograd
//     routes the gradient to exactly the chosen entries: one-hot, a valid subgradient at ties,
//     not TF's even split (Capabilities::tf_exact_ties is false).
#pragma once

#include <ATen/core/Tensor.h>

#include "tripletcheck/options.hpp"

namespace tripletcheck::torch_backend {

struct FastLoss {
  at::Tensor loss;  // 0-dim; undefined when all_nan
  // The loss and every gradient entry are NaN: a NaN in D (NaN or overflowing inputs), or no
  // positive pair in a semi-hard batch (docs/SEMANTICS.md §3.6, §5.5). TF's masked reductions keep or drop
  // a NaN depending on where it sits; this backend does not replay that.
  bool all_nan = false;
};

// `input` is the B×D embeddings, or the B×B distances when `precomputed`; it may require grad.
FastLoss fast_loss(const at::Tensor& input, bool precomputed, const at::Tensor& labels,
                   const LossSpec& spec);

}  // namespace tripletcheck::torch_backend
