#!/usr/bin/python3
"""Table of a reproduced task: mean ± std over seeds of our metrics, beside the published ones.

usage: scripts/reproduce_table.py TASK DIR   (DIR holds {hnn,baseline}_seed*_eval.h5)
"""
import glob
import sys

import h5py
import numpy as np

# Greydanus et al. (2019), reference README values (shared/reference/hnn.md).
PUBLISHED = {
    "spring": {"baseline": (3.71e-2, 3.67e-2, "1.71e-1 ± 2.1e-2"), "hnn": (3.69e-2, 3.59e-2, "3.84e-4 ± 6.5e-5")},
    "pendulum": {"baseline": (3.26e-2, 3.53e-2, "4.15e-2 ± 9.6e-3"), "hnn": (3.28e-2, 3.56e-2, "2.49e-2 ± 5.4e-3")},
    "real_pendulum": {"baseline": (2.75e-3, 2.19e-3, "3.86e-1 ± 6.9e-2"), "hnn": (9.24e-3, 5.96e-3, "1.45e-2 ± 4.7e-3")},
    "two_body": {"baseline": (3.27e-5, 2.96e-5, "6.33e-2 ± 3.4e-2"), "hnn": (3.00e-6, 2.82e-6, "3.88e-5 ± 5.0e-6")},
    "three_body": {"baseline": (9.56e-2, 3.80e-1, "1.09e+2 ± 7.7e+1"), "hnn": (8.03e-2, 4.88e-1, "4.19e-2 ± 3.4e-2")},
}


def stats(values):
    v = np.array(values, dtype=float)
    return f"{v.mean():.3g} ± {v.std(ddof=1) if len(v) > 1 else 0:.2g}"


def main():
    task, d = sys.argv[1], sys.argv[2]
    print(f"| {task} | seeds | train loss | test loss | energy MSE | published train / test / energy |")
    print("|---|---|---|---|---|---|")
    for kind in ("baseline", "hnn"):
        files = sorted(glob.glob(f"{d}/{kind}_seed*_eval.h5"))
        if not files:
            continue
        m = {k: [] for k in ("train_loss", "test_loss", "energy_mse", "energy_mse_q2p2")}
        for f in files:
            with h5py.File(f, "r") as h:
                for k in m:
                    if k in h["metrics"].attrs:
                        m[k].append(h["metrics"].attrs[k])
        pub = PUBLISHED.get(task, {}).get(kind, ("", "", ""))
        energy = stats(m["energy_mse"]) if m["energy_mse"] else "n/a"
        if m["energy_mse_q2p2"]:
            energy += f" (q²+p²: {stats(m['energy_mse_q2p2'])})"
        print(f"| {kind} | {len(files)} | {stats(m['train_loss'])} | {stats(m['test_loss'])} | {energy} | "
              f"{pub[0]} / {pub[1]} / {pub[2]} |")


if __name__ == "__main__":
    main()
