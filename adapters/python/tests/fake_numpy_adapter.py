"""A framework-free adapter for the protocol tests: the user's function gets numpy arrays and
returns (loss, grad); `python3 fake_numpy_adapter.py ...` speaks the protocol like the real ones."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tripletcheck_adapters import protocol  # noqa: E402


class NumpyFramework(protocol.Framework):
    name = "numpy"
    def default_traits(self):
        return ("no_flush_to_zero",)

    def evaluate(self, call, values, labels, want_grad):
        if call.precomputed:
            loss, grad = call(labels, values, lambda _embeddings: values)
        else:
            loss, grad = call(labels, values)
        return loss, (grad if want_grad else None)


if __name__ == "__main__":
    sys.exit(protocol.main(NumpyFramework()))
