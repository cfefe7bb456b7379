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
