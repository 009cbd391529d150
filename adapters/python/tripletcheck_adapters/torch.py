"""PyTorch adapter: the user's function on torch tensors, the gradient from torch.autograd.

    python3 -m tripletcheck_adapters.torch mypkg.losses:semihard_loss --losses semihard

Default numeric traits of PyTorch on the CPU in float32 (checked on torch 1.13, Debian's
python3-torch; adapters/README.md has the table and the checks):
  no_flush_to_zero    subnormals are kept (torch.set_flush_denormal is off by default, and this
                      adapter leaves it off); TF's CPU kernels flush them
  fused_multiply_add  when a probe of x @ x.T shows it (it does here: MKL-DNN/OpenBLAS kernels
                      fuse): past float32 overflow a product of 1e20 * 1e20 stays finite in the
                      sum where TF's rounded product is inf
  log1p_overflow      torch.log1p(float32) is +inf from ~3e38 (log1p(3e38) = inf where it is
                      88.6), so log1p(exp(z)) overflows from z ~ 87.5 instead of 88.7
"""
import numpy as np
import torch

from tripletcheck_adapters import protocol

_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}


class TorchFramework(protocol.Framework):
    name = "torch"

    def default_traits(self):
        fused = protocol.gemm_fuses(lambda x: (torch.from_numpy(x) @ torch.from_numpy(x).t()).numpy())
        traits = ["no_flush_to_zero", "log1p_overflow"]
        if fused:
            traits.insert(1, "fused_multiply_add")
        return tuple(traits)

    def setup(self, options):
        torch.set_num_threads(max(1, options.args.threads))

    def evaluate(self, call, values, labels, want_grad):
        x = torch.tensor(values, dtype=_DTYPES[values.dtype], requires_grad=want_grad)
        y_true = torch.from_numpy(labels)
        if call.precomputed:
            # TFA's callable convention: distance_metric(embeddings) is the distance matrix.
            loss = call(y_true, x, lambda _embeddings: x)
        else:
            loss = call(y_true, x)
        if not torch.is_tensor(loss):
            loss = torch.as_tensor(loss)
        if loss.numel() != 1:
            raise protocol.CaseError(f"the function returned shape {tuple(loss.shape)}, "
                                     "not a scalar loss")
        loss = loss.reshape(())
        grad = None
        if want_grad:
            if loss.requires_grad:
                (grad,) = torch.autograd.grad(loss, x, allow_unused=True)
            if grad is None:  # the loss does not depend on the input (a constant)
                grad = torch.zeros_like(x)
            grad = grad.detach().numpy()
        return loss.detach().double().item() if loss.is_floating_point() else float(loss), grad


def main(argv=None):
    return protocol.main(TorchFramework(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
