"""torch_semihard.py with the classic porting mistake: a semi-hard negative is selected with `>=`
instead of TFA's strict `>`, so a negative at exactly the positive's distance counts as "farther".
tripletcheck must reject it (golden semihard_boundary first)."""
import torch

import torch_semihard


def farther_or_equal(negative_distances, positive_distances):
    return negative_distances >= positive_distances  # the mistake: TFA uses >


def triplet_semihard_loss(y_true, y_pred, margin=1.0, distance_metric="L2"):
    saved = torch_semihard.farther_than
    torch_semihard.farther_than = farther_or_equal
    try:
        return torch_semihard.triplet_semihard_loss(y_true, y_pred, margin, distance_metric)
    finally:
        torch_semihard.farther_than = saved
