#!/usr/bin/env bash
# The angle-rate term on Kepler (README, "Canonical flows"), shortened: planar orbits with a = 1
# (one energy shell, where the action loss alone leaves the angles free), 2-D, trained on
# e = 0.2, 0.4, 0.6 and evaluated on held-out e = 0.3 and 0.5; a small inputs/train_kepler.toml
# stack (2 blocks, width 32, 296 parameters), 4000 steps with angle_weight = 0 and = 1 (about
# 7 s and 14 s). On each orbit's rotating plane (the one with the largest action), measured:
#   angle residual (% of 2π)   e = 0.3   e = 0.5        ω − 1     e = 0.3   e = 0.5
#   action loss only             4.1      10.2                    −0.012    −0.036
#   with the angle-rate term     4.1       0.85                   +0.012    +0.0005
# Checked: the term at least halves the mean residual over the two orbits (measured ×0.34); with
# it |ω − 1| < 0.02 on both; its e = 0.5 residual is 0.0085 within a factor 2 (training is
# chaotic in rounding: another compiler or CPU may move it; a factor 2 still catches a broken
# term, which leaves it near 0.10); the maps are canonical (symplectic_error < 1e-12).
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export OMP_NUM_THREADS=1
SRC=$HNN_SOURCE_DIR

g=(--set system.dim=2 --set data.n_times=256 --set data.t_end=8 --set data.n_test=0)
"$HNN" generate "$SRC/inputs/kepler.toml" -o k.h5 "${g[@]}" --set data.n_trajectories=6 \
  --set 'system.eccentricities=[0.2,0.4,0.6]' >/dev/null || fail "generate"
"$HNN" generate "$SRC/inputs/kepler.toml" -o held_out.h5 "${g[@]}" --set data.n_trajectories=4 \
  --set data.seed=1 --set 'system.eccentricities=[0.3,0.5]' >/dev/null || fail "generate held out"
for w in 0 1; do
  "$HNN" train "$SRC/inputs/train_kepler.toml" --set data.path=k.h5 --set train.steps=4000 \
    --set 'train.milestones=[3000,3600]' --set train.angle_weight=$w --set train.times=128 \
    --set train.batch=6 --set model.repeat=2 --set 'model.hidden=[32]' --set output.path=m$w.h5 \
    --set checkpoint.every=0 >train$w.txt || fail "train (angle_weight $w): $(cat train$w.txt)"
  "$HNN" evaluate m$w.h5 -o ev$w.h5 --set evaluate.data=held_out.h5 --set evaluate.split=train \
    >ev$w.txt || fail "evaluate (angle_weight $w): $(cat ev$w.txt)"
done
if $PY - <<'PY'; then
import re, h5py, numpy as np
def rotating(path):
    """Per held-out eccentricity: (angle residual, ω) of the plane with the largest action."""
    f = h5py.File(path, "r")
    r, om, res = (f["flow/" + k][...] for k in ("r_mean", "omega", "angle_residual"))
    e = 1 - h5py.File("held_out.h5", "r")["trajectories/x"][:, 0, 0]
    out = {}
    for j in range(r.shape[0]):
        i = int(np.argmax(r[j]))
        out[round(float(e[j]), 6)] = (res[j, i], om[j, i])
    return out
a, b = rotating("ev0.h5"), rotating("ev1.h5")
assert sorted(a) == [0.3, 0.5], a
for e in (0.3, 0.5):
    print(f"e = {e}: residual {a[e][0]:.4f} -> {b[e][0]:.4f}, omega {a[e][1]:.4f} -> {b[e][1]:.4f}")
mean0, mean1 = (np.mean([d[e][0] for e in (0.3, 0.5)]) for d in (a, b))
ok = mean1 <= 0.5 * mean0 and all(abs(b[e][1] - 1) < 0.02 for e in (0.3, 0.5))
ok = ok and 0.5 < b[0.5][0] / 0.0085 < 2
for w in (0, 1):
    m = dict(re.findall(r"^\s+(\w+)\s+(\S+)", open(f"ev{w}.txt").read(), re.M))
    ok = ok and float(m["symplectic_error"]) < 1e-12
raise SystemExit(0 if ok else 1)
PY
  pass "the angle-rate term makes the rotating plane's angle linear"
else
  fail "Kepler angle-rate term: $(cat ev0.txt ev1.txt)"
fi
finish
