#!/usr/bin/env bash
# The Hamiltonian Generative Network end to end and shortened: `hnn generate` renders a tiny
# spring rollout set (16×16 frames; the HGN inputs are 32×32), `hnn train` fits a narrowed HGN
# for a few steps on 1 and on 2 MPI ranks (same parameters: noise and minibatches depend on
# (seed, step, unit) only), a run restarted from its middle checkpoint ends bitwise where the
# uninterrupted run ends (GECO's state is in the checkpoint), and bad [model] keys give one-line
# errors; `hnn evaluate` of the 60-step model (output shapes and figures recomputed here) and
# scripts/plot_hgn_rollouts.py. About 15 s on a loaded 2-core machine. The tiny decoder has no
# dense hidden layer (dec_hidden = []; the FD test covers two): with one of 128 the 60 steps only
# took the test pixel MSE from 0.23 to 0.19, without it to 0.013.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
SRC=$HNN_SOURCE_DIR
small=(--set data.n_trajectories=16 --set data.n_test=4 --set data.n_times=8 --set data.t_end=0.7
       --set render.size=16)
OMP_NUM_THREADS=1 "$HNN" generate "$SRC/inputs/hgn_spring.toml" -o s.h5 "${small[@]}" >/dev/null || fail "generate"
$PY - <<'PY' && pass "frames and perturbed initial states" || fail "frames"
import h5py, numpy as np
f = h5py.File("s.h5", "r")
a = f["trajectories/frames"][...]
assert a.shape == (16, 8, 256), a.shape
assert f.attrs["initial_noise_std"] == 0.1
x = f["trajectories/x"][...]
r = np.hypot(x[:, 0, 0], x[:, 0, 1])
# r ~ U[0.1, 1) plus σ = 0.1 per component: some radii leave [0.1, 1) (16 draws: measured 3).
assert r.max() < 1.5 and ((r < 0.1) | (r > 1.0)).any(), r
e = x[..., 0] ** 2 + x[..., 1] ** 2  # H = q² + p² is conserved along each (exact) trajectory
assert np.abs(e - e[:, :1]).max() < 1e-8
PY

tiny=(--set data.path=s.h5 --set model.input_frames=2 --set model.rollout=8 --set model.latent_dof=1
      --set 'model.enc_channels=[4,4]' --set model.dec_channels=4 --set 'model.dec_hidden=[]' --set 'model.hidden=[16]'
      --set train.batch=6 --set train.chunk=2 --set train.log_every=5 --set train.lr=3e-3
      --set checkpoint.keep=5)
OMP_NUM_THREADS=2 "$HNN" train "$SRC/inputs/train_hgn_spring.toml" "${tiny[@]}" --set train.steps=60 \
  --set checkpoint.every=0 --set output.path=long.h5 >long.txt || fail "train: $(cat long.txt)"
grep -q "hgn model" long.txt && grep -q "rollouts of 8 frames" long.txt && pass "train runs the hgn" || fail "start-up line: $(head -3 long.txt)"
$PY - <<'PY' && pass "training lowers the test pixel MSE" || fail "test loss did not fall"
import h5py
h = h5py.File("long.h5", "r")
t = h["history/test_loss"][...]; print("test pixel MSE", t[0], "->", t[-1])
assert t[-1] < 0.7 * t[0], t  # 60 steps at lr 3e-3: the decoder learns the mean frame at least
PY

OMP_NUM_THREADS=1 "$HNN" train "$SRC/inputs/train_hgn_spring.toml" "${tiny[@]}" --set train.steps=20 \
  --set checkpoint.every=10 --set checkpoint.dir=ck1 --set output.path=r1.h5 >r1.txt || fail "train 1 rank"
"$MPIEXEC" -n 2 --oversubscribe env OMP_NUM_THREADS=1 "$HNN" train "$SRC/inputs/train_hgn_spring.toml" \
  "${tiny[@]}" --set train.steps=20 --set checkpoint.every=0 --set checkpoint.dir=ck2 \
  --set output.path=r2.h5 >/dev/null 2>&1 || fail "train 2 ranks"
OMP_NUM_THREADS=1 "$HNN" train "$SRC/inputs/train_hgn_spring.toml" "${tiny[@]}" --set train.steps=20 \
  --set checkpoint.every=10 --set checkpoint.dir=ck1b --set output.path=r3.h5 \
  --restart ck1/ckpt-000000010.h5 >r3.txt || fail "restart: $(cat r3.txt)"
$PY - <<'PY' && pass "2 ranks = 1 rank; restart = uninterrupted" || fail "rank count or restart changed the run"
import h5py, numpy as np
a, b, c = (h5py.File(p, "r")["params"][...] for p in ("r1.h5", "r2.h5", "r3.h5"))
d = np.abs(a - b).max() / np.abs(a).max(); print("max relative parameter difference", d)
assert d < 1e-9, d  # the sums are added in another order on 2 ranks: round-off only
assert np.array_equal(a, c)  # exactness is the point of a restart
s = h5py.File("ck1/ckpt-000000010.h5", "r")["objective_state"][...]
assert s.shape == (3,) and s[2] == 10, s  # GECO: ln λ, C_ma, steps seen
PY
# A restart from the last checkpoint has nothing left to train: it writes the model all the same,
# prints its test loss (the uninterrupted run's final figure, recomputed) and no train loss.
OMP_NUM_THREADS=1 "$HNN" train "$SRC/inputs/train_hgn_spring.toml" "${tiny[@]}" --set train.steps=20 \
  --set checkpoint.every=0 --set checkpoint.dir=ck1 --set output.path=r4.h5 --restart auto >r4.txt ||
  fail "restart at the end: $(cat r4.txt)"
t1=$(sed -n 's/.*test loss \([^,]*\),.*/\1/p' r1.txt); t4=$(sed -n 's/.*test loss \([^,]*\),.*/\1/p' r4.txt)
[[ -n $t1 && $t1 == "$t4" ]] && grep -q "train loss n/a (no step run)" r4.txt &&
  pass "restart at the end: test loss $t4 as the run's own" || fail "restart at the end: '$t1' vs '$t4': $(tail -1 r4.txt)"

expect_error "latent_dof = 0" "latent_dof" "$HNN" train "$SRC/inputs/train_hgn_spring.toml" "${tiny[@]}" \
  --set model.latent_dof=0 --set train.steps=1 --set output.path=x.h5
expect_error "unknown model key" "colour" "$HNN" train "$SRC/inputs/train_hgn_spring.toml" "${tiny[@]}" \
  --set model.colour=1 --set train.steps=1 --set output.path=x.h5
expect_error "rollout longer than the data" "rollout needs 30" "$HNN" train "$SRC/inputs/train_hgn_spring.toml" \
  "${tiny[@]}" --set model.rollout=30 --set train.steps=1 --set output.path=x.h5

# hnn evaluate on the 60-step model: the 4 test rollouts, pictures of 2.
"$HNN" evaluate long.h5 --set evaluate.n_pictures=2 -o ev.h5 >ev.txt || fail "evaluate: $(cat ev.txt)"
$PY - <<'PY' && pass "evaluate: shapes, curve, baselines, pictures, learned H" || fail "evaluate: $(cat ev.txt)"
import h5py, numpy as np
e = h5py.File("ev.h5", "r"); m = e["metrics"].attrs
assert e.attrs["format"] == "hnn-hgn-evaluation" and e.attrs["split"] == "test"
n, T, P = 4, 8, 256
shapes = {"index": (n,), "pixel_mse": (n, T), "pixel_mse_per_frame": (T,),
          "mean_frame_mse_per_frame": (T,), "repeat_first_mse_per_frame": (T,), "mean_frame": (P,),
          "z": (n, T, 2), "energy": (n, T), "energy_fine": (n, T), "frames_true": (2, T, P), "frames_learned": (2, T, P)}
for k, s in shapes.items():
    assert e["rollouts/" + k].shape == s, (k, e["rollouts/" + k].shape, s)
c = e["rollouts/pixel_mse_per_frame"][...]
assert abs(c.mean() / m["pixel_mse"] - 1) < 1e-12, (c.mean(), m["pixel_mse"])
# The paper's metric is hnn train's test loss at the final parameters (same rollouts; the model
# is called on other groups of columns: round-off only).
t = h5py.File("long.h5", "r")["history/test_loss"][-1]
print("pixel MSE", m["pixel_mse"], "train's final test loss", t, "mean frame", m["mean_frame_mse"],
      "repeat frame 0", m["repeat_first_mse"], "H drift", m["latent_energy_drift"])
assert abs(m["pixel_mse"] / t - 1) < 1e-9
# Truth = the data's frames of the test trajectories; the pictures reproduce the per-frame MSE.
s = h5py.File("s.h5", "r")
idx = e["rollouts/index"][...]
assert np.array_equal(idx, s["split/test"][...])
F = s["trajectories/frames"][...][idx, :T].astype(np.float64)
ft, fl = e["rollouts/frames_true"][...], e["rollouts/frames_learned"][...]
assert np.array_equal(ft, F[:2])
assert np.allclose(((fl - ft) ** 2).mean(axis=2), e["rollouts/pixel_mse"][:2], rtol=1e-12, atol=0)
# Baselines recomputed here: the per-pixel mean of all evaluated frames; frame 0 repeated.
mf = F.mean(axis=(0, 1))
assert np.allclose(e["rollouts/mean_frame"][...], mf, rtol=1e-12, atol=1e-15)
assert abs(((F - mf) ** 2).mean() / m["mean_frame_mse"] - 1) < 1e-10
assert abs(((F - F[:, :1]) ** 2).mean() / m["repeat_first_mse"] - 1) < 1e-12
# The learned H along the leapfrog rollouts stays within a few % of its spread over the rollouts
# (near-initial H_θ, dt = 0.1, 7 steps; measured 1e-5). A broken step or a wrong metric would not.
E = e["rollouts/energy"][...]
d = np.abs(E - E[:, :1]).max() / E[:, 0].std()
assert abs(d / m["latent_energy_drift"] - 1) < 1e-12 and abs(E[:, 0].std() / m["h0_std"] - 1) < 1e-12
assert d < 0.05, d
# 10 substeps per frame: the same H at z_0, a smaller excursion (the step is at least first order).
Ef = e["rollouts/energy_fine"][...]
assert np.array_equal(Ef[:, 0], E[:, 0]) and m["latent_energy_drift_fine"] < 0.5 * d
PY
"$PY" "$SRC/scripts/plot_hgn_rollouts.py" ev.png ev.h5 --rollouts 2 --every 2 >/dev/null &&
  [[ -s ev.png ]] && pass "plot_hgn_rollouts.py draws ev.png" || fail "plot_hgn_rollouts.py"
expect_error "evaluate: bad split" "split" "$HNN" evaluate long.h5 --set evaluate.split=all -o ev2.h5
expect_error "evaluate: n_pictures > n_rollouts" "n_pictures" "$HNN" evaluate long.h5 \
  --set evaluate.n_rollouts=2 --set evaluate.n_pictures=3 -o ev2.h5
expect_error "evaluate: unknown key" "energy" "$HNN" evaluate long.h5 --set evaluate.energy=system -o ev2.h5
[[ ! -e ev2.h5 ]] || fail "a failed evaluate left ev2.h5"
finish
