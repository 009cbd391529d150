"""The torch, tf and jax adapters on a batch whose loss and gradients are known by hand; each
framework's tests skip (saying why) where it does not import. Run under each interpreter:

    /usr/bin/python3 -m unittest discover -s adapters/python/tests            (torch)
    build/venv-tf/bin/python -m unittest discover -s adapters/python/tests    (TF + TFA)
    build/venv-jax/bin/python -m unittest discover -s adapters/python/tests   (JAX)

The batch: 1-D embeddings 0, 1, 3, 6 with labels 0, 0, 1, 1, L2, margin 0.5. Hard loss: only
anchor 2 is active (hardest positive 3 = d(2,3), hardest negative 2 = d(2,1)), hinge 1.5, so the
loss is 1.5 / 4 and the gradient (0, 1/4, -1/2, 1/4); for the distances, +1/4 at D[2,3] and -1/4
at D[2,1]. No distance ties and no hinge at exactly 0, so every subgradient convention agrees.
"""
import importlib.util
import json
import os
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
PORTS = os.path.join(ROOT, "examples", "ports")
sys.path.insert(0, os.path.dirname(HERE))

from tripletcheck_adapters import protocol  # noqa: E402

X = np.array([[0.0], [1.0], [3.0], [6.0]], dtype=np.float32)
LABELS = np.array([0, 0, 1, 1], dtype=np.int64)
LOSS = 1.5 / 4
GRAD_X = np.array([[0.0], [0.25], [-0.5], [0.25]])
GRAD_D = np.zeros((4, 4))
GRAD_D[2, 3], GRAD_D[2, 1] = 0.25, -0.25


def missing(*modules):
    absent = [m for m in modules if importlib.util.find_spec(m) is None]
    return f"{', '.join(absent)} not importable by {sys.executable}" if absent else None


def case(folder, metric="L2", loss="hard"):
    os.makedirs(folder, exist_ok=True)
    if metric == "precomputed":
        values, name = np.abs(X - X.T).astype(np.float32), "distances.npy"
    else:
        values, name = X, "embeddings.npy"
    np.save(os.path.join(folder, name), values)
    np.save(os.path.join(folder, "labels.npy"), LABELS)
    with open(os.path.join(folder, "request.json"), "w") as f:
        json.dump({"loss": loss, "soft": False, "margin": 0.5, "metric": metric,
                   "dtype": "float32", "want_grad": True, "input": name, "batch": 4,
                   "dim": None if metric == "precomputed" else 1}, f)
    return folder


class AdapterCase:
    framework = None  # set by subclasses: (module name, the hard loss spec)

    def run_hard(self, metric):
        module, spec = self.framework
        adapter = importlib.import_module(f"tripletcheck_adapters.{module}")
        framework_class = [v for v in vars(adapter).values() if isinstance(v, type)
                           and issubclass(v, protocol.Framework) and v is not protocol.Framework][0]
        options = protocol.Options(framework_class(), [f"hard={spec}", "--precomputed"])
        options.framework.setup(options)
        with tempfile.TemporaryDirectory() as tmp:
            d = case(os.path.join(tmp, "c"), metric=metric)
            answer = protocol.run_case(options, d)
            return answer, np.load(os.path.join(d, "grad.npy")), options

    def test_hard_embeddings(self):
        answer, grad, _ = self.run_hard("L2")
        self.assertAlmostEqual(answer["loss"], LOSS, places=6)
        np.testing.assert_allclose(grad, GRAD_X, atol=1e-6)

    def test_hard_precomputed(self):
        answer, grad, _ = self.run_hard("precomputed")
        self.assertAlmostEqual(answer["loss"], LOSS, places=6)
        np.testing.assert_allclose(grad, GRAD_D, atol=1e-6)

    def test_capabilities_traits_are_known(self):
        _, _, options = self.run_hard("L2")
        caps = options.capabilities()
        self.assertTrue(caps["serve"])
        self.assertTrue(set(caps["traits"]) <= set(protocol.KNOWN_TRAITS))


@unittest.skipIf(missing("torch"), missing("torch"))
class TorchAdapterTests(AdapterCase, unittest.TestCase):
    framework = ("torch", os.path.join(PORTS, "torch_hard.py") + ":triplet_hard_loss")

    def test_torch_traits(self):
        """The torch traits the adapter declares, checked on this torch."""
        import torch
        self.assertEqual(torch.log1p(torch.tensor(3e38)).item(), float("inf"))  # log1p_overflow
        self.assertGreater(torch.tensor(1e-39).mul(2.0).item(), 0.0)  # no_flush_to_zero


@unittest.skipIf(missing("tensorflow", "tensorflow_addons"), missing("tensorflow", "tensorflow_addons"))
class TFAdapterTests(AdapterCase, unittest.TestCase):
    """The real TFA through the TF adapter."""
    framework = ("tf", "tensorflow_addons.losses:triplet_hard_loss")


@unittest.skipIf(missing("jax"), missing("jax"))
class JaxAdapterTests(AdapterCase, unittest.TestCase):
    framework = ("jax", os.path.join(PORTS, "jax_triplet.py") + ":triplet_hard_loss")

    def test_jax_traits(self):
        """JAX on the CPU flushes subnormals and has a finite float32 log1p up to the maximum."""
        import jax.numpy as jnp
        self.assertEqual(float(jnp.asarray(np.float32(1e-39)) * 2), 0.0)
        self.assertTrue(np.isfinite(float(jnp.log1p(jnp.float32(3e38)))))


if __name__ == "__main__":
    unittest.main()
