"""The data wall: how much text a compute-optimal run needs, how much exists, and when they meet.

Three ingredients:

* the **stock of text** of Villalobos et al. (2024) (``data/text_stock.csv``): raw token counts
  of Common Crawl and the web, and the *effective* stock that can be trained on, about 3e14
  tokens with a 90% interval of 1e14-1e15. The effective stock already counts multi-epoch
  training: Villalobos et al. multiply the unique, quality-filtered stock by 5
  (``data/text_stock_trends.csv``), so the unique stock is the effective one divided by 5;
* the **data a run needs**: the compute-optimal token count ``D_opt(C)`` of every published
  scaling law in :data:`analysis.scaling.PARAMETRIC_FITS` and :data:`analysis.scaling.ALLOCATIONS`
  (all of them are power laws in ``C`` under ``C = 6 N D``), optionally overtrained;
* **repetition**: ``U`` unique tokens seen for ``e`` epochs are worth
  :func:`analysis.repetition.effective_data` ``(U, e)`` fresh tokens (Muennighoff et al. 2023).

The wall binds at the compute where ``D_opt(C)`` equals the usable tokens; dollars follow from
:mod:`analysis.hardware`, and a year from the historical growth of the largest training
datasets (Villalobos et al. 2024, Section 2.4). :func:`monte_carlo` draws all the uncertain
inputs at once (vectorised); :func:`sensitivity` moves them one at a time.

References
----------
villalobos2024will, epoch2024will, muennighoff2023scaling, hoffmann2022training
"""

from __future__ import annotations

import inspect
import math
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import ndtri

from analysis import _validate, assumptions, datasets, hardware, ledger, repetition, scaling

__all__ = [
    "fits",
    "fit_power_law",
    "text_stock",
    "trend",
    "essay",
    "essay_table",
    "unique_stock_tokens",
    "usable_tokens",
    "optimal_tokens",
    "optimal_tokens_table",
    "wall_flops",
    "dataset_year",
    "wall_table",
    "monte_carlo",
    "summarise",
    "sensitivity",
    "MC_PERCENTILES",
    "NUMBER_KINDS",
    "chapter_numbers",
    "claim_supported",
    "CLAIMS",
    "VERDICT_TOLERANCE",
    "VERDICT_FACTOR",
    "verdict",
    "claim_values",
    "claim_table",
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

#: Percentiles the chapter reports for Monte Carlo outputs (a central 90% interval and the median).
MC_PERCENTILES = (5, 50, 95)

_Z95 = float(ndtri(0.95))  # 1.6449: the 5th-95th percentile half-width of a standard normal
_Z975 = float(ndtri(0.975))  # 1.9600


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


@lru_cache(maxsize=1)
def _essay() -> pd.DataFrame:
    return datasets.load("text_stock_essay_claims").set_index("claim")


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


def essay(claim: str) -> float:
    """The value of one of essay B's numbers (``data/text_stock_essay_claims.csv``).

    Raises
    ------
    ValueError
        If ``claim`` is not in the file (the message lists the names).
    """
    e = _essay()
    _validate.one_of("claim", claim, list(e.index))
    return float(e.loc[claim, "value"])


def essay_table() -> pd.DataFrame:
    """Essay B's numbers checked in the chapter, with units, paraphrases and locators."""
    return _essay().copy()


# ----------------------------------------------------------------------------------------------
# Deterministic pieces
# ----------------------------------------------------------------------------------------------


@_validate.finite_returns
def unique_stock_tokens(effective_stock_tokens):
    """Unique tokens behind an effective stock: divide by Villalobos et al.'s multi-epoch multiplier.

    Parameters
    ----------
    effective_stock_tokens : float or array_like
        Effective stock (tokens, > 0), which counts the multiplier (5x) for multi-epoch training.

    Returns
    -------
    float or ndarray
        Unique quality-filtered tokens.

    References
    ----------
    villalobos2024will, Section 2.3.2
    """
    s = _validate.positive("effective_stock_tokens", effective_stock_tokens)
    return _out(s / trend("epoch_multiplier"))


def usable_tokens(unique_tokens, epochs):
    """Fresh-token equivalent of ``unique_tokens`` seen ``epochs`` times (Muennighoff et al. 2023).

    Thin wrapper of :func:`analysis.repetition.effective_data`; ``epochs`` >= 1.
    """
    return repetition.effective_data(unique_tokens, epochs)


def _out(x):
    return float(x) if np.ndim(x) == 0 else x


def _check_inputs(**values) -> None:
    """Check the chapter's assumptions by name before any is used (each must be a single value)."""
    ge1 = dict(low=1.0, high=np.inf, high_open=True, scalar=True)
    checks = {
        # at least one token: below that the wall's compute and cost underflow to 0
        "text_stock_tokens": lambda k, v: _validate.in_range(k, v, **ge1),
        "usd_per_gpu_hour": lambda k, v: _validate.positive(k, v, scalar=True),
        "run_days": lambda k, v: _validate.positive(k, v, scalar=True),
        "it_watts_per_gpu": lambda k, v: _validate.positive(k, v, scalar=True),
        "mfu": lambda k, v: _validate.in_range(k, v, 0.0, 1.0, low_open=True, scalar=True),
        "mc_mfu_halfwidth": lambda k, v: _validate.in_range(k, v, 0.0, 1.0, scalar=True),
        "max_epochs": lambda k, v: _validate.in_range(k, v, **ge1),
        "overtrain_factor": lambda k, v: _validate.in_range(k, v, **ge1),
        "mc_price_factor": lambda k, v: _validate.in_range(k, v, **ge1),
        "pue": lambda k, v: _validate.in_range(k, v, **ge1),
        "seed": lambda k, v: _validate.integer(k, v, 0, 2**63 - 1),
        "mc_draws": lambda k, v: _validate.integer(k, v, 1, 10_000_000),
        "n_draws": lambda k, v: _validate.integer(k, v, 1, 10_000_000),
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
# Monte Carlo and sensitivity
# ----------------------------------------------------------------------------------------------


def _stock_spread() -> tuple[float, float]:
    """Log-spreads (sigma below, sigma above the median) of the effective stock's 90% interval."""
    row = _stock().loc["Effective stock"]
    lo = math.log(row["tokens"] / row["tokens_low"]) / _Z95
    hi = math.log(row["tokens_high"] / row["tokens"]) / _Z95
    return lo, hi


@_validate.finite_returns
def monte_carlo(*, n_draws, seed, text_stock_tokens, usd_per_gpu_hour, mfu, mc_price_factor, mc_mfu_halfwidth,
                max_epochs, gpu, precision, flop_basis) -> pd.DataFrame:
    """Draw the uncertain inputs and return, per draw, where the data wall binds.

    The draws (independent):

    * **fit**: one of :func:`fits`, each with equal probability;
    * **effective stock**: two-piece log-normal with median ``text_stock_tokens`` whose 5th and
      95th percentiles sit at the same ratios to the median as Villalobos et al.'s 90% interval
      (1e14 and 1e15 around 3e14); the unique stock is a fifth of it (:func:`unique_stock_tokens`);
    * **epochs**: log-uniform on ``[1, max_epochs]``; usable tokens =
      :func:`usable_tokens` (unique stock, epochs);
    * **price**: log-normal with median ``usd_per_gpu_hour``, 90% interval ``x/÷ mc_price_factor``;
    * **MFU**: uniform on ``mfu ± mc_mfu_halfwidth``, kept within [0.05, 1];
    * **dataset growth**: normal with the paper's median and 95% interval (0.38, 0.27-0.48
      orders of magnitude a year), floored at 0.05.

    Parameters
    ----------
    n_draws : int
        Number of draws, >= 1.
    seed : int
        Seed of ``numpy.random.default_rng``.
    text_stock_tokens : float
        Median effective stock (tokens), > 0.
    usd_per_gpu_hour, mfu : float
        Central price (USD per GPU-hour) and MFU.
    mc_price_factor : float
        >= 1; 1 means no price uncertainty.
    mc_mfu_halfwidth : float
        >= 0.
    max_epochs : float
        >= 1.
    gpu, precision, flop_basis : str
        Hardware (see :mod:`analysis.hardware`).

    Returns
    -------
    pandas.DataFrame
        One row per draw: ``fit`` (short name), ``effective_stock_tokens``, ``unique_tokens``,
        ``epochs``, ``usable_tokens``, ``usd_per_gpu_hour``, ``mfu``, ``growth_oom_per_year``,
        ``flops_wall`` (FLOP), ``usd_wall`` (USD), ``year_wall``.

    Raises
    ------
    ValueError
        If an input is out of range.
    """
    _check_inputs(n_draws=n_draws, seed=seed, text_stock_tokens=text_stock_tokens, usd_per_gpu_hour=usd_per_gpu_hour,
                  mfu=mfu, mc_price_factor=mc_price_factor, mc_mfu_halfwidth=mc_mfu_halfwidth, max_epochs=max_epochs,
                  gpu=gpu, precision=precision, flop_basis=flop_basis)
    n = _validate.integer("n_draws", n_draws, low=1)
    rng = np.random.default_rng(_validate.integer("seed", seed, low=0, high=2**63 - 1))
    s0 = _validate.positive("text_stock_tokens", text_stock_tokens, scalar=True)
    p0 = _validate.positive("usd_per_gpu_hour", usd_per_gpu_hour, scalar=True)
    m0 = _validate.in_range("mfu", mfu, 0.0, 1.0, low_open=True, scalar=True)
    pf = _validate.in_range("mc_price_factor", mc_price_factor, 1.0, np.inf, high_open=True, scalar=True)
    mh = _validate.in_range("mc_mfu_halfwidth", mc_mfu_halfwidth, 0.0, 1.0, scalar=True)
    me = _validate.in_range("max_epochs", max_epochs, 1.0, np.inf, high_open=True, scalar=True)
    peak = hardware.peak_flops_per_second(gpu, precision, flop_basis)

    laws = fits()
    keys = list(laws)
    coefs = np.array([fit_power_law(laws[k]) for k in keys])  # (n_fits, 2): k, b

    fit_idx = rng.integers(0, len(keys), size=n)
    z = rng.standard_normal(size=(3, n))
    sig_lo, sig_hi = _stock_spread()
    stock = s0 * np.exp(np.where(z[0] < 0, sig_lo, sig_hi) * z[0])
    unique = stock / trend("epoch_multiplier")
    epochs = np.exp(rng.uniform(0.0, math.log(me), size=n))
    usable = np.asarray(usable_tokens(unique, epochs))
    price = p0 * np.exp(math.log(pf) / _Z95 * z[1])
    mfu_draw = np.clip(rng.uniform(m0 - mh, m0 + mh, size=n), 0.05, 1.0)
    g_mid = trend("dataset_growth_oom_per_year")
    g_sd = (trend("dataset_growth_oom_per_year", "high") - trend("dataset_growth_oom_per_year", "low")) / (2 * _Z975)
    growth = np.maximum(g_mid + g_sd * z[2], 0.05)

    k, b = coefs[fit_idx, 0], coefs[fit_idx, 1]
    flops = (usable / k) ** (1.0 / b)
    usd = flops * price / (peak * mfu_draw * hardware.SECONDS_PER_HOUR)
    year = trend("largest_dataset_year") + np.log10(usable / trend("largest_dataset_tokens")) / growth
    return pd.DataFrame({
        "fit": np.asarray(keys, dtype=object)[fit_idx],
        "effective_stock_tokens": stock,
        "unique_tokens": unique,
        "epochs": epochs,
        "usable_tokens": usable,
        "usd_per_gpu_hour": price,
        "mfu": mfu_draw,
        "growth_oom_per_year": growth,
        "flops_wall": flops,
        "usd_wall": usd,
        "year_wall": year,
    })


def summarise(draws: pd.DataFrame, columns=("flops_wall", "usd_wall", "year_wall"),
              percentiles=MC_PERCENTILES) -> pd.DataFrame:
    """Percentiles of Monte Carlo outputs: one row per column, one column per percentile."""
    pct = [float(p) for p in percentiles]
    for p in pct:
        _validate.in_range("percentiles", p, 0.0, 100.0)
    return pd.DataFrame({f"p{p:g}": [float(np.percentile(draws[c], p)) for c in columns] for p in pct},
                        index=list(columns))


@_validate.finite_returns
def sensitivity(*, text_stock_tokens, usd_per_gpu_hour, mfu, mc_price_factor, mc_mfu_halfwidth, max_epochs,
                gpu, precision, flop_basis, output: str = "usd_wall") -> pd.DataFrame:
    """One-at-a-time sensitivity of where the wall binds (the data of a tornado chart).

    Baseline: central price and MFU, the effective stock ``text_stock_tokens`` used as usable
    tokens (Villalobos et al.'s 5x repetition), and the median fit (the fit whose wall compute
    is the lower-middle of all fits at the baseline). Each input then moves alone to the ends of
    its Monte Carlo range: fit (smallest and largest wall compute), effective stock (5th and
    95th percentile), repetition (unique stock once, and ``max_epochs`` passes), price
    (``x/÷ mc_price_factor``), MFU (``± mc_mfu_halfwidth``).

    Parameters
    ----------
    text_stock_tokens, usd_per_gpu_hour, mfu, mc_price_factor, mc_mfu_halfwidth, max_epochs
        As :func:`monte_carlo`.
    gpu, precision, flop_basis : str
        Hardware.
    output : {"usd_wall", "flops_wall"}
        The quantity to report.

    Returns
    -------
    pandas.DataFrame
        One row per input (sorted by swing, largest first): ``low_label``, ``high_label``,
        ``low``, ``high`` (output at each end), ``baseline``, ``swing`` (``log10(max/min)``).
    """
    _validate.one_of("output", output, ["usd_wall", "flops_wall"])
    _check_inputs(text_stock_tokens=text_stock_tokens, usd_per_gpu_hour=usd_per_gpu_hour, mfu=mfu,
                  mc_price_factor=mc_price_factor, mc_mfu_halfwidth=mc_mfu_halfwidth, max_epochs=max_epochs,
                  gpu=gpu, precision=precision, flop_basis=flop_basis)
    s0 = _validate.positive("text_stock_tokens", text_stock_tokens, scalar=True)
    p0 = _validate.positive("usd_per_gpu_hour", usd_per_gpu_hour, scalar=True)
    m0 = _validate.in_range("mfu", mfu, 0.0, 1.0, low_open=True, scalar=True)
    pf = _validate.in_range("mc_price_factor", mc_price_factor, 1.0, np.inf, high_open=True, scalar=True)
    mh = _validate.in_range("mc_mfu_halfwidth", mc_mfu_halfwidth, 0.0, 1.0, scalar=True)
    me = _validate.in_range("max_epochs", max_epochs, 1.0, np.inf, high_open=True, scalar=True)
    laws = fits()
    walls = {k: wall_flops(s0, law) for k, law in laws.items()}
    order = sorted(walls, key=walls.get)
    base_fit = order[(len(order) - 1) // 2]

    def value(tokens=s0, fit=base_fit, price=p0, u=m0):
        c = wall_flops(tokens, laws[fit])
        if output == "flops_wall":
            return c
        return hardware.flops_to_usd(c, usd_per_gpu_hour=price, mfu=u, gpu=gpu, precision=precision,
                                     flop_basis=flop_basis)

    sig_lo, sig_hi = _stock_spread()
    unique = unique_stock_tokens(s0)
    m_lo, m_hi = max(m0 - mh, 0.05), min(m0 + mh, 1.0)
    rows = [
        ("fit", laws[order[0]].name, laws[order[-1]].name, value(fit=order[0]), value(fit=order[-1])),
        ("effective stock", "5th percentile", "95th percentile",
         value(tokens=s0 * math.exp(-sig_lo * _Z95)), value(tokens=s0 * math.exp(sig_hi * _Z95))),
        ("repetition", "unique stock, 1 epoch", f"{me:g} epochs", value(tokens=unique),
         value(tokens=usable_tokens(unique, me))),
        ("price", f"÷ {pf:g}", f"x {pf:g}", value(price=p0 / pf), value(price=p0 * pf)),
        ("MFU", f"{m_lo:.2f}", f"{m_hi:.2f}", value(u=m_lo), value(u=m_hi)),
    ]
    base = value()
    df = pd.DataFrame(rows, columns=["input", "low_label", "high_label", "low", "high"]).set_index("input")
    df["baseline"] = base
    df["baseline_fit"] = laws[base_fit].name
    df["swing"] = np.log10(np.maximum(df["low"], df["high"]) / np.minimum(df["low"], df["high"]))
    return df.sort_values("swing", ascending=False)


# ----------------------------------------------------------------------------------------------
# Claims of essay B checked in the chapter
# ----------------------------------------------------------------------------------------------

#: The ledger's verdict rule (:mod:`analysis.ledger`): "holds" within this relative deviation ...
VERDICT_TOLERANCE = ledger.HOLDS_WITHIN
#: ... "roughly holds" when the essay is within this factor of the recomputed value, "does not
#: hold" beyond it.
VERDICT_FACTOR = ledger.ROUGHLY_WITHIN

#: The essay's claims checked here: short name (``claim_data_wall_<name>``), the essay's value
#: (a row of ``data/text_stock_essay_claims.csv``, or a reading of its words), a paraphrase, the
#: unit and the chapter section.
CLAIMS = (
    dict(name="flops_for_large_budget", essay="flops_large", unit="FLOP", section="sec-data-wall-dollars",
         claim="A $1B run buys 2e27 FP8 FLOPs on H100s"),
    dict(name="flops_for_small_budget", essay="flops_small", unit="FLOP", section="sec-data-wall-dollars",
         claim="A $100M run buys 2e26 FP8 FLOPs on H100s"),
    dict(name="h100_fp8_sparse_pflops", essay="h100_fp8_sparse_pflops", unit="PFLOP/s",
         section="sec-data-wall-dollars", claim="H100 sparse FP8 peak is 4 PFLOP/s"),
    dict(name="h100_fp8_dense_pflops", essay="h100_fp8_dense_pflops", unit="PFLOP/s",
         section="sec-data-wall-dollars", claim="H100 dense FP8 peak is 2 PFLOP/s"),
    dict(name="sparse_over_dense", essay="sparse_over_dense", unit="ratio", section="sec-data-wall-dollars",
         claim="The sparse peak is twice the dense one"),
    dict(name="gb200_fp8_dense_pflops", essay="blackwell_fp8_dense_pflops", unit="PFLOP/s",
         section="sec-data-wall-dollars", claim="A Blackwell GPU's dense FP8 peak is 5 PFLOP/s (GB200)"),
    dict(name="hgx_b200_fp8_dense_pflops", essay="blackwell_fp8_dense_pflops", unit="PFLOP/s",
         section="sec-data-wall-dollars", claim="A Blackwell GPU's dense FP8 peak is 5 PFLOP/s (HGX B200)"),
    dict(name="gb200_over_h100_tdp", essay=None, essay_value=1.0, unit="ratio", section="sec-data-wall-dollars",
         claim="Blackwell power per GPU is similar to the H100's (read as a ratio of 1)"),
    dict(name="tokens_at_large_flops", essay="tokens_large", unit="tokens", section="sec-data-wall-tokens",
         claim="A Chinchilla-optimal run at 2e27 FLOP needs 80T tokens"),
    dict(name="usd_at_unique_stock", essay="budget_usd_large", unit="USD", section="sec-data-wall-binds",
         claim="The trend reaches the $1B runs, then stalls on data"),
    dict(name="flops_supported_by_repeated_data", essay="flops_scale_up", unit="FLOP",
         section="sec-data-wall-energy", claim="50T unique tokens repeated 16 times support 8e28 FLOP"),
    dict(name="usd_for_scale_up", essay="usd_scale_up", unit="USD", section="sec-data-wall-energy",
         claim="8e28 FLOP cost $40B of GPU time"),
    dict(name="gigawatts_for_scale_up", essay="watts_scale_up", essay_scale=1e-9, unit="GW",
         section="sec-data-wall-energy", claim="An 8e28-FLOP run draws 6 GW"),
)


@_validate.finite_returns
def verdict(essay_value, recomputed) -> str:
    """The ledger's verdict on one number (:func:`analysis.ledger.verdict`).

    ``holds`` if ``|essay / recomputed - 1| <= VERDICT_TOLERANCE``; ``roughly holds`` if the
    ratio is within ``VERDICT_FACTOR`` either way; ``does not hold`` otherwise.

    Raises
    ------
    ValueError
        If either value is not positive.
    """
    e = _validate.positive("essay_value", essay_value, scalar=True)
    r = _validate.positive("recomputed", recomputed, scalar=True)
    return ledger.verdict(e, r)


def claim_values(*, usd_per_gpu_hour, mfu, flop_basis, run_days, it_watts_per_gpu, pue, text_stock_tokens) -> dict:
    """The recomputed value of every claim in :data:`CLAIMS`, from the given assumptions.

    The essay prices on H100 SXM GPUs in FP8; price, MFU, the dense/sparse basis, run length,
    power and the text stock are the reader's assumptions.

    Returns
    -------
    dict
        ``{name: value}`` in the unit of :data:`CLAIMS`.
    """
    h100 = "H100 SXM"
    cost = dict(usd_per_gpu_hour=usd_per_gpu_hour, mfu=mfu, gpu=h100, precision="fp8", flop_basis=flop_basis)
    throughput = dict(mfu=mfu, gpu=h100, precision="fp8", flop_basis=flop_basis)
    n_up = hardware.gpu_count(essay("flops_scale_up"), run_days=run_days, **throughput)
    unique_wall = wall_flops(unique_stock_tokens(text_stock_tokens), scaling.TWENTY_TOKENS_PER_PARAM)
    peak = hardware.peak_flops_per_second
    return {
        "flops_for_large_budget": float(hardware.usd_to_flops(essay("budget_usd_large"), **cost)),
        "flops_for_small_budget": float(hardware.usd_to_flops(essay("budget_usd_small"), **cost)),
        "h100_fp8_sparse_pflops": peak(h100, "fp8", "sparse") / 1e15,
        "h100_fp8_dense_pflops": peak(h100, "fp8", "dense") / 1e15,
        "sparse_over_dense": peak(h100, "fp8", "sparse") / peak(h100, "fp8", "dense"),
        "gb200_fp8_dense_pflops": peak("GB200 NVL72", "fp8", "dense") / 1e15,
        "hgx_b200_fp8_dense_pflops": peak("HGX B200", "fp8", "dense") / 1e15,
        "gb200_over_h100_tdp": hardware.gpu_spec("GB200 NVL72")["tdp_watts"] / hardware.gpu_spec(h100)["tdp_watts"],
        "tokens_at_large_flops": float(optimal_tokens(essay("flops_large"), scaling.TWENTY_TOKENS_PER_PARAM)),
        "usd_at_unique_stock": float(hardware.flops_to_usd(unique_wall, **cost)),
        "flops_supported_by_repeated_data": float(
            claim_supported(essay("unique_tokens_scale_up"), essay("epochs_scale_up"))),
        "usd_for_scale_up": float(hardware.flops_to_usd(essay("flops_scale_up"), **cost)),
        "gigawatts_for_scale_up": float(hardware.facility_watts(n_up, it_watts_per_gpu=it_watts_per_gpu, pue=pue))
        / 1e9,
    }


def claim_table(values: dict) -> pd.DataFrame:
    """Essay value, recomputed value, ratio and verdict for every claim in :data:`CLAIMS`.

    Parameters
    ----------
    values : dict
        Output of :func:`claim_values`.

    Returns
    -------
    pandas.DataFrame
        Indexed by claim name: ``claim``, ``essay``, ``recomputed``, ``unit``, ``essay_over_recomputed``,
        ``verdict``, ``function``, ``section``.
    """
    rows = {}
    for c in CLAIMS:
        e = c.get("essay_value") if c["essay"] is None else essay(c["essay"]) * c.get("essay_scale", 1.0)
        r = values[c["name"]]
        rows[c["name"]] = {"claim": c["claim"], "essay": e, "recomputed": r, "unit": c["unit"],
                           "essay_over_recomputed": e / r, "verdict": verdict(e, r),
                           "function": f"claim_data_wall_{c['name']}", "section": c["section"]}
    return pd.DataFrame.from_dict(rows, orient="index")


def _file_claims() -> dict:
    table = assumptions.load()
    names = inspect.signature(claim_values).parameters
    return claim_values(**{k: table[k].value for k in names})


def claim_data_wall_flops_for_large_budget() -> float:
    """FLOPs the essay's $1B buys on H100s in FP8 (essay: 2e27 FLOP)."""
    return _file_claims()["flops_for_large_budget"]


def claim_data_wall_flops_for_small_budget() -> float:
    """FLOPs the essay's $100M buys on H100s in FP8 (essay: 2e26 FLOP)."""
    return _file_claims()["flops_for_small_budget"]


def claim_data_wall_tokens_at_large_flops() -> float:
    """Chinchilla-optimal tokens at 2e27 FLOP, 20 tokens per parameter (essay: 8e13 tokens)."""
    return _file_claims()["tokens_at_large_flops"]


def claim_data_wall_usd_for_scale_up() -> float:
    """Dollars of H100 FP8 time for 8e28 FLOP (essay: 4e10 USD)."""
    return _file_claims()["usd_for_scale_up"]


def claim_data_wall_gigawatts_for_scale_up() -> float:
    """Facility power (GW) of an 8e28-FLOP H100 run lasting ``run_days`` (essay: 6 GW)."""
    return _file_claims()["gigawatts_for_scale_up"]


def claim_data_wall_flops_supported_by_repeated_data() -> float:
    """Compute whose 20-tokens-per-parameter optimum needs 50T unique tokens x 16 epochs (essay: 8e28 FLOP)."""
    return _file_claims()["flops_supported_by_repeated_data"]


def claim_data_wall_usd_at_unique_stock() -> float:
    """Dollars (H100 FP8) at which a 20-tokens-per-parameter run uses up the unique stock once.

    The essay expects the trend to reach the $1B runs and then stall on data (essay: about 1e9 USD).
    """
    return _file_claims()["usd_at_unique_stock"]


def claim_data_wall_h100_fp8_sparse_pflops() -> float:
    """H100 SXM sparse FP8 peak, PFLOP/s (essay: 4)."""
    return _file_claims()["h100_fp8_sparse_pflops"]


def claim_data_wall_h100_fp8_dense_pflops() -> float:
    """H100 SXM dense FP8 peak, PFLOP/s (essay: 2)."""
    return _file_claims()["h100_fp8_dense_pflops"]


def claim_data_wall_sparse_over_dense() -> float:
    """Ratio of the H100's sparse to dense FP8 peak (essay: 2)."""
    return _file_claims()["sparse_over_dense"]


def claim_data_wall_gb200_fp8_dense_pflops() -> float:
    """GB200 (NVL72, per GPU) dense FP8 peak, PFLOP/s (essay: 5 for 'a Blackwell GPU')."""
    return _file_claims()["gb200_fp8_dense_pflops"]


def claim_data_wall_hgx_b200_fp8_dense_pflops() -> float:
    """HGX B200 (per GPU) dense FP8 peak, PFLOP/s (essay: 5 for 'a Blackwell GPU')."""
    return _file_claims()["hgx_b200_fp8_dense_pflops"]


def claim_data_wall_gb200_over_h100_tdp() -> float:
    """GB200 per-GPU TDP over H100 SXM TDP (essay: power per GPU 'similar', read as 1)."""
    return _file_claims()["gb200_over_h100_tdp"]


# ----------------------------------------------------------------------------------------------
# The chapter's numbers
# ----------------------------------------------------------------------------------------------

#: How each number of :func:`chapter_numbers` responds to the price and the MFU (for the tests
#: and the reader): ``usd`` is proportional to price / MFU; ``per_usd`` to MFU / price;
#: ``implied_price`` to MFU; ``implied_mfu`` to price; ``per_mfu`` (GPUs, power, run days) to
#: 1 / MFU; ``usd_mc`` (Monte Carlo dollars) to price and falls with MFU; ``mixed`` moves with
#: price and MFU but not in proportion; ``input`` is an assumption itself; ``fixed`` depends on
#: neither; ``label`` is text.
NUMBER_KINDS = ("usd", "per_usd", "implied_price", "implied_mfu", "per_mfu", "usd_mc", "mixed", "input", "fixed",
                "label")


@_validate.finite_returns
def chapter_numbers(*, usd_per_gpu_hour, mfu, gpu, precision, flop_basis, run_days, it_watts_per_gpu, pue,
                    text_stock_tokens, max_epochs, overtrain_factor, mc_price_factor, mc_mfu_halfwidth, seed,
                    mc_draws) -> dict:
    """Every number the data-wall chapter puts in its prose, from the given assumptions.

    The chapter glues each entry as ``dw_<key>``. The essay's H100 claims are priced on the
    H100 SXM in FP8 on both bases; the wall and the Monte Carlo use ``gpu``, ``precision`` and
    ``flop_basis``.

    Parameters
    ----------
    usd_per_gpu_hour, mfu, gpu, precision, flop_basis, run_days, it_watts_per_gpu, pue,
    text_stock_tokens, max_epochs, overtrain_factor, mc_price_factor, mc_mfu_halfwidth, seed, mc_draws
        The assumptions of ``data/assumptions.toml`` (or papermill overrides).

    Returns
    -------
    dict
        ``{key: (value, kind)}`` with ``kind`` one of :data:`NUMBER_KINDS`.
    """
    _check_inputs(usd_per_gpu_hour=usd_per_gpu_hour, mfu=mfu, gpu=gpu, precision=precision, flop_basis=flop_basis,
                  run_days=run_days, it_watts_per_gpu=it_watts_per_gpu, pue=pue, text_stock_tokens=text_stock_tokens,
                  max_epochs=max_epochs, overtrain_factor=overtrain_factor, mc_price_factor=mc_price_factor,
                  mc_mfu_halfwidth=mc_mfu_halfwidth, seed=seed, mc_draws=mc_draws)
    out: dict = {}

    def put(key, value, kind):
        out[key] = (value if kind == "label" else float(value), kind)

    h100 = "H100 SXM"
    cost = dict(usd_per_gpu_hour=usd_per_gpu_hour, mfu=mfu, gpu=gpu, precision=precision, flop_basis=flop_basis)

    # 1. What a dollar buys ---------------------------------------------------------------------
    for claim in ("budget_usd_large", "budget_usd_small", "usd_scale_up", "flops_large", "flops_small",
                  "tokens_large", "flops_scale_up", "watts_scale_up", "unique_tokens_scale_up",
                  "epochs_scale_up", "h100_fp8_sparse_pflops", "h100_fp8_dense_pflops", "sparse_over_dense",
                  "blackwell_fp8_dense_pflops"):
        put(f"essay_{claim}", essay(claim), "fixed")
    essay_rate = essay("flops_large") / essay("budget_usd_large")
    put("essay_flops_per_usd", essay_rate, "fixed")
    put("essay_flops_per_usd_small", essay("flops_small") / essay("budget_usd_small"), "fixed")
    put("essay_flops_per_usd_scale_up", essay("flops_scale_up") / essay("usd_scale_up"), "fixed")
    for basis in hardware.FLOP_BASES:
        kw = dict(mfu=mfu, gpu=h100, precision="fp8", flop_basis=basis)
        put(f"h100_{basis}_pflops", hardware.peak_flops_per_second(h100, "fp8", basis) / 1e15, "fixed")
        put(f"implied_price_{basis}", hardware.implied_usd_per_gpu_hour(essay_rate, **kw), "implied_price")
        put(f"implied_mfu_{basis}", hardware.implied_mfu(essay_rate, usd_per_gpu_hour=usd_per_gpu_hour, gpu=h100,
                                                         precision="fp8", flop_basis=basis), "implied_mfu")
        rate = hardware.flops_per_usd(usd_per_gpu_hour=usd_per_gpu_hour, **kw)
        put(f"flops_per_usd_{basis}", rate, "per_usd")
        for claim in ("budget_usd_large", "budget_usd_small", "usd_scale_up"):
            put(f"flops_{claim}_{basis}", essay(claim) * rate, "per_usd")
        put(f"usd_flops_scale_up_{basis}", essay("flops_scale_up") / rate, "usd")
        put(f"ratio_flops_large_{basis}", essay("flops_large") / (essay("budget_usd_large") * rate), "usd")
    for g in ("GB200 NVL72", "HGX B200"):
        key = "gb200" if g.startswith("GB200") else "b200"
        dense = hardware.peak_flops_per_second(g, "fp8", "dense")
        put(f"{key}_dense_pflops", dense / 1e15, "fixed")
        put(f"{key}_dense_over_h100_sparse", dense / hardware.peak_flops_per_second(h100, "fp8", "sparse"), "fixed")
        put(f"{key}_tdp_watts", hardware.gpu_spec(g)["tdp_watts"], "fixed")
        put(f"{key}_tdp_over_h100", hardware.gpu_spec(g)["tdp_watts"] / hardware.gpu_spec(h100)["tdp_watts"],
            "fixed")
        put(f"{key}_implied_price", hardware.implied_usd_per_gpu_hour(essay_rate, mfu=mfu, gpu=g, precision="fp8",
                                                                      flop_basis="dense"), "implied_price")
        put(f"{key}_flops_per_watt_over_h100_sparse",
            (dense / hardware.gpu_spec(g)["tdp_watts"])
            / (hardware.peak_flops_per_second(h100, "fp8", "sparse") / hardware.gpu_spec(h100)["tdp_watts"]),
            "fixed")
    put("h100_tdp_watts", hardware.gpu_spec(h100)["tdp_watts"], "fixed")

    # 2. What a budget needs --------------------------------------------------------------------
    laws = fits()
    tokens_at_large = {k: float(law.compute_optimal(essay("flops_large"))[1]) for k, law in laws.items()}
    lo_key, hi_key = min(tokens_at_large, key=tokens_at_large.get), max(tokens_at_large, key=tokens_at_large.get)
    put("n_fits", len(laws), "fixed")
    put("tokens_large_min", tokens_at_large[lo_key], "fixed")
    put("tokens_large_min_fit", laws[lo_key].name, "label")
    put("tokens_large_max", tokens_at_large[hi_key], "fixed")
    put("tokens_large_max_fit", laws[hi_key].name, "label")
    put("tokens_large_twenty", tokens_at_large["twenty"], "fixed")
    put("tokens_large_spread", tokens_at_large[hi_key] / tokens_at_large[lo_key], "fixed")
    put("tokens_large_twenty_dev", essay("tokens_large") / tokens_at_large["twenty"] - 1, "fixed")
    unique = unique_stock_tokens(text_stock_tokens)
    stock = text_stock()
    eff = stock.loc["Effective stock"]
    scale = text_stock_tokens / eff["tokens"]
    put("stock_effective", text_stock_tokens, "input")
    put("stock_effective_low", eff["tokens_low"] * scale, "fixed")
    put("stock_effective_high", eff["tokens_high"] * scale, "fixed")
    put("stock_unique", unique, "fixed")
    put("stock_unique_low", unique_stock_tokens(eff["tokens_low"] * scale), "fixed")
    put("stock_unique_high", unique_stock_tokens(eff["tokens_high"] * scale), "fixed")
    put("stock_published_effective", eff["tokens"], "fixed")
    put("stock_interval", eff["interval"].replace(" CI", " interval"), "label")
    put("stock_raw_interval", stock.loc["Indexed web", "interval"].replace(" CI", " interval"), "label")
    put("stock_common_crawl", stock.loc["Common Crawl", "tokens"], "fixed")
    put("stock_indexed_web", stock.loc["Indexed web", "tokens"], "fixed")
    put("epoch_multiplier", trend("epoch_multiplier"), "fixed")
    put("n_fits_above_unique", sum(v > unique for v in tokens_at_large.values()), "fixed")
    put("n_fits_above_effective", sum(v > text_stock_tokens for v in tokens_at_large.values()), "fixed")

    # 3. When the wall binds --------------------------------------------------------------------
    wt = wall_table(text_stock_tokens=text_stock_tokens, max_epochs=max_epochs, overtrain_factor=overtrain_factor,
                    **cost)
    for r in ("unique", "effective", "repeated", "overtrained"):
        put(f"wall_flops_{r}_min", wt[f"flops_{r}"].min(), "fixed")
        put(f"wall_flops_{r}_max", wt[f"flops_{r}"].max(), "fixed")
        put(f"wall_usd_{r}_min", wt[f"usd_{r}"].min(), "usd")
        put(f"wall_usd_{r}_max", wt[f"usd_{r}"].max(), "usd")
        put(f"wall_flops_{r}_twenty", wt.loc["twenty", f"flops_{r}"], "fixed")
        put(f"wall_usd_{r}_twenty", wt.loc["twenty", f"usd_{r}"], "usd")
    put("wall_tokens_repeated", wt["tokens_repeated"].iloc[0], "fixed")
    put("repeated_multiplier", usable_tokens(1.0, max_epochs), "fixed")
    put("max_epochs", max_epochs, "input")
    put("overtrain_factor", overtrain_factor, "input")
    put("wall_fit_flops_ratio", wt["flops_effective"].max() / wt["flops_effective"].min(), "fixed")
    put("wall_flops_min_fit", wt.loc[wt["flops_effective"].idxmin(), "name"], "label")
    put("wall_flops_max_fit", wt.loc[wt["flops_effective"].idxmax(), "name"], "label")
    # Villalobos et al.'s own numbers, and ours from their stock at exhaustion.
    stock_at_exhaustion = stock.loc["Effective stock at exhaustion", "tokens"]
    put("villalobos_tokens_at_exhaustion", stock_at_exhaustion, "fixed")
    put("villalobos_flops_at_exhaustion", trend("exhaustion_compute_flop"), "fixed")
    put("twenty_flops_at_villalobos_exhaustion", wall_flops(stock_at_exhaustion, scaling.TWENTY_TOKENS_PER_PARAM),
        "fixed")
    put("villalobos_exhaustion_year", trend("exhaustion_year"), "fixed")
    put("villalobos_exhaustion_year_low", trend("exhaustion_year", "low"), "fixed")
    put("villalobos_exhaustion_year_high", trend("exhaustion_year", "high"), "fixed")
    put("villalobos_growth", trend("dataset_growth_oom_per_year"), "fixed")
    put("villalobos_growth_factor", 10 ** trend("dataset_growth_oom_per_year"), "fixed")
    put("villalobos_largest_dataset", trend("largest_dataset_tokens"), "fixed")
    put("villalobos_largest_dataset_year", trend("largest_dataset_year"), "fixed")
    put("year_effective_stock", dataset_year(text_stock_tokens), "fixed")

    mc = dict(text_stock_tokens=text_stock_tokens, usd_per_gpu_hour=usd_per_gpu_hour, mfu=mfu,
              mc_price_factor=mc_price_factor, mc_mfu_halfwidth=mc_mfu_halfwidth, max_epochs=max_epochs, gpu=gpu,
              precision=precision, flop_basis=flop_basis)
    draws = monte_carlo(n_draws=mc_draws, seed=seed, **mc)
    summ = summarise(draws)
    for p in (f"p{q:g}" for q in MC_PERCENTILES):
        put(f"mc_flops_{p}", summ.loc["flops_wall", p], "fixed")
        put(f"mc_usd_{p}", summ.loc["usd_wall", p], "usd_mc")
        put(f"mc_year_{p}", summ.loc["year_wall", p], "fixed")
    put("mc_draws", mc_draws, "input")
    put("mc_interval", (MC_PERCENTILES[-1] - MC_PERCENTILES[0]) / 100, "fixed")
    put("mc_price_factor", mc_price_factor, "input")
    put("growth_interval", _trends().loc["dataset_growth_oom_per_year", "interval"], "label")
    put("mc_share_below_large_budget", float(np.mean(draws["usd_wall"] < essay("budget_usd_large"))), "mixed")
    put("mc_share_below_scale_up", float(np.mean(draws["flops_wall"] < essay("flops_scale_up"))), "fixed")
    sens = sensitivity(output="usd_wall", **mc)
    put("sens_top_input", sens.index[0], "label")
    put("sens_top_swing", 10 ** sens["swing"].iloc[0], "fixed")
    put("sens_second_input", sens.index[1], "label")
    put("sens_second_swing", 10 ** sens["swing"].iloc[1], "fixed")
    put("sens_price_swing", 10 ** sens.loc["price", "swing"], "fixed")
    put("sens_mfu_swing", 10 ** sens.loc["MFU", "swing"], "mixed")
    put("sens_baseline_fit", sens["baseline_fit"].iloc[0], "label")

    # 4. Energy ---------------------------------------------------------------------------------
    c_up = essay("flops_scale_up")
    for basis in hardware.FLOP_BASES:
        kw = dict(mfu=mfu, gpu=h100, precision="fp8", flop_basis=basis)
        run = hardware.training_run(c_up, usd_per_gpu_hour=usd_per_gpu_hour, run_days=run_days,
                                    it_watts_per_gpu=it_watts_per_gpu, pue=pue, **kw)
        put(f"scale_up_gpu_hours_{basis}", run["gpu_hours"], "per_mfu")
        put(f"scale_up_gpus_{basis}", run["n_gpus"], "per_mfu")
        put(f"scale_up_gw_{basis}", run["facility_watts"] / 1e9, "per_mfu")
        put(f"scale_up_twh_{basis}", run["energy_twh"], "per_mfu")
        put(f"scale_up_usd_{basis}", run["usd"], "usd")
        n_at_essay_power = essay("watts_scale_up") / (it_watts_per_gpu * pue)
        put(f"scale_up_days_at_essay_power_{basis}",
            hardware.run_days_for(c_up, n_gpus=n_at_essay_power, **kw), "per_mfu")
    put("gpus_at_essay_power", essay("watts_scale_up") / (it_watts_per_gpu * pue), "fixed")
    put("run_days", run_days, "input")
    put("it_watts_per_gpu", it_watts_per_gpu, "input")
    put("pue", pue, "input")
    put("usd_per_gpu_hour", usd_per_gpu_hour, "input")
    put("mfu", mfu, "input")
    put("scale_up_supported_twenty", claim_supported(essay("unique_tokens_scale_up"), essay("epochs_scale_up")),
        "fixed")
    put("tokens_per_param", trend("tokens_per_param"), "fixed")
    put("verdict_tolerance", VERDICT_TOLERANCE, "fixed")
    put("verdict_factor", VERDICT_FACTOR, "fixed")

    # 5. Verdicts -------------------------------------------------------------------------------
    claims = claim_table(claim_values(usd_per_gpu_hour=usd_per_gpu_hour, mfu=mfu, flop_basis=flop_basis,
                                      run_days=run_days, it_watts_per_gpu=it_watts_per_gpu, pue=pue,
                                      text_stock_tokens=text_stock_tokens))
    kinds = {"flops_for_large_budget": "per_usd", "flops_for_small_budget": "per_usd", "usd_at_unique_stock": "usd",
             "usd_for_scale_up": "usd", "gigawatts_for_scale_up": "per_mfu"}
    for name, row in claims.iterrows():
        put(f"claim_{name}", row["recomputed"], kinds.get(name, "fixed"))
        put(f"claim_{name}_essay", row["essay"], "fixed")
        put(f"claim_{name}_ratio", row["essay_over_recomputed"],
            {"per_usd": "usd", "usd": "per_usd", "per_mfu": "mixed"}.get(kinds.get(name), "fixed"))
        put(f"claim_{name}_verdict", row["verdict"], "label")
    return out


def claim_supported(unique_tokens, epochs):
    """Compute whose 20-tokens-per-parameter optimum needs ``unique_tokens`` seen ``epochs`` times."""
    return wall_flops(usable_tokens(unique_tokens, epochs), scaling.TWENTY_TOKENS_PER_PARAM)
