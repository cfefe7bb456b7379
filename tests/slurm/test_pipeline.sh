#!/usr/bin/env bash
# The whole workflow through a real (private) Slurm: jobscripts/pipeline.sh chains generate ->
# train (HNN and baseline, 2 MPI ranks via srun --mpi=pmix) -> evaluate -> plots with
# --dependency=afterok (sbatch options after -- go to every job); every job must complete, and the HDF5 outputs, the logs' provenance and
# the pictures must be there and valid.
source "$(dirname "$0")/common.sh"

export HNN_PIPELINE_OUT=$WORK/runs/pipe
export HNN_GEN_SET="data.n_trajectories=8 data.n_test=4"
export HNN_TRAIN_SET="train.steps=40 train.log_every=20 model.hidden=[16] checkpoint.every=0"
export HNN_EVAL_SET="evaluate.n_rollouts=5 evaluate.t_end=2 evaluate.n_times=20"
"$HNN_SOURCE_DIR/jobscripts/pipeline.sh" "$HNN_SOURCE_DIR/inputs/spring.toml" \
  "$HNN_SOURCE_DIR/inputs/train_spring.toml" "$HNN_SOURCE_DIR/inputs/evaluate_spring.toml" \
  -- --time=00:07:00 >submit.txt 2>&1 || fail "pipeline.sh: $(cat submit.txt)"
cat submit.txt
mapfile -t ids < <(awk 'NF == 2 && $2 ~ /^[0-9]+$/ {print $2}' submit.txt)
[[ ${#ids[@]} -eq 6 ]] || fail "expected 6 job ids (generate, 2 x train, 2 x evaluate, plots)"
for id in "${ids[@]}"; do slurm_wait_job "$id" 150 || fail "job $id still queued after 150 s"; done
while read -r stage id; do
  [[ $id =~ ^[0-9]+$ ]] || continue
  st=$(job_state "$id") limit=$(slurm_job_field "$id" TimeLimit)
  [[ $st == COMPLETED && $limit == 00:07:00 ]] && pass "$stage job $id completed (--time passed on)" ||
    fail "$stage job $id: $st, time limit $limit"
done <submit.txt

d=$HNN_PIPELINE_OUT
[[ $(h5_attr "$d/data.h5" format) == hnn-trajectories ]] && pass "data.h5 is a trajectory set" ||
  fail "data.h5 missing or not a trajectory set"
for kind in hnn baseline; do
  [[ $(h5_attr "$d/$kind/model.h5" format) == hnn-model && $(h5_attr "$d/$kind/model.h5" model) == "$kind" ]] &&
    pass "$kind/model.h5 is a $kind model" || fail "$kind/model.h5 missing or wrong"
  "$PY" - "$d/$kind/eval.h5" <<'PYEOF' && pass "$kind/eval.h5 has finite metrics and 5 rollouts" || fail "$kind/eval.h5"
import h5py, math, sys
with h5py.File(sys.argv[1], "r") as f:
    assert f.attrs["format"] == "hnn-evaluation"
    m = f["metrics"].attrs
    for k in ("train_loss", "test_loss", "state_mse", "energy_mse"):
        assert math.isfinite(m[k]), k
    assert f["rollouts/x_learned"].shape == (5, 20, 2), f["rollouts/x_learned"].shape
PYEOF
done
# Provenance in the logs: version with git hash, ranks x threads, modules, the input.
tlog=$(ls "$d"/hnn-*.log 2>/dev/null | head -1)
if [[ -n $tlog ]]; then
  grep -q "^== version: hnn .*(git [0-9a-f]" "$tlog" && grep -q "^== ranks 2 x threads 1; launcher: srun --mpi=pmix" "$tlog" &&
    grep -q "^== modules:" "$tlog" && grep -q "^   | \[train\]" "$tlog" &&
    pass "train log has the provenance" || fail "train log lacks provenance: $(head -8 "$tlog")"
  grep -q "^step 40/40 train" "$tlog" && pass "train log shows the last step" || fail "no step 40/40 in $tlog"
else
  fail "no train log in $d"
fi
# Pictures: valid PNGs with some content.
for p in loss phase_hnn phase_baseline energy; do
  f=$d/plots/$p.png
  "$PY" -c 'import sys, matplotlib.image as im
a = im.imread(sys.argv[1]); assert a.ndim == 3 and a.shape[0] > 200 and a.shape[1] > 200
assert a[..., :3].std() > 0.01' "$f" 2>/dev/null && pass "plots/$p.png is a valid picture" ||
    fail "plots/$p.png missing or not a valid PNG"
done
finish
