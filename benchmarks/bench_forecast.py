"""Timings of the walls Monte Carlo (prints; not a test).

    .venv/bin/python benchmarks/bench_forecast.py

Issue 15 asks for 1e5 draws in under a second.
"""

from __future__ import annotations

import time

from analysis import assumptions, forecast, hardware


def _best_of(func, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    table = assumptions.load()
    spec = {k: (table[n].low, table[n].value, table[n].high) for k, n in forecast.ASSUMPTION_NAMES.items()}
    fits = forecast.fits_from_weights({k: table[f"fc_weight_{k}"].value for k in forecast.FIT_KEYS}, {})
    ctx = forecast.context(peak_flops_per_second=hardware.peak_flops_per_second("H100 SXM", "fp8", "dense"),
                           horizon_year=table["fc_horizon_year"].value)
    forecast.monte_carlo(n_draws=10, seed=0, spec=spec, fits=fits, **ctx)  # warm the data-file caches
    for n in (10_000, 100_000, 1_000_000):
        t = _best_of(lambda n=n: forecast.monte_carlo(n_draws=n, seed=table["seed"].value, spec=spec, fits=fits,
                                                      **ctx), repeat=3 if n > 100_000 else 5)
        print(f"monte_carlo             n_draws={n:>9,d}  {t * 1e3:8.1f} ms")
    for name, func in [
        ("villalobos_reproduction (1e5 draws)", lambda: forecast.villalobos_reproduction(
            n_draws=100_000, seed=0, dataset_growth_oom_per_year=0.38, dataset_growth_low=0.27,
            dataset_growth_high=0.48)),
        ("sevilla_reproduction (1e5 draws)", lambda: forecast.sevilla_reproduction(
            n_draws=100_000, seed=0, peak_flops_per_second=ctx["peak_flops_per_second"])),
        ("sensitivity (one at a time)", lambda: forecast.sensitivity(spec, fits, **ctx)),
    ]:
        print(f"{name:<40}  {_best_of(func) * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
