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
