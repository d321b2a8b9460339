"""The one timing helper of the benchmark scripts (run as scripts: this folder is on sys.path)."""

from __future__ import annotations

import time


def best_of(func, repeat: int = 5) -> float:
    """The fastest of ``repeat`` wall-clock runs of ``func()``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best
