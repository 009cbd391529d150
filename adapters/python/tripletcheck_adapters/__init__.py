"""Adapters that check a triplet-loss function with tripletcheck's exec protocol.

    tripletcheck conform --backend exec:'python3 -m tripletcheck_adapters.torch mypkg.losses:semihard_loss --losses semihard'

One module per framework (torch, tf, jax), the protocol itself in protocol.py. adapters/README.md
says how to use them; tools/EXEC_PROTOCOL.md is the protocol.
"""
