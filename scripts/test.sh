#!/usr/bin/env bash
# The whole test suite: install what is missing, build (Release), run every test with ctest;
# then, with HNN_TEST_SANITIZE=1 (the default in CI), the same suite under ASan/UBSan, built at -O1
# (the sanitizers' usual level; measured on 2 cores: 191 tests in 323-344 s, where -O0 took
# 509 s for 186 and its longest training tests had to be left out), less label "slurm" (the job
# scripts under a private Slurm, about three minutes each time, no code the rest does not run)
# and label "regression" (the pinned shortened reproduction runs: minutes each under ASan, and
# the code they run is covered by the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --slurm   # Slurm + munge for the workflow tests (label slurm)
scripts/build.sh build
(cd build && ctest --output-on-failure --parallel "$(nproc)")
if [[ "${HNN_TEST_SANITIZE:-${CI:-0}}" != "0" && "${HNN_TEST_SANITIZE:-${CI:-0}}" != "false" ]]; then
  scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug '-DCMAKE_CXX_FLAGS_DEBUG=-g -O1' \
    -DHNN_SANITIZE=ON -DHNN_BUILD_BENCH=OFF
  (cd build-asan && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure --parallel "$(nproc)" \
    -LE 'slurm|regression')
fi
