#!/usr/bin/env bash
# Preemption: a training job (2 MPI ranks) gets SIGUSR1 in its batch script
# (`scancel --signal=USR1 --batch`, what --signal=B:USR1@T sends before the time limit); the
# script forwards it, hnn train checkpoints and exits 75, the script requeues the job, and the
# requeued job resumes from the newest checkpoint. Its final parameters and loss history must
# equal those of an uninterrupted run bit for bit. Once with each launcher (srun forwards the
# signal to the ranks, so does Open MPI's mpirun).
source "$(dirname "$0")/common.sh"

tiny_spring spring.h5 || fail "generate"
input=$HNN_SOURCE_DIR/inputs/train_spring.toml
steps=${HNN_TEST_PREEMPT_STEPS:-3000}
# Width 192: 3000 steps take ~4 s on 2 ranks (an EPYC core), so the signal, sent within 0.05 s
# of the first step line (step 100), finds the job still training. With width 32 the whole run
# took 0.2 s and the signal could arrive after the model was written (CI failed so once).
set=(--set "data.path=\"$WORK/spring.h5\"" --set 'model.hidden=[192,192]' --set "train.steps=$steps"
     --set train.log_every=100 --set checkpoint.every=0)
preempt() {  # preempt LAUNCHER: one preempted job launched by HNN_LAUNCH=LAUNCHER
  local launch=$1 jid log state restarts stopped out
  jid=$(HNN_LAUNCH=$launch sbatch --parsable --output="train-%j.log" \
    "$HNN_SOURCE_DIR/jobscripts/train.sbatch" "$input" "${set[@]}") || fail "sbatch"
  log=train-$jid.log
  # Signal it once it is training (a step line in the log).
  for _ in $(seq 600); do grep -q "^step " "$log" 2>/dev/null && break; sleep 0.05; done
  grep -q "^step " "$log" 2>/dev/null || fail "[$launch] job $jid shows no training step after 30 s"
  scancel --signal=USR1 --batch "$jid" && pass "[$launch] sent SIGUSR1 to the batch script of job $jid"
  # The test's own timing assumption, told apart from a failure of the job script or hnn.
  grep -q "^hnn train: wrote" "$log" &&
    fail "[$launch] test timing: job $jid had finished training before the signal was sent"

  # While the job waits to be requeued: the uninterrupted reference (once), same 2 ranks.
  if [[ ! -e ref/model.h5 ]]; then
    OMP_NUM_THREADS=1 mpirun -np 2 "$HNN" train "$input" "${set[@]}" \
      --set 'output.path="ref/model.h5"' >ref.txt 2>&1 || fail "reference run: $(tail -3 ref.txt)"
  fi

  slurm_wait_job "$jid" 150 || fail "[$launch] job $jid still queued after 150 s"
  state=$(job_state "$jid") restarts=$(slurm_job_field "$jid" Restarts)
  [[ $state == COMPLETED && $restarts == 1 ]] && pass "[$launch] job completed after 1 requeue" ||
    fail "[$launch] job $jid: state $state, restarts $restarts"
  stopped=$(sed -n 's/^hnn train: stopped at step \([0-9]*\) by a signal.*/\1/p' "$log")
  grep -q "caught SIGUSR1: forwarding" "$log" && [[ -n $stopped ]] && ((stopped < steps)) &&
    pass "[$launch] forwarded; training stopped at step $stopped of $steps with a checkpoint" ||
    fail "[$launch] no forwarded signal / checkpointed stop before step $steps in the log"
  grep -q "checkpointed (exit 75): requeueing job $jid" "$log" &&
    pass "[$launch] script requeued on exit 75" || fail "[$launch] no requeue line in the log"
  grep -q "restart count 1" "$log" &&
    grep -Eq "^hnn train: resuming from .*/ckpt-0*${stopped:-x}\.h5 \(step ${stopped:-x}\)" "$log" &&
    pass "[$launch] requeued job resumed from the checkpoint of step $stopped" ||
    fail "[$launch] requeued job did not resume from step ${stopped:-?}"
  out=$(ls runs/train/"$jid"/model.h5 2>/dev/null)
  [[ -n $out && $(cat "runs/train/$jid/status" 2>/dev/null) == "done" ]] &&
    pass "[$launch] model written, status done" || fail "[$launch] no model.h5 / status done in runs/train/$jid"
  if [[ -n $out ]] && h5diff "$out" ref/model.h5 /params /params >/dev/null &&
    h5diff "$out" ref/model.h5 /history /history >/dev/null; then
    pass "[$launch] parameters and loss history equal the uninterrupted run's bit for bit"
  else
    fail "[$launch] final parameters differ from the uninterrupted run"
  fi
}

preempt "srun --mpi=pmix"
preempt mpirun

# A stop request at the start of the job (while the script sets up or hnn starts, before any
# checkpoint can be written): the job must still requeue, and the rerun end equal.
jid=$(sbatch --parsable --output="train-%j.log" "$HNN_SOURCE_DIR/jobscripts/train.sbatch" \
  "$input" "${set[@]}") || fail "sbatch"
# Signal as soon as the script has its stop traps (its first log line, "== hnn train: job ...",
# comes right after them): a signal before bash has even run the script's first line would kill
# it whatever the script does, and Slurm's --signal=B:USR1@LEAD never comes that early.
for _ in $(seq 400); do grep -q "^== hnn train: job" "train-$jid.log" 2>/dev/null && break; sleep 0.02; done
scancel --signal=USR1 --batch "$jid"
slurm_wait_job "$jid" 150 || fail "[early] job $jid still queued after 150 s"
state=$(job_state "$jid") restarts=$(slurm_job_field "$jid" Restarts)
out=runs/train/$jid/model.h5
if [[ $state == COMPLETED && $restarts == 1 ]] && grep -q "caught SIGUSR1" "train-$jid.log" &&
  h5diff "$out" ref/model.h5 /params /params >/dev/null; then
  pass "[early] stop at start-up: requeued once, completed, equal to the uninterrupted run" \
    "($(grep -m1 -E 'caught SIGUSR1|treated as 75' "train-$jid.log" | cut -c4-))"
else
  fail "[early] job $jid: state $state, restarts $restarts, or the model differs"
fi

# A plain `scancel JOBID` (SIGTERM to the batch script, as at the time limit itself): the job
# checkpoints and ends, and is NOT requeued (a cancelled job must stay cancelled).
jid=$(sbatch --parsable --output="train-%j.log" "$HNN_SOURCE_DIR/jobscripts/train.sbatch" \
  "$input" "${set[@]}") || fail "sbatch"
log=train-$jid.log
for _ in $(seq 600); do grep -q "^step " "$log" 2>/dev/null && break; sleep 0.05; done
scancel "$jid"
for _ in $(seq 60); do grep -q "not requeued" "$log" 2>/dev/null && break; sleep 0.25; done
sleep 3  # time for a (wrong) requeue to show
state=$(job_state "$jid") restarts=$(slurm_job_field "$jid" Restarts)
if [[ $state == CANCELLED* && $restarts == 0 ]] && grep -q "stopped by SIGTERM: checkpointed, not requeued" "$log" &&
  [[ $(cat "runs/train/$jid/status" 2>/dev/null) == stopped* ]]; then
  pass "[scancel] SIGTERM: checkpointed, not requeued, state $state"
else
  fail "[scancel] job $jid: state $state, restarts $restarts; log: $(tail -n 3 "$log")"
fi
finish
