"""A correct PyTorch port of tfa.losses.triplet_semihard_loss (same signature, same graph).

    tripletcheck conform --backend exec:'examples/python -m tripletcheck_adapters.torch \
        examples/ports/torch_semihard.py:triplet_semihard_loss --losses semihard --precomputed --tf-exact-ties'
"""
import torch

from torch_common import distance_matrix, masked_maximum, masked_minimum


def farther_than(negative_distances, positive_distances):
    """The semi-hard rule: a negative strictly farther than the positive."""
    return negative_distances > positive_distances


def triplet_semihard_loss(y_true, y_pred, margin=1.0, distance_metric="L2"):
    labels = y_true.reshape(-1, 1)
    pdist = distance_matrix(y_pred, distance_metric)
    batch = labels.shape[0]
    dtype = pdist.dtype
    adjacency = labels == labels.t()
    adjacency_not = ~adjacency
    # TFA tiles the B x B matrix B times: row a*B + p holds every negative n for the pair (a, p).
    pdist_tile = pdist.repeat(batch, 1)
    mask = adjacency_not.repeat(batch, 1) & farther_than(pdist_tile, pdist.t().reshape(-1, 1))
    mask_final = (mask.to(dtype).sum(dim=1, keepdim=True) > 0.0).reshape(batch, batch).t()
    negatives_outside = masked_minimum(pdist_tile, mask.to(dtype)).reshape(batch, batch).t()
    negatives_inside = masked_maximum(pdist, adjacency_not.to(dtype)).repeat(1, batch)
    semi_hard_negatives = torch.where(mask_final, negatives_outside, negatives_inside)
    loss_mat = margin + (pdist - semi_hard_negatives)
    mask_positives = adjacency.to(dtype) - torch.eye(batch, dtype=dtype)
    num_positives = mask_positives.sum()  # 0 positives: 0/0 = NaN, as in TFA
    return torch.clamp_min(loss_mat * mask_positives, 0.0).sum() / num_positives
