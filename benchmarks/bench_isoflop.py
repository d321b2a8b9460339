"""Timings of the simulated isoFLOP protocol (prints; not a test).

    .venv/bin/python benchmarks/bench_isoflop.py
"""

from __future__ import annotations

import numpy as np
from _timing import best_of

from analysis import assumptions
from analysis.isoflop import llama3_design, simulate_isoflop_studies


def main():
    a = dict(assumptions.load())
    law = a["isoflop_generating_law"]
    design = llama3_design(law, sizes_per_budget=a["isoflop_sizes_per_budget"],
                           window_decades=a["isoflop_window_decades"])
    targets = np.geomspace(1e18, 1e29, 200)
    print(f"design: {design.flops.size} budgets x {design.params.shape[1]} sizes, law {law}, "
          f"noise {a['isoflop_loss_noise']}")
    for n in (1_000, 10_000, 100_000):
        def run(n=n):
            s = simulate_isoflop_studies(law, design, n_studies=n, noise=a["isoflop_loss_noise"], seed=a["seed"])
            np.percentile(s.predict_tokens(targets), [5, 25, 50, 75, 95], axis=0)
        t = best_of(run, repeat=3 if n > 10_000 else 5)
        print(f"{n:>8,d} studies + fan of 200 budgets: {t * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
