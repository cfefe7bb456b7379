#!/usr/bin/env python3
"""Rollouts of a Hamiltonian Generative Network against the true frames, as one PNG.

    scripts/plot_hgn_rollouts.py OUT.png EVAL.h5 [--rollouts N] [--every K]

EVAL.h5 is an `hnn evaluate` output of an HGN model (format hnn-hgn-evaluation, src/eval/
evaluate_hgn.hpp). Top: for each of the first N rollouts with pictures, a row of true frames and
a row of decoded HGN frames, every K frames. Bottom left: the per-frame test pixel MSE curve
(x 1e4) against the mean-frame and repeat-frame-0 predictors. Bottom right: the learned
Hamiltonian H_theta(z_t) - H_theta(z_0) along each latent rollout, in units of the spread of
H_theta(z_0) over the rollouts (the latent_energy_drift metric is the largest |value|).
"""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("eval")
    ap.add_argument("--rollouts", type=int, default=3)
    ap.add_argument("--every", type=int, default=3)
    a = ap.parse_args()
    f = h5py.File(a.eval, "r")
    if f.attrs.get("format") != "hnn-hgn-evaluation":
        raise SystemExit(f"{a.eval}: not an HGN evaluation (format {f.attrs.get('format')!r})")
    h, w = int(f.attrs["frame_height"]), int(f.attrs["frame_width"])
    if "rollouts/frames_true" in f:
        truth, learned = f["rollouts/frames_true"][...], f["rollouts/frames_learned"][...]
    else:  # n_pictures = 0
        truth = learned = np.zeros((0, int(f.attrs["n_times"]), h * w))
    n_show = min(a.rollouts, truth.shape[0])
    ks = list(range(0, truth.shape[1], a.every))
    rows = 2 * n_show
    height = rows * 0.75 + 3.2
    fig = plt.figure(figsize=(max(len(ks) * 0.7, 8), height))
    split = 3.2 / height  # the bottom 3.2 inches hold the two curves
    gs = fig.add_gridspec(max(rows, 1), len(ks), top=0.97, bottom=split, wspace=0.05, hspace=0.1)
    gb = fig.add_gridspec(1, 2, top=split - 0.5 / height, bottom=0.45 / height, wspace=0.35)
    index = f["rollouts/index"][...]
    for i in range(n_show):
        for r, (fr, label) in enumerate(((truth[i], "truth"), (learned[i], "HGN"))):
            for c, k in enumerate(ks):
                ax = fig.add_subplot(gs[2 * i + r, c])
                ax.imshow(np.clip(fr[k].reshape(h, w), 0, 1), cmap="gray", vmin=0, vmax=1)
                ax.set_xticks([]); ax.set_yticks([])
                if c == 0: ax.set_ylabel(f"{label} {index[i]}", fontsize=5)
                if i == 0 and r == 0: ax.set_title(f"{k}", fontsize=7)
    ax = fig.add_subplot(gb[0, 0])
    m = f["metrics"].attrs
    ax.plot(1e4 * f["rollouts/pixel_mse_per_frame"][...], "C0",
            label=f"HGN (mean {1e4 * m['pixel_mse']:.3g})")
    ax.plot(1e4 * f["rollouts/mean_frame_mse_per_frame"][...], "k--",
            label=f"mean frame ({1e4 * m['mean_frame_mse']:.3g})")
    ax.plot(1e4 * f["rollouts/repeat_first_mse_per_frame"][...], "k:",
            label=f"repeat frame 0 ({1e4 * m['repeat_first_mse']:.3g})")
    ax.set_xlabel("frame"); ax.set_ylabel("pixel MSE x 1e4"); ax.legend(fontsize=6)
    ax = fig.add_subplot(gb[0, 1])
    e = f["rollouts/energy"][...]
    ax.plot(((e - e[:, :1]) / max(m["h0_std"], 1e-300)).T, lw=0.6)
    ax.set_xlabel("frame"); ax.set_ylabel("(H(z_t) - H(z_0)) / std H(z_0)", fontsize=7)
    ax.set_title(f"latent_energy_drift {m['latent_energy_drift']:.2e}", fontsize=7)
    fig.savefig(a.out, dpi=120)


if __name__ == "__main__":
    main()
