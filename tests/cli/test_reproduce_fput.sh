#!/usr/bin/env bash
# Learned action variables of the FPUT α-chain (N = 5 periodic, inputs/fput_alpha.toml data):
# a shortened inputs/train_fput_alpha.toml run (3 blocks of [coupling_q, coupling_p, linear]
# with polynomial generating functions; 800 steps instead of 6000, about 20 s), then
# `hnn evaluate` on the 8 held-out trajectories. Checked:
#   - the linear normal-mode actions fluctuate by 13.08% (data only: pinned to 1e-3 relative;
#     the integrator is fixed-step, so this moves only with the data set's definition);
#   - the learned actions fluctuate at least 5× less (the issue's target; measured 11.8×);
#   - the learned fluctuation is 1.11e-2 within a factor 2 (training is chaotic in rounding:
#     another compiler, CPU or -march may move it; a factor 2 still catches a broken layer or
#     loss, which leave it at the MLP/linear level of 6-13%);
#   - the map is canonical on those states (symplectic_error < 1e-12).
# The full run (README, "Canonical flows"): 0.45% vs 13.1%.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export OMP_NUM_THREADS=1
SRC=$HNN_SOURCE_DIR

"$HNN" generate "$SRC/inputs/fput_alpha.toml" -o fput_alpha.h5 >/dev/null || fail "generate"
"$HNN" train "$SRC/inputs/train_fput_alpha.toml" --set data.path=fput_alpha.h5 \
  --set train.steps=800 --set 'train.milestones=[600,750]' --set checkpoint.every=400 \
  --set checkpoint.dir=ckpt --set output.path=flow.h5 >train.txt || fail "train: $(cat train.txt)"
grep -q "flow model, 945 parameters; 88 train / 8 test trajectories" train.txt &&
  pass "train summary" || fail "train summary: $(head -3 train.txt)"

"$HNN" evaluate flow.h5 -o ev.h5 >ev.txt || fail "evaluate: $(cat ev.txt)"
if $PY - ev.txt <<'PY'; then
import re, sys
m = dict(re.findall(r"^\s+(\w+)\s+(\S+)", open(sys.argv[1]).read(), re.M))
lin, learned, sym = (float(m[k]) for k in ("linear_weighted_rel_std", "weighted_r_rel_std",
                                           "symplectic_error"))
print(f"linear {lin:.4e}, learned {learned:.4e} (x{lin / learned:.1f}), symplectic {sym:.1e}")
ok = abs(lin / 0.1308166 - 1) < 1e-3 and lin / learned >= 5 and 0.5 < learned / 1.113e-2 < 2
sys.exit(0 if ok and sym < 1e-12 else 1)
PY
  pass "learned actions fluctuate >= 5x less than the linear ones"
else
  fail "FPUT alpha actions: $(cat ev.txt)"
fi
finish
