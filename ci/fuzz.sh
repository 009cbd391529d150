#!/usr/bin/env bash
# Fuzzes the .npy reader and the eval path: builds the libFuzzer targets (preset `fuzz`: clang,
# ASan + UBSan) and runs each for SECONDS (default 60) from the generated seeds, the committed
# regressions and what earlier runs kept (build/fuzz/corpus/). Usage: ci/fuzz.sh [SECONDS]
# A crash leaves its input in build/fuzz/findings/<target>/ and makes the script exit 1; fix it
# and commit the input to properties/fuzz/regressions/<target>/ (replayed by robustness_tests).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

ci/setup-fuzz.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target npy_fuzzer eval_fuzzer fuzz_seeds
build/fuzz/properties/fuzz/fuzz_seeds build/fuzz/seeds

status=0
for target in npy eval; do
  corpus="build/fuzz/corpus/$target"      # new inputs go here and are kept for the next run
  findings="build/fuzz/findings/$target"
  log="build/fuzz/$target.log"
  mkdir -p "$corpus" "$findings"
  echo "== $target: $seconds s"
  # -rss_limit_mb: far above what a small input needs, so unbounded allocation is a finding;
  # -timeout: a hang on one input is a finding; -max_len: room for long headers.
  inputs=("$corpus" "build/fuzz/seeds/$target")
  # Committed regressions, when there are any (git keeps no empty folder).
  if [ -d "properties/fuzz/regressions/$target" ]; then
    inputs+=("properties/fuzz/regressions/$target")
  fi
  if ! "build/fuzz/properties/fuzz/${target}_fuzzer" "${inputs[@]}" \
      -max_total_time="$seconds" -max_len=16384 \
      -rss_limit_mb=2048 -timeout=20 -artifact_prefix="$findings/" -print_final_stats=1 \
      >"$log" 2>&1; then
    status=1
    tail -n 40 "$log"
    echo "ci/fuzz: $target FOUND A CRASH; input in $findings/"
  fi
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "ci/fuzz: $target ran $runs inputs in $seconds s; corpus $(ls "$corpus" | wc -l) files"
done
exit $status
