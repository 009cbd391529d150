#!/usr/bin/env bash
# The main job: set-up, release build, then the conformance suite over every available backend:
# the golden fixtures from the real TFA (TFA's own test vectors and doctests included), the
# counterexample corpus and the differential properties (`tripletcheck conform`, fixed seed),
# with conform.md / .json / .xml written to build/reports/conform/. Exit status 1 when any
# backend fails a check.
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh
ci/build.sh release
mkdir -p build/reports
build/release/tools/tripletcheck backends
echo
# A failing property's shrunk case goes beside the reports (an artifact to download and replay,
# or to copy into properties/corpus/), not into the checkout.
build/release/tools/tripletcheck conform --report-dir build/reports/conform \
    --save-to build/reports/conform/corpus
echo "ci/main: reports written to build/reports/conform/conform.{md,json,xml}"

# The short speed comparison: every CPU backend and the GEMM floor side by side in one run
# (ratios, not absolute times, are what a shared 2-core machine can report honestly); the
# report's speed-up column is against torch-tfa, which refuses B = 1024 (26 GiB) with the reason.
echo "== speed comparison"
build/release/bench/tripletcheck_bench \
    --benchmark_filter='^((eigen|reference|torch|torch-tfa)/(hard|semihard)/L2|gemm_floor/[a-z_]+)/fwdbwd/B:(64|256|1024)/D:128/K:4/' \
    --benchmark_min_time=0.2 --benchmark_repetitions=3 \
    --benchmark_out=build/reports/bench.json --benchmark_out_format=json >/dev/null
build/release/tools/tripletcheck bench-report build/reports/bench.json --out build/reports/speed
echo "ci/main: speed report written to build/reports/speed/report.{md,html}"
