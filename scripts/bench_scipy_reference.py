#!/usr/bin/python3
"""Speed of the reference pendulum data-set generator (scipy), the baseline of docs/benchmarks.md.

Reproduces the generator of Greydanus et al., "Hamiltonian Neural Networks" (2019),
greydanus/hamiltonian-nn, experiment-pend/data.py (get_dataset / get_trajectory):
  for each of 50 trajectories (np.random.seed(0) first):
    y0 = np.random.rand(2)*2 - 1;  radius = np.random.rand() + 1.3  (U[1.3, 2.3))
    y0 = y0 / |y0| * radius
    scipy.integrate.solve_ivp(fun, [0, 3], y0, t_eval=np.linspace(0, 3, 45), rtol=1e-10)
      (method RK45, the default; atol the default 1e-6)
with the pendulum field dq/dt = 2p, dp/dt = -3 sin q (H = 3(1 - cos q) + p²).

Differences from the reference, all in scipy's favour: the field is plain numpy instead of an
autograd gradient (autograd makes each evaluation several times slower), and the per-point targets
(dynamics_fn on every output state) and the noise are not computed.

Prints trajectories/s, best of 3 repeats of the 50-trajectory set, as grep-able lines:
  scipy_rk45_traj_per_s <rate>             atol = 1e-6 (scipy's default: the reference)
  scipy_rk45_atol1e-10_traj_per_s <rate>   atol = 1e-10
plus the mean field evaluations (nfev) per trajectory, to check that hnn's dopri5 does the same
work (bench/bench_integrators reports evals_per_traj for pendulum_set/...).

Needs Debian's python3-scipy (this script runs /usr/bin/python3, not a virtualenv's python):
  apt-get install -y --no-install-recommends python3-scipy
Usage: scripts/bench_scipy_reference.py [--repeats N] [--trajectories N]
"""
import argparse
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp


def field(t, y):
    # H = 3(1 - cos q) + p²:  dq/dt = ∂H/∂p = 2p,  dp/dt = -∂H/∂q = -3 sin q
    return np.array([2.0 * y[1], -3.0 * np.sin(y[0])])


def generate(n_traj, atol):
    """The reference generator; returns (seconds, total nfev)."""
    np.random.seed(0)
    t_span = [0, 3]
    t_eval = np.linspace(t_span[0], t_span[1], int(15 * (t_span[1] - t_span[0])))  # 45 points
    kwargs = {} if atol is None else {"atol": atol}
    nfev = 0
    start = time.perf_counter()
    for _ in range(n_traj):
        y0 = np.random.rand(2) * 2.0 - 1
        radius = np.random.rand() + 1.3
        y0 = y0 / np.sqrt((y0 ** 2).sum()) * radius
        sol = solve_ivp(fun=field, t_span=t_span, y0=y0, t_eval=t_eval, rtol=1e-10, **kwargs)
        assert sol.success and sol.y.shape == (2, 45)
        nfev += sol.nfev
    return time.perf_counter() - start, nfev


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--trajectories", type=int, default=50)
    args = ap.parse_args()
    print(f"# scipy {scipy.__version__}, numpy {np.__version__}; {args.trajectories} trajectories, "
          f"best of {args.repeats}")
    for label, atol in (("scipy_rk45", None), ("scipy_rk45_atol1e-10", 1e-10)):
        best, nfev = min(generate(args.trajectories, atol) for _ in range(args.repeats))
        print(f"{label}_traj_per_s {args.trajectories / best:.2f}")
        print(f"# {label}: best {best:.4f} s per set, {nfev / args.trajectories:.1f} field "
              f"evaluations per trajectory")


if __name__ == "__main__":
    main()
