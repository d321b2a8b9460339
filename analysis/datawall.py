"""The data wall: how much text a compute-optimal run needs, how much exists, and when they meet.

Three ingredients:

* the **stock of text** of Villalobos et al. (2024) (``data/text_stock.csv``): raw token counts
  of Common Crawl and the web, and two measures of what can be trained on, named the same way in
  every chapter. The **unique stock** counts each distinct quality-filtered token once (their
  quality-adjusted stock, Figure 3: about 1e14 tokens). The **effective stock (with repetition)**
  is the unique stock times their repetition multiplier, drawn between 2x and 5x (median about
  3.2x, :func:`repetition_multiplier`; the paper caps Muennighoff et al.'s 3x-15x at 5x): about
  3e14 tokens, 90% interval 1e14-1e15. The book's one stock assumption, ``text_stock_tokens``,
  is that effective stock; :func:`unique_stock_tokens` divides it by the median multiplier, and
  the calendar model of :mod:`analysis.forecast` draws its unique stock around the same number;
* the **data a run needs**: the compute-optimal token count ``D_opt(C)`` of every published
  scaling law in :data:`analysis.scaling.PARAMETRIC_FITS` and :data:`analysis.scaling.ALLOCATIONS`
  (all of them are power laws in ``C`` under ``C = 6 N D``), optionally overtrained;
* **repetition**: ``U`` unique tokens seen for ``e`` epochs are worth
  :func:`analysis.repetition.effective_data` ``(U, e)`` fresh tokens (Muennighoff et al. 2023).

The wall binds at the compute where ``D_opt(C)`` equals the usable tokens; dollars follow from
:mod:`analysis.hardware`. This module is deterministic: the year the wall binds, with every
input uncertain, comes from the book's one calendar-time model, :mod:`analysis.forecast`
(its ``book_forecast`` and ``sensitivity``), which the data-wall chapter reads.

References
----------
villalobos2024will, epoch2024will, muennighoff2023scaling, hoffmann2022training
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis import _validate, datasets, essays, hardware, repetition, scaling

__all__ = [
    "fits",
    "fit_power_law",
    "text_stock",
    "trend",
    "repetition_multiplier",
    "unique_stock_tokens",
    "usable_tokens",
    "optimal_tokens",
    "optimal_tokens_table",
    "wall_flops",
    "dataset_year",
    "wall_table",
    "H100",
    "claim_supported",
    "essay_flops_per_usd",
    "essay_implied_usd_per_gpu_hour",
    "flops_at_essay_price",
    "claim_data_wall_flops_for_large_budget",
    "claim_data_wall_flops_for_small_budget",
    "claim_data_wall_tokens_at_large_flops",
    "claim_data_wall_usd_for_scale_up",
    "claim_data_wall_gigawatts_for_scale_up",
    "claim_data_wall_flops_supported_by_repeated_data",
    "claim_data_wall_usd_at_unique_stock",
    "claim_data_wall_h100_fp8_sparse_pflops",
    "claim_data_wall_h100_fp8_dense_pflops",
    "claim_data_wall_sparse_over_dense",
    "claim_data_wall_gb200_fp8_dense_pflops",
    "claim_data_wall_hgx_b200_fp8_dense_pflops",
    "claim_data_wall_gb200_over_h100_tdp",
]

# ----------------------------------------------------------------------------------------------
# Inputs: fits, data files
# ----------------------------------------------------------------------------------------------


def fits() -> dict:
    """Every published compute-optimal law, keyed by short name (parametric fits, then allocations).

    Returns
    -------
    dict
        ``{name: law}``; each law has ``compute_optimal(flops) -> (params, tokens)`` and ``name``.
    """
    return {**scaling.PARAMETRIC_FITS, **scaling.ALLOCATIONS}


def fit_power_law(law) -> tuple[float, float]:
    """``(k, b)`` with ``D_opt(C) = k C**b`` for a compute-optimal law.

    Every law in :func:`fits` is a power law in ``C``; ``b`` and ``k`` are read off two
    evaluations of ``law.compute_optimal`` (exact for a power law), so no constant is copied.

    Parameters
    ----------
    law
        An object with ``compute_optimal(flops) -> (params, tokens)``.

    Returns
    -------
    tuple of float
        ``k`` (tokens per FLOP**b) and ``b`` (dimensionless).
    """
    _validate.law("law", law)
    c1, c2 = 1e20, 1e30
    d1 = float(law.compute_optimal(c1)[1])
    d2 = float(law.compute_optimal(c2)[1])
    b = math.log(d2 / d1) / math.log(c2 / c1)
    return d1 / c1**b, b


@lru_cache(maxsize=1)
def _stock() -> pd.DataFrame:
    return datasets.load("text_stock").set_index("stock")


@lru_cache(maxsize=1)
def _trends() -> pd.DataFrame:
    return datasets.load("text_stock_trends").set_index("quantity")


def text_stock() -> pd.DataFrame:
    """The token stocks of ``data/text_stock.csv``, indexed by stock name."""
    return _stock().copy()


def trend(quantity: str, field: str = "value") -> float:
    """One number of ``data/text_stock_trends.csv`` (``field`` is ``value``, ``low`` or ``high``).

    Raises
    ------
    ValueError
        If the quantity or field is unknown.
    """
    t = _trends()
    _validate.one_of("quantity", quantity, list(t.index))
    _validate.one_of("field", field, ["value", "low", "high"])
    out = t.loc[quantity, field]
    if out is None or (isinstance(out, float) and math.isnan(out)):
        raise ValueError(f"field={field!r} is not given for quantity={quantity!r} in text_stock_trends.csv; "
                         "give field='value'")
    return float(out)


# ----------------------------------------------------------------------------------------------
# Deterministic pieces
# ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def repetition_multiplier() -> float:
    """Median of Villalobos et al.'s repetition multiplier (effective over unique stock).

    Their code draws it log-normally between the two ends of
    ``data/forecast_villalobos_inputs.csv`` (``repetition_multiplier``, 2x-5x at 95%), so the
    median is the geometric midpoint, about 3.16 (their Figure 3: 320T effective over 100T
    unique). The paper's 5x (``epoch_multiplier_cap`` in ``data/text_stock_trends.csv``) is the
    upper end, not the median.

    References
    ----------
    villalobos2024will, Section 2.3.2 and Figure 3
    """
    row = datasets.load("forecast_villalobos_inputs").set_index("quantity").loc["repetition_multiplier"]
    median = row["median"]
    if median is None or (isinstance(median, float) and math.isnan(median)):
        median = math.sqrt(float(row["low"]) * float(row["high"]))
    return float(median)


@_validate.finite_returns
def unique_stock_tokens(effective_stock_tokens):
    """Unique tokens behind an effective stock: divide by Villalobos et al.'s median repetition multiplier.

    Parameters
    ----------
    effective_stock_tokens : float or array_like
        Effective stock (tokens, > 0), which counts reuse over several epochs.

    Returns
    -------
    float or ndarray
        Unique quality-filtered tokens (:func:`repetition_multiplier` times fewer).

    References
    ----------
    villalobos2024will, Section 2.3.2 and Figure 3
    """
    s = _validate.positive("effective_stock_tokens", effective_stock_tokens)
    return _out(s / repetition_multiplier())


def usable_tokens(unique_tokens, epochs):
    """Fresh-token equivalent of ``unique_tokens`` seen ``epochs`` times (Muennighoff et al. 2023).

    Thin wrapper of :func:`analysis.repetition.effective_data`; ``epochs`` >= 1.
    """
    return repetition.effective_data(unique_tokens, epochs)


def _out(x):
    return float(x) if np.ndim(x) == 0 else x


def _check_inputs(**values) -> None:
    """Check :func:`wall_table`'s arguments by name before any is used (each must be a single value)."""
    ge1 = dict(low=1.0, high=np.inf, high_open=True, scalar=True)
    checks = {
        # at least one token: below that the wall's compute and cost underflow to 0
        "text_stock_tokens": lambda k, v: _validate.in_range(k, v, **ge1),
        "usd_per_gpu_hour": lambda k, v: _validate.positive(k, v, scalar=True),
        "mfu": lambda k, v: _validate.in_range(k, v, 0.0, 1.0, low_open=True, scalar=True),
        "max_epochs": lambda k, v: _validate.in_range(k, v, **ge1),
        "overtrain_factor": lambda k, v: _validate.in_range(k, v, **ge1),
        "gpu": lambda k, v: _validate.one_of(k, v, hardware.gpu_names()),
        "precision": lambda k, v: _validate.one_of(k, v, hardware.PRECISIONS),
        "flop_basis": lambda k, v: _validate.one_of(k, v, hardware.FLOP_BASES),
    }
    for key, value in values.items():
        checks[key](key, value)


def _check_overtrain(overtrain_factor):
    return _validate.in_range("overtrain_factor", overtrain_factor, 1.0, np.inf, high_open=True)


@_validate.finite_returns
def optimal_tokens(flops, law, overtrain_factor=1.0):
    """Training tokens of a run of ``flops`` under ``law``, overtrained by ``overtrain_factor``.

    Overtraining by ``k`` multiplies the tokens-per-parameter ratio by ``k`` at fixed compute, so
    the tokens grow by ``sqrt(k)`` and the parameters shrink by ``sqrt(k)`` (Villalobos et al.
    2024, footnote 23).

    Parameters
    ----------
    flops : float or array_like
        Training compute (FLOP), > 0.
    law
        A compute-optimal law (see :func:`fits`).
    overtrain_factor : float or array_like
        Tokens-per-parameter multiplier relative to compute-optimal, >= 1.

    Returns
    -------
    float or ndarray
        Tokens.

    Raises
    ------
    ValueError
        If ``flops`` is not positive or ``overtrain_factor`` < 1.
    """
    c = _validate.positive("flops", flops)
    k = _check_overtrain(overtrain_factor)
    _validate.law("law", law)
    d = np.asarray(law.compute_optimal(c)[1], dtype=float)
    return _out(d * np.sqrt(k))


@_validate.finite_returns
def optimal_tokens_table(flops) -> pd.DataFrame:
    """Compute-optimal tokens at the budgets ``flops`` (FLOP, > 0) under every fit.

    Returns
    -------
    pandas.DataFrame
        One row per fit (index: short name), one column per budget; ``name`` and ``source``
        columns first.
    """
    c = _validate.vector("flops", _validate.positive("flops", flops))
    rows = {}
    for key, law in fits().items():
        rows[key] = {"name": law.name, "source": law.source,
                     **{f"{x:.3g}": float(law.compute_optimal(x)[1]) for x in c}}
    return pd.DataFrame.from_dict(rows, orient="index")


@_validate.finite_returns
def wall_flops(tokens, law, overtrain_factor=1.0):
    """Compute at which a run under ``law`` (overtrained by ``overtrain_factor``) needs ``tokens``.

    Parameters
    ----------
    tokens : float or array_like
        Usable (fresh-equivalent) tokens (tokens), > 0.
    law
        A compute-optimal law (see :func:`fits`).
    overtrain_factor : float or array_like
        >= 1; see :func:`optimal_tokens`.

    Returns
    -------
    float or ndarray
        FLOP.

    Raises
    ------
    ValueError
        If ``tokens`` is not positive or ``overtrain_factor`` < 1.

    Examples
    --------
    >>> from analysis.scaling import TWENTY_TOKENS_PER_PARAM
    >>> f"{wall_flops(8e13, TWENTY_TOKENS_PER_PARAM):.4g}"  # 6 N D with D = 20 N = 8e13
    '1.92e+27'
    """
    d = _validate.positive("tokens", tokens)
    k = _check_overtrain(overtrain_factor)
    coef, b = fit_power_law(law)
    return _out((d / np.sqrt(k) / coef) ** (1.0 / b))


@_validate.finite_returns
def dataset_year(tokens, growth_oom_per_year=None):
    """Year in which the largest training dataset reaches ``tokens`` on the historical trend.

    ``year = base_year + log10(tokens / base_tokens) / growth``, with the 2024 base (about 1e13
    tokens) and the growth (0.38 orders of magnitude a year) of Villalobos et al. (2024, §2.4).

    Parameters
    ----------
    tokens : float or array_like
        Dataset size (tokens), > 0.
    growth_oom_per_year : float or array_like, optional
        Growth of the largest datasets (orders of magnitude per year), > 0; default: the paper's
        median.

    Returns
    -------
    float or ndarray
        Calendar year (fractional).

    Raises
    ------
    ValueError
        If an input is not positive.
    """
    d = _validate.positive("tokens", tokens)
    g = trend("dataset_growth_oom_per_year") if growth_oom_per_year is None else growth_oom_per_year
    g = _validate.positive("growth_oom_per_year", g)
    return _out(trend("largest_dataset_year") + np.log10(d / trend("largest_dataset_tokens")) / g)


@_validate.finite_returns
def wall_table(*, text_stock_tokens, max_epochs, overtrain_factor, usd_per_gpu_hour, mfu, gpu,
               precision, flop_basis) -> pd.DataFrame:
    """Where the wall binds under every fit: compute and dollars for four readings of the stock.

    The readings: the unique stock seen once (``unique``); the effective stock as Villalobos et
    al. count it (``effective``, 5x built in); the unique stock repeated ``max_epochs`` times
    (``repeated``); the effective stock for a run overtrained by ``overtrain_factor``
    (``overtrained``).

    Parameters
    ----------
    text_stock_tokens : float
        Effective stock (tokens), > 0.
    max_epochs : float
        Passes over the unique stock for the ``repeated`` reading, >= 1.
    overtrain_factor : float
        >= 1.
    usd_per_gpu_hour, mfu, gpu, precision, flop_basis
        Cost assumptions (see :func:`analysis.hardware.flops_to_usd`).

    Returns
    -------
    pandas.DataFrame
        One row per fit: ``name``, ``b`` and, for each reading, ``tokens_<r>``, ``flops_<r>``,
        ``usd_<r>``.
    """
    _check_inputs(text_stock_tokens=text_stock_tokens, max_epochs=max_epochs, overtrain_factor=overtrain_factor,
                  usd_per_gpu_hour=usd_per_gpu_hour, mfu=mfu, gpu=gpu, precision=precision, flop_basis=flop_basis)
    unique = unique_stock_tokens(text_stock_tokens)
    readings = {
        "unique": (unique, 1.0),
        "effective": (_validate.positive("text_stock_tokens", text_stock_tokens, scalar=True), 1.0),
        "repeated": (usable_tokens(unique, max_epochs), 1.0),
        "overtrained": (float(text_stock_tokens), overtrain_factor),
    }
    cost = dict(usd_per_gpu_hour=usd_per_gpu_hour, mfu=mfu, gpu=gpu, precision=precision, flop_basis=flop_basis)
    rows = {}
    for key, law in fits().items():
        row = {"name": law.name, "b": fit_power_law(law)[1]}
        for r, (tokens, k) in readings.items():
            c = wall_flops(tokens, law, k)
            row[f"tokens_{r}"] = tokens
            row[f"flops_{r}"] = c
            row[f"usd_{r}"] = hardware.flops_to_usd(c, **cost)
        rows[key] = row
    return pd.DataFrame.from_dict(rows, orient="index")


# ----------------------------------------------------------------------------------------------
# Essay B's claims (its numbers come from the claims ledger; the ledger judges them)
# ----------------------------------------------------------------------------------------------

#: The GPU the essay prices its runs on.
H100 = "H100 SXM"


def claim_supported(unique_tokens, epochs):
    """Compute whose 20-tokens-per-parameter optimum needs ``unique_tokens`` seen ``epochs`` times.

    Parameters
    ----------
    unique_tokens : float or array_like
        Unique tokens, > 0.
    epochs : float or array_like
        Passes over them, >= 1.

    Returns
    -------
    float or ndarray
        FLOP.
    """
    return wall_flops(usable_tokens(unique_tokens, epochs), scaling.TWENTY_TOKENS_PER_PARAM)


def essay_flops_per_usd(flops_id: str = "B11", usd_id: str = "B33") -> float:
    """Essay B's rate of FLOP per dollar: one of its FLOP figures over the budget it pairs with.

    The default is the $1B run (claims B11 and B33); the $100M run (B17, B70) and the
    scale-up (B34, B36) give the same rate.

    Raises
    ------
    ValueError
        If an id is not a claim id of ``data/claims.csv`` with a number.
    """
    def essay_value(label, claim_id):
        try:
            return essays.value(claim_id)
        except ValueError as exc:
            raise ValueError(f"{label}: {exc}") from None

    return essay_value("flops_id", flops_id) / essay_value("usd_id", usd_id)


def essay_implied_usd_per_gpu_hour(mfu, flop_basis: str = "sparse") -> float:
    """Price of an H100-hour at which essay B's rate holds, at utilisation ``mfu`` on ``flop_basis``.

    On the sparse FP8 peak (the basis the essay's edit concedes it used) this is the price the
    essay's own numbers imply; on the dense peak it is the price the rate would need.

    Parameters
    ----------
    mfu : float
        Model FLOPs utilisation, in (0, 1].
    flop_basis : {"dense", "sparse"}
        Peak throughput basis.

    Returns
    -------
    float
        USD per GPU-hour.
    """
    return float(hardware.implied_usd_per_gpu_hour(essay_flops_per_usd(), mfu=mfu, gpu=H100, precision="fp8",
                                                   flop_basis=flop_basis))


def flops_at_essay_price(usd, mfu, flop_basis: str = "dense"):
    """FLOP that ``usd`` buys on H100s in FP8 on ``flop_basis``, at the price the essay's rate implies.

    The price is :func:`essay_implied_usd_per_gpu_hour` (sparse basis) at the same ``mfu``, so the
    utilisation cancels: on the dense basis the result is the essay's rate times ``usd`` times the
    ratio of the dense to the sparse peak.

    Parameters
    ----------
    usd : float or array_like
        Budget (USD), >= 0.
    mfu : float
        Model FLOPs utilisation, in (0, 1].
    flop_basis : {"dense", "sparse"}
        Basis of the FLOPs counted.

    Returns
    -------
    float or ndarray
        FLOP.
    """
    price = essay_implied_usd_per_gpu_hour(mfu)
    return _out(hardware.usd_to_flops(usd, usd_per_gpu_hour=price, mfu=mfu, gpu=H100, precision="fp8",
                                      flop_basis=flop_basis))


def _cost(a, gpu=H100) -> dict:
    return dict(usd_per_gpu_hour=a.usd_per_gpu_hour, mfu=a.mfu, gpu=gpu, precision="fp8", flop_basis=a.flop_basis)


def claim_data_wall_flops_for_large_budget(a) -> float:
    """FLOP the essay's $1B (B33) buys on H100s, dense FP8, at the essay's implied price (essay: 2e27)."""
    return float(flops_at_essay_price(essays.value("B33"), a.mfu))


def claim_data_wall_flops_for_small_budget(a) -> float:
    """FLOP the essay's $100M (B70) buys on H100s, dense FP8, at the essay's implied price (essay: 2e26)."""
    return float(flops_at_essay_price(essays.value("B70"), a.mfu))


def claim_data_wall_tokens_at_large_flops(a) -> float:
    """Tokens of a 20-tokens-per-parameter run at the essay's 2e27 FLOP (B11) (essay: 80T)."""
    return float(optimal_tokens(essays.value("B11"), scaling.TWENTY_TOKENS_PER_PARAM))


def claim_data_wall_usd_for_scale_up(a) -> float:
    """Dollars of H100 FP8 time for the essay's 8e28 FLOP (B34) at the assumed price and MFU (essay: $40B)."""
    return float(hardware.flops_to_usd(essays.value("B34"), **_cost(a)))


def claim_data_wall_gigawatts_for_scale_up(a) -> float:
    """Facility power (GW) of an 8e28-FLOP H100 run lasting ``a.run_days`` (essay: 6 GW)."""
    n = hardware.gpu_count(essays.value("B34"), run_days=a.run_days, mfu=a.mfu, gpu=H100, precision="fp8",
                           flop_basis=a.flop_basis)
    return float(hardware.facility_watts(n, it_watts_per_gpu=a.it_watts_per_gpu, pue=a.pue)) / 1e9


def claim_data_wall_flops_supported_by_repeated_data(a) -> float:
    """Compute whose 20-tokens-per-parameter optimum needs 50T unique tokens (B71) x 16 epochs (B68) (essay: 8e28)."""
    return float(claim_supported(essays.value("B71"), essays.value("B68")))


def claim_data_wall_usd_at_unique_stock(a) -> float:
    """Dollars (H100 FP8) at which a 20-tokens-per-parameter run uses up the unique stock once.

    The essay expects the trend to reach the $1B runs and then stall on data (essay: about $1B).
    """
    c = wall_flops(unique_stock_tokens(a.text_stock_tokens), scaling.TWENTY_TOKENS_PER_PARAM)
    return float(hardware.flops_to_usd(c, **_cost(a)))


def claim_data_wall_h100_fp8_sparse_pflops(a) -> float:
    """H100 SXM sparse FP8 peak, PFLOP/s (essay: 4)."""
    return hardware.peak_flops_per_second(H100, "fp8", "sparse") / 1e15


def claim_data_wall_h100_fp8_dense_pflops(a) -> float:
    """H100 SXM dense FP8 peak, PFLOP/s (essay: 2)."""
    return hardware.peak_flops_per_second(H100, "fp8", "dense") / 1e15


def claim_data_wall_sparse_over_dense(a) -> float:
    """Ratio of the H100's sparse to dense FP8 peak (essay: 2)."""
    return hardware.peak_flops_per_second(H100, "fp8", "sparse") / hardware.peak_flops_per_second(H100, "fp8", "dense")


def claim_data_wall_gb200_fp8_dense_pflops(a) -> float:
    """GB200 (NVL72, per GPU) dense FP8 peak, PFLOP/s (essay: 5 for 'a Blackwell GPU')."""
    return hardware.peak_flops_per_second("GB200 NVL72", "fp8", "dense") / 1e15


def claim_data_wall_hgx_b200_fp8_dense_pflops(a) -> float:
    """HGX B200 (per GPU) dense FP8 peak, PFLOP/s (essay: 5 for 'a Blackwell GPU')."""
    return hardware.peak_flops_per_second("HGX B200", "fp8", "dense") / 1e15


def claim_data_wall_gb200_over_h100_tdp(a) -> float:
    """GB200 per-GPU TDP over H100 SXM TDP (essay: power per GPU 'similar', read as 1)."""
    return float(hardware.gpu_spec("GB200 NVL72")["tdp_watts"] / hardware.gpu_spec(H100)["tdp_watts"])
