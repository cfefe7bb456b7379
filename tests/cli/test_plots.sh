#!/usr/bin/env bash
# scripts/hnn_plot.py without Slurm: a Poincaré section of a Hénon–Heiles data set (the crossings
# found must lie on the section's energy surface), loss curves from a run directory that has
# only a checkpoint, PDF output, and a clear error for the wrong kind of file.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export OMP_NUM_THREADS=1
PLOT=("$PY" "$HNN_SOURCE_DIR/scripts/hnn_plot.py")
"$HNN" generate "$HNN_SOURCE_DIR/inputs/henon_heiles.toml" -o hh.h5 --set data.n_trajectories=3 \
  --set data.t_end=100.0 --set data.n_times=4001 --set output.gzip=0 >/dev/null || fail "generate"
"${PLOT[@]}" poincare hh.h5 -o hh.png --pdf >out.txt && [[ -s hh.png && -s hh.pdf ]] &&
  pass "poincare: $(tr '\n' ' ' <out.txt)" || fail "poincare: $(cat out.txt)"
# The crossings themselves: at x = 0, H = (px² + py²)/2 + y²/2 − y³/3 = 1/8 fixes px > 0 from
# (y, py); the interpolated px must agree (linear interpolation over dt = 0.025: error ~1e-4).
PYTHONDONTWRITEBYTECODE=1 $PY - "$HNN_SOURCE_DIR/scripts" <<'PYEOF' && pass "crossings lie on the section of the energy surface (px to 1e-3)" || fail "crossings"
import sys; sys.path.insert(0, sys.argv[1])
import h5py, numpy as np, hnn_plot
x = h5py.File("hh.h5", "r")["trajectories/x"][...]
pts = np.concatenate(hnn_plot.crossings(x, 0, 1, 3))
px = np.concatenate(hnn_plot.crossings(x, 0, 2, 2))[:, 0]
assert len(pts) > 20, len(pts)
y, py = pts[:, 0], pts[:, 1]
px_h = np.sqrt(2 * (0.125 - py**2 / 2 - y**2 / 2 + y**3 / 3))
assert (px > 0).all() and np.abs(px - px_h).max() < 1e-3, np.abs(px - px_h).max()
PYEOF
"$HNN" generate "$HNN_SOURCE_DIR/inputs/spring.toml" -o s.h5 --set data.n_trajectories=4 \
  --set data.n_test=2 >/dev/null || fail "generate spring"
"$HNN" train "$HNN_SOURCE_DIR/inputs/train_spring.toml" --set 'data.path="s.h5"' \
  --set 'model.hidden=[8]' --set train.steps=20 --set train.log_every=5 \
  --set 'output.path="run/model.h5"' >/dev/null || fail "train"
rm run/model.h5
"${PLOT[@]}" loss run -o loss.png >/dev/null && [[ -s loss.png ]] &&
  pass "loss curves from a run directory with only checkpoints" || fail "loss from checkpoints"
err=$("${PLOT[@]}" phase s.h5 -o x.png 2>&1 >/dev/null)
[[ $err == *"format is 'hnn-trajectories', expected 'hnn-evaluation'"* && ! -e x.png ]] &&
  pass "wrong file: $err" || fail "wrong file: '$err'"
err=$("${PLOT[@]}" poincare s.h5 -o y.png 2>&1 >/dev/null)
[[ $err == *"needs at least 2 degrees of freedom"* ]] && pass "1-dof Poincaré: $err" ||
  fail "1-dof Poincaré: '$err'"
finish
