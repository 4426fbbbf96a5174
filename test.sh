#!/usr/bin/env bash
# Installs what Spanlight needs, builds the test tree with clang +
# AddressSanitizer + UBSan and runs every test through ctest.
#   ./test.sh              everything
#   ./test.sh -R Limits    only tests matching a regex (passed to ctest)
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-deps.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
cmake --preset asan >/dev/null
cmake --build --preset asan

# halt_on_error: a sanitizer finding fails the test that caused it.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export QT_QPA_PLATFORM=offscreen
cd build/asan
ctest --output-on-failure -j2 --timeout 600 "$@"
