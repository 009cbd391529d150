"""A correct PyTorch port of tfa.losses.triplet_hard_loss (same signature, same graph).

    tripletcheck conform --backend exec:'examples/python -m tripletcheck_adapters.torch \
        examples/ports/torch_hard.py:triplet_hard_loss --losses hard --precomputed --tf-exact-ties'
"""
import torch

from torch_common import distance_matrix, masked_maximum, masked_minimum


def triplet_hard_loss(y_true, y_pred, margin=1.0, soft=False, distance_metric="L2"):
    labels = y_true.reshape(-1, 1)
    pdist = distance_matrix(y_pred, distance_metric)
    dtype = pdist.dtype
    adjacency = labels == labels.t()
    hard_negatives = masked_minimum(pdist, (~adjacency).to(dtype))
    mask_positives = adjacency.to(dtype) - torch.eye(pdist.shape[0], dtype=dtype)
    hard_positives = masked_maximum(pdist, mask_positives)
    if soft:  # TFA: tf.math.log1p(tf.math.exp(d_pos - d_neg)), margin ignored
        losses = torch.log1p(torch.exp(hard_positives - hard_negatives))
    else:
        losses = torch.clamp_min(hard_positives - hard_negatives + margin, 0.0)
    return losses.mean()
