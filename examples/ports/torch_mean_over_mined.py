"""A semi-hard triplet loss that averages over the mined triplets whose hinge is nonzero, as
pytorch-metric-learning's TripletMarginLoss does with its default AvgNonZeroReducer. TFA divides
the summed hinges by the number of positive pairs instead (docs/SEMANTICS.md §3), so the two agree
only when every positive pair has an active hinge. tripletcheck must reject it."""
import torch

from torch_common import distance_matrix, masked_maximum, masked_minimum


def triplet_semihard_loss(y_true, y_pred, margin=1.0, distance_metric="L2"):
    labels = y_true.reshape(-1, 1)
    pdist = distance_matrix(y_pred, distance_metric)
    batch = labels.shape[0]
    dtype = pdist.dtype
    adjacency = labels == labels.t()
    adjacency_not = ~adjacency
    pdist_tile = pdist.repeat(batch, 1)
    mask = adjacency_not.repeat(batch, 1) & (pdist_tile > pdist.t().reshape(-1, 1))
    mask_final = (mask.to(dtype).sum(dim=1, keepdim=True) > 0.0).reshape(batch, batch).t()
    negatives_outside = masked_minimum(pdist_tile, mask.to(dtype)).reshape(batch, batch).t()
    negatives_inside = masked_maximum(pdist, adjacency_not.to(dtype)).repeat(1, batch)
    semi_hard_negatives = torch.where(mask_final, negatives_outside, negatives_inside)
    mask_positives = adjacency.to(dtype) - torch.eye(batch, dtype=dtype)
    hinges = torch.clamp_min((margin + (pdist - semi_hard_negatives)) * mask_positives, 0.0)
    active = (hinges > 0).sum()
    if active == 0:
        return hinges.sum() * 0.0  # no active triplet: 0, where TFA gives 0 (or NaN without pairs)
    return hinges.sum() / active  # the difference: TFA divides by mask_positives.sum()
