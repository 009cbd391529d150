#!/usr/bin/env bash
# Regenerate the golden fixtures (properties/fixtures/golden/) by running the real, pinned
# TensorFlow Addons. The only part of the project that needs TensorFlow; CI reads the committed
# fixtures instead.
#
# Usage: tools/golden/generate.sh [BUILD_DIR] [--category NAME ...]
#   BUILD_DIR  where the throw-away virtualenv lives (BUILD_DIR/tfa-venv); default: <repo>/build.
#   --category regenerate only the cases of that category; every other fixture stays byte for byte
#              (TF's float32 results differ in their last bits between CPUs).
#   PYTHON     (environment) interpreter for the venv, default python3; TF 2.15 needs 3.9 to 3.11.
# Works from any directory. Idempotent: reuses the venv and skips pip when the pins are installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build_dir="$root/build"
if [[ $# -gt 0 && "$1" != --* ]]; then
  build_dir="$1"
  shift
fi
venv="$build_dir/tfa-venv"
requirements="$here/requirements.txt"
out_dir="$root/properties/fixtures/golden"

if [[ ! -x "$venv/bin/python" ]]; then
  echo "== creating virtualenv $venv"
  mkdir -p "$build_dir"
  "${PYTHON:-python3}" -m venv "$venv"
fi

# True when every pinned "name==version" line appears in pip freeze (names compared
# case-insensitively, as pip does).
pins_installed() {
  local frozen
  frozen="$("$venv/bin/python" -m pip freeze 2>/dev/null)" || return 1
  while read -r pin; do
    pin="${pin%%#*}"
    pin="${pin//[[:space:]]/}"
    [[ -z "$pin" ]] && continue
    grep -qixF -- "$pin" <<<"$frozen" || return 1
  done <"$requirements"
}

if pins_installed; then
  echo "== pinned packages already installed in $venv"
else
  echo "== installing $requirements into $venv"
  "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements"
fi

echo "== generating fixtures into $out_dir"
start=$SECONDS
TF_CPP_MIN_LOG_LEVEL=2 "$venv/bin/python" "$here/generate_golden.py" --out "$out_dir" "$@"
echo "== done in $((SECONDS - start)) s: $(du -sh "$out_dir" | cut -f1) in $out_dir"
