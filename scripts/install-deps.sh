#!/usr/bin/env bash
# Installs the Debian 12 packages Spanlight builds, tests and runs with.
# Idempotent and quick when everything is present: apt is only called for
# packages that are missing.
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
    # libraries (DESIGN.md: Qt 6.4, protobuf 3.21, grpc++ 1.51, Boost 1.74, zlib, SQLite 3.40)
    qt6-base-dev libqt6sql6-sqlite qt6-charts-dev libqt6opengl6-dev libgl-dev
    libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
    libboost-dev libssl-dev libsodium-dev zlib1g-dev libsqlite3-dev
    # tests and benchmarks
    libgtest-dev libgmock-dev libbenchmark-dev
    # a display for the window on headless machines, and a font to draw with
    xvfb xauth fonts-dejavu-core openssl
)
# Node.js runs the official OpenTelemetry JS exporters in the interop tests;
# keep an existing installation (e.g. NodeSource) rather than fight over it.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
