#!/usr/bin/env bash
# Configures and builds hnn. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# Default BUILD_DIR is build/ (Release). Example for the sanitizer build:
#   scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DHNN_SANITIZE=ON -DHNN_BUILD_BENCH=OFF
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
cmake --build "$dir" --parallel "$(nproc)"
