#!/usr/bin/env bash
# `hnn import` on the measured pendulum (the reference's task 3 protocol) and on bad files.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
data="$HNN_SOURCE_DIR/data/real_pend_h_1.txt"

"$HNN" import "$data" --columns id,t,q,p --as-points --test-rows 444:554 -o real.h5 >out.txt &&
  grep -q "555 trajectories (445 train, 110 test)" out.txt && pass "import summary" ||
  fail "import summary: $(cat out.txt 2>/dev/null)"
$PY - "$data" <<'PY' && pass "import values" || fail "import values"
import sys, h5py, numpy as np
raw = np.loadtxt(sys.argv[1], comments="%")
t, x = raw[:, 1], raw[:, 2:4]
dx = (x[1:] - x[:-1]) / (t[1:] - t[:-1])[:, None]    # forward differences, as the reference
with h5py.File("real.h5", "r") as f:
    assert f["trajectories/x"].shape == (555, 1, 2)
    assert np.array_equal(f["trajectories/x"][:, 0, :], x[:-1])
    assert np.allclose(f["trajectories/dxdt"][:, 0, :], dx, rtol=1e-15, atol=0)
    assert np.array_equal(f["trajectories/t"][:, 0], t[:-1])
    train, test = f["split/train"][...], f["split/test"][...]
    assert list(train) == list(range(444)) + [554] and list(test) == list(range(444, 554))
    assert "energy" not in f["trajectories"]
PY

# One trajectory kept whole, central differences.
"$HNN" import "$data" --columns id,t,q,p --derivative central -o whole.h5 >/dev/null &&
  $PY -c "
import h5py; f = h5py.File('whole.h5'); assert f['trajectories/x'].shape == (1, 554, 2)" &&
  pass "import whole trajectory" || fail "import whole trajectory"

mkdir bad && cd bad
printf '%% t q p\n0 1 2\n0.1 1.1 x\n' >letters.txt
expect_error "malformed number" "letters.txt:3: not a finite number: 'x'" \
  "$HNN" import letters.txt -o a.h5
printf '0 1 2\n0.1 1.1\n' >short.txt
expect_error "missing column" "short.txt:2: expected 3 columns" "$HNN" import short.txt -o a.h5
printf '0 1 2\n0 1.1 2\n' >time.txt
expect_error "time not increasing" "time must increase" "$HNN" import time.txt -o a.h5
expect_error "bad column spec" "unknown column 'v'" \
  "$HNN" import "$data" --columns id,t,q,v -o a.h5
expect_error "bad test rows" "--test-rows 500:600: expected A:B" \
  "$HNN" import "$data" --columns id,t,q,p --as-points --test-rows 500:600 -o a.h5
no_outputs .
finish
