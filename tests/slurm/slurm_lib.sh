# shellcheck shell=bash
# A private single-node Slurm for the tests: munged with its own key and socket, slurmctld and
# slurmd in the foreground under setsid, all in one temporary directory, on free ports. Every
# daemon's PID is recorded; slurm_stop cancels the jobs and stops the daemons by those PIDs
# (never by name). Source this file, call slurm_start DIR, and `trap slurm_stop EXIT`.
#
# After slurm_start: SLURM_CONF is exported (every client and daemon reads it), and
# SLURM_TEST_DIR holds state, spool and logs (log/slurmctld.log, log/slurmd.log, log/munged.log).
# Needs root (SlurmUser=root), the Debian packages slurmctld slurmd slurm-client munge.

SLURM_PIDS=()

# slurm_available: 0 if the daemons and clients are installed.
slurm_available() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
    command -v munged >/dev/null && command -v sbatch >/dev/null
}

# A TCP port nobody listens on, from a range the kernel does not hand out as ephemeral.
_slurm_free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 10000))
    # Nothing answers a connection on it (bash's /dev/tcp; no extra tools needed).
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

# _slurm_spawn NAME CMD...: start CMD in its own session in the background, record its PID.
_slurm_spawn() {
  local name=$1
  shift
  setsid "$@" >"$SLURM_TEST_DIR/log/$name.out" 2>&1 </dev/null &
  SLURM_PIDS+=("$!")
  echo "$!" >"$SLURM_TEST_DIR/$name.pid.recorded"
}

# slurm_start DIR: configure and start munged, slurmctld, slurmd; wait until the node is idle.
# Returns non-zero (after stopping what it started) if the node does not come up in 30 s.
slurm_start() {
  SLURM_TEST_DIR=$1
  local d=$SLURM_TEST_DIR host cport dport cpus
  mkdir -p "$d"/{munge,state,spool,log}
  chmod 755 "$d" "$d/munge"
  chmod 700 "$d/log"
  host=$(hostname -s)
  cpus=$(nproc)
  cport=$(_slurm_free_port) && dport=$(_slurm_free_port) || { echo "no free port"; return 1; }
  while [[ $dport == "$cport" ]]; do dport=$(_slurm_free_port); done
  dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$d/munge/munge.key"
  _slurm_spawn munged munged -F -f --key-file="$d/munge/munge.key" \
    --socket="$d/munge/munge.socket" --pid-file="$d/munge/munged.pid" \
    --seed-file="$d/munge/munged.seed" --log-file="$d/log/munged.log"
  cat >"$d/slurm.conf" <<CONF
ClusterName=hnntest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$cport
SlurmdPort=$dport
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/munge.socket,cred_expire=5
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool/slurmd-%n
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
JobAcctGatherType=jobacct_gather/linux
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
ReturnToService=2
MpiDefault=pmix
MailProg=/bin/true
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$d/log/jobcomp.txt
JobRequeue=1
MinJobAge=600
SchedulerParameters=sched_interval=1
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=8000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$d/slurm.conf
  # munged must answer before the Slurm daemons start.
  for _ in $(seq 50); do [[ -S $d/munge/munge.socket ]] && break; sleep 0.1; done
  _slurm_spawn slurmctld slurmctld -D
  _slurm_spawn slurmd slurmd -D
  for _ in $(seq 60); do
    if sinfo -h -o %t 2>/dev/null | grep -qx idle; then return 0; fi
    sleep 0.5
  done
  echo "slurm_start: the node did not become idle in 30 s; logs:"
  tail -n 20 "$d"/log/*.log "$d"/log/*.out 2>/dev/null
  slurm_stop
  return 1
}

# slurm_stop: cancel every job of this private cluster, then stop the daemons by PID.
slurm_stop() {
  [[ ${#SLURM_PIDS[@]} -gt 0 ]] || return 0
  if [[ -n ${SLURM_CONF:-} ]]; then
    scancel --quiet --full --user="$(id -un)" 2>/dev/null
    for _ in $(seq 40); do
      [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break
      sleep 0.25
    done
  fi
  local pid k
  # slurmd, slurmctld, then munged (reverse order of start).
  for ((k = ${#SLURM_PIDS[@]} - 1; k >= 0; k--)); do
    pid=${SLURM_PIDS[k]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  SLURM_PIDS=()
}

# slurm_wait_job ID [SECONDS]: wait until job ID (or every task of array ID) has left the
# queue; prints nothing. Returns 1 on timeout.
slurm_wait_job() {
  local id=$1 limit=${2:-120} t=0
  while [[ -n $(squeue -h -j "$id" -o %i 2>/dev/null) ]]; do
    sleep 0.5
    t=$((t + 1))
    if ((t > 2 * limit)); then return 1; fi
  done
}

# slurm_job_field ID KEY: a field of `scontrol show job ID` (the first task's, for an array).
slurm_job_field() {
  scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1
}
