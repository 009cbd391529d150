#!/usr/bin/env bash
# The main job: set-up, release build, then every available backend against the golden fixtures
# from the real TFA (TFA's own test vectors and doctests included), with the report written to
# build/reports/golden.md. Exit status 1 when any backend is out of tolerance.
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh
ci/build.sh release
mkdir -p build/reports
build/release/tools/tripletcheck backends
echo
build/release/tools/tripletcheck golden --report build/reports/golden.md
echo "ci/main: report written to build/reports/golden.md"
