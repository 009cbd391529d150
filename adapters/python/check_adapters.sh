#!/usr/bin/env bash
# Checks the adapters end to end: the example ports in examples/ports/ through
# `tripletcheck conform --backend exec:'examples/python -m tripletcheck_adapters.torch ...'`, each
# judged by judge_conform.py (correct ports PASS, the `>=` and mean-over-mined ports FAIL with the
# right checks), then the TensorFlow and JAX adapters where those frameworks import.
#
#   adapters/python/check_adapters.sh [TRIPLETCHECK]     (default build/release/tools/tripletcheck)
#
# Run from anywhere; conform runs in the repository root. TRIPLETCHECK_TF_PYTHON and
# TRIPLETCHECK_JAX_PYTHON name interpreters with TensorFlow (+ TFA) / JAX (default: build/venv-tf,
# build/venv-jax if present, else /usr/bin/python3); missing frameworks are skipped with the reason.
# TRIPLETCHECK_ADAPTERS_ONLY=torch,tf,jax (default) chooses the frameworks.
# Exit status: 0 all as expected, 1 otherwise, 77 when no framework could be run. Reports go to build/reports/adapters/NAME/.
set -u
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root" || exit 1
tc="${1:-build/release/tools/tripletcheck}"
[ -x "$tc" ] || { echo "check_adapters: no tripletcheck at $tc" >&2; exit 1; }
out="${TRIPLETCHECK_ADAPTERS_REPORTS:-build/reports/adapters}"
mkdir -p "$out"
ad="$root/adapters/python"
ports="$root/examples/ports"
torch="$root/examples/python -m tripletcheck_adapters.torch"
status=0
only=",${TRIPLETCHECK_ADAPTERS_ONLY:-torch,tf,jax},"

run() {  # run NAME EXPECT "JUDGE ARGS" "ADAPTER COMMAND"
  local name="$1" expect="$2" judge="$3" cmd="$4" start end
  echo "== $name (expect $expect)"
  caps="$(sh -c "$cmd --capabilities" 2>/dev/null | tail -n 1)"
  echo "  capabilities: $caps"
  start=$(date +%s%N)
  "$tc" conform --backend "exec:$cmd" --report-dir "$out/$name" --no-save >"$out/$name.log" 2>&1
  end=$(date +%s%N)
  echo "  wall $(( (end - start) / 1000000 )) ms; log $out/$name.log"
  # shellcheck disable=SC2086
  /usr/bin/python3 "$ad/judge_conform.py" "$out/$name" "$expect" $judge \
    || status=1
}

unit() {  # unit PYTHON: the unit tests under that interpreter (framework tests skip without it)
  echo "== unit tests with $1"
  "$1" -m unittest discover -s "$ad/tests" >"$out/unit.log" 2>&1 || { cat "$out/unit.log"; status=1; }
  tail -n 1 "$out/unit.log"
}
unit /usr/bin/python3

if [[ "$only" != *,torch,* ]]; then
  :
elif TRIPLETCHECK_PYTHON_NEEDS="torch numpy" examples/python -c "" 2>/dev/null; then
  run torch_correct pass "" \
    "$torch semihard=$ports/torch_semihard.py:triplet_semihard_loss hard=$ports/torch_hard.py:triplet_hard_loss --precomputed --tf-exact-ties"
  run torch_semihard_ge fail "--check semihard_boundary" \
    "$torch semihard=$ports/torch_semihard_ge.py:triplet_semihard_loss hard=$ports/torch_hard.py:triplet_hard_loss --precomputed --tf-exact-ties"
  run torch_mean_over_mined fail "" \
    "$torch semihard=$ports/torch_mean_over_mined.py:triplet_semihard_loss hard=$ports/torch_hard.py:triplet_hard_loss --precomputed --tf-exact-ties"
  run torch_semihard_only pass "" \
    "$torch $ports/torch_semihard.py:triplet_semihard_loss --losses semihard"
  run torch_float64_inside pass "" \
    "$torch semihard=$ports/torch_float64_inside.py:triplet_semihard_loss hard=$ports/torch_float64_inside.py:triplet_hard_loss --precomputed --tf-exact-ties --traits float64_internal"
else
  echo "== torch: skipped (no python3 with torch and numpy; Debian: apt-get install python3-torch)"
  torch_skipped=1
fi

pick() {  # pick VENV MODULE: an interpreter that imports MODULE, or nothing
  for py in "$1/bin/python" /usr/bin/python3; do
    [ -x "$py" ] && "$py" -c "import $2" >/dev/null 2>&1 && { echo "$py"; return; }
  done
}

tf_py="${TRIPLETCHECK_TF_PYTHON:-$(pick build/venv-tf tensorflow_addons)}"
if [[ "$only" != *,tf,* ]]; then
  :
elif [ -n "$tf_py" ]; then
  unit "$tf_py"
  tf="env TRIPLETCHECK_PYTHON=$tf_py $root/examples/python -m tripletcheck_adapters.tf"
  run tf_tfa pass "" \
    "$tf semihard=tensorflow_addons.losses:triplet_semihard_loss hard=tensorflow_addons.losses:triplet_hard_loss --precomputed --tf-exact-ties"
else
  echo "== tf: skipped (no interpreter imports tensorflow_addons; make one with:" \
       "python3 -m venv build/venv-tf && build/venv-tf/bin/pip install -r tools/golden/requirements.txt)"
fi

jax_py="${TRIPLETCHECK_JAX_PYTHON:-$(pick build/venv-jax jax)}"
if [[ "$only" != *,jax,* ]]; then
  :
elif [ -n "$jax_py" ]; then
  unit "$jax_py"
  jax="env TRIPLETCHECK_PYTHON=$jax_py $root/examples/python -m tripletcheck_adapters.jax"
  run jax_correct pass "" \
    "$jax semihard=$ports/jax_triplet.py:triplet_semihard_loss hard=$ports/jax_triplet.py:triplet_hard_loss --precomputed --tf-exact-ties"
else
  echo "== jax: skipped (no interpreter imports jax; make one with: python3 -m venv build/venv-jax" \
       "&& build/venv-jax/bin/pip install 'jax[cpu]==0.4.30' numpy==1.26.4)"
fi
# 77: nothing but the unit tests could run (ctest reports a skip, not a pass).
if [ "$status" -eq 0 ] && [ -n "${torch_skipped:-}" ] && [ -z "$tf_py" ] && [ -z "$jax_py" ]; then
  exit 77
fi
exit $status
