#!/usr/bin/env bash
# `hnn summarize` over run directories in every state: a finished and evaluated run (done, with
# its metrics and resolved input), a run with only a checkpoint (unfinished), a sweep task whose
# status file says failed (its row's overrides still listed), a directory with a damaged model
# file (failed); two models with their evaluations in one directory (two rows); `hnn input` prints the
# stored input; a missing directory is an error.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export OMP_NUM_THREADS=1
"$HNN" generate "$HNN_SOURCE_DIR/inputs/spring.toml" -o spring.h5 --set data.n_trajectories=6 \
  --set data.n_test=2 >/dev/null || fail "generate"
"$HNN" train "$HNN_SOURCE_DIR/inputs/train_spring.toml" --set 'data.path="spring.h5"' \
  --set 'model.hidden=[8]' --set train.steps=20 --set train.log_every=10 \
  --set 'output.path="finished/model.h5"' >/dev/null || fail "train"
"$HNN" evaluate finished/model.h5 -o finished/eval.h5 --set evaluate.n_rollouts=5 --set evaluate.t_end=1 \
  --set evaluate.n_times=10 >/dev/null || fail "evaluate"
# Two runs in one directory (as scripts/reproduce.sh writes them): one row per model file, each
# with its own evaluation.
"$HNN" train "$HNN_SOURCE_DIR/inputs/train_spring.toml" --set 'data.path="spring.h5"' \
  --set 'model.hidden=[8]' --set train.steps=10 --set model.kind=baseline \
  --set 'output.path="two/baseline.h5"' >/dev/null || fail "train baseline"
cp finished/model.h5 two/hnn.h5
for k in hnn baseline; do
  "$HNN" evaluate "two/$k.h5" -o "two/eval_$k.h5" --set evaluate.n_rollouts=5 \
    --set evaluate.t_end=1 --set evaluate.n_times=10 >/dev/null || fail "evaluate $k"
done
"$HNN" summarize two -o two.h5 >/dev/null || fail "summarize two"
$PY - <<'PYEOF' && pass "two models in one directory: two rows, each with its evaluation" || fail "two models"
import csv
rows = list(csv.DictReader(open("two.csv")))
assert [(r["model_file"], r["eval_file"], r["model"]) for r in rows] == [
    ("baseline.h5", "eval_baseline.h5", "baseline"), ("hnn.h5", "eval_hnn.h5", "hnn")], rows
assert rows[0]["steps"] == "10" and rows[1]["steps"] == "20"
assert "energy_drift_model" not in rows[0] or rows[0]["metric.energy_drift_model"] == ""
assert rows[1]["metric.energy_drift_model"] != ""
PYEOF
mkdir -p unfinished/checkpoints failed damaged
cp finished/checkpoints/ckpt-000000020.h5 unfinished/checkpoints/
echo "running" >unfinished/status
echo "failed (exit code 1)" >failed/status
echo 'model.hidden=[16,16]  train.lr=3e-3 output.path="x.h5"' >failed/overrides.txt
echo "not hdf5" >damaged/model.h5

"$HNN" summarize finished unfinished failed damaged -o s.h5 >out.txt &&
  grep -q "4 run(s): 1 done, 1 unfinished, 2 failed" out.txt && pass "summary line: $(tail -1 out.txt)" ||
  fail "summarize: $(cat out.txt)"
$PY - <<'PYEOF' && pass "table: statuses, metrics, resolved input, NaN for missing numbers" || fail "table"
import csv, h5py, math
rows = list(csv.DictReader(open("s.csv")))
assert [r["run"] for r in rows] == ["finished", "unfinished", "failed", "damaged"], rows
assert [r["status"] for r in rows] == ["done", "unfinished", "failed", "failed"]
d, u, f, x = rows
assert d["model"] == "hnn" and d["eval_file"] == "eval.h5" and d["steps"] == "20"
assert math.isfinite(float(d["metric.energy_mse"])) and float(d["train_loss"]) > 0
assert d["input.train.steps"] == "20" and d["input.model.hidden"] == "[8]", d
assert u["steps"] == "20" and "step 20" in u["detail"] and u["input.train.steps"] == "20", u
assert f["detail"] == "failed (exit code 1)" and f["metric.energy_mse"] == ""
assert f["input.train.lr"] == "3e-3" and f["input.model.hidden"] == "[16,16]", f
assert f["input.output.path"] == "x.h5" and x["input.train.lr"] == "", (f, x)
assert "unreadable: model.h5" in x["detail"], x
with h5py.File("s.h5", "r") as h:
    assert h.attrs["format"] == "hnn-summary" and h.attrs["n_runs"] == 4
    assert math.isnan(h["runs/metric.energy_mse"][1]) and h["runs/steps"][0] == 20
    assert h["runs/status"][3].decode() == "failed"
    assert h.attrs["columns"].split(",")[:3] == ["run", "status", "detail"]
PYEOF
expect_error "existing output" "s.csv: output exists" "$HNN" summarize finished -o s.h5
"$HNN" summarize finished -o s.h5 --overwrite >/dev/null && pass "--overwrite" || fail "--overwrite"
expect_error "missing directory" "nope: not a directory" "$HNN" summarize finished nope -o t.h5
[[ ! -e t.h5 && ! -e t.csv ]] || fail "a failed summarize left t.h5/t.csv"
"$HNN" input finished/model.h5 | grep -qx "steps = 20" && pass "hnn input prints the stored input" ||
  fail "hnn input: $("$HNN" input finished/model.h5 2>&1 | head -5)"
expect_error "input of a non-hnn file" "not an HDF5 file|cannot open" "$HNN" input damaged/model.h5
finish
