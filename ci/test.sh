#!/usr/bin/env bash
# The test job: set-up, the release build and its whole test suite (fixed RapidCheck seed), then
# the AddressSanitizer + UndefinedBehaviorSanitizer build of the tests with fewer random cases.
# Usage: ci/test.sh [--no-sanitizers]
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh
start=$SECONDS

echo "== release build"
ci/build.sh release
echo "== release tests"
ctest --preset release -j "$(nproc)"

if [ "${1:-}" != "--no-sanitizers" ]; then
  echo "== asan+ubsan build"
  ci/build.sh asan
  echo "== asan+ubsan tests"
  ctest --preset asan -j "$(nproc)"
fi
echo "ci/test: done in $((SECONDS - start)) s"
