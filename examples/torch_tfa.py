#!/usr/bin/env python3
"""TFA's triplet_semihard_loss and triplet_hard_loss in PyTorch, op for op (docs/SEMANTICS.md §1-§5), with
gradients from autograd, speaking tripletcheck's exec protocol (tools/EXEC_PROTOCOL.md).

    tripletcheck conform --backend exec:'examples/python examples/torch_tfa.py'

The choices that make autograd give TF's gradients (docs/SEMANTICS.md §5.1): clamp_min(x, c) for
tf.maximum(x, c) (the whole gradient to x at a tie), amax/amin for reduce_max/min (ties split
evenly), the masked max/min shift trick kept literally, torch.where for tf.where; and where
PyTorch's own op differs from TF's at an edge, a small replacement: the Gram matrix past float32
overflow and tf.math.log1p (see each).
"""
import json
import os
import sys

import numpy as np
import torch

# TF's constants (docs/SEMANTICS.md §1.1, §1.2): the sqrt guard under the error mask, l2_normalize's floor.
SQRT_GUARD = 1e-16
NORM_FLOOR = 1e-12


class TFLog1p(torch.autograd.Function):
    """tf.math.log1p: PyTorch's float32 log1p returns inf past x ~ 1e36 (so log1p(exp(z)) is inf
    for z > ~84 where TF's is finite up to 88.7). Forward in float64, rounded back; backward
    grad / (1 + x) in the input's precision, as TF computes it (flushed to 0 where subnormal)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.log1p(x.double()).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1.0 + x)


def gram(x):
    """X·Xᵀ with every product rounded before it is summed, as TF's CPU matmul does. A fused
    multiply-add BLAS (PyTorch's) differs only past float32 overflow: there a product of +-1e40
    is inf in TF, so inf - inf = NaN, where FMA keeps it finite and sums to +-inf."""
    return (x.unsqueeze(1) * x.unsqueeze(0)).sum(dim=2)


def pairwise_distance(x, squared):
    """metric_learning.pairwise_distance: the expanded formula, clamp, error mask, 1e-16."""
    squared_norms = (x * x).sum(dim=1, keepdim=True)
    distances = (squared_norms + squared_norms.t()) - 2.0 * gram(x)
    distances = torch.clamp_min(distances, 0.0)
    error_mask = distances <= 0.0
    if not squared:
        distances = torch.sqrt(distances + error_mask.to(x.dtype) * SQRT_GUARD)
    distances = distances * (~error_mask).to(x.dtype)
    off_diagonal = 1.0 - torch.eye(x.shape[0], dtype=x.dtype)
    return distances * off_diagonal


def angular_distance(x):
    """metric_learning.angular_distance: 1 - cosine, clamped at 0; no diagonal zeroing."""
    squared_norms = (x * x).sum(dim=1, keepdim=True)
    normalized = x * torch.rsqrt(torch.clamp_min(squared_norms, NORM_FLOOR))
    return torch.clamp_min(1.0 - normalized @ normalized.t(), 0.0)


def masked_maximum(data, mask):
    """triplet._masked_maximum: shifted by the row minimum, so an empty mask gives it."""
    axis_minimums = data.amin(dim=1, keepdim=True)
    return ((data - axis_minimums) * mask).amax(dim=1, keepdim=True) + axis_minimums


def masked_minimum(data, mask):
    """triplet._masked_minimum: shifted by the row maximum, so an empty mask gives it."""
    axis_maximums = data.amax(dim=1, keepdim=True)
    return ((data - axis_maximums) * mask).amin(dim=1, keepdim=True) + axis_maximums


def farther_than(negative_distances, positive_distances):
    """The semi-hard rule: a negative strictly farther than the positive (docs/SEMANTICS.md §3.3)."""
    return negative_distances > positive_distances


def semihard_loss(labels, pdist, margin):
    """triplet_semihard_loss on a distance matrix, with TFA's B²×B tiling (docs/SEMANTICS.md §3)."""
    batch = pdist.shape[0]
    dtype = pdist.dtype
    adjacency = labels.reshape(-1, 1) == labels.reshape(1, -1)
    adjacency_not = ~adjacency
    pdist_tile = pdist.repeat(batch, 1)
    mask = adjacency_not.repeat(batch, 1) & farther_than(pdist_tile, pdist.t().reshape(-1, 1))
    mask_final = (mask.to(dtype).sum(dim=1, keepdim=True) > 0.0).reshape(batch, batch).t()
    negatives_outside = masked_minimum(pdist_tile, mask.to(dtype)).reshape(batch, batch).t()
    negatives_inside = masked_maximum(pdist, adjacency_not.to(dtype)).repeat(1, batch)
    semi_hard_negatives = torch.where(mask_final, negatives_outside, negatives_inside)
    loss_mat = margin + (pdist - semi_hard_negatives)
    mask_positives = adjacency.to(dtype) - torch.eye(batch, dtype=dtype)
    num_positives = mask_positives.sum()
    return torch.clamp_min(loss_mat * mask_positives, 0.0).sum() / num_positives


def hard_loss(labels, pdist, margin, soft):
    """triplet_hard_loss on a distance matrix (docs/SEMANTICS.md §4): mean over all anchors."""
    dtype = pdist.dtype
    adjacency = labels.reshape(-1, 1) == labels.reshape(1, -1)
    hard_negatives = masked_minimum(pdist, (~adjacency).to(dtype))
    mask_positives = adjacency.to(dtype) - torch.eye(pdist.shape[0], dtype=dtype)
    hard_positives = masked_maximum(pdist, mask_positives)
    if soft:  # literally log1p(exp(z)): overflows past z ≈ 88.7 in float32, as TF does
        losses = TFLog1p.apply(torch.exp(hard_positives - hard_negatives))
    else:
        losses = torch.clamp_min(hard_positives - hard_negatives + margin, 0.0)
    return losses.mean()


def evaluate(request, values, labels):
    """The loss and (if asked) its gradient with respect to the embeddings or distances."""
    dtype = torch.float32 if request["dtype"] == "float32" else torch.float64
    # TF's CPU kernels flush float32 denormals to zero (docs/SEMANTICS.md §5.6); float64 stays IEEE.
    torch.set_flush_denormal(dtype == torch.float32)
    x = torch.tensor(values, dtype=dtype, requires_grad=request["want_grad"])
    labels = torch.tensor(labels, dtype=torch.int64)
    metric = request["metric"]
    if metric == "precomputed":
        pdist = x
    elif metric == "angular":
        pdist = angular_distance(x)
    else:
        pdist = pairwise_distance(x, squared=metric == "squared-L2")
    margin = request["margin"]
    if request["loss"] == "semihard":
        loss = semihard_loss(labels, pdist, margin)
    else:
        loss = hard_loss(labels, pdist, margin, request["soft"])
    grad = None
    if request["want_grad"]:
        loss.backward()
        grad = x.grad.numpy()
    return loss.item(), grad


def json_number(value):
    if value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return value


def run_case(case_dir):
    with open(os.path.join(case_dir, "request.json")) as f:
        request = json.load(f)
    values = np.load(os.path.join(case_dir, request["input"]))
    labels = np.load(os.path.join(case_dir, "labels.npy"))
    loss, grad = evaluate(request, values, labels)
    if grad is not None:
        np.save(os.path.join(case_dir, "grad.npy"), grad)
    return {"loss": json_number(loss)}


CAPABILITIES = {
    "float32": True,
    "float64": False,  # TFA itself is float32-only (docs/SEMANTICS.md §3.1)
    "gradients": True,
    "precomputed_distances": True,
    "tf_exact_ties": True,  # the same ops as TF's graph, so the same subgradients
    "deterministic": True,
    "serve": True,
}


def main(argv):
    torch.set_num_threads(1)  # deterministic sums, and polite on a shared machine
    if "--capabilities" in argv:
        # --no-serve: one process per evaluation (slower; exercises that side of the protocol)
        print(json.dumps(dict(CAPABILITIES, serve="--no-serve" not in argv)))
        return 0
    if "--serve" in argv:
        for line in sys.stdin:
            case_dir = line.strip()
            if not case_dir:
                continue
            try:
                answer = run_case(case_dir)
            except Exception as e:  # reported per case; the server keeps serving
                answer = {"error": f"{type(e).__name__}: {e}"}
            answer["case"] = line.rstrip("\n")  # echoed: the answer is matched to its case
            print(json.dumps(answer), flush=True)
        return 0
    case_dir = argv[-1] if len(argv) > 1 else os.environ["TRIPLETCHECK_CASE_DIR"]
    print(json.dumps(run_case(case_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
