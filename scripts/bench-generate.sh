#!/usr/bin/env bash
# App-level timing of `hnn generate` on a large pendulum ensemble, and its parallel efficiency.
#
# Usage: scripts/bench-generate.sh [BUILD_DIR]        (default build/, which must hold ./hnn)
# Environment:
#   N_TRAJ   trajectories (default 200000: a few seconds per run, so that start-up and the
#            last, un-overlapped block write are a small share)
#   REPEATS  repetitions of each configuration; the best rate is kept (default 3)
#   INPUT    input file (default inputs/pendulum.toml: dopri5 rtol = atol = 1e-10)
#   EXTRA    further arguments to `hnn generate`, e.g. EXTRA="--set integrator.atol=1e-6"
#
# Runs inputs/pendulum.toml with --set data.n_trajectories=$N_TRAJ --set data.noise_std=0 as
#   1 thread  x 1 rank   (OMP_NUM_THREADS=1)
#   2 threads x 1 rank   (OMP_NUM_THREADS=2)
#   1 thread  x 2 ranks  (mpirun -np 2 --oversubscribe, OMP_NUM_THREADS=1)
# in turn (interleaved, so all three see the same machine state), reads the rate from the
# summary line ("...: R trajectories/s", which counts integration and HDF5 writing) and prints
#   generate_traj_per_s <config> <best rate>
#   generate_traj_efficiency <config> <rate / (2 x rate_1)>
# Output files go to a temporary directory that is deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
bench_init "${1:-build}"
n_traj=${N_TRAJ:-200000}
input=${INPUT:-inputs/pendulum.toml}
read -r -a extra <<< "${EXTRA:-}"
args=(generate "$input" --set data.n_trajectories="$n_traj" --set data.noise_std=0
      -o "$tmp/out.h5" --overwrite "${extra[@]}")

# run CONFIG: one timed run; prints the rate.
run() {
  local log="$tmp/log"
  launch "$1" "$log" "$hnn" "${args[@]}"
  sed -n 's/.*: \([0-9.]*\) trajectories\/s.*/\1/p' "$log" | tail -n 1
}

echo "# hnn generate $input, $n_traj trajectories, best of $repeats; $(nproc) CPUs," \
     "load $(cut -d' ' -f1-3 /proc/loadavg)"
best_of_configs "$repeats" generate_traj trajectories/s
