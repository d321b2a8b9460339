"""Timings of the data-wall Monte Carlo, wall table, sensitivity and claims (prints; not a test).

    .venv/bin/python benchmarks/bench_datawall.py

The issue asks for 1e5 draws in under a second.
"""

from __future__ import annotations

import inspect
import time

from analysis import assumptions, datawall


def _best_of(func, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    table = assumptions.load()
    mc = {k: table[k] for k in inspect.signature(datawall.monte_carlo).parameters
          if k in table and k != "seed"}
    datawall.monte_carlo(n_draws=10, seed=0, **mc)  # warm the data-file caches
    for n in (10_000, 100_000, 1_000_000):
        t = _best_of(lambda n=n: datawall.monte_carlo(n_draws=n, seed=table["seed"], **mc))
        print(f"monte_carlo      n_draws={n:>9,d}  {t * 1e3:8.1f} ms (best of 5)")
    kw = {k: table[k] for k in inspect.signature(datawall.wall_table).parameters}
    t = _best_of(lambda: datawall.wall_table(**kw))
    print(f"wall_table                           {t * 1e3:8.1f} ms (best of 5)")
    claims = [getattr(datawall, n) for n in datawall.__all__ if n.startswith("claim_data_wall_")]
    t = _best_of(lambda: [c(table) for c in claims])
    print(f"{len(claims)} claim functions                   {t * 1e3:8.1f} ms (best of 5)")
    sens = {k: table[k] for k in inspect.signature(datawall.sensitivity).parameters if k in table}
    t = _best_of(lambda: datawall.sensitivity(**sens))
    print(f"sensitivity                          {t * 1e3:8.1f} ms (best of 5)")


if __name__ == "__main__":
    main()
