#!/usr/bin/python3
"""First-order bound for learned FPUT action variables (N = 5, periodic; README "Canonical flows").

How far can a near-identity canonical map z -> z + {z, W} (W a polynomial of the given degrees in
the running-wave circle coordinates) reduce the fluctuation of the action variables along the
trajectories of an `hnn generate` FPUT data set? To first order the corrected actions are
J_i = R_i + {R_i, W}, linear in W's coefficients, so the best W is a linear least-squares fit
(on the training trajectories, every STRIDE-th time) that minimises the within-trajectory
variance of all J_i. Printed: the fluctuation Σ_i std(J_i) / Σ_i mean(J_i), averaged over the
held-out trajectories, for the standing-wave linear actions (what `hnn evaluate` reports as
linear_weighted_rel_std), the running-wave actions R (the best linear map) and J.

With --frames K the fit is restricted to what K coupling pairs can hold at first order: W a sum of
q-only and p-only polynomials in K frames (the latent frame and K − 1 random unitary ones).

  /usr/bin/python3 scripts/fput_first_order.py fput_beta.h5 --degrees 4
  /usr/bin/python3 scripts/fput_first_order.py fput_alpha.h5 --degrees 3 --frames 3
"""
import argparse
import itertools

import h5py
import numpy as np

N = 5


def circle_coordinates(x):
    """Standing-wave circle coordinates (q̂_k, p̂_k), k = 1..4, of states x (..., 2N)."""
    j = np.arange(N)
    rows = [np.ones(N) / np.sqrt(N)]
    for k in (1, 2):
        rows += [np.sqrt(2 / N) * np.cos(2 * np.pi * k * j / N),
                 np.sqrt(2 / N) * np.sin(2 * np.pi * k * j / N)]
    U = np.array(rows)
    om = 2 * np.abs(np.sin(np.pi * np.array([0, 1, 1, 2, 2]) / N))
    Q, P = x[..., :N] @ U.T, x[..., N:] @ U.T
    return Q[..., 1:] * np.sqrt(om[1:]), P[..., 1:] / np.sqrt(om[1:])


def running_waves(qs, ps):
    """Degenerate pairs (c, s) -> running waves q± = (q_c ± p_s)/√2, p± = (p_c ∓ q_s)/√2."""
    q, p = np.zeros_like(qs), np.zeros_like(ps)
    for a, b in ((0, 1), (2, 3)):
        q[..., a] = (qs[..., a] + ps[..., b]) / np.sqrt(2)
        p[..., a] = (ps[..., a] - qs[..., b]) / np.sqrt(2)
        q[..., b] = (qs[..., a] - ps[..., b]) / np.sqrt(2)
        p[..., b] = (ps[..., a] + qs[..., b]) / np.sqrt(2)
    return np.concatenate([q, p], -1)


def monomial_grads(w, exps):
    """∇_w of the monomials w^e (len(exps) × (..., 8))."""
    out = np.zeros((len(exps),) + w.shape)
    for m, e in enumerate(exps):
        for k in set(e):
            rest = list(e)
            rest.remove(k)
            out[m, ..., k] = e.count(k) * (np.prod([w[..., r] for r in rest], axis=0) if rest else 1)
    return out


def design(z, frames, exps):
    """R_i (..., 4) and the columns {R_i, m∘S} (..., 4, M) over frames S and monomials m."""
    q, p = z[..., :4], z[..., 4:]
    R = (q ** 2 + p ** 2) / 2
    cols = []
    for S in frames:
        for g in monomial_grads(z @ S.T, exps):
            gz = g @ S  # ∇_z m(S z)
            # {R_i, f} = ∂R_i/∂q_i ∂f/∂p_i − ∂R_i/∂p_i ∂f/∂q_i = q_i ∂f/∂p_i − p_i ∂f/∂q_i
            cols.append(q * gz[..., 4:] - p * gz[..., :4])
    return R, np.stack(cols, -1)


def fluctuation(J):
    return np.mean(J.std(1).sum(-1) / J.mean(1).sum(-1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data")
    ap.add_argument("--degrees", default="4", help="degrees of W, comma-separated (default 4)")
    ap.add_argument("--frames", type=int, default=0,
                    help="restrict W to q-only + p-only polynomials in this many frames")
    ap.add_argument("--stride", type=int, default=8, help="time stride of the fit (default 8)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    degs = [int(d) for d in a.degrees.split(",")]
    with h5py.File(a.data, "r") as f:
        if f.attrs.get("system") != "fput" or int(f.attrs.get("dof", 0)) != N:
            raise SystemExit(f"{a.data}: not an FPUT data set with N = {N}")
        x = f["trajectories/x"][:]
        train, test = f["split/train"][:], f["split/test"][:]
    qs, ps = circle_coordinates(x)
    standing = (qs ** 2 + ps ** 2) / 2
    z = running_waves(qs, ps)
    if a.frames > 0:
        rng = np.random.default_rng(a.seed)
        frames = [np.eye(8)]
        for _ in range(a.frames - 1):
            U, _ = np.linalg.qr(rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4)))
            frames.append(np.block([[U.real, -U.imag], [U.imag, U.real]]))
        half = [e for d in degs for e in itertools.combinations_with_replacement(range(4), d)]
        exps = half + [tuple(i + 4 for i in e) for e in half]
    else:
        frames = [np.eye(8)]
        exps = [e for d in degs for e in itertools.combinations_with_replacement(range(8), d)]
    R, B = design(z[train][:, ::a.stride], frames, exps)
    Rc, Bc = R - R.mean(1, keepdims=True), B - B.mean(1, keepdims=True)
    c, *_ = np.linalg.lstsq(Bc.reshape(-1, B.shape[-1]), -Rc.reshape(-1), rcond=None)
    Rt, Bt = design(z[test], frames, exps)
    print(f"{a.data}: W of degrees {degs}, {B.shape[-1]} coefficients"
          + (f", {a.frames} frames" if a.frames else "") + "; held-out fluctuation:")
    print(f"  standing-wave linear actions {fluctuation(standing[test]):.4f}")
    print(f"  running-wave linear actions  {fluctuation(Rt):.4f}")
    print(f"  first-order corrected        {fluctuation(Rt + Bt @ c):.4f}")


if __name__ == "__main__":
    main()
