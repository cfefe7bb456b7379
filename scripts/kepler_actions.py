#!/usr/bin/python3
"""How a learned Kepler flow's actions relate to the Delaunay actions and to (E, |L|, |A|).

For every trajectory of a Kepler data set (3-D, k < 0), the learned actions I_i = ½(q̂_i² + p̂_i²)
of `hnn predict` (time-averaged) are fitted by least squares as I_i ≈ c_i0 + c_i·(L_D, G, |L_z|)
with the Delaunay actions L_D = √(|k| a) = |k|/√(−2E), G = |L|, and |L_z|; printed per plane: the
coefficients, the fit's RMS residual relative to the spread of I_i, and the trajectory-mean
relative fluctuation of I_i.
  /usr/bin/python3 scripts/kepler_actions.py MODEL.h5 DATA.h5 [--split train|test|all] [--hnn build/hnn]
"""
import argparse, os, subprocess, sys, tempfile
import h5py
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("model"); ap.add_argument("data")
ap.add_argument("--split", default="all", choices=["train", "test", "all"])
ap.add_argument("--hnn", default=os.path.join(os.path.dirname(__file__), "..", "build", "hnn"))
a = ap.parse_args()
with h5py.File(a.data, "r") as f:
    if f.attrs.get("system") != "kepler" or int(f.attrs["dof"]) != 3:
        sys.exit(f"{a.data}: not a 3-D Kepler data set")
    k = float(f.attrs["system.k"])
    x = f["trajectories/x"][:]
    idx = np.arange(x.shape[0]) if a.split == "all" else f["split/" + a.split][:]
x = x[idx]                        # (traj, time, 6)
ntr, nt, _ = x.shape
with tempfile.TemporaryDirectory() as d:
    with h5py.File(os.path.join(d, "s.h5"), "w") as g:
        g["states"] = x.reshape(-1, 6)
    subprocess.run([a.hnn, "predict", a.model, os.path.join(d, "s.h5"), "-o", os.path.join(d, "p.h5")],
                   check=True, stdout=subprocess.DEVNULL)
    with h5py.File(os.path.join(d, "p.h5"), "r") as g:
        I = g["actions"][:].reshape(ntr, nt, -1)
q, p = x[..., :3], x[..., 3:]
r = np.linalg.norm(q, axis=-1)
E = 0.5 * (p ** 2).sum(-1) + k / r
L = np.cross(q, p)
A = np.cross(p, L) + k * q / r[..., None]
Em, G, Lz, An = E.mean(1), np.linalg.norm(L, axis=-1).mean(1), np.abs(L[..., 2]).mean(1), np.linalg.norm(A, axis=-1).mean(1)
LD = abs(k) / np.sqrt(-2 * Em)
Im = I.mean(1)
fl = (I.std(1) / np.maximum(I.mean(1), 1e-300)).mean(0)
# Regressors that vary and are not copies of one another (the reference's planar data have
# L_D = 1 for every orbit and G = |L_z|).
cols, names = [np.ones(ntr)], ["1"]
for v, nm in ((LD, "L_D"), (G, "G"), (Lz, "|L_z|")):
    if np.ptp(v) > 1e-9 * max(1.0, np.abs(v).max()) and not any(np.allclose(v, c) for c in cols[1:]):
        cols.append(v); names.append(nm)
X = np.column_stack(cols)
print(f"{ntr} trajectories; L_D in [{LD.min():.4f}, {LD.max():.4f}], G in [{G.min():.3f}, {G.max():.3f}], "
      f"|L_z| in [{Lz.min():.3f}, {Lz.max():.3f}], |A| in [{An.min():.3f}, {An.max():.3f}]; "
      f"regressors {', '.join(names)}")
print(f"sum of learned actions: mean {Im.sum(1).mean():.4f}, std over trajectories {Im.sum(1).std():.4f}"
      f" (L_D: mean {LD.mean():.4f})")
for i in range(Im.shape[1]):
    c, *_ = np.linalg.lstsq(X, Im[:, i], rcond=None)
    res = Im[:, i] - X @ c
    spread = Im[:, i].std()
    fit = " ".join(f"{ci:+.4f}·{nm}" for ci, nm in zip(c, names))
    print(f"plane {i}: mean action {Im[:, i].mean():.4f}, fluctuation {fl[i]:.4f}; fit {fit}, "
          f"residual {np.sqrt((res ** 2).mean()) / max(spread, 1e-300):.3f} of the spread")
