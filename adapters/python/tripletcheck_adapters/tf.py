"""TensorFlow adapter: the user's function on tf tensors, the gradient from tf.GradientTape.

    python3 -m tripletcheck_adapters.tf mypkg.losses:hard_loss --losses hard --soft

It runs eagerly (wrap the function in tf.function yourself if that is what you ship). No
numeric traits by default: TensorFlow's float32 CPU kernels are the reference semantics (they
flush subnormals, round each product of the matmul, and have TF's log1p). A Keras loss object
(tfa.losses.TripletSemiHardLoss(...)) is a callable of (y_true, y_pred): give it with
--signature "fn(y_true, y_pred)" and the margin/metric it was built with (--fixed-margin,
--metrics).
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TF's start-up chatter on stderr, not answers

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from tripletcheck_adapters import protocol  # noqa: E402

try:  # as the golden fixtures were recorded (tools/golden/generate_golden.py); before any op
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
except RuntimeError:
    pass


class TFFramework(protocol.Framework):
    name = "tf"

    def default_traits(self):
        """None: TF's float32 CPU kernels are the reference semantics. Except that whether TF's
        own GEMM fuses multiply-adds depends on the CPU: on the AMD EPYC development machine
        TF 2.15.1's tf.matmul keeps the 1e20 products finite where the machine that recorded
        the golden fixtures did not (3 large_magnitude gradients differ in their NaN pattern).
        So fused_multiply_add is declared when a probe of tf.matmul shows it on this machine."""
        fused = protocol.gemm_fuses(lambda x: tf.matmul(x, x, transpose_b=True).numpy())
        return ("fused_multiply_add",) if fused else ()

    def setup(self, options):
        threads = max(1, options.args.threads)
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:  # already initialised (the user's module ran ops at import)
            pass

    def evaluate(self, call, values, labels, want_grad):
        x = tf.constant(values)
        y_true = tf.constant(labels)
        with tf.GradientTape() as tape:
            tape.watch(x)
            if call.precomputed:
                # TFA's callable convention: distance_metric(embeddings) is the distance matrix.
                loss = call(y_true, x, lambda _embeddings: x)
            else:
                loss = call(y_true, x)
            loss = tf.convert_to_tensor(loss)
        if loss.shape.num_elements() != 1:
            raise protocol.CaseError(f"the function returned shape {loss.shape}, not a scalar loss")
        grad = None
        if want_grad:
            grad = tape.gradient(loss, x)
            grad = np.zeros_like(values) if grad is None else tf.convert_to_tensor(grad).numpy()
        return float(tf.reshape(loss, []).numpy()), grad


def main(argv=None):
    return protocol.main(TFFramework(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
