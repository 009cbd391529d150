#!/usr/bin/env python3
"""torch_tfa.py with one classic porting mistake: the semi-hard negative is selected with `>=`
instead of TFA's strict `>` (docs/SEMANTICS.md §3.3, §5.3.6), so a negative at exactly the positive's
distance counts as "farther". Everything else is the correct port. `tripletcheck conform` must
reject it and name the check that caught it:

    tripletcheck conform --backend exec:'examples/python examples/torch_tfa_semihard_ge.py'
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the examples
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_tfa  # noqa: E402


def farther_or_equal(negative_distances, positive_distances):
    return negative_distances >= positive_distances  # the mistake: TFA uses >


torch_tfa.farther_than = farther_or_equal

if __name__ == "__main__":
    sys.exit(torch_tfa.main(sys.argv))
