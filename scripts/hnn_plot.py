#!/usr/bin/python3
"""Pictures of hnn runs (Debian's h5py, numpy, matplotlib; run with /usr/bin/python3).

  hnn_plot.py phase   EVAL.h5 [--model M.h5] [-o phase.png]  true vs learned rollouts in (q, p),
                                                        over the learned field (streamlines)
                                                        and contours of the learned H (1-dof
                                                        systems; runs `hnn predict`)
  hnn_plot.py energy  EVAL.h5 [EVAL.h5 ...] [-o e.png]  energy along the rollouts: true, and
                                                        each model's (HNN, baseline, ...)
  hnn_plot.py loss    MODEL.h5|CKPT.h5|RUN_DIR ... [-o l.png]  train/test loss from /history
                                                        (a run directory: its model.h5, else
                                                        its newest checkpoint)
  hnn_plot.py poincare DATA.h5|EVAL.h5|POINCARE.h5 [--section I] [--plane J K] [-o p.png]
                                                        Poincaré section x_I = 0 (upward) of a
                                                        data set or of true and learned
                                                        rollouts (default q1 = 0, (q2, p2)),
                                                        or the crossings `hnn poincare` wrote
                                                        (its section; --section is ignored)
  hnn_plot.py flow    MODEL.h5 DATA.h5 [--traj I ...] [-o f.png]
                                                        a canonical flow's latent variables on
                                                        data trajectories (default the first 3
                                                        test ones): (q̂_i, p̂_i) per plane (circles
                                                        for action-angle variables) and the
                                                        actions r_i = (q̂_i² + p̂_i²)/2 over time
                                                        (runs `hnn predict`)
  hnn_plot.py heatmap SUMMARY.h5 --x COL --y COL [--value metric.energy_mse] [-o h.png]
                                                        sweep heat map (hnn summarize output)
  hnn_plot.py run     DIR [-o DIR/plots]                 all of the above for a pipeline
                                                        directory (DIR/*/model.h5, eval.h5)
Every command writes PNG, and PDF beside it with --pdf; every figure has labelled axes and a
caption naming the run (file, model, system, git hash). Prints the files it wrote.
"""
import argparse
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")


def attr(f, name, default=""):
    v = f.attrs.get(name, default)
    return v.decode() if isinstance(v, bytes) else v


def caption(fig, path, f):
    paths = path if isinstance(path, (list, tuple)) else [path]
    bits = [", ".join(os.path.relpath(p) for p in paths)]
    for key in ("model", "system", "integrator"):
        if key in f.attrs and not (key == "model" and len(paths) > 1):
            bits.append(f"{key} {attr(f, key)}")
    if "git_hash" in f.attrs:
        bits.append(f"git {attr(f, 'git_hash')[:12]}")
    fig.text(0.01, 0.005, " · ".join(bits), fontsize=7, ha="left", va="bottom", color="0.3")


def save(fig, out, pdf):
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(out, dpi=120)
    written = [out]
    if pdf:
        p = os.path.splitext(out)[0] + ".pdf"
        fig.savefig(p)
        written.append(p)
    plt.close(fig)
    for w in written:
        print(w)
    return written


def check_format(f, path, fmt):
    got = attr(f, "format")
    if got != fmt:
        sys.exit(f"hnn_plot: error: {path}: format is '{got}', expected '{fmt}'")


def hnn_executable(given):
    here = os.path.dirname(os.path.abspath(__file__))
    for c in (given, os.environ.get("HNN"), os.path.join(here, "..", "build", "hnn")):
        if c and os.access(c, os.X_OK):
            return c
    return None


def learned_field(model, hnn, xlim, ylim, n=25):
    """The model's field (and H_θ, for models with a learned H) on an n x n grid of (q, p), via
    `hnn predict`. Returns (Q, P, dQ, dP, H or None), or None when it cannot run."""
    import subprocess
    import tempfile
    q, p = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    with tempfile.TemporaryDirectory() as d:
        states = os.path.join(d, "states.h5")
        with h5py.File(states, "w") as s:
            s["states"] = np.stack([q.ravel(), p.ravel()], axis=1)
        pred = os.path.join(d, "pred.h5")
        r = subprocess.run([hnn, "predict", model, states, "-o", pred],
                           capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
        if r.returncode != 0:
            print(f"hnn_plot: note: no field for {model}: {r.stderr.strip()}", file=sys.stderr)
            return None
        with h5py.File(pred, "r") as f:
            field = f["field"][...]
            h = f["H"][...].reshape(q.shape) if "H" in f else None
    return q, p, field[:, 0].reshape(q.shape), field[:, 1].reshape(q.shape), h


def phase(path, out, pdf, max_rollouts=5, model=None, hnn=None):
    with h5py.File(path, "r") as f:
        check_format(f, path, "hnn-evaluation")
        xt, xl = f["rollouts/x_true"][...], f["rollouts/x_learned"][...]
        dof = xt.shape[2] // 2
        fig, ax = plt.subplots(figsize=(5.5, 5))
        if model is None:  # the evaluated model file, if it is where the evaluation says
            m = attr(f, "model_file")
            for c in (m, os.path.join(os.path.dirname(path), os.path.basename(m))):
                if c and os.path.isfile(c):
                    model = c
                    break
        exe = hnn_executable(hnn)
        drawn = ""
        if dof == 1 and model and exe:
            both = np.concatenate([xt.reshape(-1, 2), xl.reshape(-1, 2)])
            lo, hi = both.min(axis=0), both.max(axis=0)
            pad = 0.15 * (hi - lo) + 1e-9
            grid = learned_field(model, exe, (lo[0] - pad[0], hi[0] + pad[0]),
                                 (lo[1] - pad[1], hi[1] + pad[1]))
            if grid is not None:
                q, p, dq, dp, h = grid
                ax.streamplot(q, p, dq, dp, color="0.75", density=1.0, linewidth=0.6,
                              arrowsize=0.7)
                drawn = "\n(grey: learned field)"
                if h is not None:
                    drawn = "\n(grey: learned field, dotted: contours of learned H)"
                    cs = ax.contour(q, p, h, levels=12, colors="0.45", linewidths=0.5,
                                    linestyles=":")
                    ax.clabel(cs, fontsize=6, fmt="%.2g")
        for i in range(min(max_rollouts, xt.shape[0])):
            c = f"C{i % 10}"
            ax.plot(xt[i, :, 0], xt[i, :, dof], color=c, lw=2, alpha=0.35,
                    label="true" if i == 0 else None)
            ax.plot(xl[i, :, 0], xl[i, :, dof], color=c, lw=1, ls="--",
                    label=f"learned ({attr(f, 'model')})" if i == 0 else None)
            ax.plot(xt[i, 0, 0], xt[i, 0, dof], "o", color=c, ms=3)
        ax.set_xlabel("q₁ (position, system units)")
        ax.set_ylabel("p₁ (momentum, system units)")
        ax.set_title(f"Phase portrait: {attr(f, 'system')}, {attr(f, 'model')} vs true{drawn}",
                     fontsize=10)
        ax.legend(loc="upper right", fontsize=8)
        ax.set_aspect("equal", adjustable="datalim")
        caption(fig, path, f)
    return save(fig, out, pdf)


def energy(paths, out, pdf):
    fig, ax = plt.subplots(figsize=(7, 4))
    first = None
    for k, path in enumerate(paths):
        f = h5py.File(path, "r")
        check_format(f, path, "hnn-evaluation")
        if "rollouts/energy_true_on_true" not in f:
            sys.exit(f"hnn_plot: error: {path}: no energies (evaluated with energy = none)")
        t = f["rollouts/t"][...]
        t = t if t.ndim == 1 else t[0]
        if first is None:
            first = f
            ax.plot(t, f["rollouts/energy_true_on_true"][0], color="k", lw=2, label="true")
        ax.plot(t, f["rollouts/energy_true_on_learned"][0], color=f"C{k}", lw=1.2,
                label=f"{attr(f, 'model')} ({os.path.relpath(path)})")
        if f is not first:
            f.close()
    ax.set_xlabel("time t (system units)")
    ax.set_ylabel("energy E = H(x) (system units)")
    ax.set_title(f"Energy along rollout 0: {attr(first, 'system')}")
    ax.legend(fontsize=8)
    caption(fig, paths, first)
    first.close()
    return save(fig, out, pdf)


def training_file(path):
    """A model file, a checkpoint, or a run directory (its model.h5, else its newest
    checkpoint, so unfinished runs have loss curves too)."""
    if not os.path.isdir(path):
        return path
    if os.path.isfile(os.path.join(path, "model.h5")):
        return os.path.join(path, "model.h5")
    ck = os.path.join(path, "checkpoints")
    # Complete checkpoints only: a write killed mid-way leaves ckpt-N.h5.partial-PID.
    cks = sorted(c for c in os.listdir(ck) if re.fullmatch(r"ckpt-\d+\.h5", c)) if os.path.isdir(ck) else []
    if not cks:
        sys.exit(f"hnn_plot: error: {path}: no model.h5 and no checkpoints/ckpt-*.h5")
    return os.path.join(ck, cks[-1])


def loss(paths, out, pdf):
    fig, ax = plt.subplots(figsize=(7, 4))
    first = None
    paths = [training_file(p) for p in paths]
    for k, path in enumerate(paths):
        with h5py.File(path, "r") as f:
            if attr(f, "format") != "hnn-checkpoint":
                check_format(f, path, "hnn-model")
            step = f["history/step"][...]
            kind = attr(f, "model") or f"checkpoint, step {f.attrs.get('step', '?')}"
            name = f"{kind} ({os.path.relpath(path)})"
            ax.semilogy(step, f["history/train_loss"][...], color=f"C{k}", marker=".", label=f"train, {name}")
            ax.semilogy(step, f["history/test_loss"][...], color=f"C{k}", ls="--",
                        label=f"test, {name}")
            if first is None:
                first = path
                caption(fig, paths, f)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss: mean squared error of dx/dt")
    ax.set_title("Training loss")
    ax.legend(fontsize=7)
    return save(fig, out, pdf)


def flow(model, data, out, pdf, trajs=None, hnn=None):
    """Latent planes and actions of a flow model along data trajectories (via `hnn predict`)."""
    import subprocess
    import tempfile
    hnn = hnn_executable(hnn)
    if hnn is None:
        sys.exit("hnn_plot: error: flow needs the hnn executable (set HNN or build build/hnn)")
    with h5py.File(data, "r") as f:
        x, t = f["trajectories/x"], f["trajectories/t"][...]
        test = f["split/test"][...] if "split/test" in f else np.arange(0)
        if trajs is None:
            trajs = list(test[:3]) if len(test) else [0, 1, 2][: x.shape[0]]
        for i in trajs:
            if not 0 <= i < x.shape[0]:
                sys.exit(f"hnn_plot: error: {data}: no trajectory {i} (it has {x.shape[0]})")
        xs = np.stack([x[i] for i in trajs])  # (n_traj, n_time, dim)
        tt = np.stack([t[i] if t.ndim == 2 else t for i in trajs])
    n_traj, n_time, dim = xs.shape
    with tempfile.TemporaryDirectory() as d:
        states = os.path.join(d, "states.h5")
        with h5py.File(states, "w") as s_:
            s_["states"] = xs.reshape(-1, dim)
        pred = os.path.join(d, "pred.h5")
        r = subprocess.run([hnn, "predict", model, states, "-o", pred], capture_output=True,
                           text=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
        if r.returncode != 0:
            sys.exit(f"hnn_plot: error: hnn predict {model}: {r.stderr.strip()}")
        with h5py.File(pred, "r") as f:
            if "latent" not in f:
                sys.exit(f"hnn_plot: error: {model} is not a flow model (no /latent from predict)")
            z = f["latent"][...].reshape(n_traj, n_time, dim)
            act = f["actions"][...].reshape(n_traj, n_time, dim // 2)
    n = dim // 2
    fig, axes = plt.subplots(2, n, figsize=(2.6 * n + 1, 5.6), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i in range(n):
        ax = axes[0, i]
        for k in range(n_traj):
            ax.plot(z[k, :, i], z[k, :, n + i], ".", ms=1.5, color=colors[k % len(colors)],
                    label=f"trajectory {trajs[k]}")
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_xlabel(f"q̂{i + 1} (latent)")
        ax.set_ylabel(f"p̂{i + 1} (latent)")
        ax.set_title(f"plane {i + 1}", fontsize=9)
        ax = axes[1, i]
        for k in range(n_traj):
            ax.plot(tt[k], act[k, :, i], color=colors[k % len(colors)], lw=1)
        ax.set_xlabel("time t (system units)")
        ax.set_ylabel(f"action r{i + 1} = (q̂² + p̂²)/2")
    axes[0, 0].legend(fontsize=7, loc="best")
    fig.suptitle("Canonical flow: latent planes (circles = action-angle) and actions along "
                 "data trajectories", fontsize=10)
    with h5py.File(model, "r") as f:
        caption(fig, [model, data], f)
    return save(fig, out, pdf)


def heatmap(path, xcol, ycol, value, out, pdf, log=True):
    with h5py.File(path, "r") as f:
        check_format(f, path, "hnn-summary")
        runs = f["runs"]
        for c in (xcol, ycol, value):
            if c not in runs:
                sys.exit(f"hnn_plot: error: {path}: no column '{c}' (columns: "
                         f"{attr(f, 'columns')})")

        def col(c):
            v = runs[c][...]
            return np.array([s.decode() if isinstance(s, bytes) else s for s in v])

        def canonical(v):  # "1e-3" and "0.001", "[32,32]" and "[32, 32]" are the same cell
            try:
                return repr(float(v))
            except ValueError:
                return v.replace(" ", "")

        xs = np.array([canonical(v) for v in col(xcol)])
        ys = np.array([canonical(v) for v in col(ycol)])
        vs = runs[value][...].astype(float)
        status = col("status")
        # Runs that never got as far as a resolved input have no coordinates: counted, not drawn.
        known = (xs != "") & (ys != "")
        n_unplaced = int((~known).sum())
        xs, ys, vs, status = xs[known], ys[known], vs[known], status[known]

        def order(vals):
            u = list(dict.fromkeys(vals))
            try:
                return sorted(u, key=float)
            except ValueError:
                return sorted(u)

        ux, uy = order(xs), order(ys)
        grid = np.full((len(uy), len(ux)), np.nan)
        label = np.full((len(uy), len(ux)), "no run", dtype=object)
        for x, y, v, s in zip(xs, ys, vs, status):
            i, j = uy.index(y), ux.index(x)
            if s == "done" and np.isfinite(v):
                grid[i, j] = v
                label[i, j] = f"{v:.2e}"
            else:
                label[i, j] = s
        fig, ax = plt.subplots(figsize=(1.6 * len(ux) + 3, 1.0 * len(uy) + 2))
        shown = np.log10(grid) if log else grid
        im = ax.imshow(shown, origin="lower", cmap="viridis", aspect="auto")
        lo, hi = (np.nanmin(shown), np.nanmax(shown)) if np.isfinite(shown).any() else (0, 1)
        for i in range(len(uy)):
            for j in range(len(ux)):
                bright = np.isfinite(shown[i, j]) and shown[i, j] > lo + 0.6 * (hi - lo)
                ax.text(j, i, label[i, j], ha="center", va="center", fontsize=8,
                        color="k" if bright or not np.isfinite(shown[i, j]) else "w")
        ax.set_xticks(range(len(ux)), ux)
        ax.set_yticks(range(len(uy)), uy)
        ax.set_xlabel(xcol)
        ax.set_ylabel(ycol)
        fig.colorbar(im, ax=ax, label=("log₁₀ " if log else "") + value)
        done = int((status == "done").sum())
        extra = f"; {n_unplaced} run(s) without {xcol}/{ycol} not shown" if n_unplaced else ""
        ax.set_title(f"Sweep: {value} ({done} of {len(status) + n_unplaced} runs done{extra})",
                     fontsize=10)
        caption(fig, path, f)
    return save(fig, out, pdf)


def crossings(x, i, j, k):
    """Points (x_j, x_k) where x_i crosses 0 upwards along each trajectory of x (n, T, dim),
    linearly interpolated between the samples (fine time grids give the section to the
    accuracy of that interpolation). The conventional section: i = q_1, (j, k) = (q_2, p_2),
    with the momentum p_1 > 0 implied by the upward crossing of q_1 when dq_1/dt = p_1/m."""
    out = []
    for traj in x:
        a, b = traj[:-1, i], traj[1:, i]
        idx = np.nonzero((a < 0) & (b >= 0))[0]
        w = (-a[idx] / (b[idx] - a[idx]))[:, None]
        pts = traj[idx] * (1 - w) + traj[idx + 1] * w
        out.append(pts[:, [j, k]])
    return out


def poincare(path, out, pdf, section=0, plane=None):
    """Poincaré section of a data set (trajectories/x) or of an evaluation (true and learned
    rollouts side by side), or the crossings of `hnn poincare` (/poincare/crossings)."""
    with h5py.File(path, "r") as f:
        fmt = attr(f, "format")
        if fmt == "hnn-poincare":
            return poincare_crossings(f, path, out, pdf, plane)
        if fmt == "hnn-trajectories":
            sets = [("data", f["trajectories/x"][...])]
        elif fmt == "hnn-evaluation":
            sets = [("true", f["rollouts/x_true"][...]),
                    (f"learned ({attr(f, 'model')})", f["rollouts/x_learned"][...])]
        else:
            sys.exit(f"hnn_plot: error: {path}: format '{fmt}': need a trajectory data set, "
                     "an evaluation or an hnn poincare output")
        dim = sets[0][1].shape[2]
        dof = dim // 2
        if dof < 2:
            sys.exit(f"hnn_plot: error: {path}: a Poincaré section needs at least 2 degrees of "
                     f"freedom (this system has {dof})")
        j, k = plane if plane else (1 if section != 1 else 0, dof + (1 if section != 1 else 0))
        names = [f"q{n + 1}" for n in range(dof)] + [f"p{n + 1}" for n in range(dof)]
        fig, axes = plt.subplots(1, len(sets), figsize=(5.2 * len(sets), 5), squeeze=False,
                                 sharex=True, sharey=True)
        for ax, (label, x) in zip(axes[0], sets):
            pts = crossings(x, section, j, k)
            for n, p in enumerate(pts):
                ax.plot(p[:, 0], p[:, 1], ".", ms=1.5, color=f"C{n % 10}")
            total = sum(len(p) for p in pts)
            ax.set_title(f"{label}: {total} crossings of {len(pts)} orbits", fontsize=10)
            ax.set_xlabel(f"{names[j]} (system units)")
            ax.set_ylabel(f"{names[k]} (system units)")
        fig.suptitle(f"Poincaré section {names[section]} = 0 (upward), {attr(f, 'system')}",
                     fontsize=11)
        caption(fig, path, f)
    return save(fig, out, pdf)


def poincare_crossings(f, path, out, pdf, plane=None):
    """The crossings stored by `hnn poincare`, one colour per orbit."""
    g = f["poincare"]
    x, orbit = g["crossings"][...], g["orbit"][...]
    dim = x.shape[1]
    dof = dim // 2
    if dof < 2:
        sys.exit(f"hnn_plot: error: {path}: a Poincaré section needs at least 2 degrees of "
                 f"freedom (this system has {dof})")
    c = int(g.attrs["coordinate"])
    names = [f"q{n + 1}" for n in range(dof)] + [f"p{n + 1}" for n in range(dof)]
    if plane:
        j, k = plane
    else:  # the other (q, p) pair than the section's
        n0 = c % dof
        other = 1 if n0 == 0 else 0
        j, k = other, dof + other
    fig, ax = plt.subplots(figsize=(5.6, 5))
    for n in np.unique(orbit):
        p = x[orbit == n]
        ax.plot(p[:, j], p[:, k], ".", ms=1.5, color=f"C{n % 10}")
    sattr = lambda k: (lambda v: v.decode() if isinstance(v, bytes) else str(v))(g.attrs[k])
    model = sattr("model") or "true dynamics"
    ax.set_title(f"{model}: {len(x)} crossings of {int(g.attrs['n_orbits'])} orbits", fontsize=10)
    ax.set_xlabel(f"{names[j]} (system units)")
    ax.set_ylabel(f"{names[k]} (system units)")
    fig.suptitle(f"Poincaré section {names[c]} = {float(g.attrs['value']):g} "
                 f"({sattr('direction')}), {attr(f, 'system')}", fontsize=11)
    caption(fig, path, f)
    return save(fig, out, pdf)


def run_dir(d, outdir, pdf):
    written = []
    models, evals = [], []
    for sub in sorted(os.listdir(d)):
        p = os.path.join(d, sub)
        if os.path.isfile(os.path.join(p, "model.h5")):
            models.append(os.path.join(p, "model.h5"))
        if os.path.isfile(os.path.join(p, "eval.h5")):
            evals.append(os.path.join(p, "eval.h5"))
    if not models:
        sys.exit(f"hnn_plot: error: {d}: no */model.h5")
    written += loss(models, os.path.join(outdir, "loss.png"), pdf)
    for e in evals:
        name = os.path.basename(os.path.dirname(e))
        m = os.path.join(os.path.dirname(e), "model.h5")
        written += phase(e, os.path.join(outdir, f"phase_{name}.png"), pdf,
                         model=m if os.path.isfile(m) else None)
    if evals:
        written += energy(evals, os.path.join(outdir, "energy.png"), pdf)
    return written


def main():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--pdf", action="store_true", help="also write PDF beside each PNG")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    add = lambda name: sub.add_parser(name, parents=[common])  # noqa: E731
    p = add("phase"); p.add_argument("eval"); p.add_argument("-o", default="phase.png")
    p.add_argument("--model", help="model file for the learned field (default: the evaluated "
                   "model, if found)")
    p.add_argument("--hnn", help="hnn executable (default: $HNN, else build/hnn)")
    p = add("energy"); p.add_argument("evals", nargs="+")
    p.add_argument("-o", default="energy.png")
    p = add("loss"); p.add_argument("models", nargs="+")
    p.add_argument("-o", default="loss.png")
    p = add("heatmap"); p.add_argument("summary")
    p.add_argument("--x", required=True); p.add_argument("--y", required=True)
    p.add_argument("--value", default="metric.energy_mse")
    p.add_argument("--linear", action="store_true", help="linear colour scale (default log10)")
    p.add_argument("-o", default="heatmap.png")
    p = add("flow"); p.add_argument("model"); p.add_argument("data")
    p.add_argument("--traj", type=int, nargs="+", help="trajectory indices (default: 3 test ones)")
    p.add_argument("--hnn", help="the hnn executable (default $HNN or build/hnn)")
    p.add_argument("-o", default="flow.png")
    p = add("poincare"); p.add_argument("file"); p.add_argument("-o", default="poincare.png")
    p.add_argument("--section", type=int, default=0,
                   help="state index whose upward zero crossing defines the section (0 = q1)")
    p.add_argument("--plane", type=int, nargs=2, metavar=("J", "K"),
                   help="state indices plotted (default q2, p2)")
    p = add("run"); p.add_argument("dir"); p.add_argument("-o", default=None)
    a = ap.parse_args()
    if a.cmd == "phase":
        phase(a.eval, a.o, a.pdf, model=a.model, hnn=a.hnn)
    elif a.cmd == "energy":
        energy(a.evals, a.o, a.pdf)
    elif a.cmd == "loss":
        loss(a.models, a.o, a.pdf)
    elif a.cmd == "heatmap":
        heatmap(a.summary, a.x, a.y, a.value, a.o, a.pdf, log=not a.linear)
    elif a.cmd == "flow":
        flow(a.model, a.data, a.o, a.pdf, a.traj, a.hnn)
    elif a.cmd == "poincare":
        poincare(a.file, a.o, a.pdf, a.section, a.plane)
    elif a.cmd == "run":
        run_dir(a.dir, a.o or os.path.join(a.dir, "plots"), a.pdf)


if __name__ == "__main__":
    main()
