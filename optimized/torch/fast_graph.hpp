// The `torch` backend's loss: TFA's semantics without its B³ tensors, as a PyTorch user would
// ship it. The distances are TFA's own O(B²) graph (tfa_graph.hpp); the mining selects indices
// without gradient, in chunks of B² elements, and the loss gathers the selected distances so
// that autograd routes the gradient to exactly the chosen entries.
#pragma once

#include <ATen/core/Tensor.h>

#include "tripletcheck/options.hpp"

namespace tripletcheck::torch_backend {

struct FastLoss {
  at::Tensor loss;  // 0-dim; undefined when all_nan
  // The loss and every gradient entry are NaN: a NaN in D (NaN or overflowing inputs), or no
  // positive pair in a semi-hard batch (SPEC.md §3.6, §5.5). TF's masked reductions keep or drop
  // a NaN depending on where it sits; this backend does not replay that.
  bool all_nan = false;
};

FastLoss fast_loss_on_distances(const at::Tensor& d, const at::Tensor& labels,
                                const LossSpec& spec);

}  // namespace tripletcheck::torch_backend
