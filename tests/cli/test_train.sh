#!/usr/bin/env bash
# `hnn train` as a user runs it: a short real run, the stop-signal exit code, and bad input
# ending in one clear line, a non-zero exit and no model file.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export OMP_NUM_THREADS=1
"$HNN" generate "$HNN_SOURCE_DIR/inputs/spring.toml" -o spring.h5 --set data.n_trajectories=6 \
  --set data.n_test=2 >/dev/null || fail "generate"
base="$HNN_SOURCE_DIR/inputs/train_spring.toml"
small=(--set 'data.path="spring.h5"' --set 'model.hidden=[8]' --set train.steps=20
       --set train.log_every=10)

"$HNN" train "$base" "${small[@]}" --set 'output.path="m.h5"' >out.txt &&
  grep -q "^step 20/20 train " out.txt && grep -q "hnn train: wrote m.h5" out.txt &&
  [[ -f m.h5 && -f checkpoints/ckpt-000000020.h5 ]] && pass "short run" ||
  fail "short run: $(cat out.txt)"

# SIGTERM to a running `hnn train`: a checkpoint of the step it stopped at, exit 75 (what the
# job scripts requeue on), no model file; --restart auto then finishes the run. 10^6 steps so
# the run is still going when the signal comes, whatever the machine (it stops within a step).
"$HNN" train "$base" "${small[@]}" --set train.steps=1000000 --set train.log_every=100 \
  --set 'output.path="s.h5"' --set 'checkpoint.dir="sck"' >sig.txt 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q "^step " sig.txt && break; sleep 0.05; done
kill -TERM "$pid"
wait "$pid"
rc=$?
stopped=$(sed -n 's/^hnn train: stopped at step \([0-9]*\) by a signal.*/\1/p' sig.txt)
[[ $rc -eq 75 && -n $stopped && -f sck/ckpt-$(printf %09d "${stopped:-0}").h5 && ! -e s.h5 ]] &&
  pass "SIGTERM: exit 75 at step $stopped, checkpoint written, no model file" ||
  fail "SIGTERM: exit $rc, stopped at '${stopped}'; $(tail -n 2 sig.txt)"
"$HNN" train "$base" "${small[@]}" --set train.steps=$((stopped + 10)) --set train.log_every=100 \
  --set 'output.path="s.h5"' --set 'checkpoint.dir="sck"' --restart auto >res.txt 2>&1 &&
  grep -q "resuming from .*ckpt-0*$stopped.h5 (step $stopped)" res.txt && [[ -f s.h5 ]] &&
  pass "--restart auto resumes from step $stopped and writes the model" ||
  fail "resume: $(tail -n 3 res.txt)"

mkdir bad && cd bad
expect_error "existing output" "m.h5: output exists" \
  "$HNN" train "$base" "${small[@]}" --set "data.path=\"$WORK/spring.h5\"" --set "output.path=\"$WORK/m.h5\""
expect_error "missing data file" "nope.h5: not an HDF5 file" \
  "$HNN" train "$base" "${small[@]}" --set 'data.path="nope.h5"' --set 'output.path="a.h5"'
expect_error "unknown key" "unknown key 'stpes' in \[train\]" \
  "$HNN" train "$base" "${small[@]}" --set "data.path=\"$WORK/spring.h5\"" --set train.stpes=3 --set 'output.path="a.h5"'
expect_error "relu HNN" "\[model\] activation = \"relu\": relu has no second derivative" \
  "$HNN" train "$base" "${small[@]}" --set "data.path=\"$WORK/spring.h5\"" --set model.activation=relu --set 'output.path="a.h5"'
expect_error "zero steps" "\[train\] steps = 0: must be an integer >= 1" \
  "$HNN" train "$base" "${small[@]}" --set "data.path=\"$WORK/spring.h5\"" --set train.steps=0 --set 'output.path="a.h5"'
expect_error "diverging run" "step [0-9]+: (loss is|non-finite)" \
  "$HNN" train "$base" "${small[@]}" --set "data.path=\"$WORK/spring.h5\"" --set train.lr=1e300 --set 'output.path="a.h5"'
[[ ! -e a.h5 ]] || fail "a model file was left behind"
finish
