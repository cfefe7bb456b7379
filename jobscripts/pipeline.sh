#!/bin/bash
# Submit the whole workflow as a chain of jobs, each starting only when the one before it
# succeeded (--dependency=afterok):
#   generate -> train HNN, train baseline -> evaluate each -> plots
#   jobscripts/pipeline.sh DATA.toml TRAIN.toml [EVALUATE.toml] [-- sbatch options for every job]
# Everything goes to one directory, $HNN_PIPELINE_OUT (default runs/pipeline/<date-time>):
#   data.h5, hnn/{model.h5,checkpoints/,eval.h5}, baseline/{...}, plots/*.png, *-<jobid>.log
# Extra overrides per stage (space-separated, no spaces inside a value):
#   HNN_GEN_SET="data.n_trajectories=20"  HNN_TRAIN_SET="train.steps=200 model.hidden=[32,32]"
#   HNN_EVAL_SET="evaluate.n_rollouts=5"
# The plots job runs scripts/hnn_plot.py with $HNN_PYTHON (default /usr/bin/python3: h5py,
# numpy, matplotlib).
# Prints the job ids, one line per stage. If a job fails, the jobs that depend on it are
# cancelled (--kill-on-invalid-dep=yes), so nothing waits in the queue forever.
set -euo pipefail
data_input=${1:?usage: pipeline.sh DATA.toml TRAIN.toml [EVALUATE.toml] [-- sbatch options]}
train_input=${2:?usage: pipeline.sh DATA.toml TRAIN.toml [EVALUATE.toml] [-- sbatch options]}
shift 2
eval_opts=()
if [[ $# -gt 0 && $1 != -- ]]; then eval_opts=(-i "$1"); shift; fi
[[ ${1:-} == -- ]] && shift
root=$(cd "$(dirname "$0")/.." && pwd)
export HNN_ROOT=${HNN_ROOT:-$root}
out=${HNN_PIPELINE_OUT:-runs/pipeline/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

sets() { local w; for w in $1; do printf -- '--set\n%s\n' "$w"; done; }
mapfile -t gen_set < <(sets "${HNN_GEN_SET:-}")
mapfile -t train_set < <(sets "${HNN_TRAIN_SET:-}")
mapfile -t eval_set < <(sets "${HNN_EVAL_SET:-}")

submit() {  # submit NAME DEPENDENCY SCRIPT ARGS...: prints the job id
  local name=$1 dep=$2
  shift 2
  local d=()
  [[ -n $dep ]] && d=(--dependency="afterok:$dep" --kill-on-invalid-dep=yes)
  HNN_OUT=$out/$name sbatch --parsable "${d[@]}" --output="$out/$name-%j.log" "$@" | cut -d';' -f1
}
gen=$(HNN_OUT=$out sbatch --parsable --output="$out/generate-%j.log" "$@" \
  "$root/jobscripts/generate.sbatch" "$data_input" "${gen_set[@]}" | cut -d';' -f1)
echo "generate $gen"
data="data.path=\"$out/data.h5\""
declare -A ev
for kind in hnn baseline; do
  tr=$(submit "$kind" "$gen" "$@" "$root/jobscripts/train.sbatch" "$train_input" \
    --set "$data" --set "model.kind=\"$kind\"" "${train_set[@]}")
  echo "train-$kind $tr"
  ev[$kind]=$(HNN_OUT=$out/$kind sbatch --parsable --dependency="afterok:$tr" \
    --kill-on-invalid-dep=yes --output="$out/evaluate-$kind-%j.log" "$@" \
    "$root/jobscripts/evaluate.sbatch" "$out/$kind/model.h5" "${eval_opts[@]}" "${eval_set[@]}" |
    cut -d';' -f1)
  echo "evaluate-$kind ${ev[$kind]}"
done
plots=$(sbatch --parsable --dependency="afterok:${ev[hnn]}:${ev[baseline]}" \
  --kill-on-invalid-dep=yes --job-name=hnn-plots --ntasks=1 --output="$out/plots-%j.log" "$@" \
  --wrap="'${HNN_PYTHON:-/usr/bin/python3}' '$root/scripts/hnn_plot.py' run '$out' -o '$out/plots'" | cut -d';' -f1)
echo "plots $plots"
echo "pipeline directory: $out"
