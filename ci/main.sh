#!/usr/bin/env bash
# The main job: set-up, release build, then the conformance suite over every available backend:
# the golden fixtures from the real TFA (TFA's own test vectors and doctests included), the
# counterexample corpus and the differential properties (`tripletcheck conform`, fixed seed),
# with conform.md / .json / .xml written to build/reports/conform/, then the speed comparison
# (build/reports/speed/). Exit status 1 when any backend fails a check or a step fails.
# Usage: ci/main.sh [--quick]
#   --quick: the same steps end to end in a few minutes (what .ci/run runs so that a broken main
#            job cannot land): 100 cases per property, the speed comparison at B = 64 only.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
case "${1:-}" in
  "") ;;
  --quick) quick=true ;;
  -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "ci/main: unknown option $1 (expected --quick)" >&2; exit 2 ;;
esac

start=$SECONDS
ci/setup.sh
ci/build.sh release
mkdir -p build/reports
build/release/tools/tripletcheck backends
echo

conform_options=()
batches='64|256|1024'
bench_options=(--benchmark_min_time=0.2 --benchmark_repetitions=3)
if $quick; then
  conform_options=(--cases 100)
  batches='64'
  bench_options=(--benchmark_min_time=0.05 --benchmark_repetitions=1)
fi

# A failing property's shrunk case goes beside the reports (an artifact to download and replay,
# or to copy into properties/corpus/), not into the checkout.
build/release/tools/tripletcheck conform --report-dir build/reports/conform \
    --save-to build/reports/conform/corpus "${conform_options[@]}"
echo "ci/main: reports written to build/reports/conform/conform.{md,json,xml}"

# The speed comparison: every CPU backend and the floors side by side in one run (ratios, not
# absolute times, are what a shared 2-core machine can report honestly); the report's speed-up
# column is against torch-tfa, which refuses B = 1024 (26 GiB) with the reason.
echo "== speed comparison (B = ${batches//|/, })"
build/release/bench/tripletcheck_bench \
    --benchmark_filter="^((eigen|reference|torch|torch-tfa)/(hard|semihard)/L2|(syrk|gemm)_floor/[a-z_]+)/fwdbwd/B:($batches)/D:128/K:4/" \
    "${bench_options[@]}" \
    --benchmark_out=build/reports/bench.json --benchmark_out_format=json >/dev/null
build/release/tools/tripletcheck bench-report build/reports/bench.json --out build/reports/speed
echo "ci/main: speed report written to build/reports/speed/report.{md,html}"
echo "ci/main: PASS in $((SECONDS - start)) s"
