#!/usr/bin/env bash
# The whole test suite: install what is missing, build (Release), run every test with ctest;
# then, with HNN_TEST_SANITIZE=1 (the default in CI), the same suite under ASan/UBSan (Debug),
# less the Slurm workflow tests (label slurm: they run the job scripts, not new code paths, and
# take about three minutes each time).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --slurm   # Slurm + munge for the workflow tests (label slurm)
scripts/build.sh build
(cd build && ctest --output-on-failure --parallel "$(nproc)")
if [[ "${HNN_TEST_SANITIZE:-${CI:-0}}" != "0" && "${HNN_TEST_SANITIZE:-${CI:-0}}" != "false" ]]; then
  scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DHNN_SANITIZE=ON -DHNN_BUILD_BENCH=OFF
  (cd build-asan && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure --parallel "$(nproc)" -LE slurm)
fi
