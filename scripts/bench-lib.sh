# Shared by the app-level benchmark scripts (source it). The caller defines
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

# launch CONFIG LOG CMD...: runs CMD as configuration CONFIG (t1r1, t2r1, t1r2), output to LOG;
# on failure prints "SCRIPT: CONFIG failed:" and the log to stderr and exits 1.
launch() {
  local config=$1 log=$2
  shift 2
  case "$config" in
    t1r1) OMP_NUM_THREADS=1 "$@" > "$log" 2>&1 ;;
    t2r1) OMP_NUM_THREADS=2 "$@" > "$log" 2>&1 ;;
    t1r2) mpirun -np 2 --oversubscribe -x OMP_NUM_THREADS=1 "$@" > "$log" 2>&1 ;;
  esac || { echo "$(basename "$0"): $config failed:" >&2; cat "$log" >&2; exit 1; }
}
