#!/usr/bin/env python3
"""Decoded latent rollouts of pixel models against the true frames, as one PNG.

    scripts/plot_pixel_rollouts.py OUT.png EVAL.h5 [EVAL2.h5 ...] [--rollout I] [--every K]
                                   [--labels NAME1 NAME2 ...]

Each EVAL.h5 is an `hnn evaluate` output of a pixel model (format hnn-pixel-evaluation). Row 1
shows the true frames of rollout I every K frames, then one row per file with its decoded
rollout, then the true energy through the fitted latent map (x_fit) against the truth. Rows are
named by --labels (default: each file's model kind and file name).
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def energy(x):  # the pixel pendulum's H = 10(1 - cos q) + p^2 / 2 (g = 10, m = l = 1)
    return 10 * (1 - np.cos(x[..., 0])) + 0.5 * x[..., 1] ** 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("evals", nargs="+")
    ap.add_argument("--rollout", type=int, default=0)
    ap.add_argument("--every", type=int, default=6)
    ap.add_argument("--labels", nargs="+", help="row names, one per EVAL.h5")
    a = ap.parse_args()
    if a.labels and len(a.labels) != len(a.evals):
        sys.exit(f"plot_pixel_rollouts.py: --labels names {len(a.labels)} rows for {len(a.evals)} files")
    files = [h5py.File(p, "r") for p in a.evals]
    truth = files[0]["rollouts/frames_true"][a.rollout]
    side = int(round(np.sqrt(truth.shape[-1])))
    ks = list(range(0, truth.shape[0], a.every))
    rows = 1 + len(files)
    fig = plt.figure(figsize=(len(ks) * 0.7, rows * 0.8 + 2.2))
    gs = fig.add_gridspec(rows + 1, len(ks), height_ratios=[1] * rows + [3])
    names = (a.labels if a.labels else
             [f.attrs["model"] + " (" + p.rsplit("/", 1)[-1] + ")" for f, p in zip(files, a.evals)])
    labels = ["truth"] + names
    for r in range(rows):
        fr = truth if r == 0 else files[r - 1]["rollouts/frames_learned"][a.rollout]
        for c, k in enumerate(ks):
            ax = fig.add_subplot(gs[r, c])
            ax.imshow(np.clip(fr[k].reshape(side, side), 0, 1), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([]); ax.set_yticks([])
            if c == 0: ax.set_ylabel(labels[r], fontsize=7, rotation=0, ha="right", va="center")
            if r == 0: ax.set_title(f"{k}", fontsize=7)
    ax = fig.add_subplot(gs[rows, :])
    ax.plot(energy(files[0]["rollouts/x_true"][a.rollout]), "k", label="truth")
    for f, n in zip(files, names):
        ax.plot(energy(f["rollouts/x_fit"][a.rollout]), label=n + ", fitted map")
    ax.set_xlabel("frame"); ax.set_ylabel("H"); ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(a.out, dpi=120)


if __name__ == "__main__":
    main()
