# Shared by the app-level benchmark scripts (source it).
#
# bench_init BUILD_DIR [EXE...]: the scripts' common start. Sets build (absolute path), hnn
# (build/hnn), repeats ($REPEATS, 3), steps ($STEPS, 20) and tmp (a temporary directory removed
# on exit); allows mpirun as root; exits with one line when hnn or an EXE (a path under the build
# directory) is not built.
bench_init() {
  build=$(cd "$1" && pwd)
  shift
  hnn="$build/hnn"
  local exe
  for exe in "$hnn" "${@/#/$build/}"; do
    [[ -x "$exe" ]] || { echo "$(basename "$0"): $exe not found (build first: scripts/build.sh)" >&2; exit 1; }
  done
  repeats=${REPEATS:-3}
  steps=${STEPS:-20}
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
}

# bench_kernel EXE: prints the machine line, runs the Google Benchmark executable build/EXE (its
# whole output kept in $tmp/kernel.txt) and prints its BEST OF summary.
bench_kernel() {
  echo "# $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $("$hnn" --version | head -n 1)"
  "$build/$1" | tee "$tmp/kernel.txt" | sed -n '/BEST OF/,$p'
}

# The caller defines
#   run CONFIG    one timed run of configuration CONFIG (t1r1: 1 thread x 1 rank, t2r1: 2 threads
#                 x 1 rank, t1r2: 1 thread x 2 ranks); prints its rate
# (usually with launch, below) and calls
#   best_of_configs REPEATS NAME UNIT
# which runs the three configurations in turn REPEATS times (interleaved, so all see the same
# machine state) and prints "NAME_per_s CONFIG BEST" and "NAME_efficiency CONFIG BEST/(2 BEST_t1r1)".
best_of_configs() {
  local repeats=$1 name=$2 unit=$3 r c rate
  declare -A best=([t1r1]=0 [t2r1]=0 [t1r2]=0)
  for ((r = 1; r <= repeats; ++r)); do
    for c in t1r1 t2r1 t1r2; do
      rate=$(run "$c")
      echo "# repeat $r $c $rate $unit"
      best[$c]=$(awk -v a="${best[$c]}" -v b="$rate" 'BEGIN { print (b > a ? b : a) }')
    done
  done
  for c in t1r1 t2r1 t1r2; do echo "${name}_per_s $c ${best[$c]}"; done
  for c in t2r1 t1r2; do
    awk -v n="$name" -v c="$c" -v r="${best[$c]}" -v r1="${best[t1r1]}" \
        'BEGIN { printf "%s_efficiency %s %.4f\n", n, c, r / (2 * r1) }'
  done
}

# launch CONFIG LOG CMD...: runs CMD as configuration CONFIG = tTrR (T OpenMP threads on each of
# R MPI ranks; t1r1, t2r1, t1r2, t1r16, ...), output to LOG; on failure prints "SCRIPT: CONFIG
# failed:" and the log to stderr and exits 1.
launch() {
  local config=$1 log=$2
  shift 2
  [[ $config =~ ^t([0-9]+)r([0-9]+)$ ]] || { echo "$(basename "$0"): bad configuration $config" >&2; exit 1; }
  local t=${BASH_REMATCH[1]} r=${BASH_REMATCH[2]}
  if ((r == 1)); then
    OMP_NUM_THREADS=$t "$@" > "$log" 2>&1
  else
    mpirun -np "$r" --oversubscribe -x OMP_NUM_THREADS="$t" "$@" > "$log" 2>&1
  fi || { echo "$(basename "$0"): $config failed:" >&2; cat "$log" >&2; exit 1; }
}

# train_rate CONFIG: one run of `hnn ${args[@]}` (an hnn train command line) as CONFIG; prints
# its steps/s from the phase table: $steps / (batch + gradient + allreduce + optimizer seconds),
# so start-up, data reading and output do not count.
train_rate() {
  local log="$tmp/log"
  launch "$1" "$log" "$hnn" "${args[@]}"
  awk -v n="$steps" '$1 ~ /^(batch|gradient|allreduce|optimizer)$/ { s += $2 } END { print n / s }' "$log"
}

# reference_train_args MODEL: writes the reference problem's data set to $tmp and sets args to
# its `hnn train` command line ($steps steps, no checkpoints, output in $tmp):
#   hnn   the reference HNN 2 -> 200 -> 200 -> 1 (inputs/train_spring.toml) on a spring set of
#         11 250 training samples, global batch 4096;
#   flow  the reference flow stack (inputs/train_kepler.toml, F of width 512, n = 3) with the
#         action loss alone (no angle-rate term), global batch 16 trajectories x 256 times.
reference_train_args() {
  local common=(--set train.steps="$steps" --set train.log_every="$steps" --set checkpoint.every=0
                --set output.path="$tmp/model.h5" --overwrite)
  case $1 in
    hnn)
      "$hnn" generate inputs/spring.toml --set data.n_trajectories=400 -o "$tmp/spring.h5" > /dev/null
      args=(train inputs/train_spring.toml --set data.path="$tmp/spring.h5" --set train.batch=4096
            "${common[@]}") ;;
    flow)
      "$hnn" generate inputs/kepler.toml --set data.n_trajectories=16 --set data.n_test=0 \
        --set data.n_times=1024 -o "$tmp/kepler.h5" > /dev/null
      args=(train inputs/train_kepler.toml --set data.path="$tmp/kepler.h5" --set 'model.hidden=[512]'
            --set train.angle_weight=0 --set train.batch=16 --set train.times=256 "${common[@]}") ;;
  esac
}
