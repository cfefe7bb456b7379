#!/usr/bin/env bash
# A parameter sweep as a job array: jobscripts/submit-sweep.sh submits one task per row of the
# checked-in table jobscripts/sweeps/spring_hidden_lr.sweep (4 rows, at most 2 at a time, each
# task trained and evaluated with HNN_LAUNCH=mpirun) and a summary job after them (afterany);
# every task's directory must hold its results and resolved input, and the summary table must
# have one row per task with the row's overrides.
source "$(dirname "$0")/common.sh"

tiny_spring spring.h5 || fail "generate"
cat >train.toml <<TOML
[data]
path = "$WORK/spring.h5"
[model]
kind = "hnn"
[train]
steps = 30
log_every = 10
[checkpoint]
every = 0
TOML
cat >eval.toml <<'TOML'
[evaluate]
n_rollouts = 5
t_end = 2.0
n_times = 20
TOML
table=$HNN_SOURCE_DIR/jobscripts/sweeps/spring_hidden_lr.sweep
HNN_LAUNCH=mpirun HNN_SWEEP_MAX=2 "$HNN_SOURCE_DIR/jobscripts/submit-sweep.sh" "$table" train.toml \
  eval.toml -- --time=00:06:00 >submit.txt 2>&1 || fail "submit-sweep.sh: $(cat submit.txt)"
cat submit.txt
array=$(sed -n 's/.*array job \([0-9]*\),.*/\1/p' submit.txt)
summary=$(sed -n 's/.*summary job \([0-9]*\) .*/\1/p' submit.txt)
[[ -n $array && -n $summary ]] || fail "no job ids from submit-sweep.sh"
[[ $(slurm_job_field "$array" ArrayTaskThrottle) == 2 ]] && pass "array throttled to 2 tasks at a time" ||
  fail "array job $array: ArrayTaskThrottle $(slurm_job_field "$array" ArrayTaskThrottle)"
slurm_wait_job "$summary" 150 || fail "summary job $summary still queued after 150 s"
for t in 0 1 2 3; do
  st=$(scontrol show job "${array}_$t" 2>/dev/null | tr ' ' '\n' | sed -n 's/^JobState=//p' | head -1)
  [[ $st == COMPLETED ]] || fail "task $t: $st"
done
[[ $(job_state "$summary") == COMPLETED ]] || fail "summary job: $(job_state "$summary")"
[[ $(slurm_job_field "${array}_0" TimeLimit) == 00:06:00 && $(slurm_job_field "$summary" TimeLimit) == 00:06:00 ]] &&
  pass "sbatch options after -- reach the tasks and the summary job" || fail "--time not passed on"
ls hnn-sweep-"${array}"_{0,1,2,3}.log >/dev/null 2>&1 && pass "logs named by array and task id" ||
  fail "logs hnn-sweep-${array}_N.log missing: $(ls)"

grep -q "launcher: mpirun;" "hnn-sweep-${array}_0.log" && pass "tasks launched with HNN_LAUNCH=mpirun" ||
  fail "task 0 not launched with mpirun"
mapfile -t rows < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$table")
for t in 0 1 2 3; do
  d=runs/spring_hidden_lr/$t
  hidden=$(sed -n 's/.*model.hidden=\(\[[0-9,]*\]\).*/\1/p' <<<"${rows[t]}")
  ok=1
  for f in model.h5 eval.h5 input.toml overrides.txt status; do [[ -f $d/$f ]] || ok=0; done
  [[ $ok == 1 && $(cat "$d/status") == "done" && $(cat "$d/overrides.txt") == "${rows[t]}" ]] &&
    grep -qxF "hidden = ${hidden//,/, }" "$d/input.toml" &&
    pass "task $t: results, status done, resolved input (hidden = $hidden) beside them" ||
    fail "task $t: $(ls "$d" 2>&1 | tr '\n' ' ') status '$(cat "$d/status" 2>/dev/null)'"
done
"$PY" - runs/spring_hidden_lr/summary.h5 runs/spring_hidden_lr/summary.csv "$table" <<'PYEOF' &&
import csv, h5py, math, sys
h5, csvp, table = sys.argv[1:4]
rows = [l.split("#")[0].split() for l in open(table)]
rows = [r for r in rows if r]
with h5py.File(h5, "r") as f:
    assert f.attrs["format"] == "hnn-summary" and f.attrs["n_runs"] == 4
    r = f["runs"]
    runs = [s.decode() for s in r["run"][...]]
    assert [x.rsplit("/", 1)[-1] for x in runs] == ["0", "1", "2", "3"], runs
    assert all(s.decode() == "done" for s in r["status"][...])
    lrs = [float(s.decode()) for s in r["input.train.lr"][...]]
    want = [float(dict(w.split("=", 1) for w in row)["train.lr"]) for row in rows]
    assert lrs == want, (lrs, want)
    assert all(math.isfinite(v) and v > 0 for v in r["metric.energy_mse"][...])
    assert list(r["n_params"][...]) == [1184.0, 1184.0, 4416.0, 4416.0], list(r["n_params"][...])
with open(csvp) as c:
    table_rows = list(csv.DictReader(c))
assert len(table_rows) == 4 and table_rows[3]["input.model.hidden"] == "[64, 64]", table_rows[3]
PYEOF
  pass "summary (HDF5 + CSV): 4 rows, all done, lr and width as in the table, finite energy MSE" ||
  fail "summary table wrong"
"$PY" "$HNN_SOURCE_DIR/scripts/hnn_plot.py" heatmap runs/spring_hidden_lr/summary.h5 \
  --x input.model.hidden --y input.train.lr -o heat.png >/dev/null && [[ -s heat.png ]] &&
  pass "sweep heat map" || fail "heat map"
finish
