#!/usr/bin/env bash
# The fuzzing job's extra packages (not in the default set-up): clang, and compiler-rt, whose
# libclang_rt.fuzzer is what -fsanitize=fuzzer links (libfuzzer-14-dev is not needed).
set -euo pipefail
cd "$(dirname "$0")/.."
exec ci/setup.sh clang libclang-rt-14-dev
