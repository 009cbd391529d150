#!/usr/bin/env bash
# Installs what tripletcheck needs from Debian. Idempotent: when every package is present it
# only checks (no apt-get update), so a second run takes a second. apt's and dpkg's own lines
# (hundreds of them) go to build/setup.log; the console gets what was installed, or on failure
# the log's last lines.
# Usage: ci/setup.sh [EXTRA_PACKAGE...]  (optional jobs add theirs, e.g. ci/setup-fuzz.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build git
  libgtest-dev libgmock-dev          # GoogleTest 1.12
  librapidcheck-dev                  # property-based tests (2021 snapshot, gtest integration)
  libbenchmark-dev libbenchmark-tools python3-scipy  # Google Benchmark 1.7 and its compare.py
  libeigen3-dev                      # the eigen backend
  libtorch-dev                       # the torch and torch-tfa backends (LibTorch 1.13.1, CPU)
  libopenblas0-openmp                # LibTorch's BLAS: without it, the 40x slower reference BLAS
  nlohmann-json3-dev libcli11-dev    # fixtures, reports, the command line
  python3-torch python3-numpy        # examples/: the PyTorch ports conform_tests checks via exec:
)
packages+=("$@")

# Two checkouts set up at once (ci/main.sh and ci/test.sh started together on a fresh machine)
# would both run apt-get, and the second fails at once on apt's lock ("Could not get lock
# /var/lib/apt/lists/lock"; apt 2.6 does not wait for that lock). One setup at a time, machine
# wide: the second waits, then finds the packages present.
exec 9>"${TMPDIR:-/tmp}/tripletcheck-setup.lock"
if ! flock -n 9; then
  echo "ci/setup: another ci/setup.sh is installing; waiting for it"
  flock 9
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "ci/setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
mkdir -p build
log=build/setup.log
echo "ci/setup: installing ${#missing[@]} packages and their dependencies: ${missing[*]} (log: $log)"
start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
# dpkg's lock (held by, say, unattended upgrades) is waited for; the lists lock is not (above).
if ! { $sudo apt-get update -qq && \
       $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
         "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 30 "$log"
  echo "ci/setup: apt-get failed; the whole log is $log" >&2
  exit 1
fi
echo "ci/setup: $(grep -c '^Setting up ' "$log" || true) packages set up in $((SECONDS - start)) s"
