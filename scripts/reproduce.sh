#!/usr/bin/env bash
# Reproduce a Greydanus et al. (2019) task: generate its data, train the HNN and the baseline
# for several training seeds, evaluate each, and print the table of mean ± std over seeds beside
# the published figures.
#   scripts/reproduce.sh TASK [SEEDS] [RANKS]     e.g. scripts/reproduce.sh spring "0 1 2" 2
# TASK: spring | pendulum | two_body | three_body | real_pendulum. Runs under runs/reproduce/TASK/.
# Extra hnn train options can be passed in HNN_TRAIN_EXTRA (e.g. "--set train.steps=200").
set -euo pipefail
cd "$(dirname "$0")/.."
task=${1:?usage: scripts/reproduce.sh TASK [SEEDS] [RANKS]}
seeds=${2:-"0 1 2"}
ranks=${3:-2}
hnn=${HNN:-build/hnn}
dir=runs/reproduce/$task
mkdir -p "$dir"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
run() { mpirun -np "$ranks" --oversubscribe "$hnn" "$@"; }

if [[ $task == real_pendulum ]]; then
  "$hnn" import data/real_pend_h_1.txt --columns id,t,q,p --as-points --test-rows 444:554 \
    -o "$dir/data.h5" --overwrite
else
  run generate "inputs/$task.toml" -o "$dir/data.h5" --overwrite
fi
for seed in $seeds; do
  for kind in hnn baseline; do
    out=$dir/${kind}_seed$seed
    run train "inputs/train_$task.toml" --set "data.path=\"$dir/data.h5\"" \
      --set "output.path=\"$out.h5\"" --set "checkpoint.dir=\"$out.ckpt\"" \
      --set train.seed="$seed" --set model.kind="$kind" --overwrite ${HNN_TRAIN_EXTRA:-} |
      grep -E "^hnn train: wrote|^step .*/.* 0:00:00"
    run evaluate "$out.h5" -i "inputs/evaluate_$task.toml" -o "${out}_eval.h5" --overwrite |
      tail -n +1 >/dev/null
  done
done
/usr/bin/python3 scripts/reproduce_table.py "$task" "$dir"
