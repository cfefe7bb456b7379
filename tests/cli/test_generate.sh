#!/usr/bin/env bash
# `hnn generate` as a user runs it: help, version, a real run, and every kind of bad input
# ending in one clear line, a non-zero exit and no file left behind.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export OMP_NUM_THREADS=1

"$HNN" --version | grep -qE '^hnn [0-9]+\.[0-9]+\.[0-9]+ \(git [0-9a-f]+' && pass version || fail "--version"
"$HNN" generate --help | grep -q -- '--set' && pass "generate --help" || fail "generate --help"
"$HNN" --help | grep -q generate && pass "--help" || fail "--help"

# A real run: the reference spring task.
if "$HNN" generate "$HNN_SOURCE_DIR/inputs/spring.toml" -o spring.h5 >out.txt; then
  grep -q "50 trajectories (25 train, 25 test) x 30 times x 2" out.txt && pass "spring summary" ||
    fail "spring summary: $(cat out.txt)"
  $PY - <<'PY' && pass "spring file layout and physics" || fail "spring file layout and physics"
import h5py, numpy as np
with h5py.File("spring.h5", "r") as f:
    x, dx, e, t = (f["trajectories/" + k][...] for k in ("x", "dxdt", "energy", "t"))
    assert x.shape == (50, 30, 2) and dx.shape == (50, 30, 2) and e.shape == (50, 30), x.shape
    assert np.allclose(t, np.linspace(0, 3, 30), rtol=0, atol=1e-15)
    assert list(f["split/train"][...]) == list(range(25)) and list(f["split/test"][...]) == list(range(25, 50))
    a = f.attrs
    for k in ("software", "version", "git_hash", "date", "host", "dependencies", "input", "system", "integrator", "seed"):
        assert k in a, k
    assert a["system"] == "spring" and a["dof"] == 1 and "rtol = 1e-10" in a["input"]
    # Energy is the true H = q^2 + p^2 of the noise-free state: constant along each orbit, with
    # radius^2 in [0.01, 1); the stored x carries N(0, 0.1^2) noise (std of x - clean ~ 0.1).
    assert np.all(np.abs(e - e[:, :1]) < 1e-8) and e.min() >= 0.01 and e.max() < 1
    # dxdt = (2p, -2q) at the clean state: recover the clean state from the target.
    clean = np.stack([-dx[..., 1] / 2, dx[..., 0] / 2], axis=-1)
    assert np.allclose((clean ** 2).sum(-1), e, rtol=1e-12)
    noise = (x - clean).ravel()
    assert 0.09 < noise.std() < 0.11, noise.std()
PY
else
  fail "spring run"
fi

# Overrides reach the file; --set with a bad key is caught.
"$HNN" generate "$HNN_SOURCE_DIR/inputs/spring.toml" -o s2.h5 --set data.n_trajectories=4 \
  --set data.n_test=1 --set system.k=3 >/dev/null && $PY -c "
import h5py; f = h5py.File('s2.h5'); assert f['trajectories/x'].shape[0] == 4 and f.attrs['system.k'] == 3" &&
  pass "--set overrides" || fail "--set overrides"

bad_dir=$WORK/bad
mkdir -p "$bad_dir"
cd "$bad_dir"
base="$HNN_SOURCE_DIR/inputs/spring.toml"
expect_error "existing output" "spring.h5: output exists \(use --overwrite" \
  "$HNN" generate "$base" -o "$WORK/spring.h5"
expect_error "unknown key" "unknown key 'n_trajectory' in \[data\]" \
  "$HNN" generate "$base" -o a.h5 --set data.n_trajectory=3
expect_error "unknown system" "\[system\] name = \"springs\": must be one of" \
  "$HNN" generate "$base" -o a.h5 --set system.name=springs
expect_error "wrong type" "\[data\] n_trajectories = \"many\": expected an integer" \
  "$HNN" generate "$base" -o a.h5 --set 'data.n_trajectories="many"'
expect_error "zero count" "\[data\] n_trajectories = 0: must be an integer >= 1" \
  "$HNN" generate "$base" -o a.h5 --set data.n_trajectories=0
expect_error "negative parameter" "\[system\] (k|m) = -1" \
  "$HNN" generate "$base" -o a.h5 --set system.k=-1
expect_error "non-finite value" "\[integrator\] rtol = nan: must be finite" \
  "$HNN" generate "$base" -o a.h5 --set integrator.rtol=nan
expect_error "t_end before t_start" "\[data\] t_end = -1: must be > t_start" \
  "$HNN" generate "$base" -o a.h5 --set data.t_end=-1
printf '[system]\nname = "spring"\nk = 2 3\n' >broken.toml
expect_error "TOML syntax error" "broken.toml:3: invalid TOML" "$HNN" generate broken.toml -o a.h5
printf '[system]\nname = "spring"\n[sytem]\nk = 1\n' >typo.toml
expect_error "unknown section" "typo.toml:3: unknown section \[sytem\]" "$HNN" generate typo.toml -o a.h5
expect_error "missing input file" "(nope.toml|File does not exist)" "$HNN" generate nope.toml -o a.h5
expect_error "unwritable output" "a.h5: cannot create" "$HNN" generate "$base" -o /proc/a.h5
expect_error "leapfrog needs a separable H or dt" "dt" \
  "$HNN" generate "$base" -o a.h5 --set integrator.name=leapfrog
no_outputs "$bad_dir"

# Under MPI: a bad input ends both ranks promptly with the error printed once.
if [[ -n "${MPIEXEC:-}" ]]; then
  err=$(timeout 120 "$MPIEXEC" -np 2 --oversubscribe "$HNN" generate "$base" -o a.h5 \
    --set data.n_trajectories=0 2>&1 >/dev/null)
  rc=$?
  if [[ $rc -ne 0 && $rc -ne 124 && $(grep -c "hnn: error" <<<"$err") -eq 1 ]]; then
    pass "mpirun bad input ($err)"
  else
    fail "mpirun bad input: rc=$rc, output: $err"
  fi
  timeout 120 "$MPIEXEC" -np 2 --oversubscribe "$HNN" generate "$base" -o "$WORK/mpi.h5" >/dev/null &&
    cmp <(h5dump -d /trajectories/x "$WORK/mpi.h5" | tail -n +3) \
        <(h5dump -d /trajectories/x "$WORK/spring.h5" | tail -n +3) &&
    pass "mpirun output equals serial output" || fail "mpirun output equals serial output"
  no_outputs "$bad_dir"
fi
finish
