# shellcheck shell=bash
# Shared set-up of the Slurm workflow tests: skip (exit 77, ctest SKIP_RETURN_CODE) when Slurm
# is not installed; otherwise a temporary directory, a private Slurm in it (slurm_lib.sh) that is
# stopped by PID on every exit, the job scripts' environment, and check helpers.
# Environment (set by CTest): HNN (the executable), HNN_SOURCE_DIR.
set -u
: "${HNN:?HNN must point to the hnn executable}"
: "${HNN_SOURCE_DIR:?}"
source "$HNN_SOURCE_DIR/tests/slurm/slurm_lib.sh"
if ! slurm_available; then
  echo "SKIP: Slurm is not installed (slurmctld, slurmd, munged, sbatch); install it with" \
    "scripts/install-deps.sh --slurm"
  exit 77
fi
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/hnn-slurm-test.XXXXXX)
failures=0
T_START=$(date +%s)

_cleanup() {
  local rc=$?
  slurm_stop
  if [[ $failures -gt 0 || $rc -ne 0 ]]; then
    echo "---- job logs ----"
    find "$WORK" -name '*.log' -not -path '*/slurm/*' -print0 |
      while IFS= read -r -d '' f; do echo "== $f"; tail -n 40 "$f"; done
    echo "---- slurmctld.log (tail) ----"
    tail -n 30 "$WORK/slurm/log/slurmctld.log" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap _cleanup EXIT
trap 'echo "interrupted"; exit 1' TERM INT HUP  # so that the EXIT trap stops the daemons

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
check() {  # check DESCRIPTION CMD...: pass if CMD succeeds
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

finish() {
  echo "($(($(date +%s) - T_START)) s)"
  if [[ $failures -gt 0 ]]; then
    echo "$failures failure(s)"
    exit 1
  fi
  echo "all passed"
}

slurm_start "$WORK/slurm" || { echo "FAIL: could not start the private Slurm"; exit 1; }
cd "$WORK" || exit 1
# What the job scripts need: the source tree (jobscripts/lib.sh), the executable; sbatch
# passes the submitting environment on to the jobs.
export HNN HNN_ROOT=$HNN_SOURCE_DIR
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 HDF5_USE_FILE_LOCKING=FALSE
unset HNN_OUT HNN_LAUNCH HNN_PIPELINE_OUT HNN_SWEEP_ROOT

# job_state ID: COMPLETED, FAILED, PENDING, ...
job_state() { slurm_job_field "$1" JobState; }

# h5_attr FILE NAME: a root attribute of an HDF5 file, or nothing.
h5_attr() {
  "$PY" -c 'import h5py,sys
v=h5py.File(sys.argv[1],"r").attrs.get(sys.argv[2],"")
print(v.decode() if isinstance(v,bytes) else v)' "$1" "$2" 2>/dev/null
}

# tiny_spring FILE: a small spring data set (8 trajectories, 4 of them test), made directly.
tiny_spring() {
  OMP_NUM_THREADS=1 "$HNN" generate "$HNN_SOURCE_DIR/inputs/spring.toml" -o "$1" \
    --set data.n_trajectories=8 --set data.n_test=4 >/dev/null
}
