"""Timings of the heavier helpers of analysis.inference and analysis.sampling (not a test).

Run: .venv/bin/python benchmarks/bench_inference.py
"""

from __future__ import annotations

import time

import numpy as np

from analysis import inference as inf
from analysis import sampling as smp
from analysis.scaling import PARAMETRIC_FITS


def timed(label, fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<68s} {best * 1e3:9.1f} ms")


def main():
    fit = PARAMETRIC_FITS["hoffmann"]
    loss = fit.loss(70e9, inf.chinchilla_tokens_for_params(fit, 70e9))
    demand = np.logspace(9, 17, 200)
    timed("inference_aware_optimum, 200 demands (one fit)",
          lambda: inf.inference_aware_optimum(fit, loss, demand))
    d = smp.BetaDifficulty(0.37, 0.13)
    ks = np.unique(np.round(np.logspace(0, 3, 25)).astype(int))
    timed(f"BetaDifficulty.majority_vote, {ks.size} k values up to 1000, 1000-bin grid",
          lambda: d.majority_vote(ks, 0.3, n=1000), repeat=1)
    timed("BetaDifficulty.verifier, 60 k values up to 1e4, 2000-bin grid",
          lambda: d.verifier(np.unique(np.round(np.logspace(0, 4, 60))), 0.9, 0.01))
    timed("fit_beta_to_majority_vote (o1 AIME: 64 votes)",
          lambda: smp.fit_beta_to_majority_vote(0.74, 64, 0.83, 0.3), repeat=1)
    timed("implied_false_positive_rate (1,000 samples)",
          lambda: smp.implied_false_positive_rate(d, 1000, 0.93, 0.9))
    timed("fit_beta_coverage (3 points, 16 starts)",
          lambda: smp.fit_beta_coverage([1, 5, 250], [0.159, 0.2962, 0.56]))


if __name__ == "__main__":
    main()
