"""User functions for the protocol tests (numpy: they return (loss, gradient))."""
import numpy as np

CALLS = []


def tfa_like(y_true, y_pred, margin=1.0, distance_metric="L2", soft=None):
    """Records how it was called; loss = margin + sum of y_pred, gradient = ones."""
    CALLS.append({"y_true": y_true, "y_pred": y_pred, "margin": margin,
                  "distance_metric": distance_metric, "soft": soft})
    return margin + float(np.sum(y_pred)), np.ones_like(y_pred)


def nan_loss(y_true, y_pred, margin=1.0, distance_metric="L2"):
    return float("nan"), np.zeros_like(y_pred)


def inf_loss(y_true, y_pred, margin=1.0, distance_metric="L2"):
    return float("-inf"), np.zeros_like(y_pred)


def chatty(y_true, y_pred, margin=1.0, distance_metric="L2"):
    print("a stray print from the user's function")
    os.write(1, b"and one from C-level stdout\n")
    return 1.5, np.zeros_like(y_pred)


def broken(y_true, y_pred, margin=1.0, distance_metric="L2", **_):
    raise ValueError("boom")


def wrong_shape(y_true, y_pred, margin=1.0, distance_metric="L2"):
    return 0.0, np.zeros((1,))


def embeddings_labels(embeddings, labels):
    return float(np.sum(embeddings)), np.ones_like(embeddings)


import os  # noqa: E402  (used by chatty)
