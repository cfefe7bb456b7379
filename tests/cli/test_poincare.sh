#!/usr/bin/env bash
# hnn poincare: Hénon–Heiles crossings of x = 0 lie on the section, have the asked direction,
# conserve H, are as many as the orbits' periods allow, and do not depend on the thread count;
# bad input gives one error line and no file; a learned model's field can be sectioned;
# scripts/hnn_plot.py plots the output.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
IN="$HNN_SOURCE_DIR/inputs/poincare_henon_heiles.toml"
small=(--set poincare.n_orbits=6 --set poincare.t_end=300.0)
OMP_NUM_THREADS=1 "$HNN" poincare "$IN" "${small[@]}" -o p1.h5 >out1.txt 2>&1 &&
  pass "poincare (1 thread): $(tr '\n' ' ' <out1.txt)" || fail "poincare 1 thread: $(cat out1.txt)"
OMP_NUM_THREADS=2 "$HNN" poincare "$IN" "${small[@]}" -o p2.h5 >out2.txt 2>&1 &&
  pass "poincare (2 threads)" || fail "poincare 2 threads: $(cat out2.txt)"
OMP_NUM_THREADS=2 "$HNN" poincare "$IN" "${small[@]}" --set 'poincare.direction="down"' \
  -o pd.h5 >/dev/null 2>&1 || fail "poincare down"
# Output times do not change dopri5's steps, so a finer sample_dt isolates the Hermite error.
OMP_NUM_THREADS=2 "$HNN" poincare "$IN" "${small[@]}" --set poincare.sample_dt=0.002 \
  -o pf.h5 >/dev/null 2>&1 || fail "poincare sample_dt = 0.002"

# Checks (dopri5 rtol = atol = 1e-12 from the input, sample_dt = 0.01): on the section to 1e-9,
# p_x > 0 (up) or < 0 (down), |H − E|/E < 1e-8 (stored and recomputed; at rtol 1e-10 dopri5's
# own drift is 7e-8 by t = 300), > t_end/(4·2π) crossings per orbit, datasets bitwise equal for
# 1 and 2 threads, crossings with sample_dt = 0.01 and 0.002 agree to 1e-9.
PYTHONDONTWRITEBYTECODE=1 $PY - <<'PYEOF' >check.txt 2>&1 && pass "crossings: $(tr '\n' ' ' <check.txt)" || fail "crossings: $(cat check.txt)"
import h5py, numpy as np
E = 1.0 / 12
def load(p):
    with h5py.File(p, "r") as f:
        g = f["poincare"]
        assert f.attrs["format"] == "hnn-poincare"
        return {k: g[k][...] for k in g}, {k: (v.decode() if isinstance(v, bytes) else v)
                                           for k, v in g.attrs.items()}
a, at = load("p1.h5"); b, _ = load("p2.h5"); d, dat = load("pd.h5"); fi, _ = load("pf.h5")
assert fi["crossings"].shape == a["crossings"].shape
dfine = np.abs(fi["crossings"] - a["crossings"]).max()
dtime = np.abs(fi["time"] - a["time"]).max()
assert dfine < 1e-9 and dtime < 1e-9, (dfine, dtime)
print(f"sample_dt 0.01 vs 0.002: max |dx| {dfine:.1e}, max |dt| {dtime:.1e};")
for k in a:
    assert a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]), f"{k} differs 1 vs 2 threads"
assert at["direction"] == "up" and dat["direction"] == "down" and at["coordinate"] == 0
def H(x):
    X, Y, PX, PY = x.T
    return 0.5 * (PX**2 + PY**2) + 0.5 * (X**2 + Y**2) + X**2 * Y - Y**3 / 3
for name, r, sign in (("up", a, 1), ("down", d, -1)):
    x = r["crossings"]
    off = np.abs(x[:, 0]).max()
    assert off < 1e-9, (name, off)
    assert (sign * x[:, 2] > 0).all(), (name, "direction")
    dh = max(np.abs(r["energy"] - E).max(), np.abs(H(x) - E).max()) / E
    assert dh < 1e-8, (name, dh)
    counts = np.bincount(r["orbit"], minlength=6)
    assert counts.min() > 300 / (4 * 2 * np.pi), (name, counts)
    assert (np.diff(r["time"])[np.diff(r["orbit"]) == 0] > 0).all()
    print(f"{name}: {len(x)} crossings, per orbit {counts.min()}..{counts.max()}, "
          f"max |x-0| {off:.1e}, max |H-E|/E {dh:.1e}")
print("1 vs 2 threads bitwise equal")
PYEOF

# The plot.
"$PY" "$HNN_SOURCE_DIR/scripts/hnn_plot.py" poincare p1.h5 -o p1.png >plot.txt 2>&1 &&
  [[ -s p1.png ]] && pass "plot: $(tr '\n' ' ' <plot.txt)" || fail "plot: $(cat plot.txt)"

# Bad input: one error line, exit 1, no file.
mkdir bad && cd bad || exit 1
expect_error "unknown key" "bogus" "$HNN" poincare "$IN" --set poincare.bogus=1 -o a.h5
expect_error "n_orbits = 0" "n_orbits" "$HNN" poincare "$IN" --set poincare.n_orbits=0 -o a.h5
expect_error "bad direction" "direction" "$HNN" poincare "$IN" --set 'poincare.direction="left"' \
  -o a.h5
expect_error "coordinate out of range" "coordinate" "$HNN" poincare "$IN" \
  --set poincare.coordinate=4 -o a.h5
expect_error "missing model" "nope.h5" "$HNN" poincare "$IN" --model nope.h5 -o a.h5
no_outputs .
cd .. || exit 1
cp p1.h5 keep.h5
expect_error "existing output" "p1.h5: output exists" "$HNN" poincare "$IN" "${small[@]}" -o p1.h5
cmp -s p1.h5 keep.h5 && pass "existing output untouched" || fail "existing output changed"
"$HNN" poincare "$IN" "${small[@]}" -o p1.h5 --overwrite >/dev/null && pass "--overwrite" ||
  fail "--overwrite"

# A learned model (a few training steps on Hénon–Heiles data): its field is integrated from
# the same initial states; the true H is stored.
export OMP_NUM_THREADS=1
"$HNN" generate "$HNN_SOURCE_DIR/inputs/henon_heiles.toml" -o hh.h5 --set data.n_trajectories=8 \
  --set data.t_end=10.0 --set data.n_times=101 --set output.gzip=0 >/dev/null || fail "generate"
"$HNN" train "$HNN_SOURCE_DIR/inputs/train_spring.toml" --set 'data.path="hh.h5"' \
  --set 'model.hidden=[32]' --set train.steps=3000 --set train.lr=1e-2 --set train.log_every=1000 \
  --set checkpoint.every=0 --set 'output.path="hnn.h5"' >/dev/null 2>&1 || fail "train"
"$HNN" poincare "$IN" --set poincare.n_orbits=2 --set poincare.t_end=30.0 --set poincare.value=0.0 \
  --model hnn.h5 -o pm.h5 >outm.txt 2>&1 && $PY -c '
import h5py, numpy as np
f = h5py.File("pm.h5", "r"); g = f["poincare"]
assert g.attrs["model"] in ("hnn.h5", b"hnn.h5") and g["crossings"].shape[1] == 4
assert len(g["time"]) > 0 and np.abs(g["crossings"][:, 0]).max() < 1e-9
dh = np.abs(g["energy"][...] * 12 - 1).max()
assert dh < 0.05, dh  # a small HNN after 3000 steps: true H kept to about 1% (measured 9.4e-3)
print(len(g["time"]), f"crossings, max relative |H - E| {dh:.1e}")' >>outm.txt 2>&1 &&
  pass "learned model: $(tr '\n' ' ' <outm.txt)" || fail "learned model: $(cat outm.txt)"
printf '[system]\nname = "spring"\n[poincare]\nn_orbits = 1\nt_end = 10.0\n' >spring.toml
expect_error "model of another dimension" "dimension" "$HNN" poincare spring.toml --model hnn.h5 \
  -o bad/b.h5
no_outputs bad

# FPUT (any system works): crossings of q1 = 0 on the section, H conserved.
printf '[system]\nname = "fput"\nn = 4\n[integrator]\nrtol = 1e-12\natol = 1e-12\n[poincare]\nn_orbits = 3\nt_end = 100.0\ndirection = "both"\n' >fput.toml
"$HNN" poincare fput.toml -o fput.h5 >/dev/null && $PY -c '
import h5py, numpy as np
g = h5py.File("fput.h5", "r")["poincare"]
x, e = g["crossings"][...], g["energy"][...]
e0 = np.repeat([e[g["orbit"][...] == i][0] for i in range(3)], np.bincount(g["orbit"][...]))
assert len(x) > 3 * 100 / (4 * np.pi) and np.abs(x[:, 0]).max() < 1e-9
assert np.abs(e / e0 - 1).max() < 1e-8
print(len(x), "crossings")' >fput.txt 2>&1 && pass "fput: $(cat fput.txt)" || fail "fput: $(cat fput.txt)"

"$HNN" poincare --help | grep -q -- "--model" && pass "--help" || fail "--help"

# Under MPI: rank 0 computes; same crossings as serial, one summary line.
if [[ -n "${MPIEXEC:-}" ]]; then
  timeout 120 "$MPIEXEC" -np 2 --oversubscribe "$HNN" poincare "$IN" "${small[@]}" -o pmpi.h5 \
    >mpi.txt 2>&1 && [[ $(grep -c "hnn poincare: wrote" mpi.txt) -eq 1 ]] &&
    $PY -c '
import h5py, numpy as np
a = h5py.File("pmpi.h5", "r")["poincare/crossings"][...]
b = h5py.File("p2.h5", "r")["poincare/crossings"][...]
assert np.array_equal(a, b)' && pass "mpirun equals serial" || fail "mpirun: $(cat mpi.txt)"
fi
finish
