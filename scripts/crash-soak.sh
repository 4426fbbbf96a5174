#!/usr/bin/env bash
# Long crash soak: many kill -9 / restart cycles of the real headless binary
# under load, reporting acknowledged vs stored span ids and the integrity check.
#   scripts/crash-soak.sh [CYCLES]      (default 100; ctest runs 6)
# Uses the test tree that ./test.sh builds.
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-100}"
[ -x build/asan/tests/process_tests ] || ./test.sh -R CrashSoak
SPANLIGHT_SOAK_CYCLES="$cycles" build/asan/tests/process_tests --gtest_filter='CrashSoak.*' | grep -E "crash soak:|OK|FAILED"
