"""JAX adapter: the user's function on jax arrays, the gradient from jax.value_and_grad.

    python3 -m tripletcheck_adapters.jax mypkg.losses:semihard_loss --losses semihard

The function is traced by jax.value_and_grad (not jitted by the adapter: wrap it in jax.jit
yourself if that is what you ship). With --float64 the adapter turns on jax_enable_x64 (JAX
computes float64 only then); without it float32 stays float32, as JAX's defaults have it, and
labels outside int32 are replaced by their ranks (equality is all that matters, and JAX without
x64 would truncate int64).

Default numeric traits of JAX on the CPU (XLA) in float32 (checked with jax/jaxlib 0.4.30; see
adapters/README.md):
  fused_multiply_add  when a probe of x @ x.T shows it (it does on the x86-64 development
                      machine): past float32 overflow the Gram matrix keeps a finite sum where
                      TF's rounded products give inf - inf = NaN
  not no_flush_to_zero: XLA's CPU backend flushes float32 subnormals, as TF's kernels do
  not log1p_overflow: jnp.log1p(float32) is finite up to float32's maximum
"""
import numpy as np

from tripletcheck_adapters import protocol

import jax  # noqa: E402  (after the package: the module's own name is jax too, but absolute)
import jax.numpy as jnp  # noqa: E402


class JaxFramework(protocol.Framework):
    name = "jax"

    def default_traits(self):
        # XLA's CPU backend flushes float32 subnormals, as TF does (1e-39 * 2 == 0 on jaxlib
        # 0.4.30), and its log1p is finite up to float32's maximum: neither trait applies.
        fused = protocol.gemm_fuses(lambda x: np.asarray(jnp.asarray(x) @ jnp.asarray(x).T))
        return ("fused_multiply_add",) if fused else ()

    def setup(self, options):
        if options.args.float64:
            jax.config.update("jax_enable_x64", True)
        self.x64 = bool(options.args.float64)

    def evaluate(self, call, values, labels, want_grad):
        if values.dtype == np.float64 and not self.x64:
            raise protocol.CaseError("float64 needs --float64 (jax_enable_x64)")
        if not self.x64 and labels.size and (labels.min() < -2**31 or labels.max() >= 2**31):
            labels = np.unique(labels, return_inverse=True)[1].astype(np.int64)
        y_true = jnp.asarray(labels)
        x = jnp.asarray(values)

        def loss_of(x):
            if call.precomputed:
                # TFA's callable convention: distance_metric(embeddings) is the distance matrix.
                loss = call(y_true, x, lambda _embeddings: x)
            else:
                loss = call(y_true, x)
            loss = jnp.asarray(loss)
            if loss.size != 1:
                raise protocol.CaseError(f"the function returned shape {loss.shape}, not a "
                                         "scalar loss")
            return loss.reshape(())

        if want_grad:
            loss, grad = jax.value_and_grad(loss_of)(x)
            return float(loss), np.asarray(grad)
        return float(loss_of(x)), None


def main(argv=None):
    return protocol.main(JaxFramework(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
