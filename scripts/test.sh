#!/usr/bin/env bash
# The whole test suite: install what is missing, build (Release), run every test with ctest;
# then, with HNN_TEST_SANITIZE=1 (the default in CI), the same suite under ASan/UBSan (Debug),
# less two labels that run no code the rest does not: "slurm" (the job scripts under a private
# Slurm, about three minutes each time) and "regression" (the pinned shortened reproduction
# runs, many minutes under ASan).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --slurm   # Slurm + munge for the workflow tests (label slurm)
scripts/build.sh build
(cd build && ctest --output-on-failure --parallel "$(nproc)")
if [[ "${HNN_TEST_SANITIZE:-${CI:-0}}" != "0" && "${HNN_TEST_SANITIZE:-${CI:-0}}" != "false" ]]; then
  scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DHNN_SANITIZE=ON -DHNN_BUILD_BENCH=OFF
  (cd build-asan && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure --parallel "$(nproc)" -LE 'slurm|regression')
fi
