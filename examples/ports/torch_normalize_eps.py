"""A port of tfa.losses.triplet_semihard_loss that normalizes with torch.nn.functional.normalize,
as many PyTorch ports do: x / max(‖x‖, 1e-12) puts the floor on the norm, where TF's
l2_normalize puts it on the squared norm, x · rsqrt(max(‖x‖², 1e-12)). The values agree
everywhere; at a zero row the gradient is ~1e6× TF's (a slope of 1e12 against 1e6). A zero row is
also a tie (every distance from it is 1), which is where a harness that excused any gradient at
a tie let this through; it must fail as a semantics error.

    ... -m tripletcheck_adapters.torch examples/ports/torch_normalize_eps.py:triplet_semihard_loss \
        --losses semihard --metrics angular
"""
import torch
import torch.nn.functional as F

import torch_semihard


def normalized_angular_distance(feature):
    normalized = F.normalize(feature, p=2.0, dim=1, eps=1e-12)
    return torch.clamp_min(1.0 - normalized @ normalized.t(), 0.0)


def triplet_semihard_loss(y_true, y_pred, margin=1.0, distance_metric="angular"):
    if distance_metric == "angular":
        distance_metric = normalized_angular_distance
    return torch_semihard.triplet_semihard_loss(y_true, y_pred, margin, distance_metric)
