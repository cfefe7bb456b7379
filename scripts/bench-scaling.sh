#!/usr/bin/env bash
# Strong scaling of `hnn train` over MPI ranks and over OpenMP threads, up to all cores of the
# machine: the reference HNN and the reference flow stack (reference_train_args in
# bench-lib.sh), the same global problem in every configuration.
#
# Usage: scripts/bench-scaling.sh [BUILD_DIR [MAX_CORES]]   (default build/, nproc)
# Environment: REPEATS (3; the best rate of the interleaved repeats is kept), STEPS (20).
#
# Prints, all measured in this run, for P = 1, 2, 4, ... <= MAX_CORES:
#   scaling MODEL tPr1 RATE EFF   (P threads on 1 rank)
#   scaling MODEL t1rP RATE EFF   (P ranks of 1 thread)
# RATE = steps/s from the phase table (train_rate in bench-lib.sh: batch + gradient + allreduce
# + optimizer seconds, the maximum over ranks; start-up and I/O do not count), EFF = RATE / (P x
# RATE of t1r1): the strong-scaling efficiency against this machine's own one-core run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
bench_init "${1:-build}"
max=${2:-$(nproc)}
[[ $max =~ ^[1-9][0-9]*$ ]] || { echo "bench-scaling.sh: MAX_CORES must be a positive integer, got '$max'" >&2; exit 1; }
echo "# $(nproc) CPUs (using up to $max), load $(cut -d' ' -f1-3 /proc/loadavg); $("$hnn" --version | head -n 1)"

configs=(t1r1)
for ((p = 2; p <= max; p *= 2)); do configs+=("t${p}r1" "t1r${p}"); done

scale() {  # scale MODEL: the configurations, REPEATS times interleaved, with the args set
  local model=$1 r c rate
  declare -A best=()
  for c in "${configs[@]}"; do best[$c]=0; done
  for ((r = 1; r <= repeats; ++r)); do
    for c in "${configs[@]}"; do
      rate=$(train_rate "$c")
      echo "# $model repeat $r $c $rate steps/s"
      best[$c]=$(awk -v a="${best[$c]}" -v b="$rate" 'BEGIN { print (b > a ? b : a) }')
    done
  done
  for c in "${configs[@]}"; do
    [[ $c =~ ^t([0-9]+)r([0-9]+)$ ]]
    awk -v m="$model" -v c="$c" -v x="${best[$c]}" -v x1="${best[t1r1]}" \
        -v p=$((BASH_REMATCH[1] * BASH_REMATCH[2])) \
        'BEGIN { printf "scaling %s %s %.4g %.3f\n", m, c, x, x / (p * x1) }'
  done
}

reference_train_args hnn
scale hnn
reference_train_args flow
scale flow
