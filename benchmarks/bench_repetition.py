"""Timings of analysis.repetition's heavier functions (prints; not a test).

    .venv/bin/python benchmarks/bench_repetition.py
"""

from __future__ import annotations

import time

import numpy as np

from analysis import repetition as rp


def timed(label, fn, repeat=5):
    fn()  # warm up
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    dt = (time.perf_counter() - t0) / repeat
    print(f"{label:<58} {dt * 1e3:9.2f} ms")


def main() -> None:
    n = np.logspace(8, 13, 1_000_000)
    timed("data_constrained_loss, 1e6 points", lambda: rp.data_constrained_loss(n, 1e13, 5e12))
    timed("data_constrained_optimum, 1 budget", lambda: rp.data_constrained_optimum(8e28, 5e13))
    budgets = np.logspace(20, 30, 1000)
    timed("data_constrained_optimum, 1,000 budgets (vectorised)",
          lambda: rp.data_constrained_optimum(budgets, 1.5e13))
    timed("repetition_absorption, 161 multiples", lambda: rp.repetition_absorption(np.logspace(0, 4, 161)))
    timed("flops_for_epochs, 1 solve", lambda: rp.flops_for_epochs(16.0, 5e13), repeat=2)
    timed("scenario_overtrained", rp.scenario_overtrained)
    timed("all claim_repetition_* functions",
          lambda: [getattr(rp, k)() for k in dir(rp) if k.startswith("claim_")], repeat=1)


if __name__ == "__main__":
    main()
