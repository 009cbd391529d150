"""TFA's distance functions in PyTorch (tensorflow_addons/losses/metric_learning.py), shared by
the example ports. Plain PyTorch, no protocol code: the adapter does that."""
import torch


def pairwise_distance(feature, squared=False):
    """metric_learning.pairwise_distance: the expanded formula, clamped at 0, 1e-16 under the
    sqrt where the distance is 0, zeros where it was <= 0 and on the diagonal."""
    squared_norms = (feature * feature).sum(dim=1, keepdim=True)
    distances = squared_norms + squared_norms.t() - 2.0 * (feature @ feature.t())
    distances = torch.clamp_min(distances, 0.0)
    error_mask = distances <= 0.0
    if not squared:
        distances = torch.sqrt(distances + error_mask.to(feature.dtype) * 1e-16)
    distances = distances * (~error_mask).to(feature.dtype)
    off_diagonal = 1.0 - torch.eye(feature.shape[0], dtype=feature.dtype)
    return distances * off_diagonal


def angular_distance(feature):
    """metric_learning.angular_distance: 1 - cosine similarity, clamped at 0."""
    squared_norms = (feature * feature).sum(dim=1, keepdim=True)
    normalized = feature * torch.rsqrt(torch.clamp_min(squared_norms, 1e-12))
    return torch.clamp_min(1.0 - normalized @ normalized.t(), 0.0)


def distance_matrix(embeddings, distance_metric):
    """TFA's dispatch on distance_metric: "L2", "squared-L2", "angular" or a callable."""
    if distance_metric == "L2":
        return pairwise_distance(embeddings, squared=False)
    if distance_metric == "squared-L2":
        return pairwise_distance(embeddings, squared=True)
    if distance_metric == "angular":
        return angular_distance(embeddings)
    return distance_metric(embeddings)


def masked_maximum(data, mask):
    """triplet._masked_maximum: shifted by the row minimum, so an empty row gives the minimum.
    clamp_min / amax / amin have TF's gradients at ties (whole / split evenly)."""
    axis_minimums = data.amin(dim=1, keepdim=True)
    return ((data - axis_minimums) * mask).amax(dim=1, keepdim=True) + axis_minimums


def masked_minimum(data, mask):
    """triplet._masked_minimum: shifted by the row maximum."""
    axis_maximums = data.amax(dim=1, keepdim=True)
    return ((data - axis_maximums) * mask).amin(dim=1, keepdim=True) + axis_maximums
