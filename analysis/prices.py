"""Prices of LLM inference, sparsity and precision: the arithmetic of "small models got cheap".

Four small pieces of arithmetic, each checked against published numbers in the tests:

* **Price ratios.** API prices are quoted per million input and per million output tokens.
  A single "x times cheaper" needs a blend; the usual one is 3 input tokens to 1 output token,
  ``blended = s * input + (1 - s) * output`` with ``s = 0.75`` (the ``blend_input_share``
  assumption).
* **Price of a fixed capability over time.** Epoch AI's method: among models at or above a
  benchmark threshold, keep each one that is cheaper than every model kept before it (the
  cheapest-price frontier), then fit ``log10(price) = a + b * years`` by least squares. The
  price falls by ``10**(-b)`` per year; the interval comes from the t distribution of the
  slope.
* **Sparsity.** A mixture-of-experts model uses ``active / total`` of its parameters per token.
* **Precision.** Weights take ``params * bits / 8`` bytes.

References
----------
epoch2025llmprices, epoch2025llmbenchmarkrepo, openai2023deprecations, openai2024gpt4omini,
jiang2024mixtral, deepseek2024v3, meta2025llama4, dettmers2022llmint8, frantar2023gptq,
dettmers2023case, ma2024era, vaswani2017attention
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis import _validate, datasets
from analysis.inference import weight_bytes  # noqa: F401 (re-exported: weight memory at a bit width)

__all__ = [
    "DAYS_PER_YEAR",
    "DeclineFit",
    "blended_price",
    "price_ratios",
    "annual_factor",
    "frontier_mask",
    "fit_log_linear_decline",
    "years_for_factor",
    "active_share",
    "weight_bytes",
    "precision_reduction",
    "essay",
    "first_party_frontier",
    "epoch_frontier",
    "claim_small_models_price_ratio_input",
    "claim_small_models_price_ratio_output",
    "claim_small_models_price_ratio_blended",
    "claim_small_models_decline_per_year",
    "claim_small_models_years_per_100x",
    "claim_small_models_active_params_200b",
    "claim_small_models_transformer_year",
    "claim_small_models_transformer_params",
    "claim_small_models_precision_reduction",
]

#: Length of a year in the decline fits: 365 days, the convention of Epoch AI's code (their
#: published 15.83x/yr for MMLU >= 64.8 is reproduced exactly with it; 365.25 gives 15.86x).
DAYS_PER_YEAR = 365.0


def _out(x: np.ndarray):
    return x.item() if x.ndim == 0 else x


def _dates(name: str, value) -> np.ndarray:
    """``value`` as a 1-D array of numpy day-precision datetimes; raise on missing dates."""
    try:
        arr = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(value, dtype=object))), errors="raise")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}={value!r} holds something that is not a date ({exc})") from None
    if arr.isna().any():
        raise ValueError(f"{name} holds a missing date (NaT); give a date for every entry")
    return arr.to_numpy(dtype="datetime64[D]")


@_validate.finite_returns
def blended_price(usd_per_mtok_input, usd_per_mtok_output, input_share):
    """Price per million tokens of a mix of input and output tokens.

    Parameters
    ----------
    usd_per_mtok_input, usd_per_mtok_output : float or array_like
        List prices in USD per million input and output tokens (> 0).
    input_share : float or array_like
        Fraction of the tokens that are input, in [0, 1]; 0.75 is the 3:1 blend.

    Returns
    -------
    float or ndarray
        ``input_share * input + (1 - input_share) * output``, USD per million tokens.

    Raises
    ------
    ValueError
        If a price is not positive or the share is outside [0, 1].

    References
    ----------
    epoch2025llmprices (3:1 blend)

    Examples
    --------
    >>> round(blended_price(0.15, 0.60, 0.75), 6)
    0.2625
    """
    pin = _validate.positive("usd_per_mtok_input", usd_per_mtok_input)
    pout = _validate.positive("usd_per_mtok_output", usd_per_mtok_output)
    s = _validate.in_range("input_share", input_share, 0.0, 1.0)
    return _out(s * pin + (1.0 - s) * pout)


@_validate.finite_returns
def price_ratios(old_input, old_output, new_input, new_output, input_share):
    """How many times cheaper the new prices are: per input token, per output token, blended.

    Parameters
    ----------
    old_input, old_output, new_input, new_output : float or array_like
        USD per million tokens (> 0).
    input_share : float
        Fraction of input tokens in the blend, in [0, 1].

    Returns
    -------
    dict
        ``{"input": old_input / new_input, "output": old_output / new_output,
        "blended": blended(old) / blended(new)}``.

    Examples
    --------
    >>> r = price_ratios(20, 20, 0.15, 0.60, 0.75)
    >>> round(r["input"], 1), round(r["output"], 1), round(r["blended"], 1)
    (133.3, 33.3, 76.2)
    """
    oi = _validate.positive("old_input", old_input)
    oo = _validate.positive("old_output", old_output)
    ni = _validate.positive("new_input", new_input)
    no = _validate.positive("new_output", new_output)
    return {
        "input": _out(oi / ni),
        "output": _out(oo / no),
        "blended": _out(np.asarray(blended_price(oi, oo, input_share))
                        / np.asarray(blended_price(ni, no, input_share))),
    }


@_validate.finite_returns
def annual_factor(ratio, days, days_per_year=DAYS_PER_YEAR):
    """The constant yearly factor that compounds to ``ratio`` over ``days``.

    Parameters
    ----------
    ratio : float or array_like
        Total change (> 0), e.g. a price ratio old / new.
    days : float or array_like
        Elapsed time in days (> 0).

    Returns
    -------
    float or ndarray
        ``ratio ** (days_per_year / days)``.

    Examples
    --------
    >>> annual_factor(100.0, 730.0)
    10.0
    """
    r = _validate.positive("ratio", ratio)
    d = _validate.positive("days", days)
    y = _validate.positive("days_per_year", days_per_year)
    return _out(r ** (y / d))


@_validate.finite_returns
def years_for_factor(factor, factor_per_year):
    """Years needed for a total change ``factor`` at a constant ``factor_per_year`` (> 1)."""
    f = _validate.positive("factor", factor)
    g = _validate.positive("factor_per_year", factor_per_year)
    if np.any(g <= 1.0):
        raise ValueError(f"factor_per_year={g.min()!r} is outside (1, inf); prices must fall")
    return _out(np.log(f) / np.log(g))


def frontier_mask(dates, usd_per_mtok, scores, threshold):
    """The cheapest-price frontier at or above a capability threshold (Epoch AI's method).

    Models are taken in date order (ties: cheapest first). A model is on the frontier if its
    score is at least ``threshold`` and its price is strictly lower than that of every model
    already on the frontier.

    Parameters
    ----------
    dates : array_like of dates
        Release or price date of each model.
    usd_per_mtok : array_like
        Price per million tokens (> 0), one per model.
    scores : array_like
        Benchmark score, one per model (finite).
    threshold : float
        Minimum score.

    Returns
    -------
    ndarray of bool
        True for models on the frontier, in the input order.

    Raises
    ------
    ValueError
        If the arrays differ in length, a date is missing, a price is not positive or a score
        is not finite.

    References
    ----------
    epoch2025llmbenchmarkrepo ("lowest_price_models_above_previous_frontier")

    Examples
    --------
    >>> frontier_mask(["2023-01-01", "2023-06-01", "2024-01-01"], [10, 12, 1], [70, 80, 60], 65)
    array([ True, False, False])
    """
    d = _dates("dates", dates)
    p = np.atleast_1d(_validate.positive("usd_per_mtok", usd_per_mtok))
    s = np.atleast_1d(_validate.finite("scores", scores))
    t = _validate.finite("threshold", threshold, scalar=True)
    if not (len(d) == len(p) == len(s)):
        raise ValueError(f"dates, usd_per_mtok and scores must have the same length; got "
                         f"{len(d)}, {len(p)} and {len(s)}")
    order = np.lexsort((p, d))
    mask = np.zeros(len(p), dtype=bool)
    best = np.inf
    for i in order:
        if s[i] >= t and p[i] < best:
            mask[i] = True
            best = p[i]
    return mask


@dataclass(frozen=True)
class DeclineFit:
    """A log-linear fit of price against time: ``log10(price) = intercept + slope * years``.

    ``years`` counts from ``start`` in units of :data:`DAYS_PER_YEAR`. The price falls by
    ``factor_per_year`` each year, with the ``level`` confidence interval
    ``[ci_low, ci_high]`` from the t distribution of the slope (n - 2 degrees of freedom).
    """

    factor_per_year: float
    ci_low: float
    ci_high: float
    slope_log10_per_year: float
    slope_stderr: float
    intercept_log10: float
    r_squared: float
    n: int
    level: float
    start: np.datetime64
    days_per_year: float = DAYS_PER_YEAR

    @_validate.finite_returns
    def price_at(self, dates):
        """Fitted price (USD per million tokens) at the given dates."""
        d = _dates("dates", dates)
        years = (d - self.start).astype(float) / self.days_per_year
        return _out(10.0 ** (self.intercept_log10 + self.slope_log10_per_year * years))


def fit_log_linear_decline(dates, usd_per_mtok, level=0.9, days_per_year=DAYS_PER_YEAR):
    """Fit an exponential price decline, ``log10(price) = a + b * years``, by least squares.

    Parameters
    ----------
    dates : array_like of dates
        Date of each price (at least 3, not all equal).
    usd_per_mtok : array_like
        Prices (> 0), USD per million tokens.
    level : float
        Confidence level of the interval, in (0, 1). Default 0.9 (Epoch AI's).
    days_per_year : float
        Length of a year in days. Default 365 (Epoch AI's convention).

    Returns
    -------
    DeclineFit
        ``factor_per_year = 10**(-b)`` and its interval
        ``[10**(-(b + t*se)), 10**(-(b - t*se))]``.

    Raises
    ------
    ValueError
        If there are fewer than 3 points, the dates are all equal, a price is not positive, or
        ``level`` is outside (0, 1).

    References
    ----------
    epoch2025llmprices, epoch2025llmbenchmarkrepo

    Examples
    --------
    >>> fit = fit_log_linear_decline(["2021-01-01", "2022-01-01", "2023-01-01"], [100, 10, 1])
    >>> round(fit.factor_per_year, 6)
    10.0
    """
    d = _dates("dates", dates)
    p = np.atleast_1d(_validate.positive("usd_per_mtok", usd_per_mtok))
    lev = _validate.in_range("level", level, 0.0, 1.0, low_open=True, high_open=True, scalar=True)
    dpy = _validate.positive("days_per_year", days_per_year, scalar=True)
    if len(d) != len(p):
        raise ValueError(f"dates and usd_per_mtok must have the same length; got {len(d)} and {len(p)}")
    if len(p) < 3:
        raise ValueError(f"len(usd_per_mtok)={len(p)} is outside [3, inf); a fit with an interval "
                         "needs at least 3 prices")
    start = d.min()
    years = (d - start).astype(float) / dpy
    if np.ptp(years) == 0:
        raise ValueError("dates are all equal; a decline rate needs prices at different dates")
    res = stats.linregress(years, np.log10(p))
    n = len(p)
    tcrit = stats.t.ppf(0.5 + lev / 2.0, n - 2)
    b, se = float(res.slope), float(res.stderr)
    with np.errstate(over="ignore", invalid="ignore"):
        ends = np.power(10.0, [-b, -(b + tcrit * se), -(b - tcrit * se)])
    _validate.finite_result(ends, "the yearly factor or its interval", days_per_year=days_per_year,
                            usd_per_mtok=usd_per_mtok)
    return DeclineFit(
        factor_per_year=10.0 ** (-b),
        ci_low=10.0 ** (-(b + tcrit * se)),
        ci_high=10.0 ** (-(b - tcrit * se)),
        slope_log10_per_year=b,
        slope_stderr=se,
        intercept_log10=float(res.intercept),
        r_squared=float(res.rvalue ** 2),
        n=n,
        level=lev,
        start=start,
        days_per_year=dpy,
    )


@_validate.finite_returns
def active_share(params_active, params_total):
    """Fraction of a mixture-of-experts model's parameters used per token.

    Parameters
    ----------
    params_active : float or array_like
        Parameters used per token (> 0).
    params_total : float or array_like
        Total parameters (>= params_active).

    Returns
    -------
    float or ndarray
        ``params_active / params_total``, in (0, 1].

    Examples
    --------
    >>> active_share(37e9, 671e9)  # DeepSeek-V3
    0.05514157973174367
    """
    a = _validate.positive("params_active", params_active)
    t = _validate.positive("params_total", params_total)
    bad = a > t
    if np.any(bad):
        raise ValueError(f"params_active={np.broadcast_to(a, bad.shape)[bad].flat[0] if bad.ndim else float(a)!r} "
                         "is larger than "
                         "params_total; a model cannot use more parameters than it has")
    return _out(a / t)


@_validate.finite_returns
def precision_reduction(bits_per_weight, reference_bits=16.0):
    """How many times fewer bits than ``reference_bits`` (16, i.e. FP16/BF16) a format uses."""
    b = _validate.in_range("bits_per_weight", bits_per_weight, 0.0, 64.0, low_open=True)
    r = _validate.in_range("reference_bits", reference_bits, 0.0, 64.0, low_open=True)
    return _out(r / b)


# ---------------------------------------------------------------------------------------------
# The chapter's data, assembled


#: Essay B's numbers used here: short name -> claim id of ``data/claims.csv`` (their one home).
ESSAY_IDS = {
    "price_ratio": "B01", "next_ratio": "B61", "moe_total_params": "B72", "moe_active_params": "B62",
    "transformer_year": "B63", "transformer_params": "B64", "precision_reduction": "B60",
}


def essay(name: str) -> float:
    """Essay B's value for ``name`` (a short name of :data:`ESSAY_IDS`), from the claims ledger."""
    from analysis import essays

    _validate.one_of("name", name, sorted(ESSAY_IDS))
    return essays.value(ESSAY_IDS[name])


def first_party_frontier(threshold, input_share):
    """First-party list prices (``data/api_prices.csv``) on the cheapest-price frontier.

    Non-reasoning models with a verified MMLU score at or above ``threshold`` (the chapters pass
    the ``smp_mmlu_threshold`` assumption), blended with ``input_share`` (the
    ``blend_input_share`` assumption). Returns the frontier rows sorted by date, with a
    ``usd_per_mtok_blended`` column.
    """
    thr, share = threshold, input_share
    df = datasets.load("api_prices")
    df = df[~df["reasoning"].astype(bool) & df["mmlu_pct"].notna()].copy()
    df["usd_per_mtok_blended"] = blended_price(df["usd_per_mtok_input"].to_numpy(),
                                               df["usd_per_mtok_output"].to_numpy(), share)
    mask = frontier_mask(df["price_date"], df["usd_per_mtok_blended"], df["mmlu_pct"], thr)
    return df[mask].sort_values("price_date").reset_index(drop=True)


def epoch_frontier(threshold):
    """Epoch AI's candidate models (``data/smp_epoch_models.csv``) on the cheapest-price frontier
    at MMLU ``threshold`` (the ``smp_mmlu_threshold`` assumption)."""
    thr = threshold
    df = datasets.load("smp_epoch_models")
    mask = frontier_mask(df["release_date"], df["usd_per_mtok_blended"], df["mmlu_pct"], thr)
    return df[mask].sort_values("release_date").reset_index(drop=True)


def _prices(model: str) -> pd.Series:
    df = datasets.load("api_prices")
    row = df[df["model"].str.startswith(model)]
    if len(row) != 1:
        raise ValueError(f"model={model!r} matches {len(row)} rows of api_prices.csv; expected 1")
    return row.iloc[0]


def _headline_ratios(input_share) -> dict:
    old, new = _prices("text-davinci-003"), _prices("gpt-4o-mini")
    return price_ratios(old["usd_per_mtok_input"], old["usd_per_mtok_output"],
                        new["usd_per_mtok_input"], new["usd_per_mtok_output"],
                        input_share)


# ---------------------------------------------------------------------------------------------
# Claims (each takes the assumptions ``a``; the essay's value and unit in each docstring)


def claim_small_models_price_ratio_input(a) -> float:
    """text-davinci-003 -> GPT-4o mini, per input token (essay: 100x cheaper)."""
    return float(_headline_ratios(a.blend_input_share)["input"])


def claim_small_models_price_ratio_output(a) -> float:
    """text-davinci-003 -> GPT-4o mini, per output token (essay: 100x cheaper)."""
    return float(_headline_ratios(a.blend_input_share)["output"])


def claim_small_models_price_ratio_blended(a) -> float:
    """text-davinci-003 -> GPT-4o mini, blended with ``blend_input_share`` (essay: 100x cheaper)."""
    return float(_headline_ratios(a.blend_input_share)["blended"])


def claim_small_models_decline_per_year(a) -> float:
    """Fitted yearly price decline at the MMLU threshold, first-party list prices (x per year).

    The essay gives no rate; it expects "another 100x", more slowly than the first.
    """
    fr = first_party_frontier(a.smp_mmlu_threshold, a.blend_input_share)
    return float(fit_log_linear_decline(fr["price_date"], fr["usd_per_mtok_blended"],
                                        level=a.smp_ci_level).factor_per_year)


def claim_small_models_years_per_100x(a) -> float:
    """Years for another 100x at Epoch AI's published MMLU >= threshold rate (essay: 'another 100x')."""
    df = datasets.load("price_decline_epoch")
    thr = a.smp_mmlu_threshold
    row = df[(df["benchmark"] == "MMLU") & np.isclose(df["threshold_score"], thr)]
    if row.empty:
        rate = claim_small_models_decline_per_year(a)
    else:
        rate = float(row["factor_per_year"].iloc[0])
    return float(years_for_factor(essay("next_ratio"), rate))


def claim_small_models_active_params_200b(a) -> float:
    """Active parameters of a 200B model as sparse as the sparsest deployed MoE (essay: 50M)."""
    df = datasets.load("moe_models")
    share = np.min(active_share(df["params_active"].to_numpy(), df["params_total"].to_numpy()))
    return float(share * essay("moe_total_params"))


def claim_small_models_transformer_year(a) -> float:
    """Year the Transformer paper was first posted (essay: 2016)."""
    df = datasets.load("smp_paper_dates")
    row = df[df["source_key"] == "vaswani2017attention"]
    return float(row["first_posted"].iloc[0].year)


def claim_small_models_transformer_params(a) -> float:
    """Parameters of the Transformer that set the English-French record (essay: 50M)."""
    df = datasets.load("transformer_2017")
    prior_best = df.loc[df["system_type"].str.startswith("prior"), "bleu_en_fr_test"].max()
    tr = df[(df["system_type"] == "transformer") & (df["bleu_en_fr_test"] > prior_best)]
    return float(tr["params"].min())


def claim_small_models_precision_reduction(a) -> float:
    """Largest cut from 16-bit weights with no or negligible loss after training (essay: 10x)."""
    df = datasets.load("quantization")
    ok = df[df["post_training"].astype(bool) & df["quality_loss"].isin(["none", "negligible"])]
    return float(np.max(precision_reduction(ok["bits_per_weight"].to_numpy())))
