#!/usr/bin/env bash
# Training-step performance of the reference HNN (2 -> 200 -> 200 -> 1, tanh, float64): the
# kernel benchmark, the same step in PyTorch, and `hnn train` scaling over threads and MPI ranks.
#
# Usage: scripts/bench-train.sh [BUILD_DIR]        (default build/, which must hold ./hnn and
#                                                   bench/bench_train)
# Environment:
#   REPEATS   repetitions of each app configuration; the best rate is kept (default 3)
#   STEPS     training steps per app run (default 20)
#   NO_TORCH  set to skip the PyTorch comparison (it needs Debian's python3-torch)
#
# Prints, all measured in this run:
#   1. bench/bench_train's best-of table: GEMM rate, step rate per batch/threads/chunk, and the
#      step's FLOP rate as a fraction of the GEMM rate (of_gemm).
#   2. torch_steps_per_s and speedup_vs_torch at batch 750 (our best chunk / PyTorch), 1 and 2
#      threads.
#   3. `hnn train` on a spring data set (11250 training samples), global batch 4096, STEPS steps,
#      as 1 rank x 1 thread, 1 rank x 2 threads and 2 ranks x 1 thread (interleaved):
#      train_steps_per_s CONFIG RATE, where RATE = steps / (batch + gradient + allreduce +
#      optimizer seconds of the phase table, the maximum over ranks), and
#      train_steps_efficiency CONFIG RATE / (2 x RATE(1 rank x 1 thread)).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
bench_init "${1:-build}" bench/bench_train
bench_kernel bench/bench_train

if [[ -z "${NO_TORCH:-}" ]]; then
  /usr/bin/python3 scripts/bench_torch_step.py --batch 750 --threads 1 2 | tee "$tmp/torch.txt"
  for t in 1 2; do
    ours=$(awk -v t="$t" '$1 == "best" && $2 ~ "^step/batch:750/omp:"t"/" && $3 == "steps" \
                          { if ($4 > m) m = $4 } END { print m }' "$tmp/kernel.txt")
    theirs=$(awk -v t="$t" '$2 == "batch:750" && $3 == "omp:"t { print $5 }' "$tmp/torch.txt")
    awk -v t="$t" -v a="$ours" -v b="$theirs" \
        'BEGIN { printf "speedup_vs_torch batch:750 omp:%s %.2f (%.4g vs %.4g steps/s)\n", t, a / b, a, b }'
  done
fi

reference_train_args hnn
run() { train_rate "$1"; }
best_of_configs "$repeats" train_steps steps/s
