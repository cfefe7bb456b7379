#!/usr/bin/env bash
# `hnn evaluate` and `hnn predict` as a user runs them: a small spring set, tiny HNN and baseline
# models, the result files' layout and metrics, the measured (real pendulum) path, predict
# against evaluate, and bad input ending in one clear line, exit code 1 and no file left.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export OMP_NUM_THREADS=1
SRC=$HNN_SOURCE_DIR

"$HNN" evaluate --help | grep -q -- 'n_rollouts' && pass "evaluate --help" || fail "evaluate --help"
"$HNN" predict --help | grep -q -- '/states' && pass "predict --help" || fail "predict --help"
"$HNN" --help | grep -q evaluate && pass "--help lists evaluate" || fail "--help lists evaluate"

# Data and two tiny models (seconds in all).
"$HNN" generate "$SRC/inputs/spring.toml" -o spring.h5 --set data.n_trajectories=10 \
  --set data.n_test=4 >/dev/null || fail "generate"
for kind in hnn baseline; do
  "$HNN" train "$SRC/inputs/train_spring.toml" --set data.path=spring.h5 --set model.kind=$kind \
    --set 'model.hidden=[16,16]' --set train.steps=200 --set output.path=$kind.h5 \
    --set checkpoint.dir=ck_$kind >/dev/null || fail "train $kind"
done

small="--set evaluate.n_rollouts=5 --set evaluate.t_end=5 --set evaluate.n_times=20"
for kind in hnn baseline; do
  # shellcheck disable=SC2086
  if "$HNN" evaluate $kind.h5 -i "$SRC/inputs/evaluate_spring.toml" $small -o ev_$kind.h5 >out_$kind.txt; then
    grep -q "energy_mse" out_$kind.txt && pass "evaluate $kind summary" ||
      fail "evaluate $kind summary: $(cat out_$kind.txt)"
  else
    fail "evaluate $kind"
  fi
done
# The same at t_end = 20 (the reference's horizon): the energy comparison below.
for kind in hnn baseline; do
  "$HNN" evaluate $kind.h5 --set evaluate.n_rollouts=5 --set evaluate.t_end=20 \
    --set evaluate.n_times=20 -o ev20_$kind.h5 >/dev/null || fail "evaluate $kind t_end 20"
done
# The symplectic option: implicit midpoint on H_θ.
"$HNN" evaluate hnn.h5 $small --set evaluate.integrator=implicit_midpoint --set evaluate.dt=0.01 \
  -o ev_im.h5 >/dev/null || fail "evaluate implicit midpoint"

$PY - <<'PY' && pass "evaluate files: layout, metrics, energy behaviour" || fail "evaluate files"
import h5py, numpy as np
m = {}
for kind in ("hnn", "baseline"):
    with h5py.File(f"ev_{kind}.h5", "r") as f:
        assert f["rollouts/t"].shape == (20,) and np.allclose(f["rollouts/t"][...], np.linspace(0, 5, 20))
        for k in ("x_true", "x_learned"):
            assert f["rollouts/" + k].shape == (5, 20, 2), (k, f["rollouts/" + k].shape)
        for k in ("energy_true_on_true", "energy_true_on_learned"):
            assert f["rollouts/" + k].shape == (5, 20), k
        assert ("energy_model_on_learned" in f["rollouts"]) == (kind == "hnn")
        a = f["metrics"].attrs
        names = ["train_loss", "train_loss_pm", "test_loss", "test_loss_pm", "state_mse",
                 "energy_mse", "energy_mse_pm", "energy_drift_true"]
        if kind == "hnn":
            names.append("energy_drift_model")
        for k in names:
            assert k in a and np.isfinite(a[k]), k
        assert ("energy_drift_model" in a) == (kind == "hnn")
        assert "energy_mse_q2p2" not in a  # only for the pendulum
        r = f.attrs
        assert r["format"] == "hnn-evaluation" and r["model"] == kind and r["system"] == "spring"
        for k in ("software", "version", "git_hash", "date", "input", "command_line"):
            assert k in r, k
        assert "[evaluate]" in r["input"] and "n_rollouts = 5" in r["input"]
        # Both rollouts start at the same fresh state; the truth conserves H = q² + p².
        x, xt = f["rollouts/x_learned"][...], f["rollouts/x_true"][...]
        assert np.array_equal(x[:, 0], xt[:, 0])
        e = f["rollouts/energy_true_on_true"][...]
        assert np.allclose(e, (xt ** 2).sum(-1), rtol=1e-14) and np.abs(e - e[:, :1]).max() < 1e-10
        # The metrics are the formulas applied to the stored rollouts.
        el = f["rollouts/energy_true_on_learned"][...]
        assert np.isclose(a["state_mse"], ((x - xt) ** 2).mean(), rtol=1e-12)
        assert np.isclose(a["energy_mse"], ((el - e) ** 2).mean(), rtol=1e-12)
        per = ((el - e) ** 2).mean(1)  # 5 rollouts: one per group
        assert np.isclose(a["energy_mse_pm"], per.std() / np.sqrt(5), rtol=1e-12)
        assert np.isclose(a["energy_drift_true"], np.abs(el[:, -1] - el[:, 0]).max(), rtol=1e-12)
        m[kind] = a["energy_mse"]
        if kind == "hnn":
            # An HNN conserves its own H_θ exactly; dopri5 at rtol 1e-12 keeps it to ~1e-11.
            hm = f["rollouts/energy_model_on_learned"][...]
            assert a["energy_drift_model"] < 1e-8, a["energy_drift_model"]
            assert np.abs(hm - hm[:, :1]).max() < 1e-8
# Energy: the HNN's rollout stays on a level set of H_θ, so its true-energy error is bounded
# in time; the baseline's field has no invariant and its energy error grows along the rollout.
# At t_end = 5 a 200-step model is too young for the difference to be reliable, at t_end = 20
# it is a factor ~30 (measured 5.6e-4 vs 1.6e-2; the baseline's grows 15x from t_end 5 to 20,
# the HNN's not at all).
m20 = {k: h5py.File(f"ev20_{k}.h5", "r")["metrics"].attrs["energy_mse"] for k in ("hnn", "baseline")}
assert m20["hnn"] < m20["baseline"], m20
assert m20["baseline"] > 4 * m["baseline"], (m20, m)
assert m20["hnn"] < 2 * m["hnn"], (m20, m)
with h5py.File("ev_im.h5", "r") as f:
    # Implicit midpoint is symplectic: bounded O(dt²) error of H_θ (measured 2.9e-6 at dt 0.01).
    assert f.attrs["integrator"] == "implicit_midpoint"
    assert f["metrics"].attrs["energy_drift_model"] < 1e-4
PY

# predict: at states of the HNN's rollout, the field is Ω∇H and H is what evaluate stored.
$PY - <<'PY' || fail "make states"
import h5py
with h5py.File("ev_hnn.h5", "r") as f:
    x = f["rollouts/x_learned"][...][:, ::4].reshape(-1, 2)
with h5py.File("states.h5", "w") as g:
    g["states"] = x
    g["wrong"] = x[:, :1]
with h5py.File("states3.h5", "w") as g:
    g["states"] = [[0.0, 1.0, 2.0]]
PY
"$HNN" predict hnn.h5 states.h5 -o pred_hnn.h5 >/dev/null || fail "predict hnn"
"$HNN" predict baseline.h5 states.h5 -o pred_base.h5 >/dev/null || fail "predict baseline"
$PY - <<'PY' && pass "predict: field = Omega grad H, H matches evaluate" || fail "predict files"
import h5py, numpy as np
with h5py.File("pred_hnn.h5", "r") as f, h5py.File("ev_hnn.h5", "r") as e:
    x, fld, H, g = f["states"][...], f["field"][...], f["H"][...], f["grad"][...]
    assert x.shape == (25, 2) and fld.shape == (25, 2) and H.shape == (25,) and g.shape == (25, 2)
    assert np.allclose(fld, np.stack([g[:, 1], -g[:, 0]], -1), rtol=1e-13, atol=1e-15)
    hm = e["rollouts/energy_model_on_learned"][...][:, ::4].reshape(-1)
    assert np.allclose(H, hm, rtol=1e-12, atol=1e-14), np.abs(H - hm).max()
    assert f.attrs["format"] == "hnn-prediction" and "git_hash" in f.attrs and "input" in f.attrs
with h5py.File("pred_base.h5", "r") as f:
    assert f["field"].shape == (25, 2) and "H" not in f and "grad" not in f
    assert np.isfinite(f["field"][...]).all()
PY

# Measured data (the real pendulum): no true H, so the energy formula must be named.
"$HNN" import "$SRC/data/real_pend_h_1.txt" --columns id,t,q,p --as-points --test-rows 444:554 \
  -o real.h5 >/dev/null || fail "import"
if "$HNN" evaluate hnn.h5 -i "$SRC/inputs/evaluate_real_pendulum.toml" --set evaluate.data=real.h5 \
  -o ev_real.h5 >/dev/null; then
  $PY - <<'PY' && pass "evaluate measured data" || fail "evaluate measured data: layout"
import h5py, numpy as np
with h5py.File("ev_real.h5", "r") as f, h5py.File("real.h5", "r") as d:
    assert f["rollouts/x_true"].shape == (1, 110, 2) and f["rollouts/t"].shape == (110,)
    assert np.array_equal(f["rollouts/x_true"][0], d["trajectories/x"][444:554, 0])
    assert f.attrs["system"] == "measured" and f.attrs["energy"] == "real_pendulum"
    xt = f["rollouts/x_true"][0]
    assert np.allclose(f["rollouts/energy_true_on_true"][0], 2.4 * (1 - np.cos(xt[:, 0])) + xt[:, 1] ** 2)
    for k in ("energy_mse", "energy_mse_pm", "state_mse", "test_loss"):
        assert np.isfinite(f["metrics"].attrs[k]), k
PY
else
  fail "evaluate measured data"
fi

bad_dir=$WORK/bad
mkdir -p "$bad_dir"
cd "$bad_dir"
expect_error "existing output" "ev_hnn.h5: output exists \(use --overwrite" \
  "$HNN" evaluate "$WORK/hnn.h5" $small -o "$WORK/ev_hnn.h5"
expect_error "missing model file" "nope.h5: model file not found" "$HNN" evaluate nope.h5 -o a.h5
expect_error "not a model file" "spring.h5: not an hnn model file" \
  "$HNN" evaluate "$WORK/spring.h5" -o a.h5
ckpt=$(ls "$WORK"/ck_hnn/ckpt-*.h5 | tail -1)
expect_error "a checkpoint" \
  "ckpt-000000200.h5: a training checkpoint \(step 200\), not a model file; write its model with: hnn train INPUT --restart" \
  "$HNN" evaluate "$ckpt" -o a.h5
# ... and the advice works: the model written from the checkpoint is the trained one.
if "$HNN" train "$SRC/inputs/train_spring.toml" --set data.path="$WORK/spring.h5" \
     --set model.kind=hnn --set 'model.hidden=[16,16]' --restart "$ckpt" \
     --set train.steps=200 --set checkpoint.dir="$WORK/ck_again" \
     --set output.path="$WORK/from_ckpt.h5" >/dev/null &&
   /usr/bin/python3 -c "
import h5py, numpy as np, sys
a = h5py.File('$WORK/from_ckpt.h5')['/params'][...]; b = h5py.File('$WORK/hnn.h5')['/params'][...]
sys.exit(0 if np.array_equal(a, b) else 1)"; then
  pass "model from a checkpoint equals the trained model"
else
  fail "model from a checkpoint"
fi
expect_error "unknown key" "unknown key 'n_rolouts' in \[evaluate\]" \
  "$HNN" evaluate "$WORK/hnn.h5" -o a.h5 --set evaluate.n_rolouts=5
expect_error "unknown section" "unknown section \[evaluation\]" \
  "$HNN" evaluate "$WORK/hnn.h5" -o a.h5 --set evaluation.n_rollouts=5
expect_error "too few rollouts" "\[evaluate\] n_rollouts = 3: must be an integer >= 5" \
  "$HNN" evaluate "$WORK/hnn.h5" -o a.h5 --set evaluate.n_rollouts=3
expect_error "implicit midpoint without dt" "\[evaluate\] dt = \(missing\): required key is missing" \
  "$HNN" evaluate "$WORK/hnn.h5" -o a.h5 --set evaluate.integrator=implicit_midpoint
expect_error "missing data set" "\[evaluate\] data = \"gone.h5\": data set not found" \
  "$HNN" evaluate "$WORK/hnn.h5" -o a.h5 --set evaluate.data=gone.h5
expect_error "measured data without an energy formula" \
  "\[evaluate\] energy = \"system\": the data set .*real.h5 is measured" \
  "$HNN" evaluate "$WORK/hnn.h5" -o a.h5 --set evaluate.data="$WORK/real.h5"
expect_error "rollout keys with measured data" "\[evaluate\] t_end = 5: not used with measured data" \
  "$HNN" evaluate "$WORK/hnn.h5" -o a.h5 --set evaluate.data="$WORK/real.h5" \
  --set evaluate.energy=real_pendulum --set evaluate.t_end=5
expect_error "predict: missing states file" "nostates.h5: states file not found" \
  "$HNN" predict "$WORK/hnn.h5" nostates.h5 -o a.h5
expect_error "predict: no /states" "spring.h5: no dataset /states" \
  "$HNN" predict "$WORK/hnn.h5" "$WORK/spring.h5" -o a.h5
expect_error "predict: wrong dimension" "states3.h5: /states must have shape \(n, 2\)" \
  "$HNN" predict "$WORK/hnn.h5" "$WORK/states3.h5" -o a.h5
no_outputs "$bad_dir"

# Under MPI: rank 0 evaluates, both ranks end; bad input is reported once.
if [[ -n "${MPIEXEC:-}" ]]; then
  timeout 120 "$MPIEXEC" -np 2 --oversubscribe "$HNN" evaluate "$WORK/hnn.h5" $small \
    -o "$WORK/ev_mpi.h5" >mpi_out.txt 2>&1 &&
    [[ $(grep -c "hnn evaluate: wrote" mpi_out.txt) -eq 1 ]] &&
    cmp <(h5dump -d /rollouts/x_learned "$WORK/ev_mpi.h5" | tail -n +3) \
        <(h5dump -d /rollouts/x_learned "$WORK/ev_hnn.h5" | tail -n +3) &&
    pass "mpirun evaluate equals serial" || fail "mpirun evaluate: $(cat mpi_out.txt)"
  err=$(timeout 120 "$MPIEXEC" -np 2 --oversubscribe "$HNN" evaluate nope.h5 -o a.h5 2>&1 >/dev/null)
  rc=$?
  if [[ $rc -ne 0 && $rc -ne 124 && $(grep -c "hnn: error" <<<"$err") -eq 1 ]]; then
    pass "mpirun bad input ($err)"
  else
    fail "mpirun bad input: rc=$rc, output: $err"
  fi
  no_outputs "$bad_dir"
fi
finish
