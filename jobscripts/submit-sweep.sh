#!/bin/bash
# Submit a sweep: one array task per row of TABLE, at most MAX at a time, and a summary job
# that runs when every task has ended (afterany: failed tasks are listed as failed).
#   jobscripts/submit-sweep.sh TABLE.sweep TRAIN_INPUT.toml [EVALUATE_INPUT.toml] [-- sbatch options]
# Environment: HNN_SWEEP_MAX (concurrent tasks, default 4), HNN_SWEEP_ROOT (default runs).
# Prints the array job id and the summary job id; the summary goes to
# runs/<sweep>/summary.h5 and summary.csv.
set -euo pipefail
table=${1:?usage: submit-sweep.sh TABLE.sweep TRAIN_INPUT.toml [EVALUATE_INPUT.toml] [-- sbatch options]}
input=${2:?usage: submit-sweep.sh TABLE.sweep TRAIN_INPUT.toml [EVALUATE_INPUT.toml]}
shift 2
eval_input=()
if [[ $# -gt 0 && $1 != -- ]]; then eval_input=("$1"); shift; fi
[[ ${1:-} == -- ]] && shift
root=$(cd "$(dirname "$0")/.." && pwd)
rows=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$table" | wc -l)
[[ $rows -gt 0 ]] || { echo "submit-sweep: $table has no rows" >&2; exit 1; }
sweep=$(basename "$table" .sweep)
out=${HNN_SWEEP_ROOT:-runs}/$sweep
export HNN_ROOT=${HNN_ROOT:-$root}
array=$(sbatch --parsable --array="0-$((rows - 1))%${HNN_SWEEP_MAX:-4}" "$@" \
  "$root/jobscripts/sweep.sbatch" "$table" "$input" "${eval_input[@]}")
array=${array%%;*}
summary=$(sbatch --parsable --dependency="afterany:$array" --job-name=hnn-summarize \
  --ntasks=1 --output="hnn-summarize-%j.log" "$@" \
  --wrap="\"${HNN:-$root/build/hnn}\" summarize $out/*/ -o $out/summary.h5 --overwrite")
echo "sweep $sweep: $rows tasks, array job $array, summary job $summary -> $out/summary.{h5,csv}"
