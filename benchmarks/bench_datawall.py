"""Timings of the data-wall wall table and claims (prints; not a test).

    .venv/bin/python benchmarks/bench_datawall.py

The data wall's Monte Carlo is analysis.forecast's; benchmarks/bench_forecast.py times it.
"""

from __future__ import annotations

import inspect

from _timing import best_of

from analysis import assumptions, datawall


def main() -> None:
    table = assumptions.load()
    kw = {k: table[k] for k in inspect.signature(datawall.wall_table).parameters}
    t = best_of(lambda: datawall.wall_table(**kw))
    print(f"wall_table                           {t * 1e3:8.1f} ms (best of 5)")
    claims = [getattr(datawall, n) for n in datawall.__all__ if n.startswith("claim_data_wall_")]
    t = best_of(lambda: [c(table) for c in claims])
    print(f"{len(claims)} claim functions                   {t * 1e3:8.1f} ms (best of 5)")


if __name__ == "__main__":
    main()
