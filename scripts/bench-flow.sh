#!/usr/bin/env bash
# Training-step performance of the reference canonical-flow stack (4 blocks of [zero_center,
# linear, coupling_p], F of width 512, n = 3, float64; inputs/train_kepler.toml with
# hidden = [512]): the kernel benchmark, then `hnn train` scaling over threads and MPI ranks.
#
# Usage: scripts/bench-flow.sh [BUILD_DIR]         (default build/, which must hold ./hnn and
#                                                   bench/bench_flow_train)
# Environment:
#   REPEATS   repetitions of each app configuration; the best rate is kept (default 3)
#   STEPS     training steps per app run (default 20)
#
# Prints, all measured in this run:
#   1. bench/bench_flow_train's best-of table: GEMM rate, step rate at batch 128 and 4096
#      trajectory samples on 1 and 2 threads, and the step's product FLOP rate as a fraction of
#      the GEMM rate (of_gemm).
#   2. `hnn train` on a Kepler data set (16 training trajectories of 1024 times), global batch
#      16 trajectories x 256 times = 4096 samples, STEPS steps, as 1 rank x 1 thread, 1 rank x 2
#      threads and 2 ranks x 1 thread (interleaved): train_steps_per_s CONFIG RATE, where RATE =
#      steps / (batch + gradient + allreduce + optimizer seconds of the phase table, the maximum
#      over ranks), and train_steps_efficiency CONFIG RATE / (2 x RATE(1 rank x 1 thread)).
#   3. The same three configurations' CPU time per step (all threads and ranks, user + system,
#      from the difference of a STEPS and a 2·STEPS run, so start-up cancels; best of REPEATS):
#      train_cpu_s_per_step CONFIG SECONDS and train_cpu_efficiency CONFIG
#      CPU(1 rank x 1 thread) / CPU(CONFIG). On a machine shared with other jobs the wall-clock
#      efficiency of 2 workers measures the other jobs; this one does not depend on them (but it
#      counts the time a rank or thread spins while it waits for the other, so it is a bound
#      on the wall-clock efficiency on free cores, not an estimate of it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
bench_init "${1:-build}" bench/bench_flow_train
bench_kernel bench/bench_flow_train

reference_train_args flow
run() { train_rate "$1"; }
best_of_configs "$repeats" train_steps steps/s

# CPU seconds of one run of CONFIG with N steps (user + system of hnn and, under mpirun, its ranks).
cpu_run() {
  local c=$1 n=$2 t="$tmp/time"
  local a=("${args[@]}" --set train.steps="$n" --set train.log_every="$n")
  case "$c" in
    t1r1) OMP_NUM_THREADS=1 /usr/bin/time -f "%U %S" -o "$t" "$hnn" "${a[@]}" > /dev/null 2>&1 ;;
    t2r1) OMP_NUM_THREADS=2 /usr/bin/time -f "%U %S" -o "$t" "$hnn" "${a[@]}" > /dev/null 2>&1 ;;
    t1r2) /usr/bin/time -f "%U %S" -o "$t" mpirun -np 2 --oversubscribe -x OMP_NUM_THREADS=1 \
            "$hnn" "${a[@]}" > /dev/null 2>&1 ;;
  esac || { echo "bench-flow: $c ($n steps) failed" >&2; exit 1; }
  awk '{ print $1 + $2 }' "$t"
}
declare -A cpu=([t1r1]=1e9 [t2r1]=1e9 [t1r2]=1e9)
for ((r = 1; r <= repeats; ++r)); do
  for c in t1r1 t2r1 t1r2; do
    a=$(cpu_run "$c" "$steps"); b=$(cpu_run "$c" $((2 * steps)))
    per=$(awk -v a="$a" -v b="$b" -v n="$steps" 'BEGIN { print (b - a) / n }')
    echo "# repeat $r $c cpu $a s ($steps steps) $b s ($((2 * steps)) steps): $per s/step"
    cpu[$c]=$(awk -v x="${cpu[$c]}" -v y="$per" 'BEGIN { print (y < x ? y : x) }')
  done
done
for c in t1r1 t2r1 t1r2; do echo "train_cpu_s_per_step $c ${cpu[$c]}"; done
for c in t2r1 t1r2; do
  awk -v c="$c" -v x="${cpu[$c]}" -v x1="${cpu[t1r1]}" \
      'BEGIN { printf "train_cpu_efficiency %s %.4f\n", c, x1 / x }'
done
