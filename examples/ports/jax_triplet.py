"""A JAX port of tfa.losses.triplet_semihard_loss and triplet_hard_loss (same signatures, same
graph). One JAX detail: jnp.maximum splits the gradient evenly at a tie where tf.maximum gives it
all to the first argument, so tf.maximum(x, c) is written jnp.where(x >= c, x, c)."""
import jax.numpy as jnp


def clamp_min(x, c):
    return jnp.where(x >= c, x, c)  # tf.maximum(x, c): the whole gradient to x at a tie


def pairwise_distance(feature, squared=False):
    squared_norms = jnp.sum(feature * feature, axis=1, keepdims=True)
    distances = squared_norms + squared_norms.T - 2.0 * (feature @ feature.T)
    distances = clamp_min(distances, 0.0)
    error_mask = distances <= 0.0
    if not squared:
        distances = jnp.sqrt(distances + error_mask.astype(feature.dtype) * 1e-16)
    distances = distances * (~error_mask).astype(feature.dtype)
    off_diagonal = 1.0 - jnp.eye(feature.shape[0], dtype=feature.dtype)
    return distances * off_diagonal


def angular_distance(feature):
    squared_norms = jnp.sum(feature * feature, axis=1, keepdims=True)
    normalized = feature * (1.0 / jnp.sqrt(clamp_min(squared_norms, 1e-12)))
    return clamp_min(1.0 - normalized @ normalized.T, 0.0)


def distance_matrix(embeddings, distance_metric):
    if distance_metric == "L2":
        return pairwise_distance(embeddings, squared=False)
    if distance_metric == "squared-L2":
        return pairwise_distance(embeddings, squared=True)
    if distance_metric == "angular":
        return angular_distance(embeddings)
    return distance_metric(embeddings)


def masked_maximum(data, mask):
    axis_minimums = jnp.min(data, axis=1, keepdims=True)
    return jnp.max((data - axis_minimums) * mask, axis=1, keepdims=True) + axis_minimums


def masked_minimum(data, mask):
    axis_maximums = jnp.max(data, axis=1, keepdims=True)
    return jnp.min((data - axis_maximums) * mask, axis=1, keepdims=True) + axis_maximums


def triplet_semihard_loss(y_true, y_pred, margin=1.0, distance_metric="L2"):
    labels = y_true.reshape(-1, 1)
    pdist = distance_matrix(y_pred, distance_metric)
    batch = labels.shape[0]
    dtype = pdist.dtype
    adjacency = labels == labels.T
    adjacency_not = ~adjacency
    pdist_tile = jnp.tile(pdist, (batch, 1))
    mask = jnp.tile(adjacency_not, (batch, 1)) & (pdist_tile > pdist.T.reshape(-1, 1))
    mask_final = (jnp.sum(mask.astype(dtype), axis=1, keepdims=True) > 0.0).reshape(batch, batch).T
    negatives_outside = masked_minimum(pdist_tile, mask.astype(dtype)).reshape(batch, batch).T
    negatives_inside = jnp.tile(masked_maximum(pdist, adjacency_not.astype(dtype)), (1, batch))
    semi_hard_negatives = jnp.where(mask_final, negatives_outside, negatives_inside)
    loss_mat = margin + (pdist - semi_hard_negatives)
    mask_positives = adjacency.astype(dtype) - jnp.eye(batch, dtype=dtype)
    num_positives = jnp.sum(mask_positives)
    return jnp.sum(clamp_min(loss_mat * mask_positives, 0.0)) / num_positives


def triplet_hard_loss(y_true, y_pred, margin=1.0, soft=False, distance_metric="L2"):
    labels = y_true.reshape(-1, 1)
    pdist = distance_matrix(y_pred, distance_metric)
    dtype = pdist.dtype
    adjacency = labels == labels.T
    hard_negatives = masked_minimum(pdist, (~adjacency).astype(dtype))
    mask_positives = adjacency.astype(dtype) - jnp.eye(pdist.shape[0], dtype=dtype)
    hard_positives = masked_maximum(pdist, mask_positives)
    if soft:
        losses = jnp.log1p(jnp.exp(hard_positives - hard_negatives))
    else:
        losses = clamp_min(hard_positives - hard_negatives + margin, 0.0)
    return jnp.mean(losses)
