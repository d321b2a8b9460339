"""Timings of the data-wall Monte Carlo and the chapter's numbers (prints; not a test).

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
    kw = {k: table[k].value for k in inspect.signature(datawall.chapter_numbers).parameters}
    t = _best_of(lambda: datawall.chapter_numbers(**kw), repeat=3)
    print(f"chapter_numbers  mc_draws={kw['mc_draws']:>8,d}  {t * 1e3:8.1f} ms (best of 3)")
    sens = {k: table[k].value for k in inspect.signature(datawall.sensitivity).parameters if k in table}
    t = _best_of(lambda: datawall.sensitivity(**sens))
    print(f"sensitivity                          {t * 1e3:8.1f} ms (best of 5)")


if __name__ == "__main__":
    main()
