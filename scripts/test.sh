#!/usr/bin/env bash
# The whole test suite: install what is missing, build (Release), run every test with ctest;
# then, with HNN_TEST_SANITIZE=1 (the default in CI), the same suite under ASan/UBSan (Debug),
# less what runs no code the rest does not and is too slow unoptimised: label "slurm" (the job
# scripts under a private Slurm, about three minutes each time), label "regression" (the pinned
# shortened reproduction runs), and training runs that take seconds in Release but minutes
# (over 300 s) under ASan at -O0: the DensityChain.* and DensityRing.* unit tests and
# cli_test_flow (3000 flow steps). The code they run is covered there by the finite-difference
# tests (Density.*, FlowLayers.*, FlowModel*, Systems.*) and the flow MPI tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --slurm   # Slurm + munge for the workflow tests (label slurm)
scripts/build.sh build
(cd build && ctest --output-on-failure --parallel "$(nproc)")
if [[ "${HNN_TEST_SANITIZE:-${CI:-0}}" != "0" && "${HNN_TEST_SANITIZE:-${CI:-0}}" != "false" ]]; then
  scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DHNN_SANITIZE=ON -DHNN_BUILD_BENCH=OFF
  (cd build-asan && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure --parallel "$(nproc)" -LE 'slurm|regression' -E '^(Density(Chain|Ring)\..*|cli_test_flow)$')
fi
