#!/usr/bin/python3
"""Lower bound on the variational free energy of the ring (src/systems/ring.hpp) for ANY
volume-preserving flow (so any symplectic one) on the harmonic latent of flows/density.hpp.

A volume-preserving T leaves the distribution of the density's values unchanged, so
F_var = E_z[ln q(z)] + E_z[H(T z)] is smallest when T sends the latent's sublevel sets
{K < k} onto the sublevel sets {H < h} of equal volume (the bathtub / rearrangement
inequality). With K = sum_k (P_k^2 + w_k^2 Q_k^2)/2 in 4-D, vol{K < k} = 2 pi^2 k^2 / (w1 w2),
K ~ Gamma(2, 1) under q (beta = 1) and ln q = ln(w1 w2 / (2 pi)^2) - K; for the ring
vol{H < h} = int_0^h 2 pi A(h - u) du with A(e) = area{(|q| - R)^2 / w < e}. The bound is then
minimised over the product w1 w2 (the only latent parameter it depends on).

Prints -ln Z, the best gap (nats) and the w1 w2 that attains it. Usage: scripts/ring_bound.py
[RADIUS WIDTH]. Needs scipy.
"""
import sys

import numpy as np
from scipy import integrate, optimize, special

R, W = (float(sys.argv[1]), float(sys.argv[2])) if len(sys.argv) > 2 else (2.0, 0.32)


def minus_log_z():
    radial = W / 2 * np.exp(-R * R / W) + R * np.sqrt(np.pi * W) / 2 * special.erfc(-R / np.sqrt(W))
    return -np.log(2 * np.pi * 2 * np.pi * radial)


def area(e):  # area{(r - R)^2 / W < e} in the q plane
    d = np.sqrt(W * max(e, 0.0))
    return np.pi * ((R + d) ** 2 - max(R - d, 0.0) ** 2)


def vol_h(h):  # vol{H < h} in (q, p), p in R^2: d^2p = 2 pi du with u = |p|^2 / 2
    return integrate.quad(lambda u: 2 * np.pi * area(h - u), 0, h, limit=200,
                          points=[max(h - R * R / W, 0.0)])[0]


def h_of_vol(v):
    hi = 1.0
    while vol_h(hi) < v:
        hi *= 2
    return optimize.brentq(lambda h: vol_h(h) - v, 0.0, hi, xtol=1e-14, rtol=1e-13)


def gap(log_c):  # c = w1 w2
    c = np.exp(log_c)
    f = lambda k: k * np.exp(-k) * (np.log(c / (2 * np.pi) ** 2) - k + h_of_vol(2 * np.pi**2 * k * k / c))
    val = integrate.quad(f, 0, 60, limit=200, epsabs=1e-11)[0]
    return val - minus_log_z()


best = optimize.minimize_scalar(gap, bounds=(-3, 3), method="bounded", options={"xatol": 1e-6})
print(f"-ln Z = {minus_log_z():.12f}")
print(f"lower bound on F_var - (-ln Z) for any volume-preserving flow: {best.fun:.6f} nats "
      f"(at w1 w2 = {np.exp(best.x):.6f})")
