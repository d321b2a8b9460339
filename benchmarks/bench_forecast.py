"""Timings of the walls Monte Carlo (prints; not a test).

    .venv/bin/python benchmarks/bench_forecast.py

Issue 15 asks for 1e5 draws in under a second.
"""

from __future__ import annotations

import time

from _timing import best_of

from analysis import assumptions, forecast


def main() -> None:
    table = assumptions.load()
    t0 = time.perf_counter()
    spec, fits, ctx = forecast.book_inputs(table)  # includes the bootstrapped refit of the Chinchilla runs
    print(f"book_inputs (refit, {table['fc_bootstrap_refits']} bootstraps)  {(time.perf_counter() - t0) * 1e3:8.1f} ms")
    forecast.monte_carlo(n_draws=10, seed=0, spec=spec, fits=fits, **ctx)  # warm the data-file caches
    for n in (10_000, 100_000, 1_000_000):
        t = best_of(lambda n=n: forecast.monte_carlo(n_draws=n, seed=table["seed"], spec=spec, fits=fits,
                                                      **ctx), repeat=3 if n > 100_000 else 5)
        print(f"monte_carlo             n_draws={n:>9,d}  {t * 1e3:8.1f} ms")
    for name, func in [
        ("villalobos_reproduction (1e5 draws)", lambda: forecast.villalobos_reproduction(
            n_draws=100_000, seed=0, dataset_growth_oom_per_year=0.38, dataset_growth_low=0.27,
            dataset_growth_high=0.48)),
        ("sevilla_reproduction (1e5 draws)", lambda: forecast.sevilla_reproduction(
            n_draws=100_000, seed=0, peak_flops_per_second=ctx["peak_flops_per_second"])),
        ("sensitivity (one at a time)", lambda: forecast.sensitivity(spec, fits, **ctx)),
        ("four claim functions (cached forecast)", lambda: [getattr(forecast, n)(table) for n in forecast.__all__
                                                           if n.startswith("claim_walls_")]),
    ]:
        print(f"{name:<40}  {best_of(func) * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
