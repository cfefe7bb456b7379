#!/usr/bin/env bash
# A job with a bad input fails fast: the job ends FAILED with exit code 1 within seconds, its log
# has the one clear error line (once, not once per rank), no HDF5 output or temporary is left,
# and hnn summarize lists the run as failed. In a pipeline, a failed training job cancels the
# jobs after it (evaluate, plots) instead of leaving them queued.
source "$(dirname "$0")/common.sh"

tiny_spring spring.h5 || fail "generate"
t0=$(date +%s)
jid=$(sbatch --parsable --output="train-%j.log" "$HNN_SOURCE_DIR/jobscripts/train.sbatch" \
  "$HNN_SOURCE_DIR/inputs/train_spring.toml" --set "data.path=\"$WORK/spring.h5\"" \
  --set train.stpes=30) || fail "sbatch"
gid=$(sbatch --parsable --output="gen-%j.log" "$HNN_SOURCE_DIR/jobscripts/generate.sbatch" \
  "$HNN_SOURCE_DIR/inputs/spring.toml" --set data.n_trajectories=-3) || fail "sbatch"
slurm_wait_job "$jid" 60 && slurm_wait_job "$gid" 60 || fail "jobs still queued after 60 s"
secs=$(($(date +%s) - t0))
((secs < 30)) && pass "both failed within $secs s" || fail "took $secs s"
for id in "$jid" "$gid"; do
  [[ $(job_state "$id") == FAILED && $(slurm_job_field "$id" ExitCode) == 1:0 ]] &&
    pass "job $id FAILED with exit code 1" ||
    fail "job $id: $(job_state "$id") $(slurm_job_field "$id" ExitCode)"
done
n=$(grep -c "^hnn: error: .*unknown key 'stpes' in \[train\]" "train-$jid.log")
[[ $n == 1 ]] && pass "train log: the error once: $(grep '^hnn: error' "train-$jid.log")" ||
  fail "train log has the error $n times: $(cat "train-$jid.log")"
n=$(grep -c "^hnn: error: .*n_trajectories = -3" "gen-$gid.log")
[[ $n == 1 ]] && pass "generate log: the error once: $(grep '^hnn: error' "gen-$gid.log")" ||
  fail "generate log has the error $n times: $(cat "gen-$gid.log")"
left=$(find runs -name '*.h5' -o -name '*.partial-*' | head -3)
[[ -z $left ]] && pass "no output left behind" || fail "left behind: $left"
[[ $(cat "runs/train/$jid/status") == "failed (exit code 1)" ]] && pass "status file says failed" ||
  fail "status: $(cat "runs/train/$jid/status" 2>&1)"
"$HNN" summarize "runs/train/$jid" -o s.h5 >/dev/null &&
  [[ $(sed -n 2p s.csv | cut -d, -f2) == failed ]] && pass "hnn summarize lists the run as failed" ||
  fail "summary: $(cat s.csv 2>&1)"

# A pipeline whose training input is bad: generate completes, both trainings fail, the
# evaluations and the plots job are cancelled, no model and no plots appear.
export HNN_PIPELINE_OUT=$WORK/runs/pipe HNN_GEN_SET="data.n_trajectories=8 data.n_test=4"
export HNN_TRAIN_SET="train.stpes=3"
"$HNN_SOURCE_DIR/jobscripts/pipeline.sh" "$HNN_SOURCE_DIR/inputs/spring.toml" \
  "$HNN_SOURCE_DIR/inputs/train_spring.toml" >submit.txt 2>&1 || fail "pipeline.sh: $(cat submit.txt)"
declare -A want=([generate]=COMPLETED [train-hnn]=FAILED [train-baseline]=FAILED
                 [evaluate-hnn]=CANCELLED [evaluate-baseline]=CANCELLED [plots]=CANCELLED)
got=""
while read -r stage id; do
  [[ $id =~ ^[0-9]+$ ]] || continue
  slurm_wait_job "$id" 60 || fail "pipeline job $id ($stage) still queued after 60 s"
  got+="$stage=$(job_state "$id") "
  [[ $(job_state "$id") == "${want[$stage]}" ]] || fail "pipeline $stage: $(job_state "$id"), want ${want[$stage]}"
done <submit.txt
[[ $(wc -w <<<"$got") == 6 ]] && pass "failed pipeline: $got" || fail "pipeline jobs: $got"
[[ ! -e $HNN_PIPELINE_OUT/hnn/model.h5 && ! -e $HNN_PIPELINE_OUT/plots ]] &&
  pass "failed pipeline left no model and no plots" || fail "failed pipeline left outputs"
finish
