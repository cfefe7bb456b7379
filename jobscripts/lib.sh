# shellcheck shell=bash
# Shared body of the hnn job scripts (sourced from $HNN_ROOT/jobscripts/lib.sh; Slurm runs a
# copy of the batch script from its spool directory, so the scripts find this file through
# HNN_ROOT, by default the directory sbatch was called from).
#
# hnn_setup KIND        environment for a hybrid MPI x OpenMP job, provenance lines in the log,
#                       HNN_OUT (the run directory; default runs/KIND/<jobid>[_<task>])
# hnn_launch CMD...     CMD under the MPI launcher (HNN_LAUNCH), one rank per Slurm task
# hnn_catch_stop        (preemptible scripts, first thing) catch USR1/TERM from now on
# hnn_run_preemptible CMD...
#                       hnn_launch CMD in the background; USR1/TERM to the batch script is
#                       forwarded to it; exit code 75 (checkpointed) after USR1 requeues the job
#                       (after TERM it does not: see _hnn_requeue)
# hnn_status TEXT       the run's status file: running | done | failed (rc N) | requeued |
#                       stopped (...)

HNN_ROOT=${HNN_ROOT:-${SLURM_SUBMIT_DIR:-$PWD}}
export HNN_ROOT

hnn_setup() {
  local kind=$1 id
  # Site settings (modules, HNN_LAUNCH) first: sourced here, not at load, so that a preemptible
  # script has its stop traps in place before anything slow runs.
  # shellcheck source=site.sh
  source "$HNN_ROOT/jobscripts/site.sh" || return 1
  HNN=${HNN:-$HNN_ROOT/build/hnn}
  export HNN
  # OpenMP threads per rank = CPUs per Slurm task; since Slurm 22.05 srun does not inherit
  # --cpus-per-task, so pass it on explicitly.
  export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-${OMP_NUM_THREADS:-1}}
  export SRUN_CPUS_PER_TASK=${SLURM_CPUS_PER_TASK:-1}
  export OMP_PROC_BIND=${OMP_PROC_BIND:-false}
  if [[ -n ${SLURM_ARRAY_JOB_ID:-} ]]; then
    id=${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}
  else
    id=${SLURM_JOB_ID:-local-$$}
  fi
  HNN_OUT=${HNN_OUT:-runs/$kind/$id}
  mkdir -p "$HNN_OUT" || return 1
  echo "== hnn $kind: job $id on $(hostname -s), $(date -u +%FT%TZ)"
  echo "== version: $("$HNN" --version 2>&1)"
  echo "== ranks ${SLURM_NTASKS:-1} x threads $OMP_NUM_THREADS; launcher: $HNN_LAUNCH;" \
    "restart count ${SLURM_RESTART_COUNT:-0}"
  echo "== output directory: $HNN_OUT"
  echo "== modules:"
  if command -v module >/dev/null 2>&1; then module list 2>&1 | sed 's/^/   /'; else echo "   (none: no module command)"; fi
}

# hnn_provenance_input FILE: the input file, verbatim, in the log.
hnn_provenance_input() {
  echo "== input $1:"
  sed 's/^/   | /' "$1"
}

# The launcher command for one rank per Slurm task, into the array HNN_LAUNCH_CMD.
hnn_launch_cmd() {
  local ntasks=${SLURM_NTASKS:-1}
  read -ra HNN_LAUNCH_CMD <<<"$HNN_LAUNCH"
  case $HNN_LAUNCH in
    mpirun*)
      # Open MPI's mpirun takes the node list from Slurm; reserve the task's cores per rank.
      HNN_LAUNCH_CMD+=(-np "$ntasks" --map-by "slot:PE=$SRUN_CPUS_PER_TASK"
                       -x OMP_NUM_THREADS -x OMP_PROC_BIND) ;;
  esac
}

hnn_launch() {
  hnn_launch_cmd
  "${HNN_LAUNCH_CMD[@]}" "$@"
}

hnn_status() { echo "$*" >"$HNN_OUT/status"; }

# Preemptible scripts call this first thing: from then on SIGUSR1 and SIGTERM are caught (bash
# would otherwise die of them) and remembered, and forwarded to the running step, if any.
hnn_catch_stop() {
  HNN_STOP_REQUESTED=0
  HNN_STOP_SIGNAL=
  HNN_STEP_PID=
  trap '_hnn_stop USR1' USR1
  trap '_hnn_stop TERM' TERM
}
_hnn_stop() {
  HNN_STOP_REQUESTED=1
  HNN_STOP_SIGNAL=$1
  if [[ -n $HNN_STEP_PID ]]; then
    echo "== $(date -u +%T) caught SIG$1: forwarding SIGUSR1 to the job step"
    kill -USR1 "$HNN_STEP_PID" 2>/dev/null
  else
    echo "== $(date -u +%T) caught SIG$1 (no step running yet)"
  fi
}

# _hnn_requeue: requeue this job (it starts again from the top with the same job id, so the
# same HNN_OUT, and resumes with --restart auto). Only for SIGUSR1, the warning that
# --signal=B:USR1@LEAD sends before the time limit: SIGTERM means the job is being ended
# (scancel, the limit itself, a node going down), and `scontrol requeue` would bring a cancelled
# job back. At most HNN_MAX_REQUEUES (default 20) requeues per job, so a time limit shorter than
# the signal lead cannot loop forever.
_hnn_requeue() {
  if [[ -z ${SLURM_JOB_ID:-} ]]; then
    echo "== checkpointed (exit 75); run again with --restart auto to resume"
  elif [[ $HNN_STOP_SIGNAL != USR1 ]]; then
    hnn_status "stopped (SIG$HNN_STOP_SIGNAL; checkpointed, not requeued: resubmit to resume)"
    echo "== $(date -u +%T) stopped by SIG$HNN_STOP_SIGNAL: checkpointed, not requeued"
  elif (( ${SLURM_RESTART_COUNT:-0} >= ${HNN_MAX_REQUEUES:-20} )); then
    hnn_status "stopped (checkpointed; ${SLURM_RESTART_COUNT} requeues already, HNN_MAX_REQUEUES)"
    echo "== not requeueing: job $SLURM_JOB_ID has been requeued ${SLURM_RESTART_COUNT} times" \
         "(HNN_MAX_REQUEUES=${HNN_MAX_REQUEUES:-20}); is the time limit longer than the signal lead?"
  else
    echo "== $(date -u +%T) checkpointed (exit 75): requeueing job $SLURM_JOB_ID"
    if scontrol requeue "$SLURM_JOB_ID"; then
      hnn_status "requeued"
    else
      hnn_status "stopped (checkpointed; the requeue was refused: resubmit to resume)"
      echo "== scontrol requeue failed: resubmit the job to resume from the checkpoint"
    fi
  fi
}

# hnn_run_preemptible CMD...: CMD under the launcher, so that a stop request reaches it: bash
# runs a trap only between foreground commands, so CMD runs in the background and the script
# loops on `wait`. Returns CMD's exit code; 75 (hnn train stopped after a checkpoint) requeues
# the job. Needs hnn_catch_stop first.
hnn_run_preemptible() {
  local rc
  if [[ $HNN_STOP_REQUESTED == 1 ]]; then  # stopped before the step started: nothing to save
    _hnn_requeue
    return 75
  fi
  hnn_launch_cmd
  "${HNN_LAUNCH_CMD[@]}" "$@" &  # a simple command: $! is the launcher itself, not a subshell
  HNN_STEP_PID=$!
  while kill -0 "$HNN_STEP_PID" 2>/dev/null; do wait "$HNN_STEP_PID"; done
  wait "$HNN_STEP_PID"  # the step's exit code (bash keeps it after the loop's interrupted waits)
  rc=$?
  HNN_STEP_PID=
  # A stop that reached hnn before it had installed its handlers (start-up) killed it instead:
  # that is a preemption too, resumed from the newest checkpoint (or from the start).
  if [[ $HNN_STOP_REQUESTED == 1 && $rc -ne 0 && $rc -ne 75 ]]; then
    echo "== the step ended with exit code $rc after a stop request: treated as 75 (preempted)"
    rc=75
  fi
  [[ $rc -eq 75 ]] && _hnn_requeue
  return "$rc"
}
