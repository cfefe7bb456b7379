#!/usr/bin/python3
"""The reference HNN training step in PyTorch, for comparison with bench/bench_train.

Same step as `step/batch:B/omp:T` there: H = MLP 2 -> 200 -> 200 -> 1 (tanh, float64, no bias on
the last layer, orthogonal init), field = Omega grad H via autograd with create_graph=True (as in
Greydanus et al.'s code), loss = mean squared error against dx/dt, backward, one Adam step.

Usage: /usr/bin/python3 scripts/bench_torch_step.py [--batch 64 750 4096] [--threads 1 2]
Prints one line per case: "torch batch:B omp:T steps/s S" (best of 3 repetitions of >= 0.5 s).
"""
import argparse
import time

import torch


def make_model():
    torch.manual_seed(0)
    layers = [torch.nn.Linear(2, 200), torch.nn.Tanh(), torch.nn.Linear(200, 200), torch.nn.Tanh(),
              torch.nn.Linear(200, 1, bias=False)]
    for layer in layers:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.orthogonal_(layer.weight)
    return torch.nn.Sequential(*layers).double()


def step(model, opt, x, dxdt):
    opt.zero_grad()
    x = x.requires_grad_(True)
    h = model(x).sum()
    dh = torch.autograd.grad(h, x, create_graph=True)[0]
    field = torch.cat([dh[:, 1:2], -dh[:, 0:1]], dim=1)
    loss = ((field - dxdt) ** 2).mean()
    loss.backward()
    opt.step()
    return loss


def best_rate(batch, threads, reps=3, min_time=0.5):
    torch.set_num_threads(threads)
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-6)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(batch, 2, generator=g, dtype=torch.float64)
    dxdt = torch.stack([2 * x[:, 1], -2 * x[:, 0]], dim=1)
    for _ in range(3):
        step(model, opt, x.detach().clone(), dxdt)
    best = 0.0
    for _ in range(reps):
        n, t0 = 0, time.perf_counter()
        while True:
            step(model, opt, x.detach().clone(), dxdt)
            n += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= min_time:
                break
        best = max(best, n / elapsed)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, nargs="+", default=[64, 750, 4096])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    print(f"# torch {torch.__version__}")
    for b in args.batch:
        for t in args.threads:
            print(f"torch batch:{b} omp:{t} steps/s {best_rate(b, t):.6g}", flush=True)


if __name__ == "__main__":
    main()
