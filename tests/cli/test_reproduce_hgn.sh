#!/usr/bin/env bash
# Regression test: a shortened Hamiltonian Generative Network run (README, "Hamiltonian Generative
# Network"; the full runs take about an hour each) with pinned figures.
#   data   inputs/hgn_spring.toml at 16×16 instead of 32×32, 96 rollouts (64 train / 32 test) of
#          12 frames (t_end 1.1, Δt 0.1) instead of 1200 of 30
#   model  inputs/train_hgn_spring.toml narrowed: encoder over 3 frames, convs of 4 and 8
#          channels, latent (q, p) ∈ ℝ², H 2 → 16 → 16 → 1, decoder of 8 channels without a dense
#          hidden layer (2481 parameters); 1700 Adam steps of batch 8, lr 2e-2, ×0.2 at steps 1100
#          and 1400 (without the drops the last steps are chaotic: 1 and 2 ranks ended 3.0e-3 and
#          5.4e-3 apart; with lr 1e-2 or a softplus decoder the run sat on the all-black plateau)
#   then   `hnn evaluate` on the 32 test rollouts (posterior mean)
# About 30 s on a loaded core. Checked (OMP_NUM_THREADS=1; the run is deterministic in float64):
#   - the mean-frame predictor's test pixel MSE is 3.993535e-3 to 1e-6 (data only: the renderer
#     and the integrator of the data set; recomputed here with numpy from the frames too);
#   - the HGN's test pixel MSE is below 0.95 × the mean-frame predictor's (measured 0.925: the
#     model uses its latent, not only the average picture; a decoder that ignores q sits at
#     >= 1.0, the "track only" plateau at 1.25, the all-black one at 2.9);
#   - it is 3.695020e-3 within 2% (pinned with seed 0, build of 2026-11-28, GCC 12,
#     -march=native on an AMD EPYC). The same run on 2 MPI ranks (its sums added in another
#     order: a rounding-level perturbation) ended 4e-10 relative from it and never more than 3e-8
#     apart along the history, so compiler and CPU differences (FMA contraction, vector width)
#     stay far inside 2%; a changed gradient, optimiser, GECO or leapfrog moves it by more;
#   - `hnn evaluate`'s pixel_mse equals `hnn train`'s final test loss (same rollouts, same
#     parameters: 1e-9 relative) and the mean of its per-frame curve;
#   - the learned H along the latent leapfrog rollouts: latent_energy_drift (max over rollouts
#     and frames of |H(z_t) − H(z_0)| / std H(z_0)) pinned 0.5207 within a factor 2, the mean over
#     rollouts 0.0408 within a factor 2, the same max with 10 leapfrog substeps per frame 0.04544
#     within a factor 2 and at least 5× below the model's own (measured 11.5×: the drift is the
#     integrator's; the HGN's explicit leapfrog is symplectic and second order for separable H
#     only, and first order for this H_θ: README, "Hamiltonian Generative Network");
#   - evaluate on 2 threads writes the same rollouts and metrics, bit for bit.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export OMP_NUM_THREADS=1
IN=$HNN_SOURCE_DIR/inputs

"$HNN" generate "$IN/hgn_spring.toml" -o s.h5 --set data.n_trajectories=96 --set data.n_test=32 \
  --set data.n_times=12 --set data.t_end=1.1 --set render.size=16 >/dev/null || fail "generate"
"$HNN" train "$IN/train_hgn_spring.toml" --set data.path=s.h5 --set model.input_frames=3 \
  --set model.rollout=12 --set model.latent_dof=1 --set 'model.enc_channels=[4,8]' \
  --set model.dec_channels=8 --set 'model.dec_hidden=[]' --set 'model.hidden=[16,16]' \
  --set train.batch=8 --set train.chunk=4 --set train.lr=2e-2 --set 'train.schedule="step"' \
  --set 'train.milestones=[1100,1400]' --set train.gamma=0.2 --set train.steps=1700 \
  --set train.log_every=100 --set checkpoint.every=0 --set output.path=hgn.h5 >train.txt ||
  fail "train: $(tail -n 3 train.txt)"
grep -q "hgn model, 2481 parameters" train.txt && pass "train summary" ||
  fail "train summary: $(head -3 train.txt)"
"$HNN" evaluate hgn.h5 -o ev.h5 >ev.txt || fail "evaluate: $(cat ev.txt)"
if $PY - <<'PY'; then
import h5py, numpy as np
e = h5py.File("ev.h5", "r"); m = e["metrics"].attrs
mse, mf, drift, drift_mean, fine = (
    float(m[k]) for k in ("pixel_mse", "mean_frame_mse", "latent_energy_drift",
                          "latent_energy_drift_mean", "latent_energy_drift_fine"))
t = h5py.File("hgn.h5", "r")["history/test_loss"][-1]
s = h5py.File("s.h5", "r")
F = s["trajectories/frames"][...][s["split/test"][...]].astype(np.float64)
mf_np = ((F - F.mean(axis=(0, 1))) ** 2).mean()
print(f"test pixel MSE {mse:.6e} (train {t:.6e}), mean frame {mf:.6e} (numpy {mf_np:.6e}), "
      f"ratio {mse / mf:.3f}; H drift max {drift:.4f} mean {drift_mean:.4f} "
      f"with 10 substeps {fine:.5f} ({drift / fine:.1f}x less)")
checks = {
    "mean-frame MSE pinned (1e-6)": abs(mf / 3.993535e-3 - 1) < 1e-6 and abs(mf_np / mf - 1) < 1e-10,
    "HGN below 0.95 x mean frame": mse < 0.95 * mf,
    "pixel MSE pinned (2%)": abs(mse / 3.695020e-3 - 1) < 0.02,
    "evaluate = train's final test loss": abs(mse / t - 1) < 1e-9,
    "curve mean = pixel_mse": abs(e["rollouts/pixel_mse_per_frame"][...].mean() / mse - 1) < 1e-12,
    "H drift pinned (factor 2)": 0.5 < drift / 0.5207 < 2 and 0.5 < drift_mean / 0.0408 < 2,
    "refined drift pinned (factor 2), >= 5x below": 0.5 < fine / 0.04544 < 2 and drift / fine >= 5,
}
for k, ok in checks.items():
    print(("ok   " if ok else "FAIL ") + k)
raise SystemExit(0 if all(checks.values()) else 1)
PY
  pass "pinned HGN figures"
else
  fail "pinned HGN figures: $(cat ev.txt)"
fi
# The 32 rollouts are evaluated in 4 fixed groups of 8: 2 threads give the same file contents.
OMP_NUM_THREADS=2 "$HNN" evaluate hgn.h5 -o ev2.h5 >/dev/null || fail "evaluate on 2 threads"
$PY - <<'PY' && pass "evaluate: 2 threads = 1 thread (bitwise)" || fail "evaluate depends on the thread count"
import h5py, numpy as np
a, b = h5py.File("ev.h5", "r"), h5py.File("ev2.h5", "r")
assert all(np.array_equal(a["rollouts/" + k][...], b["rollouts/" + k][...]) for k in a["rollouts"])
assert dict(a["metrics"].attrs) == dict(b["metrics"].attrs)
PY
finish
