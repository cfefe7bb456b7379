#!/usr/bin/env bash
# Regression test: shortened versions of the Greydanus et al. (2019) reference tasks
# (scripts/reproduce.sh runs the full ones), with the reference architecture (2·dof → 200 → 200
# → 1, tanh, orthogonal init) and data, fewer steps:
#   spring, pendulum, real pendulum: 300 full-batch steps (the reference: 2000)
#   two-body: 250 orbits (50 test) instead of 1000, 500 steps of batch 200 (the reference: 10 000)
# About 50 s on one core.
#
# Pinned values were measured with seed 0 (build of 2026-11-28, GCC 12, -march=native on an AMD
# EPYC). A run on the same build is bitwise reproducible; the tolerances absorb what changes
# with the CPU and compiler flags (vector width, FMA contraction):
#   final train and test loss: 3% relative (300 Adam steps from the same start amplify rounding
#     differences only mildly; a real regression, e.g. a wrong gradient, moves them by far more);
#   energy MSE along rollouts: within a factor 2 (rollouts over 20 time units amplify small
#     model differences).
# Physics assertions beside them, as in the paper: the HNN's energy MSE is below the baseline's
# on every task, by >= 100x on the spring and two-body.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export OMP_NUM_THREADS=1
IN=$HNN_SOURCE_DIR/inputs

"$HNN" generate "$IN/spring.toml" -o spring.h5 >/dev/null || fail "generate spring"
"$HNN" generate "$IN/pendulum.toml" -o pendulum.h5 >/dev/null || fail "generate pendulum"
"$HNN" generate "$IN/two_body.toml" -o two_body.h5 --set data.n_trajectories=250 \
  --set data.n_test=50 >/dev/null || fail "generate two_body"
"$HNN" import "$HNN_SOURCE_DIR/data/real_pend_h_1.txt" --columns id,t,q,p --as-points \
  --test-rows 444:554 -o real_pendulum.h5 >/dev/null || fail "import real pendulum"

# run TASK KIND STEPS [EVALUATE ARGS...]: trains and evaluates; prints "train test energy".
run() {
  local task=$1 kind=$2 steps=$3
  shift 3
  "$HNN" train "$IN/train_$task.toml" --set data.path="$task.h5" --set model.kind="$kind" \
    --set train.steps="$steps" --set train.log_every="$steps" --set checkpoint.every=0 \
    --set output.path="${task}_$kind.h5" --set checkpoint.dir="ck_${task}_$kind" > train.log ||
    { fail "train $task $kind: $(tail -n 3 train.log)"; return; }
  "$HNN" evaluate "${task}_$kind.h5" -i "$IN/evaluate_$task.toml" "$@" -o "ev_${task}_$kind.h5" \
    > eval.log || { fail "evaluate $task $kind: $(tail -n 3 eval.log)"; return; }
  local losses energy
  losses=$(sed -n 's/.*train loss \([^,]*\), test loss \([^,]*\),.*/\1 \2/p' train.log)
  energy=$(awk '$1 == "energy_mse" { print $2 }' eval.log)
  echo "$losses $energy"
}

# check NAME "MEASURED" "PINNED": MEASURED and PINNED are "train test energy".
check() {
  local name=$1
  if awk -v m="$2" -v p="$3" 'BEGIN {
        split(m, a, " "); split(p, b, " ");
        for (i = 1; i <= 2; ++i) if (!(a[i] > 0) || (a[i] - b[i]) / b[i] > 0.03 || (b[i] - a[i]) / b[i] > 0.03) exit 1;
        if (!(a[3] > 0) || a[3] > 2 * b[3] || a[3] < b[3] / 2) exit 1 }'; then
    pass "$name: train/test/energy $2 (pinned $3)"
  else
    fail "$name: train/test/energy $2, pinned $3 (3% on losses, factor 2 on energy)"
  fi
}

# ratio NAME HNN BASELINE MIN: energy MSE of the baseline / the HNN's >= MIN.
ratio() {
  local e_h e_b
  e_h=$(cut -d' ' -f3 <<<"$2")
  e_b=$(cut -d' ' -f3 <<<"$3")
  if awk -v h="$e_h" -v b="$e_b" -v r="$4" 'BEGIN { exit !(h > 0 && b / h >= r) }'; then
    pass "$1: baseline/HNN energy MSE $(awk -v h="$e_h" -v b="$e_b" 'BEGIN { printf "%.0f", b / h }')x >= $4x"
  else
    fail "$1: baseline $e_b vs HNN $e_h energy MSE, expected a ratio >= $4"
  fi
}

sp_h=$(run spring hnn 300);         check "spring HNN" "$sp_h" "3.910388e-02 3.711258e-02 4.60e-05"
sp_b=$(run spring baseline 300);    check "spring baseline" "$sp_b" "3.904286e-02 3.644608e-02 5.23e-02"
ratio "spring" "$sp_h" "$sp_b" 100
pe_h=$(run pendulum hnn 300);       check "pendulum HNN" "$pe_h" "3.813510e-02 3.599492e-02 5.17e-04"
pe_b=$(run pendulum baseline 300);  check "pendulum baseline" "$pe_b" "5.077017e-02 4.202509e-02 4.50e-02"
ratio "pendulum" "$pe_h" "$pe_b" 1
re_h=$(run real_pendulum hnn 300);  check "real pendulum HNN" "$re_h" "9.902049e-03 7.372734e-03 1.72e-02"
re_b=$(run real_pendulum baseline 300); check "real pendulum baseline" "$re_b" "3.608545e-03 2.918358e-03 3.51e-01"
ratio "real pendulum" "$re_h" "$re_b" 1
tb_h=$(run two_body hnn 500 --set evaluate.n_rollouts=5);      check "two-body HNN" "$tb_h" "1.535597e-04 1.652605e-04 5.90e-04"
tb_b=$(run two_body baseline 500 --set evaluate.n_rollouts=5); check "two-body baseline" "$tb_b" "3.408375e-04 2.986212e-04 5.35e-01"
ratio "two-body" "$tb_h" "$tb_b" 100
finish
