#!/usr/bin/env bash
# Installs what Spanlight needs, builds a release build and starts it.
#   ./run.sh                 the console window (collector on :4318 HTTP, :4317 gRPC)
#   ./run.sh --demo          the console fed by a simulated multi-tenant fleet (own data dir)
#   ./run.sh --headless      the collector without a window
#   ./run.sh --help          every option
# Then point an OTLP exporter at http://127.0.0.1:4318, or generate traffic:
#   build/release/app/loadgen/spanlight-loadgen --endpoint http://127.0.0.1:4318 --rate 200
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target spanlight spanlight-loadgen spanlight-gendb

args=("$@")
if [ "$#" -eq 0 ]; then
    echo "run.sh: tip: './run.sh --demo' opens the console with a simulated multi-tenant GenAI fleet sending to it." >&2
fi
wants_window=1
for a in "$@"; do
    case "$a" in --headless|--help|-h|--version|-v|--print-config) wants_window=0 ;; esac
done
if [ "$wants_window" -eq 1 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "run.sh: no display found; starting the window on a virtual display (xvfb-run)." >&2
    echo "run.sh: use './run.sh --headless' for the collector alone." >&2
    exec xvfb-run -a -s "-screen 0 1366x768x24" build/release/app/spanlight "${args[@]}"
fi
exec build/release/app/spanlight "${args[@]}"
