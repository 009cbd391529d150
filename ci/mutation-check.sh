#!/usr/bin/env bash
# The suite must catch real mistakes: builds the release preset and runs every mutant of
# conformance/mutants/ (a loss with one deliberate mistake docs/SEMANTICS.md warns about) through the
# conform checks with the default budget. Prints the table (which check caught which mutant,
# after how many cases); exit status 1 if a mutant survives or the control fails.
# Usage: ci/mutation-check.sh [tripletcheck mutation-check options, e.g. --cases 500]
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh >/dev/null
ci/build.sh release >/dev/null
build/release/tools/tripletcheck mutation-check --report-dir build/reports/mutation "$@"
echo "ci/mutation-check: table and conform reports in build/reports/mutation/"
