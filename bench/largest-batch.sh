#!/usr/bin/env bash
# The memory a backend needs for one semi-hard L2 forward + backward call (float32, D = 128,
# K = 4), measured as the peak resident set of a whole `tripletcheck eval` process (LibTorch's
# ~170 MiB of libraries included), to find the largest batch that fits a budget.
# Usage: bench/largest-batch.sh BACKEND B [B ...]   (after ci/build.sh; Debian's python3-numpy
# makes the inputs)
set -euo pipefail
cd "$(dirname "$0")/.."
backend="$1"
shift
cli=build/release/tools/tripletcheck
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%-10s %8s %10s %12s\n' backend B seconds peak_MiB
for b in "$@"; do
  /usr/bin/python3 - "$work" "$b" <<'PY'
import sys, numpy as np
work, b = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(b)
np.save(f"{work}/x.npy", rng.standard_normal((b, 128), dtype=np.float32))
np.save(f"{work}/y.npy", rng.permutation(np.arange(b) // 4).astype(np.int64))
PY
  if /usr/bin/time -f '%e %M' -o "$work/time" "$cli" eval --embeddings "$work/x.npy" \
      --labels "$work/y.npy" --backend "$backend" --grad-out "$work/g.npy" >"$work/out" 2>"$work/err"; then
    read -r seconds kib <"$work/time"
    printf '%-10s %8d %10.1f %12d\n' "$backend" "$b" "$seconds" $((kib / 1024))
  else
    printf '%-10s %8d   refused: %s\n' "$backend" "$b" "$(head -c 300 "$work/err")"
  fi
done
