"""Fuzz every public function of ``analysis`` with nasty arguments (issue 13, section 4).

Targets are discovered, not listed: every callable in the ``__all__`` of every public module
(classes included, so their constructors are fuzzed), plus every public method of each class
(called on an example instance). A new function is therefore covered automatically; only the
short :data:`SKIP` list below is left out, each with its reason.

Each target gets ``EXAMPLES`` hypothesis examples (derandomized, no shrinking: reproducible in
CI). Every argument starts valid-looking (by parameter name, ``_valid()``, with per-target
``_overrides()``); then a few, most often exactly one, are replaced by nasty values (:data:`NASTY`:
NaN, infinities, -1, 0, 1e300, 1e-300, strings, None, booleans, complex, empty, ragged and
wrong-shape arrays). The properties:

* the call returns or raises within :data:`TIMEOUT_S` seconds (no hang);
* an exception is a ``ValueError`` whose message names one of the function's parameters and
  says what is accepted (:data:`ACCEPTED`); with a single nasty argument among valid ones, the
  message names that argument;
* a call given NaN, an infinity, a complex number, or a bool where no bool is expected raises;
* a result holds no NaN or infinity anywhere (numbers, arrays, tuples, dicts, dataclasses,
  DataFrames).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import math
import os
import pkgutil
import re
import signal
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import analysis

#: Seconds a single call may take before it counts as a hang.
TIMEOUT_S = 2.0
#: Examples per target (each target is one pytest case). ``FUZZ_EXAMPLES=500`` in the environment
#: runs a longer, randomised (not derandomised) exploration instead of the reproducible CI run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
EXPLORE = "FUZZ_EXAMPLES" in os.environ

#: Targets whose every call may legitimately take longer (seconds allowed per call).
SLOW = {"scaling.fit_parametric_loss": 20.0,
        "forecast.refit_chinchilla": 30.0}  # fits the 240 Chinchilla runs (a few seconds a call)  # starts=None (a nasty value) runs the 4,500-start grid

#: Targets that are slow per call (whole-chapter computations) get fewer examples.
FEWER = {"scaling.fit_parametric_loss": 15, "datawall.chapter_numbers": 6, "datawall.monte_carlo": 12,
         "datawall.sensitivity": 12, "datawall.wall_table": 12,
         "forecast.refit_chinchilla": 3}

#: Left out of the fuzz, with the reason.
SKIP = {
    # The what-if view's builders (data-wall chapter) take an Assumptions object and the grid built from it, and each
    # recomputes the ledger over the grid (seconds, not a hang); tests/test_whatif.py checks them
    # against analysis at grid points. whatif.usable_tokens (numbers in, numbers out) is fuzzed.
    "whatif.grid": "takes an Assumptions object; builds the view's grid",
    "whatif.grid_size": "takes the grid that whatif.grid builds",
    "whatif.reads": "takes a ledger recompute reference and an Assumptions object; runs that function",
    "whatif.moving_claims": "takes an Assumptions object and the grid; recomputes the ledger per knob",
    "whatif.ledger_rows": "takes an Assumptions object and the grid; recomputes the ledger over it",
    "whatif.tables": "takes an Assumptions object and the grid",
    "whatif.lookup": "takes a table and the grid built by whatif.tables / whatif.grid",
    # claim_* take an Assumptions object after the core helper's merge (checked in test_ledger).
    "claim_*": "essay claims: no numeric arguments; their values are checked by the ledger tests",
    "datawall.summarise": "takes a DataFrame of Monte Carlo draws (an object built by monte_carlo)",
    "ledger.summary": "takes the ledger DataFrame",
    "ledger.resolve": "imports the module a string names; fuzzed strings are not modules",
    "ledger.recompute": "calls the function a string names (see ledger.resolve)",
    "assumptions.in_use": "takes a notebook namespace dict",
    "figures.export": "takes a matplotlib figure and writes files",
    # records: plain containers of a fit's or a file's results, built by the module's own code
    "scaling.ParametricFit": "result record of fit_parametric_loss (its methods are fuzzed)",
    "scaling.PowerLawFit": "result record of fit_power_law (its methods are fuzzed)",
    "prices.DeclineFit": "result record of fit_log_linear_decline (its methods are fuzzed)",
    "isoflop.IsoFlopStudies": "result record of simulate_isoflop_studies (its methods are fuzzed)",
    "isoflop.IsoFlopDesign": "result record of isoflop_design (its methods are fuzzed)",
    "datasets.Source": "record of a sidecar file's fields, validated by the loader",
    "datasets.Column": "record of a sidecar file's fields, validated by the loader",
    "datasets.Dataset": "record of a sidecar file's fields, validated by the loader",
    "assumptions.Assumption": "record of the assumptions file's fields, validated by the loader",
    "assumptions.Assumptions": "the validated assumptions object, built by load() or current() (its methods are fuzzed)",
    "assumptions.Assumptions.get": "inherited Mapping.get: by the Mapping contract any unknown key, even a list, "
                                   "returns the default (spec() and [] raise; spec is fuzzed)",
    "datasets.Check": "record of a sidecar file's fields, validated by the loader",
    "forecast.draw": "takes a numpy Generator (rng); monte_carlo, which draws through it, is fuzzed",
}

#: Targets whose tables may hold NaN: a blank cell of a published table (a nullable column) is missing
#: data, not a computation gone wrong. Infinities are still refused.
MISSING_ALLOWED = {"datasets.load", "datasets.provenance_table",
                   "ledger.ledger",  # the ledger: a claim that states or recomputes no number has a blank cell
                   "forecast.summarise"}  # share_first of the row "first" is not applicable (NaN by design)

#: File readers: their errors follow the standard for data files (name the file, the row or key,
#: and what is wrong), so naming the file or key given stands in for naming the parameter.
FILE_READERS = {"datasets.load", "datasets.meta", "datasets.names", "datasets.bib_keys",
                "datasets.provenance_table", "assumptions.load", "assumptions.value", "assumptions.names",
                "assumptions.check", "assumptions.current",
                # look-ups by name in the assumptions file: the message names the name given
                "assumptions.Assumptions.spec", "assumptions.Assumptions.get"}

#: What an error message must contain besides a parameter name: a statement of what is accepted.
ACCEPTED = re.compile(
    r"outside|not one of|must|give|need|expected|accepted|at least|at most|unreachable|"
    r"overflow|underflow|exceed|below|above|is not a|is not finite|is empty|lengths|same length|"
    r"has shape|too large|too small|cannot|identif|known|does not exist",
    re.IGNORECASE,
)

NAN = float("nan")
INF = float("inf")


@dataclass(frozen=True, eq=False)
class Nasty:
    """A nasty value; ``reject`` marks values every parameter must refuse."""

    value: object
    label: str
    reject: bool = False


#: Marks a parameter left at its default.
DEFAULT = "default"

NASTY = [
    Nasty(NAN, "nan", True),
    Nasty(INF, "inf", True),
    Nasty(-INF, "-inf", True),
    Nasty(-1, "-1"),
    Nasty(0, "0"),
    Nasty(0.0, "0.0"),
    Nasty(1e300, "1e300"),
    Nasty(-1e300, "-1e300"),
    Nasty(1e-300, "1e-300"),
    Nasty("abc", "str"),
    Nasty("1", "str-number"),
    Nasty(None, "None"),
    Nasty(True, "True", True),
    Nasty(False, "False", True),
    Nasty(1 + 2j, "complex", True),
    Nasty(np.array([]), "empty array"),
    Nasty([], "empty list"),
    Nasty(np.array([[1.0, 2.0], [3.0, 4.0]]), "2-D array"),
    Nasty(np.array([1.0, 2.0, 3.0]), "3-vector"),
    Nasty([1.0, NAN], "list with nan", True),
    Nasty([1.0, True], "list with bool", True),
    Nasty([[1.0], [2.0, 3.0]], "ragged list"),
    Nasty(np.array([1e300, -1.0]), "array 1e300,-1"),
]


@functools.cache
def _examples():
    """Example instances of the classes whose methods are fuzzed, built once."""
    from analysis import assumptions, isoflop, prices, sampling, scaling

    design = isoflop.llama3_design(scaling.HOFFMANN_2022, sizes_per_budget=5, window_decades=1.0)
    n = np.array([1e8, 3e8, 1e9, 3e9, 1e10, 3e10, 1e8, 1e10])
    d = np.array([3e9, 1e10, 2e10, 6e10, 2e11, 6e11, 1e11, 1e10])
    fit = scaling.fit_parametric_loss(n, d, scaling.HOFFMANN_2022.loss(n, d),
                                      starts={"a": [6.0], "b": [6.0], "e": [0.5], "alpha": [0.3, 0.5],
                                              "beta": [0.3]}, n_bootstrap=8)
    from analysis import forecast

    return {
        assumptions.Assumptions: assumptions.load(),
        forecast.FitSamples: forecast.fit_samples_from_law(scaling.HOFFMANN_2022, key="hoffmann", weight=1.0,
                                                           reason="published interval", size=20),
        scaling.ParametricLoss: scaling.HOFFMANN_2022,
        scaling.PowerLawAllocation: scaling.LLAMA3_PROSE,
        scaling.ParametricFit: fit,
        scaling.PowerLawFit: scaling.fit_power_law([1e20, 1e21, 1e22], [1e11, 4e11, 1.3e12]),
        prices.DeclineFit: prices.fit_log_linear_decline(["2022-01-01", "2023-03-01", "2024-06-01"],
                                                         [30.0, 5.0, 0.4]),
        sampling.BetaDifficulty: sampling.BetaDifficulty(0.5, 2.0),
        assumptions.Assumption: assumptions.load().spec("mfu"),
        isoflop.IsoFlopDesign: design,
        isoflop.IsoFlopStudies: isoflop.simulate_isoflop_studies(scaling.HOFFMANN_2022, design, n_studies=4,
                                                                 noise=0.01, seed=1),
    }


def _valid():
    """Valid-looking values by parameter name (a value, or a list to choose from)."""
    from analysis import assumptions, forecast, hardware, isoflop, sampling, scaling

    ex = _examples()
    a = assumptions.load()
    spec = {k: (a.spec(n).low, a[n], a.spec(n).high) for k, n in forecast.ASSUMPTION_NAMES.items()}
    fit = ex[forecast.FitSamples]
    laws = [scaling.HOFFMANN_2022, scaling.BESIROGLU_2024, scaling.LLAMA3_PROSE, scaling.TWENTY_TOKENS_PER_PARAM]
    big = [1e9, 7e10, 1e12, np.array([1e9, 1e11])]
    tokens = [1e10, 1.4e12, 1.5e13, np.array([1e11, 1e13])]
    flops = [1e20, 5.76e23, 3.8e25, 1e27, np.array([1e21, 1e24])]
    prob = [0.05, 0.3, 0.7, 0.95]
    share = [0.25, 0.5, 0.75]
    return {
        # objects
        "law": laws + ["hoffmann", "besiroglu"],
        "fit": [scaling.HOFFMANN_2022, scaling.BESIROGLU_2024],
        "design": ex[isoflop.IsoFlopDesign],
        "difficulty": ex[sampling.BetaDifficulty],
        # names
        "gpu": hardware.gpu_names()[:3],
        "precision": list(hardware.PRECISIONS),
        "flop_basis": list(hardware.FLOP_BASES),
        "mode": ["round", "truncate"],
        "output": ["usd_wall", "flops_wall"],
        "quantity": ["dataset_growth_oom_per_year", "largest_dataset_tokens"],
        "field": ["value", "low", "high"],
        "model": ["Llama 3 8B", "Llama 3 70B"],
        "name": ["x", "s1_params", "mmlu_threshold"],
        "source": ["hoffmann2022training", ""],
        "anchor": ["", "test"],
        "note": [""],
        "html": ["<table><tr><td>1</td></tr></table>"],
        "variable": [2.5, "a text", 3],
        # scaling
        "params": big,
        "reference_params": [7e10, 1.3e10],
        "alternative_params": [None, 7e9],
        "tokens": tokens,
        "train_tokens": tokens,
        "unique_tokens": tokens,
        "effective_stock_tokens": [1.5e15, 5e14],
        "text_stock_tokens": [3e14, 1e15],
        "tokens_served": [1e12, 1e15],
        "inference_tokens": [0.0, 1e12, 1e14],
        "flops": flops,
        "fit_flops": [np.array([1e19, 1e20, 1e21, 1e22])],
        "target_flops": [3.8e25, 1e26],
        "fit_max_flops": [1e22, 3e21],
        "pivot_flops": [1.0, 1e21],
        "loss": [1.9, 2.2, 2.5, np.array([2.0, 2.3])],
        "losses": [np.array([[2.6, 2.5, 2.45, 2.5, 2.6], [2.4, 2.3, 2.25, 2.3, 2.4]])],
        "E": [1.69, 1.8],
        "A": [406.4, 482.0],
        "B": [410.7, 2085.0],
        "alpha": [0.34, 0.5, 0.53],
        "beta": [0.28, 0.37, 2.0],
        "b": [0.5, 0.53],
        "tokens_coef": [0.29, 0.3],
        "coef": [0.29, 0.3],
        "exponent": [0.3, 0.35, 0.5],
        "shrink": [1.0, 2.0, 3.0],
        "multiplier": [9.0, 5.0],
        "ratio": [20.0, 100.0, 2.0],
        "residual": [0.0, 0.01, np.array([-0.1, 0.002])],
        "delta": [1e-3, 0.1],
        "starts": [None, np.array([[6.0, 6.0, 0.5, 0.3, 0.3]])],
        "grid": [None, {"a": [6.0], "b": [6.0], "e": [0.5], "alpha": [0.3], "beta": [0.3]}],
        "n_bootstrap": [0, 3],
        "level": [0.8, 0.9],
        "seed": [0, 1, 42],
        "polish": [1, 2],
        "x": [np.array([1.0, 10.0, 100.0]), 3.0],
        "y": [np.array([2.0, 21.0, 190.0])],
        "claim": ["tokens_llama3", "shrink", "flops_large"],
        "printed": [0.53, 0.29],
        "decimals": [2, 3],
        "delta_alpha": [0.01, -0.02],
        "sd_log_tokens": [0.1],
        "sizes_per_budget": [3, 5],
        "window_decades": [0.5, 1.0],
        "min_params": [None, 4e7],
        "max_params": [None, 1.6e10],
        "size_limits": [True, False],
        "n_studies": [2, 4],
        "noise": [0.0, 0.01],
        # hardware and money
        "mfu": [0.3, 0.4, 0.5],
        "usd_per_gpu_hour": [2.0, 3.0],
        "usd": [1e6, 1e9],
        "gpu_hours": [1e3, 1e6],
        "flops_per_dollar": [1e17, 3e17],
        "run_days": [90.0, 120.0],
        "n_gpus": [1e4, 1e5],
        "it_watts_per_gpu": [1200.0, 1500.0],
        "pue": [1.1, 1.3],
        "watts": [1e6, 1e8],
        "seconds": [3600.0, 8e6],
        # datawall
        "max_epochs": [1.0, 4.0],
        "distillation_multiplier": [1.0, 2.0],
        "epochs": [1.0, 4.0, 16.0],
        "overtrain_factor": [1.0, 5.0],
        "growth_oom_per_year": [None, 0.38],
        "mc_price_factor": [2.0],
        "mc_mfu_halfwidth": [0.1],
        "n_draws": [10, 50],
        "mc_draws": [10],
        "data_dir": [None],
        "path": [None],
        "data": [None],
        "essay_value": [9.0, 20.0, 0.0],
        "recomputed": [9.5, 20.0],
        # inference
        "n_layers": [32, 80],
        "context_tokens": [0, 8192],
        "d_attn": [0, 4096],
        "n_kv_heads": [8],
        "n_heads": [32, 64],
        "head_dim": [None, 128],
        "d_model": [4096, 8192],
        "d_ffn": [14336, 28672],
        "vocab_size": [128256],
        "tied_embeddings": [False, True],
        "gated_ffn": [True, False],
        "bytes_per_element": [2.0, 1.0],
        "bits_per_param": [16.0, 4.5, 8.0],
        "bits_per_weight": [4.0, 8.0],
        "reference_bits": [16.0],
        "bandwidth_bytes_per_second": [1e11, 3.35e12],
        "bytes_per_token": [1.6e10, 4e9],
        "peak_flops_per_second": [1e15, 2e15],
        "batch": [1, 64],
        "kv_bytes_per_token": [0.0, 131072.0],
        "tokens_per_answer_multiplier": [1.0, 10.0],
        "low_cost_per_task_usd": [20.0],
        "compute_ratio": [172.0, 10.0],
        "score_low": [0.75, 75.0],
        "score_high": [0.875, 87.5],
        # prices
        "usd_per_mtok_input": [0.15, 20.0],
        "usd_per_mtok_output": [0.6, 20.0],
        "input_share": share,
        "old_input": [20.0],
        "old_output": [20.0],
        "new_input": [0.15],
        "new_output": [0.6],
        "days": [365.0, 730.0, 500.0],
        "days_per_year": [365.0, 365.25],
        "dates": [["2023-01-01", "2023-06-01", "2024-01-01"]],
        "usd_per_mtok": [np.array([10.0, 12.0, 1.0])],
        "scores": [np.array([70.0, 80.0, 60.0])],
        "threshold": [None, 65.0, 64.8],
        "factor": [100.0, 10.0],
        "factor_per_year": [10.0, 3.0],
        "params_active": [1.7e10, 3.7e10],
        "params_total": [2e11, 6.7e11],
        # repetition
        "r_star": [15.387756, 5.309743],
        "data_multiplier": [1.0, 2.0],
        "iters": [16, 32],
        "compute_multiple": [2.0, 16.0],
        # sampling
        "p": prob,
        "k": [1, 10, 100, np.array([1, 10])],
        "n": [100, 2000],
        "wrong_share": share,
        "tpr": [0.9, 1.0],
        "fpr": [0.0, 0.1],
        "samples": [np.array([1, 10, 100]), 5, 64],
        "coverage_fraction": [np.array([0.3, 0.6, 0.8])],
        "mean": [0.3, 0.5],
        "concentration": [1.0, 5.0],
        "accuracy": [0.5, 0.6],
        # ledger
        "reference": ["scaling:claim_compute_optimal_params_at_15t"],
        "what": ["A", "alpha", "b", "G"],
        "candidate": [0.4, 0.5],
        "a_interval": [None],
        "b_interval": [None],
        "fit_range_flops": [None],
        "claim_id": ["B34", "A01", "B06"],
        "flops_id": ["B11", "B17"],
        "usd_id": ["B33", "B70"],
        "a": [None, assumptions.load()],
        "ids": [None, ["B34", "A01"], "B06"],
        "section": [None, "sec-small-models-ratio"],
        "align": ["left", "center", "right"],
        # assumptions, formatting, data files
        "namespace": [{}, {"mfu": 0.4}],
        "df": [pd.DataFrame({"Compute (FLOP)": [1e24, 3.8e25], "Model": ["a", "b"], "Open": [True, False]})],
        "caption": ["Training runs of the data-wall chapter."],
        "key": ["hoffmann", "muennighoff"],
        # forecast (small draws: each call of monte_carlo must stay well under a second)
        "weight": [1.0, 0.5, 0.0],
        "reason": ["published interval", ""],
        "uncertainty": ["", "8 bootstrap refits"],
        "size": [5, 20],
        "weights": [{k: 1.0 for k in forecast.FIT_KEYS}, {k: float(i == 0) for i, k in enumerate(forecast.FIT_KEYS)}],
        "reasons": [{k: "test" for k in forecast.FIT_KEYS}, {}],
        "refit": [None],
        "log10_coef": [float(fit.log10_coef[0]), fit.log10_coef[:2].copy()],
        "start_year": [2024.5, 2025.0],
        "start_flops": [5e25, 3.8e25],
        "stock_year": [2024.0],
        "horizon_year": [2100.0, 2060.0],
        "log10_flops": [26.0, np.array([25.0, 26.5])],
        "log10_growth": [0.6, 0.0, np.array([0.3, 0.6])],
        "ceiling_log10_flops": [28.0, 25.0],
        "ceiling_year": [2030.0, 2025.0],
        "ceiling_log10_growth": [0.0, 0.3],
        "stock_growth": [1.0, 1.1],
        "distill_multiplier": [1.0, 2.0],
        "power_watts": [1e9, 5e9],
        "power_growth": [1.3, 1.0],
        "all_in_watts": [1400.0, 1700.0],
        "efficiency_growth": [1.3, 1.0],
        "chips_h100e": [1e5, 2e6],
        "chips_growth": [1.5, 2.0],
        "spend_usd": [1e9, 1e11],
        "spend_growth": [1.5, 1.2],
        "price_performance_growth": [1.3, 1.4],
        "values": [{k: v[1] for k, v in spec.items()}],
        "spec": [spec],
        "fits": [[fit], [fit, forecast.fit_samples_from_law(scaling.LLAMA3_PROSE, key="llama3", weight=0.5,
                                                            reason="published", size=5)]],
        "wall": list(forecast.WALLS),
        "dataset_growth_oom_per_year": [0.38],
        "dataset_growth_low": [0.27],
        "dataset_growth_high": [0.48],
        "draws": [forecast.monte_carlo(n_draws=20, seed=0, spec=spec, fits=[fit], start_year=2025.0, start_flops=5e25,
                                       stock_year=2024.0, peak_flops_per_second=1e15, horizon_year=2100.0)],
        "years": [np.array([2025.0, 2030.0, 2040.0]), 2030.0],
        "percentiles": [(5, 50, 95), (10, 90), 50],
    }


def _overrides():
    """Valid-looking values for a parameter of one target, where the table's are invalid there."""
    from analysis import fmt, forecast, scaling

    n = np.array([1e8, 3e8, 1e9, 3e9, 1e10, 3e10, 1e8, 1e10])
    d = np.array([3e9, 1e10, 2e10, 6e10, 2e11, 6e11, 1e11, 1e10])
    parametric = [scaling.HOFFMANN_2022, scaling.BESIROGLU_2024, "hoffmann"]
    ex = _examples()
    ex_fit = ex[scaling.ParametricFit]
    fit = ex[forecast.FitSamples]
    return {
        "datawall.verdict": {"essay_value": [9.0, 20.0]},
        "datasets.load": {"name": ["gpus", "text_stock"]},
        "datasets.meta": {"name": ["gpus", "text_stock"]},
        "assumptions.value": {"name": ["mfu", "gpu"]},
        "isoflop.IsoFlopStudies.error_factor": {"law": [scaling.HOFFMANN_2022, scaling.LLAMA3_PROSE]},
        "repetition.fresh_tokens_to_match": {"params": [7e10, 1.3e12]},
        "scaling.exponent_for_data_multiplier": {"shrink": [2.0, 3.0]},
        "inference.kv_cache_bytes_per_token": {"head_dim": [128, 64]},
        "inference.architecture": {"data": [None]},
        "isoflop.isoflop_design": {"flops": [np.array([1e19, 1e20, 1e21])]},
        "isoflop.llama3_design": {"law": parametric, "flops": [None, np.array([1e19, 1e20, 1e21])]},
        "isoflop.generating_law": {"law": parametric},
        "isoflop.simulate_isoflop_studies": {"law": parametric},
        "repetition.data_constrained_optimum": {"grid": [129, 33], "iters": [64, 16]},
        "repetition.flops_for_epochs": {"epochs": [4.0, 16.0]},
        "sampling.majority_vote_accuracy": {"k": [1, 10, 100]},
        "sampling.implied_false_positive_rate": {"samples": [5, 64]},
        "sampling.fit_beta_to_majority_vote": {"samples": [5, 64]},
        "scaling.PowerLawAllocation.from_anchor": {"flops": [1.27e26], "params": [1e12]},
        # starts: a small grid; the default 4,500-start grid takes a second or more per call
        "scaling.fit_parametric_loss": {"params": [n], "tokens": [d], "loss": [scaling.HOFFMANN_2022.loss(n, d)],
                                        "starts": [np.array([[6.0, 6.0, 0.5, 0.3, 0.3], [5.0, 7.0, 0.4, 0.4, 0.3]])],
                                        "n_bootstrap": [0, 2]},
        "scaling.fit_power_law": {"x": [np.array([1.0, 10.0, 100.0])], "y": [np.array([2.0, 21.0, 190.0])]},
        "fmt.table": {"name": ["tbl-data-wall-runs"], "formats": [None, {"Compute (FLOP)": fmt.sci}]},
        **{f"fmt.{f}": {"x": [3.0, 1234.5, 0.0021, 7.5e25, -42.0]} for f in ("num", "sci", "pct", "ratio", "usd", "tokens")},
        "fmt.year": {"x": [2027.0, 2031.4]},
        "figures.panels": {"n": [1, 2, 3], "height": [3.6, 2.0]},
        "forecast.fit_samples_from_law": {"law": [scaling.HOFFMANN_2022, scaling.LLAMA3_PROSE, scaling.BESIROGLU_2024]},
        "forecast.refit_chinchilla": {"n_bootstrap": [1, 2]},
        "forecast.FitSamples": {"log10_coef": [np.array([-0.8, -0.7])], "exponent": [np.array([0.5, 0.52])],
                                "name": ["Hoffmann 2022"]},
        "forecast.fit_samples_from_bootstrap": {"fit": [ex_fit]},
        "forecast.fits_from_weights": {"size": [5, 20]},
        "forecast.monte_carlo": {"n_draws": [10, 50]},
        "forecast.villalobos_reproduction": {"n_draws": [10, 50]},
        "forecast.point_estimate": {"fit": [fit]},
        "forecast.at_scale": {"flops": [8e28, 1e27, 1e25]},
    }


#: Values for a parameter not listed in the table above (the test then fails by name, see below).
GENERIC = [0.5, 2.0, 1e9]


def _public_modules():
    for info in pkgutil.iter_modules(analysis.__path__):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"analysis.{info.name}")


def _skipped(qualname: str) -> bool:
    short = qualname.split(".")[-1]
    return short.startswith("claim_") or qualname in SKIP or ".".join(qualname.split(".")[:2]) in SKIP


def _call_params(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    return [p for p in sig.parameters.values()
            if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]


def _targets():
    """(qualname, callable-factory) for every fuzzed target; the factory returns the callable."""
    out = []
    seen_classes = set()
    for mod in _public_modules():
        modname = mod.__name__.split(".")[-1]
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            qual = f"{modname}.{name}"
            if inspect.isclass(obj):
                if issubclass(obj, BaseException) or obj in seen_classes:
                    continue
                seen_classes.add(obj)
                if not _skipped(qual):
                    out.append((qual, lambda obj=obj: obj))
                for mname, _ in inspect.getmembers(obj):
                    if mname.startswith("_") or f"{qual}.{mname}" in SKIP:
                        continue
                    raw = inspect.getattr_static(obj, mname)
                    if isinstance(raw, property):
                        continue
                    func = raw.__func__ if isinstance(raw, (classmethod, staticmethod)) else raw
                    if not inspect.isfunction(func) or len(inspect.signature(func).parameters) < 2:
                        continue  # not a method, or nothing to fuzz beyond self/cls
                    if isinstance(raw, classmethod):
                        out.append((f"{qual}.{mname}", lambda obj=obj, m=mname: getattr(obj, m)))
                    elif inspect.isfunction(raw):
                        out.append((f"{qual}.{mname}",
                                    lambda obj=obj, m=mname: getattr(_EXAMPLES[obj], m)))
            elif callable(obj) and not _skipped(qual):
                params = _call_params(obj)
                if params:  # functions of no argument have nothing to fuzz
                    out.append((qual, lambda obj=obj: obj))
    return out


_EXAMPLES = {}
TARGETS = _targets()


@pytest.fixture(scope="module", autouse=True)
def _setup():
    from analysis import forecast, hardware, ledger

    _EXAMPLES.update(_examples())
    _VALID.update(_valid())
    _OVERRIDES.update(_overrides())
    # keyword arguments a target takes through **kwargs (not drawn: the context of a forecast)
    ctx = forecast.context(peak_flops_per_second=hardware.peak_flops_per_second("H100 SXM", "fp8", "dense"),
                           horizon_year=2100.0)
    _FIXED.update({"forecast.point_estimate": ctx, "forecast.sensitivity": ctx})
    ledger.ledger()  # build the claims ledger once (cached), so that ledger.row's first call is not a hang


_VALID: dict = {}
_OVERRIDES: dict = {}
#: Fixed keyword arguments passed through a target's ``**kwargs``.
_FIXED: dict = {}


class Hang(BaseException):
    """Raised by the alarm when a call takes longer than TIMEOUT_S (BaseException: not swallowed)."""


def _on_alarm(signum, frame):
    raise Hang()


def _non_finite(result, path="result"):
    """Where ``result`` holds a NaN or infinity, or None."""
    if isinstance(result, (bool, np.bool_, str, bytes, type(None), np.datetime64, pd.Timestamp)):
        return None
    if isinstance(result, (int, float, np.number)):
        return None if math.isfinite(float(result)) else f"{path}={result!r}"
    if isinstance(result, np.ndarray):
        if result.dtype.kind in "iuf":
            return None if np.all(np.isfinite(result)) else f"{path} has non-finite elements"
        if result.dtype.kind == "O":
            for i, v in enumerate(result.flat):
                bad = _non_finite(v, f"{path}.flat[{i}]")
                if bad:
                    return bad
        return None
    if isinstance(result, pd.DataFrame):
        num = result.select_dtypes("number")
        if not np.all(np.isfinite(num.to_numpy(dtype=float, na_value=np.nan))):
            return f"{path} (DataFrame) has non-finite numbers"
        return None
    if isinstance(result, pd.Series):
        return _non_finite(result.to_numpy(), path)
    if isinstance(result, dict):
        for k, v in result.items():
            bad = _non_finite(v, f"{path}[{k!r}]")
            if bad:
                return bad
        return None
    if isinstance(result, (list, tuple)):
        for i, v in enumerate(result):
            bad = _non_finite(v, f"{path}[{i}]")
            if bad:
                return bad
        return None
    if dataclasses.is_dataclass(result):
        for f in dataclasses.fields(result):
            bad = _non_finite(getattr(result, f.name), f"{path}.{f.name}")
            if bad:
                return bad
        return None
    return None


def _arguments(qualname, params):
    """Strategy for a kwargs dict of tagged values.

    Every parameter first gets a valid-looking value (or its default); then a few of them, most
    often exactly one, are replaced by nasty values. Exactly one nasty argument among valid ones
    is the case that shows whether the error names the right parameter.
    """
    names = [p.name for p in params]

    def good(p):
        override = _OVERRIDES.get(qualname, {})
        valid = override.get(p.name, _VALID.get(p.name, GENERIC))
        valid = valid if isinstance(valid, list) else [valid]
        choice = st.sampled_from([Nasty(v, "valid") for v in valid])
        if p.default is not inspect.Parameter.empty and p.name not in override:
            choice = st.one_of(st.just(DEFAULT), choice)
        return choice

    def bad(p):
        is_flag = isinstance(p.default, bool)
        return st.sampled_from([n for n in NASTY if not (is_flag and isinstance(n.value, bool))])

    @st.composite
    def draw_args(draw):
        drawn = {p.name: draw(good(p)) for p in params}
        n_bad = draw(st.sampled_from([0, 1, 1, 1, 1, 2, len(names)]))
        for name in draw(st.lists(st.sampled_from(names), min_size=min(n_bad, 1), max_size=n_bad, unique=True)):
            drawn[name] = draw(bad(next(p for p in params if p.name == name)))
        return drawn

    return draw_args()


def _check(qualname, fn, params, drawn):
    kwargs = {k: v.value for k, v in drawn.items() if v is not DEFAULT}
    kwargs.update(_FIXED.get(qualname, {}))
    names = [p.name for p in params] + list(_FIXED.get(qualname, {}))
    owner = getattr(getattr(fn, "__self__", None), "name", None)
    if isinstance(owner, str) and owner:
        names.append(owner)  # a method of a named record (an assumption) may name itself instead
    if qualname in FILE_READERS:
        names += [str(v) for v in kwargs.values()] + [repr(v) for v in kwargs.values()]
    must_reject = [k for k, v in drawn.items() if v is not DEFAULT and v.reject]
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, SLOW.get(qualname, TIMEOUT_S))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = fn(**kwargs)
    except Hang:
        pytest.fail(f"{qualname}({kwargs!r}) did not return within {SLOW.get(qualname, TIMEOUT_S)} s")
    except ValueError as exc:
        msg = str(exc)
        named = [n for n in names if re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_(])", msg)
                 or (qualname in FILE_READERS and n in msg)]
        assert named, f"{qualname}({kwargs!r}) raised a ValueError naming no parameter of {names}: {msg}"
        nasty = [k for k, v in drawn.items() if v is not DEFAULT and v.label != "valid"]
        if (must_reject and nasty == must_reject[:1] and must_reject[0] not in named and owner not in named
                and qualname not in FILE_READERS):
            pytest.fail(f"{qualname}({kwargs!r}) rejected {must_reject[0]}={kwargs[must_reject[0]]!r} "
                        f"with a message that does not name it: {msg}")
        assert ACCEPTED.search(msg), f"{qualname}({kwargs!r}) raised a ValueError not saying what is accepted: {msg}"
        return
    except Exception as exc:  # noqa: BLE001 - the point is to report any other exception
        pytest.fail(f"{qualname}({kwargs!r}) raised {type(exc).__name__}, not ValueError: {exc}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    assert not must_reject, f"{qualname}({kwargs!r}) accepted {must_reject} = {[kwargs[k] for k in must_reject]}"
    if qualname in MISSING_ALLOWED and isinstance(result, pd.DataFrame):
        result = result.select_dtypes("number").fillna(0.0)
    bad = _non_finite(result)
    assert bad is None, f"{qualname}({kwargs!r}) returned a non-finite value: {bad}"


def test_every_parameter_has_valid_values():
    """Each fuzzed parameter has valid-looking values in the table (so the fuzz reaches past checks)."""
    missing = set()
    for qual, factory in TARGETS:
        if "." in qual.split(".", 1)[1]:
            continue  # methods: parameter names shared with functions
        for p in _call_params(factory()) or []:
            if p.name not in _VALID and p.default is inspect.Parameter.empty:
                missing.add(f"{qual}:{p.name}")
    assert not missing, f"add valid-looking values for {sorted(missing)} to _valid() in tests/test_fuzz.py"


@pytest.mark.parametrize("qualname,factory", TARGETS, ids=[t[0] for t in TARGETS])
def test_fuzz(qualname, factory):
    fn = factory()
    params = _call_params(fn)
    if not params:
        pytest.skip("takes no argument")

    # No shrinking: the first failing example is reported as drawn (derandomized, so reproducible).
    @settings(max_examples=EXAMPLES if EXPLORE else FEWER.get(qualname, EXAMPLES), deadline=None,
              derandomize=not EXPLORE, database=None,
              phases=(Phase.explicit, Phase.generate), report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck))
    @given(_arguments(qualname, params))
    def run(drawn):
        _check(qualname, fn, params, drawn)

    run()
