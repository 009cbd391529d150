#!/usr/bin/env bash
# Runs the property suites long, with random seeds: ci/properties-long.sh [ROUNDS] [CASES]
# Each round picks a fresh seed and prints it; a failure prints the RC_PARAMS that replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-10}"
cases="${2:-2000}"
ci/build.sh release >/dev/null
for ((r = 1; r <= rounds; r++)); do
  seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
  echo "== round $r/$rounds: RC_PARAMS=\"seed=$seed max_success=$cases\""
  for suite in build/release/properties/*_tests; do
    if ! RC_PARAMS="seed=$seed max_success=$cases" "$suite" --gtest_brief=1 >"build/properties-long.log" 2>&1; then
      cat build/properties-long.log
      echo "FAILED: $suite with seed $seed; replay: RC_PARAMS=\"seed=$seed max_success=$cases\" $suite"
      exit 1
    fi
  done
done
echo "ci/properties-long: $rounds rounds of $cases cases passed"
