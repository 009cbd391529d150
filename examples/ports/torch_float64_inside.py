"""A correct port of both TFA triplet losses that computes in float64 whatever it is given and
returns the loss in the input's dtype: no float32 overflow at 1e19, no flushed subnormals, no
log1p/exp overflow at 88.7. Right, and different from TF's float32 kernels exactly where the
`float64_internal` trait says; declare it (--traits float64_internal).

    ... -m tripletcheck_adapters.torch examples/ports/torch_float64_inside.py:triplet_semihard_loss \
        --losses semihard --traits float64_internal
"""
import torch_hard
import torch_semihard


def triplet_semihard_loss(y_true, y_pred, margin=1.0, distance_metric="L2"):
    loss = torch_semihard.triplet_semihard_loss(
        y_true, y_pred.double(), margin,
        distance_metric if isinstance(distance_metric, str) else lambda x: distance_metric(x).double())
    return loss.to(y_pred.dtype)


def triplet_hard_loss(y_true, y_pred, margin=1.0, soft=False, distance_metric="L2"):
    loss = torch_hard.triplet_hard_loss(
        y_true, y_pred.double(), margin, soft,
        distance_metric if isinstance(distance_metric, str) else lambda x: distance_metric(x).double())
    return loss.to(y_pred.dtype)
