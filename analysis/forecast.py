"""Which wall comes first? A calendar-time Monte Carlo of the frontier training run.

The largest training run grows along a trend, ``C(t) = C0 g**(t - t0)``. Four ceilings limit the
compute one run can use in year ``t``; each is an exponential in calendar time, so the year the
trend meets it has a closed form:

* **data**: the compute whose (possibly overtrained) optimal token count equals the usable
  tokens, ``D_req(C) = k C**b sqrt(overtrain)``; usable tokens are the unique stock (growing
  yearly) seen ``epochs`` times, valued with Muennighoff et al.'s law
  (:func:`analysis.repetition.effective_data`), times a distillation multiplier;
* **power**: watts one site or distributed run can draw x FLOP per joule (an H100-class
  accelerator's peak over its all-in watts, improving yearly) x utilisation x run length;
* **chips**: H100-equivalents one run can use x peak FLOP/s x utilisation x run length;
* **money**: the largest spend on one run x FLOP per dollar (GPU-hour price, improving yearly).

A ceiling ``K(t) = K1 h**(t - t1)`` binds where ``log C(t) = log K(t)``:
``t* = t0 + (log K(t0) - log C0) / (log g - log h)`` when ``g > h``; at ``t0`` if the ceiling is
already below the trend; never (reported as the horizon year, ``binds_<wall>`` False) if the
ceiling grows at least as fast as the trend. Each wall's year is computed on the unconstrained
trend; the first wall is the one with the earliest year (Sevilla et al. 2024 compare
constraints the same way).

Every uncertain input is a triple ``(low, value, high)``: ``value`` is the median of a two-piece
log-normal draw and ``low``/``high`` its 5th and 95th percentiles (``level`` sets another
interval). The scaling-law fit is a weighted mixture (:class:`FitSamples`, one per fit, with a
weight and a reason); within each fit the exponent and coefficient are drawn from a bootstrap of
:func:`analysis.scaling.fit_parametric_loss` or from the fit's published interval.

Functions take values as arguments and never read the assumptions file. Published inputs of
the two reproductions are in ``data/forecast_*.csv``.

References
----------
villalobos2024will, sevilla2024scaling, epoch2024computetrends, hobbhahn2022gpu,
muennighoff2023scaling, besiroglu2024chinchilla, hoffmann2022training
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
from scipy.special import ndtri

from analysis import _validate, datasets, fmt, repetition, scaling

__all__ = [
    "WALLS",
    "SPEC_KEYS",
    "ASSUMPTION_NAMES",
    "assumption_spec",
    "FIT_KEYS",
    "fits_from_weights",
    "CEILING_YEAR",
    "HARDWARE_YEAR",
    "FitSamples",
    "fit_samples_from_law",
    "fit_samples_from_bootstrap",
    "draw",
    "crossing_year",
    "data_ceiling",
    "power_ceiling",
    "chips_ceiling",
    "money_ceiling",
    "simulate",
    "monte_carlo",
    "point_estimate",
    "summarise",
    "first_shares",
    "fan",
    "sensitivity",
    "frontier_runs",
    "frontier_start",
    "context",
    "villalobos_inputs",
    "villalobos_reproduction",
    "sevilla_inputs",
    "sevilla_results",
    "sevilla_reproduction",
    "chinchilla_runs",
    "at_scale",
    "refit_chinchilla",
    "book_inputs",
    "book_forecast",
    "claim_walls_usd_at_data_wall",
    "claim_walls_share_data_first",
    "claim_walls_gigawatts_at_scale_up",
    "claim_walls_usd_at_scale_up",
]

#: The four walls, in the order the chapter shows them.
WALLS = ("data", "power", "chips", "money")

#: The uncertain inputs of :func:`monte_carlo`, each a ``(low, value, high)`` triple, with units.
SPEC_KEYS = {
    "compute_growth": "x per year, growth of the largest training run",
    "unique_tokens": "tokens, unique quality-filtered text stock in the stock year",
    "stock_growth": "x per year, growth of the unique stock",
    "epochs": "passes over the unique stock (>= 1)",
    "distill_multiplier": "x effective data from distillation or synthetic data (>= 1)",
    "overtrain_factor": "x tokens per parameter relative to compute-optimal (>= 1)",
    "power_watts": "W one run can draw in CEILING_YEAR",
    "power_growth": "x per year, growth of the power one run can draw",
    "all_in_watts": "W per H100-class accelerator including host, network and cooling",
    "efficiency_growth": "x per year, growth of peak FLOP per joule",
    "mfu": "fraction of peak (model FLOPs utilisation)",
    "run_days": "days of the longest training run",
    "chips_h100e": "H100-equivalents one run can use in CEILING_YEAR",
    "chips_growth": "x per year, growth of the H100-equivalents one run can use",
    "spend_usd": "USD one developer spends on one run in CEILING_YEAR",
    "spend_growth": "x per year, growth of that spend",
    "usd_per_gpu_hour": "USD per H100-class GPU-hour in HARDWARE_YEAR",
    "price_performance_growth": "x per year, growth of FLOP per dollar",
}

#: The assumption (key of ``data/assumptions.toml``) behind each key of :data:`SPEC_KEYS`. The
#: unique stock has no assumption of its own: it is the book's one stock assumption,
#: ``text_stock_tokens`` (the effective stock), divided by Villalobos et al.'s median repetition
#: multiplier (:func:`analysis.datawall.unique_stock_tokens`), as the data-wall chapter does;
#: :func:`assumption_spec` applies that conversion.
ASSUMPTION_NAMES = {k: (k if k in ("mfu", "usd_per_gpu_hour") else f"fc_{k}") for k in SPEC_KEYS}
ASSUMPTION_NAMES["unique_tokens"] = "text_stock_tokens"

#: Year at which the power, chips and money ceilings are pinned (Sevilla et al.'s horizon).
CEILING_YEAR = 2030.0
#: Year of the H100-class hardware whose watts and price the inputs describe.
HARDWARE_YEAR = 2024.0

_SECONDS_PER_DAY = 86400.0
_SECONDS_PER_HOUR = 3600.0
_LOG10_6 = math.log10(scaling.FLOPS_PER_PARAM_TOKEN)


def _z(level: float) -> float:
    lev = float(_validate.in_range("level", level, 0.0, 1.0, low_open=True, high_open=True))
    z = float(ndtri(0.5 + lev / 2))
    if not z > 0:  # 0.5 + lev / 2 rounds to 0.5
        raise ValueError(f"level={lev!r} is too small to set a spread (below float64 resolution); give a level "
                         "in (1e-12, 1)")
    return z


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


# ----------------------------------------------------------------------------------------------
# The scaling-law fits: a weighted mixture, with within-fit uncertainty
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FitSamples:
    """Draws of one compute-optimal law ``D_opt(C) = 10**log10_coef * C**exponent``.

    Attributes
    ----------
    key, name : str
        Short key (as in :data:`analysis.scaling.PARAMETRIC_FITS` / ``ALLOCATIONS``) and label.
    weight : float
        Mixture weight, >= 0 (the mixture normalises the weights).
    reason : str
        Why the fit has this weight.
    log10_coef, exponent : ndarray
        Equal-length arrays of draws (tokens per FLOP**exponent, dimensionless).
    uncertainty : str
        Where the within-fit spread comes from.
    """

    key: str
    name: str
    weight: float
    reason: str
    log10_coef: np.ndarray = field(repr=False)
    exponent: np.ndarray = field(repr=False)
    uncertainty: str = ""

    def __post_init__(self):
        for label in ("key", "name", "reason", "uncertainty"):
            _validate.instance(label, getattr(self, label), str, "a string")
        w = float(_validate.nonnegative(f"weight of {self.key}", self.weight, scalar=True))
        c = np.atleast_1d(_validate.finite(f"log10_coef of {self.key}", self.log10_coef))
        e = np.atleast_1d(_validate.in_range(f"exponent of {self.key}", self.exponent, 0.0, 1.0,
                                             low_open=True, high_open=True))
        if c.shape != e.shape or c.ndim != 1:
            raise ValueError(f"log10_coef and exponent of {self.key} have shapes {c.shape} and {e.shape}; "
                             "give two 1-d arrays of equal length")
        object.__setattr__(self, "weight", w)
        object.__setattr__(self, "log10_coef", c)
        object.__setattr__(self, "exponent", e)

    def tokens(self, flops):
        """Median-draw optimal tokens at ``flops`` (FLOP, > 0)."""
        c = _validate.positive("flops", flops)
        i = int(np.argsort(self.exponent)[len(self.exponent) // 2])
        return _out(10 ** (self.log10_coef[i] + self.exponent[i] * np.log10(c)))

    def exponent_interval(self, level: float = 0.8) -> tuple[float, float]:
        """Central ``level`` interval of the exponent draws."""
        z = float(_validate.in_range("level", level, 0.0, 1.0, low_open=True, high_open=True))
        lo, hi = np.percentile(self.exponent, [50 * (1 - z), 50 * (1 + z)])
        return float(lo), float(hi)


def fit_samples_from_law(law, *, key: str, weight: float, reason: str, size: int = 1000, seed: int = 0,
                         level: float = 0.8) -> FitSamples:
    """Draws of a published law: its exponent from its published interval, if any.

    The exponent ``b`` is normal with the law's ``b_interval`` as its central ``level`` interval
    (Hoffmann et al. 2022, Table 2, print 10th-90th percentiles). The coefficient moves with
    ``b`` so that the optimal tokens stay fixed at the geometric middle of the compute range the
    law was fitted on (``fit_range_flops``): inside the data the law is pinned, outside it the
    exponent's uncertainty fans out. A law without an interval gives a single draw.

    Parameters
    ----------
    law : ParametricLoss or PowerLawAllocation
        A law of :mod:`analysis.scaling`.
    key : str
        Short name.
    weight : float
        Mixture weight, >= 0.
    reason : str
        Why this weight.
    size : int
        Number of draws (>= 1) when the law has an interval.
    seed : int
        Seed of the draws.
    level : float
        Level of ``b_interval`` (0.8 for Hoffmann et al.'s 10th-90th percentiles).

    Returns
    -------
    FitSamples

    Raises
    ------
    ValueError
        If an argument is out of range.
    """
    _validate.law("law", law)
    n = _validate.integer("size", size, low=1, high=10_000_000)
    seed = _validate.integer("seed", seed, low=0)
    _z(level)
    c1, c2 = 1e20, 1e30
    d1, d2 = float(law.compute_optimal(c1)[1]), float(law.compute_optimal(c2)[1])
    b0 = math.log10(d2 / d1) / math.log10(c2 / c1)
    k0 = math.log10(d1) - b0 * math.log10(c1)
    interval = getattr(law, "b_interval", None)
    if interval is None:
        return FitSamples(key, law.name, weight, reason, np.array([k0]), np.array([b0]),
                          uncertainty="point estimate (no published interval)")
    lo, hi = (float(v) for v in interval)
    rng = np.random.default_rng(_validate.integer("seed", seed, low=0))
    # Hoffmann et al. print rounded point estimates; Approach 1's b = 0.50 lies below its own
    # interval (0.501, 0.512). Then the interval's midpoint is the centre.
    centre = b0 if lo <= b0 <= hi else 0.5 * (lo + hi)
    b = np.clip(draw("b_interval", (lo, centre, hi), n, rng, level=level, log=False), 0.05, 0.95)
    rng_flops = getattr(law, "fit_range_flops", None) or (1e19, 1e22)
    log_pivot = 0.5 * (math.log10(rng_flops[0]) + math.log10(rng_flops[1]))
    log_d_pivot = k0 + b0 * log_pivot
    return FitSamples(key, law.name, weight, reason, log_d_pivot - b * log_pivot, b,
                      uncertainty=f"exponent from the published interval {fmt.num(lo, 3)} to {fmt.num(hi, 3)} "
                                  f"({fmt.pct(level)}), pinned at {fmt.sci(10**log_pivot)} FLOP")


def fit_samples_from_bootstrap(fit, *, key: str, weight: float, reason: str, name: str | None = None) -> FitSamples:
    """Draws of a refitted parametric law from its bootstrap replicates.

    Each replicate ``(A, B, E, alpha, beta)`` of :func:`analysis.scaling.fit_parametric_loss`
    gives ``D_opt = G**-1 (C/6)**b``, so ``log10_coef = -log10 G - b log10 6``.

    Parameters
    ----------
    fit : analysis.scaling.ParametricFit
        A fit with ``bootstrap`` replicates (``n_bootstrap`` > 0).
    key, reason : str
        Short name and the reason for the weight.
    weight : float
        Mixture weight, >= 0.
    name : str, optional
        Label (default: the fit's name).

    Returns
    -------
    FitSamples

    Raises
    ------
    ValueError
        If the fit has no bootstrap replicates.
    """
    _validate.instance("fit", fit, scaling.ParametricFit, "a scaling.ParametricFit")
    if name is not None:
        _validate.instance("name", name, str, "a string or None")
    b = fit.bootstrap_values("b")
    g = fit.bootstrap_values("G")
    ok = np.isfinite(b) & np.isfinite(g) & (g > 0) & (b > 0) & (b < 1)
    if not ok.any():
        raise ValueError(f"fit {fit.name!r} has no usable bootstrap replicate")
    return FitSamples(key, name or fit.name, weight, reason, -np.log10(g[ok]) - b[ok] * _LOG10_6, b[ok],
                      uncertainty=f"{int(ok.sum())} bootstrap refits")


#: Every fit the forecast can weigh: the keys of :data:`analysis.scaling.PARAMETRIC_FITS` and
#: :data:`analysis.scaling.ALLOCATIONS`. ``besiroglu`` is replaced by a bootstrapped refit when
#: one is given to :func:`fits_from_weights`.
FIT_KEYS = (*scaling.PARAMETRIC_FITS, *scaling.ALLOCATIONS)


def fits_from_weights(weights: dict, reasons: dict, *, refit=None, size: int = 1000, seed: int = 0) -> list:
    """The weighted mixture of fits: one :class:`FitSamples` per key of :data:`FIT_KEYS`.

    Parameters
    ----------
    weights : dict
        ``{key: weight >= 0}`` for every key of :data:`FIT_KEYS`.
    reasons : dict
        ``{key: why}`` for every key.
    refit : analysis.scaling.ParametricFit, optional
        A bootstrapped refit of the Chinchilla runs; used for ``besiroglu`` (else the published
        point estimate).
    size, seed : int
        Draws per fit with a published interval, and their seed.

    Returns
    -------
    list of FitSamples

    Raises
    ------
    ValueError
        If a key is missing or unknown, or a weight is negative.
    """
    _validate.instance("weights", weights, Mapping, "a dict {fit key: weight}")
    _validate.instance("reasons", reasons, Mapping, "a dict {fit key: reason}")
    seed = _validate.integer("seed", seed, low=0)
    if refit is not None:
        _validate.instance("refit", refit, scaling.ParametricFit, "a scaling.ParametricFit or None")
    missing = sorted(set(FIT_KEYS) - set(weights))
    extra = sorted(set(weights) - set(FIT_KEYS))
    if missing or extra:
        raise ValueError(f"weights: missing keys {missing}, unknown keys {extra}; give exactly {list(FIT_KEYS)}")
    laws = {**scaling.PARAMETRIC_FITS, **scaling.ALLOCATIONS}
    out = []
    for i, key in enumerate(FIT_KEYS):
        why = str(reasons.get(key, ""))
        if key == "besiroglu" and refit is not None:
            out.append(fit_samples_from_bootstrap(refit, key=key, weight=weights[key], reason=why,
                                                  name="Besiroglu 2024 (refit here, bootstrapped)"))
        else:
            out.append(fit_samples_from_law(laws[key], key=key, weight=weights[key], reason=why, size=size,
                                            seed=seed + i))
    return out


def _check_fits(fits) -> list:
    """``fits`` as a list; raise unless it is an iterable of :class:`FitSamples`."""
    if isinstance(fits, (str, bytes, Mapping)) or not hasattr(fits, "__iter__"):
        raise ValueError(f"fits={_validate._show(fits)} is not a list of FitSamples; give a list of FitSamples")
    fits = list(fits)
    for f in fits:
        _validate.instance("fits", f, FitSamples, "a list of FitSamples")
    return fits


def _check_spec(spec, name="spec") -> Mapping:
    """``spec``; raise unless it is a mapping with exactly the keys of :data:`SPEC_KEYS`."""
    _validate.instance(name, spec, Mapping, "a dict {key: (low, value, high)}")
    missing = sorted(set(SPEC_KEYS) - set(spec))
    extra = sorted(set(spec) - set(SPEC_KEYS))
    if missing or extra:
        raise ValueError(f"{name}: missing keys {missing}, unknown keys {extra}; give exactly {list(SPEC_KEYS)}")
    return spec


def _mixture(fits, n, rng):
    fits = _check_fits(fits)
    if not fits:
        raise ValueError("fits is empty; give at least one FitSamples")
    w = np.array([f.weight for f in fits], dtype=float)
    if not w.sum() > 0:
        raise ValueError(f"fit weights {w.tolist()} sum to 0; give at least one positive weight")
    idx = rng.choice(len(fits), size=n, p=w / w.sum())
    coef = np.empty(n)
    expo = np.empty(n)
    for i, f in enumerate(fits):
        m = idx == i
        k = int(m.sum())
        if k:
            j = rng.integers(0, f.exponent.size, size=k)
            coef[m] = f.log10_coef[j]
            expo[m] = f.exponent[j]
    return idx, coef, expo


# ----------------------------------------------------------------------------------------------
# Draws
# ----------------------------------------------------------------------------------------------


def _check_triple(name, triple, *, positive=True):
    if isinstance(triple, (str, bytes)) or any(isinstance(v, bool) for v in np.ravel(np.asarray(triple, dtype=object))):
        raise ValueError(f"{name}={triple!r} is not a (low, value, high) triple of numbers")
    try:
        lo, mid, hi = (float(v) for v in triple)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={triple!r} is not a (low, value, high) triple of numbers") from None
    check = _validate.positive if positive else _validate.finite
    check(name, [lo, mid, hi])
    if not lo <= mid <= hi:
        raise ValueError(f"{name}={triple!r}: value {mid:g} is outside [low, high] = [{lo:g}, {hi:g}]")
    return lo, mid, hi


def draw(name: str, triple, size: int, rng, *, level: float = 0.9, log: bool = True) -> np.ndarray:
    """Draw ``size`` values with median ``value`` and ``level`` interval ``[low, high]``.

    A two-piece log-normal (``log=True``; all three > 0) or two-piece normal: below the median
    the spread puts ``low`` at the lower percentile, above it ``high`` at the upper one, so
    asymmetric intervals are kept. ``low == value == high`` gives a constant.

    Parameters
    ----------
    name : str
        Name used in error messages.
    triple : (float, float, float)
        ``(low, value, high)`` with ``low <= value <= high``.
    size : int
        Number of draws, >= 1.
    rng : numpy.random.Generator
        Source of randomness.
    level : float
        Central probability of ``[low, high]``, in (0, 1).
    log : bool
        Log-normal (True) or normal (False).

    Returns
    -------
    ndarray

    Raises
    ------
    ValueError
        If the triple is malformed or out of order.
    """
    lo, mid, hi = _check_triple(name, triple, positive=log)
    n = _validate.integer("size", size, low=1)
    z = _z(level)
    u = rng.standard_normal(n)
    if log:
        s_lo, s_hi = math.log(mid / lo) / z, math.log(hi / mid) / z
        return mid * np.exp(np.where(u < 0, s_lo, s_hi) * u)
    s_lo, s_hi = (mid - lo) / z, (hi - mid) / z
    return mid + np.where(u < 0, s_lo, s_hi) * u


# ----------------------------------------------------------------------------------------------
# The closed-form crossing and the four ceilings
# ----------------------------------------------------------------------------------------------


@_validate.finite_returns
def crossing_year(*, start_year, log10_flops, log10_growth, ceiling_log10_flops, ceiling_year,
                  ceiling_log10_growth, horizon_year):
    """First year the trend ``C0 g**(t - t0)`` reaches a ceiling ``K1 h**(t - t1)`` (closed form).

    Parameters
    ----------
    start_year : float
        ``t0``, the year of the trend's starting point.
    log10_flops, log10_growth : float or array_like
        ``log10 C0`` (FLOP) and ``log10 g`` (orders of magnitude per year).
    ceiling_log10_flops, ceiling_year, ceiling_log10_growth : float or array_like
        ``log10 K1`` (FLOP) at year ``t1``, and ``log10 h`` (orders of magnitude per year).
    horizon_year : float
        Last year considered, > ``start_year``.

    Returns
    -------
    (year, binds) : tuple of ndarray
        The crossing year, ``t0`` if the ceiling is already below the trend, the horizon if the
        trend does not reach the ceiling by then; ``binds`` is False in the last case.

    Raises
    ------
    ValueError
        If an input is not finite or the horizon is not after the start.

    Examples
    --------
    >>> y, b = crossing_year(start_year=2025, log10_flops=26, log10_growth=math.log10(4),
    ...                      ceiling_log10_flops=28, ceiling_year=2025, ceiling_log10_growth=0,
    ...                      horizon_year=2100)
    >>> round(float(y), 4), bool(b)      # 2025 + 2 / log10(4)
    (2028.3219, True)
    """
    t0 = _validate.finite("start_year", start_year, scalar=True)
    th = _validate.finite("horizon_year", horizon_year, scalar=True)
    if not th > t0:
        raise ValueError(f"horizon_year={th:g} is outside ({t0:g}, inf); it must be after start_year")
    c0 = _validate.finite("log10_flops", log10_flops)
    g = _validate.finite("log10_growth", log10_growth)
    k1 = _validate.finite("ceiling_log10_flops", ceiling_log10_flops)
    t1 = _validate.finite("ceiling_year", ceiling_year)
    h = _validate.finite("ceiling_log10_growth", ceiling_log10_growth)
    gap = k1 + (t0 - t1) * h - c0  # ceiling minus trend at t0, orders of magnitude
    slope = g - h
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(gap <= 0, t0, np.where(slope > 0, t0 + gap / np.where(slope > 0, slope, 1.0), np.inf))
    binds = t <= th
    return np.minimum(t, th), binds


@_validate.finite_returns
def data_ceiling(*, unique_tokens, stock_growth, epochs, distill_multiplier, overtrain_factor, log10_coef,
                 exponent):
    """The data ceiling: ``(log10 FLOP in the stock year, log10 growth per year)``.

    Usable tokens ``U = effective_data(unique_tokens, epochs) * distill_multiplier`` grow with
    the stock; the ceiling is the compute whose optimal tokens ``10**log10_coef C**exponent``,
    times ``sqrt(overtrain_factor)``, equal ``U``:
    ``log10 C = (log10 U - log10 sqrt(overtrain_factor) - log10_coef) / exponent``, growing by
    ``log10(stock_growth) / exponent`` a year.

    Parameters
    ----------
    unique_tokens : array_like
        Unique quality-filtered tokens in the stock year (tokens), > 0.
    stock_growth : array_like
        Yearly growth factor of the unique stock, > 0.
    epochs : array_like
        Passes over the unique stock, >= 1.
    distill_multiplier, overtrain_factor : array_like
        >= 1 each.
    log10_coef, exponent : array_like
        The fit (see :class:`FitSamples`); exponent in (0, 1).

    Returns
    -------
    (log10_flops, log10_growth) : tuple of ndarray

    Raises
    ------
    ValueError
        If an input is out of range.
    """
    usable = repetition.effective_data(unique_tokens, epochs)
    dm = _validate.in_range("distill_multiplier", distill_multiplier, 1.0, np.inf, high_open=True)
    ot = _validate.in_range("overtrain_factor", overtrain_factor, 1.0, np.inf, high_open=True)
    sg = _validate.positive("stock_growth", stock_growth)
    k = _validate.finite("log10_coef", log10_coef)
    b = _validate.in_range("exponent", exponent, 0.0, 1.0, low_open=True, high_open=True)
    log_u = np.log10(usable * dm) - 0.5 * np.log10(ot)
    return (log_u - k) / b, np.log10(sg) / b


def _seconds(run_days):
    return _validate.positive("run_days", run_days) * _SECONDS_PER_DAY


@_validate.finite_returns
def power_ceiling(*, power_watts, power_growth, all_in_watts, efficiency_growth, mfu, run_days,
                  peak_flops_per_second, years_of_efficiency=CEILING_YEAR - HARDWARE_YEAR):
    """The power ceiling at :data:`CEILING_YEAR`: ``(log10 FLOP, log10 growth per year)``.

    ``FLOP = power_watts / all_in_watts * peak * efficiency_growth**years * mfu * seconds``:
    the accelerators a site can power, each delivering the H100-class peak improved by
    ``efficiency_growth`` a year since :data:`HARDWARE_YEAR`. The ceiling grows by
    ``power_growth * efficiency_growth`` a year.

    Parameters
    ----------
    power_watts : array_like
        Power one run can draw in :data:`CEILING_YEAR` (W), > 0.
    power_growth, efficiency_growth : array_like
        Yearly growth factors, > 0.
    all_in_watts : array_like
        W per accelerator, all overheads included, > 0.
    mfu : array_like
        Utilisation, in (0, 1].
    run_days : array_like
        Run length (days), > 0.
    peak_flops_per_second : float
        Peak of the reference accelerator in :data:`HARDWARE_YEAR` (FLOP/s), > 0.
    years_of_efficiency : float
        Years of efficiency growth up to the ceiling year, >= 0.

    Returns
    -------
    (log10_flops, log10_growth) : tuple of ndarray
    """
    w = _validate.positive("power_watts", power_watts)
    pg = _validate.positive("power_growth", power_growth)
    aw = _validate.positive("all_in_watts", all_in_watts)
    eg = _validate.positive("efficiency_growth", efficiency_growth)
    u = _validate.in_range("mfu", mfu, 0.0, 1.0, low_open=True)
    pk = _validate.positive("peak_flops_per_second", peak_flops_per_second)
    yrs = _validate.nonnegative("years_of_efficiency", years_of_efficiency)
    flops = w / aw * pk * eg**yrs * u * _seconds(run_days)
    return np.log10(flops), np.log10(pg * eg)


@_validate.finite_returns
def chips_ceiling(*, chips_h100e, chips_growth, mfu, run_days, peak_flops_per_second):
    """The chips ceiling at :data:`CEILING_YEAR`: ``(log10 FLOP, log10 growth per year)``.

    ``FLOP = chips_h100e * peak * mfu * seconds``; H100-equivalents count per-chip gains, so the
    ceiling grows by ``chips_growth`` a year.
    """
    n = _validate.positive("chips_h100e", chips_h100e)
    cg = _validate.positive("chips_growth", chips_growth)
    u = _validate.in_range("mfu", mfu, 0.0, 1.0, low_open=True)
    pk = _validate.positive("peak_flops_per_second", peak_flops_per_second)
    return np.log10(n * pk * u * _seconds(run_days)), np.log10(cg)


@_validate.finite_returns
def money_ceiling(*, spend_usd, spend_growth, usd_per_gpu_hour, price_performance_growth, mfu,
                  peak_flops_per_second, years_of_price_performance=CEILING_YEAR - HARDWARE_YEAR):
    """The money ceiling at :data:`CEILING_YEAR`: ``(log10 FLOP, log10 growth per year)``.

    ``FLOP = spend_usd * FLOP per dollar``, with FLOP per dollar ``peak * mfu * 3600 /
    usd_per_gpu_hour`` in :data:`HARDWARE_YEAR`, improving by ``price_performance_growth`` a
    year. The ceiling grows by ``spend_growth * price_performance_growth`` a year.
    """
    s = _validate.positive("spend_usd", spend_usd)
    sg = _validate.positive("spend_growth", spend_growth)
    p = _validate.positive("usd_per_gpu_hour", usd_per_gpu_hour)
    pp = _validate.positive("price_performance_growth", price_performance_growth)
    u = _validate.in_range("mfu", mfu, 0.0, 1.0, low_open=True)
    pk = _validate.positive("peak_flops_per_second", peak_flops_per_second)
    yrs = _validate.nonnegative("years_of_price_performance", years_of_price_performance)
    per_usd = pk * u * _SECONDS_PER_HOUR / p * pp**yrs
    return np.log10(s * per_usd), np.log10(sg * pp)


# ----------------------------------------------------------------------------------------------
# The model
# ----------------------------------------------------------------------------------------------


@_validate.finite_returns
def simulate(values: dict, *, log10_coef, exponent, start_year, start_flops, stock_year, peak_flops_per_second,
             horizon_year) -> pd.DataFrame:
    """Where each wall binds, for given input values (one row per element of the arrays).

    Parameters
    ----------
    values : dict
        One array (or float) per key of :data:`SPEC_KEYS`, broadcastable to a common length.
    log10_coef, exponent : array_like
        The scaling-law fit of each row (see :class:`FitSamples`).
    start_year : float
        Year of the trend's starting point (fractional year).
    start_flops : float
        The largest training run at ``start_year`` (FLOP), > 0.
    stock_year : float
        Year of ``values["unique_tokens"]``.
    peak_flops_per_second : float
        Peak of the reference accelerator in :data:`HARDWARE_YEAR` (FLOP/s).
    horizon_year : float
        Last year considered; walls not reached by then have ``binds_<wall>`` False.

    Returns
    -------
    pandas.DataFrame
        Per row: for each wall ``year_<w>``, ``flops_<w>`` (trend FLOP at that year),
        ``binds_<w>``, ``ceiling_<w>`` (log10 FLOP of the ceiling at ``start_year``) and
        ``growth_<w>`` (its log10 growth per year); ``trend_growth`` (log10 g); ``first`` (the
        earliest binding wall, or ``"none"``), ``year_first``, ``flops_first``; and for each
        wall and ``first``, ``usd_<w>`` (the run's cost at that year's GPU-hour price per FLOP)
        and ``watts_<w>`` (its all-in power over ``run_days``).

    Raises
    ------
    ValueError
        If a key is missing or unknown, or a value is out of range.
    """
    _validate.instance("values", values, Mapping, "a dict {key: value}")
    missing = sorted(set(SPEC_KEYS) - set(values))
    extra = sorted(set(values) - set(SPEC_KEYS))
    if missing or extra:
        raise ValueError(f"values: missing keys {missing}, unknown keys {extra}; give exactly {list(SPEC_KEYS)}")
    v = {k: _validate.finite(k, x) for k, x in values.items()}
    rows = {**v, "log10_coef": _validate.finite("log10_coef", log10_coef),
            "exponent": _validate.in_range("exponent", exponent, 0.0, 1.0, low_open=True, high_open=True)}
    for k, x in rows.items():
        if x.ndim > 1:
            raise ValueError(f"{k} has shape {x.shape}; give a number or a 1-D array (one element per row)")
    c0 = _validate.positive("start_flops", start_flops, scalar=True)
    t0 = _validate.finite("start_year", start_year, scalar=True)
    ts = _validate.finite("stock_year", stock_year, scalar=True)
    pk = _validate.positive("peak_flops_per_second", peak_flops_per_second, scalar=True)
    g = np.log10(_validate.in_range("compute_growth", v["compute_growth"], 1.0, np.inf, high_open=True))
    ceilings = {
        "data": (*data_ceiling(unique_tokens=v["unique_tokens"], stock_growth=v["stock_growth"],
                               epochs=v["epochs"], distill_multiplier=v["distill_multiplier"],
                               overtrain_factor=v["overtrain_factor"], log10_coef=log10_coef,
                               exponent=exponent), ts),
        "power": (*power_ceiling(power_watts=v["power_watts"], power_growth=v["power_growth"],
                                 all_in_watts=v["all_in_watts"], efficiency_growth=v["efficiency_growth"],
                                 mfu=v["mfu"], run_days=v["run_days"], peak_flops_per_second=pk), CEILING_YEAR),
        "chips": (*chips_ceiling(chips_h100e=v["chips_h100e"], chips_growth=v["chips_growth"], mfu=v["mfu"],
                                 run_days=v["run_days"], peak_flops_per_second=pk), CEILING_YEAR),
        "money": (*money_ceiling(spend_usd=v["spend_usd"], spend_growth=v["spend_growth"],
                                 usd_per_gpu_hour=v["usd_per_gpu_hour"],
                                 price_performance_growth=v["price_performance_growth"], mfu=v["mfu"],
                                 peak_flops_per_second=pk), CEILING_YEAR),
    }
    n = max(np.size(x) for x in [*v.values(), log10_coef, exponent])
    out = {"trend_growth": np.broadcast_to(g, (n,)).copy()}
    years = []
    for w, (k1, h, t1) in ceilings.items():
        y, b = crossing_year(start_year=t0, log10_flops=math.log10(c0), log10_growth=g, ceiling_log10_flops=k1,
                             ceiling_year=t1, ceiling_log10_growth=h, horizon_year=horizon_year)
        y = np.broadcast_to(y, (n,))
        out[f"year_{w}"] = y.copy()
        out[f"flops_{w}"] = np.broadcast_to(10 ** (math.log10(c0) + (y - t0) * g), (n,)).copy()
        out[f"binds_{w}"] = np.broadcast_to(b, (n,)).copy()
        out[f"ceiling_{w}"] = np.broadcast_to(k1 + (t0 - t1) * h, (n,)).copy()
        out[f"growth_{w}"] = np.broadcast_to(h, (n,)).copy()
        years.append(np.where(np.broadcast_to(b, (n,)), y, np.inf))
    ymat = np.vstack(years)
    first = np.argmin(ymat, axis=0)
    any_binds = np.isfinite(ymat.min(axis=0))
    names = np.array(WALLS, dtype=object)
    out["first"] = np.where(any_binds, names[first], "none")
    out["year_first"] = np.where(any_binds, ymat.min(axis=0), float(horizon_year))
    out["flops_first"] = 10 ** (math.log10(c0) + (out["year_first"] - t0) * out["trend_growth"])
    # what the trend's run costs and draws when each wall binds (GPU-hour prices, all-in watts)
    for w in (*WALLS, "first"):
        dy = out[f"year_{w}"] - HARDWARE_YEAR
        per_usd = pk * v["mfu"] * _SECONDS_PER_HOUR / v["usd_per_gpu_hour"] * v["price_performance_growth"] ** dy
        per_joule = pk / v["all_in_watts"] * v["efficiency_growth"] ** dy * v["mfu"]
        out[f"usd_{w}"] = out[f"flops_{w}"] / per_usd
        out[f"watts_{w}"] = out[f"flops_{w}"] / (per_joule * v["run_days"] * _SECONDS_PER_DAY)
    return pd.DataFrame(out)


def _clip_draws(v):
    v["epochs"] = np.maximum(v["epochs"], 1.0)
    v["distill_multiplier"] = np.maximum(v["distill_multiplier"], 1.0)
    v["overtrain_factor"] = np.maximum(v["overtrain_factor"], 1.0)
    v["mfu"] = np.clip(v["mfu"], 0.01, 1.0)
    v["compute_growth"] = np.maximum(v["compute_growth"], 1.0)
    return v


@_validate.finite_returns
def monte_carlo(*, n_draws, seed, spec: dict, fits, start_year, start_flops, stock_year, peak_flops_per_second,
                horizon_year, level: float = 0.9) -> pd.DataFrame:
    """Draw every uncertain input and return, per draw, where each wall binds.

    Parameters
    ----------
    n_draws : int
        Number of draws, >= 1.
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    spec : dict
        ``{key: (low, value, high)}`` for every key of :data:`SPEC_KEYS` (see :func:`draw`).
        Draws are clipped to their valid ranges (epochs, distillation and overtraining >= 1,
        utilisation <= 1, compute growth >= 1).
    fits : iterable of FitSamples
        The scaling-law mixture.
    start_year, start_flops, stock_year, peak_flops_per_second, horizon_year
        As :func:`simulate`.
    level : float
        Probability between ``low`` and ``high`` of each triple.

    Returns
    -------
    pandas.DataFrame
        :func:`simulate`'s columns, the drawn inputs (one column per key of :data:`SPEC_KEYS`),
        ``fit`` (key), ``log10_coef`` and ``exponent``.

    Raises
    ------
    ValueError
        If an input is missing or out of range.

    Examples
    --------
    See ``tests/test_forecast.py`` and the walls chapter.
    """
    n = _validate.integer("n_draws", n_draws, low=1, high=10_000_000)
    rng = np.random.default_rng(_validate.integer("seed", seed, low=0))
    _check_spec(spec)
    fits = _check_fits(fits)
    v = _clip_draws({k: draw(k, spec[k], n, rng, level=level) for k in SPEC_KEYS})
    idx, coef, expo = _mixture(fits, n, rng)
    out = simulate(v, log10_coef=coef, exponent=expo, start_year=start_year, start_flops=start_flops,
                   stock_year=stock_year, peak_flops_per_second=peak_flops_per_second, horizon_year=horizon_year)
    for k in SPEC_KEYS:
        out[k] = v[k]
    out["fit"] = np.array([f.key for f in fits], dtype=object)[idx]
    out["log10_coef"] = coef
    out["exponent"] = expo
    return out


@_validate.finite_returns
def point_estimate(spec: dict, fit: FitSamples, **kwargs) -> pd.Series:
    """:func:`simulate` at the median of every input and the median-exponent draw of ``fit``."""
    _check_spec(spec)
    _validate.instance("fit", fit, FitSamples, "a FitSamples")
    i = int(np.argsort(fit.exponent)[len(fit.exponent) // 2])
    values = {k: _check_triple(k, spec[k])[1] for k in SPEC_KEYS}
    return simulate(values, log10_coef=fit.log10_coef[i], exponent=fit.exponent[i], **kwargs).iloc[0]


def _check_draws(draws, columns) -> pd.DataFrame:
    """``draws``; raise unless it is a non-empty DataFrame with ``columns`` (an output of :func:`monte_carlo`)."""
    _validate.instance("draws", draws, pd.DataFrame, "a DataFrame of draws from monte_carlo")
    missing = [c for c in columns if c not in draws.columns]
    if draws.empty or missing:
        raise ValueError(f"draws has {len(draws)} rows and lacks columns {missing}; give a non-empty output of "
                         "monte_carlo")
    return draws


def _percentiles(percentiles) -> list:
    pct = _validate.vector("percentiles", _validate.in_range("percentiles", percentiles, 0.0, 100.0))
    return [float(p) for p in pct]


def summarise(draws: pd.DataFrame, percentiles=(5, 50, 95)) -> pd.DataFrame:
    """Percentiles of the year and FLOP each wall binds, and the share of draws it binds first.

    Returns
    -------
    pandas.DataFrame
        One row per wall (and ``first``): ``year_p<q>``, ``flops_p<q>``, ``share_binds`` (share of
        draws where it binds before the horizon), ``share_first``.
    """
    pct = _percentiles(percentiles)
    _check_draws(draws, ["first", *(f"{k}_{w}" for w in WALLS for k in ("year", "flops", "binds")),
                         "year_first", "flops_first"])
    rows = {}
    for w in (*WALLS, "first"):
        row = {}
        for p in pct:
            row[f"year_p{p:g}"] = float(np.percentile(draws[f"year_{w}"], p))
            row[f"flops_p{p:g}"] = float(np.percentile(draws[f"flops_{w}"], p))
        if w == "first":
            row["share_binds"] = float(np.mean(draws["first"] != "none"))
            row["share_first"] = float("nan")
        else:
            row["share_binds"] = float(np.mean(draws[f"binds_{w}"]))
            row["share_first"] = float(np.mean(draws["first"] == w))
        rows[w] = row
    return pd.DataFrame.from_dict(rows, orient="index")


@_validate.finite_returns
def first_shares(draws: pd.DataFrame) -> pd.Series:
    """Share of draws in which each wall (or none, before the horizon) binds first."""
    s = _check_draws(draws, ["first"])["first"].value_counts(normalize=True)
    return pd.Series({w: float(s.get(w, 0.0)) for w in (*WALLS, "none")})


@_validate.finite_returns
def fan(draws: pd.DataFrame, years, start_year, start_flops, percentiles=(5, 50, 95)) -> dict:
    """Percentiles of log10 FLOP of the trend and each ceiling, year by year (a fan chart).

    Parameters
    ----------
    draws : pandas.DataFrame
        Output of :func:`monte_carlo`.
    years : array_like
        Calendar years.
    start_year, start_flops : float
        The trend's starting point, as given to :func:`monte_carlo`.
    percentiles : sequence of float
        Percentiles to report.

    Returns
    -------
    dict
        ``{"trend" | wall: ndarray of shape (len(percentiles), len(years))}`` (log10 FLOP).
    """
    t = _validate.vector("years", _validate.finite("years", years))
    c0 = math.log10(_validate.positive("start_flops", start_flops, scalar=True))
    dt = t[None, :] - _validate.finite("start_year", start_year, scalar=True)
    _percentiles(percentiles)
    _check_draws(draws, ["trend_growth", *(f"{k}_{w}" for w in WALLS for k in ("ceiling", "growth"))])

    def by_year(level, slope):
        # one year at a time: the same numbers as one (draws x years) array, without its memory
        return np.stack([np.percentile(level + slope * d, percentiles) for d in dt[0]], axis=-1)

    out = {"trend": by_year(c0, draws["trend_growth"].to_numpy())}
    for w in WALLS:
        out[w] = by_year(draws[f"ceiling_{w}"].to_numpy(), draws[f"growth_{w}"].to_numpy())
    return out


#: Labels of the inputs in :func:`sensitivity`.
_LABELS = {
    "compute_growth": "growth of frontier compute",
    "unique_tokens": "unique text stock",
    "stock_growth": "growth of the stock",
    "epochs": "epochs over the stock",
    "distill_multiplier": "distillation multiplier",
    "overtrain_factor": "overtraining",
    "mfu": "utilisation",
}


@_validate.finite_returns
def sensitivity(spec: dict, fits, *, wall: str = "data", **kwargs) -> pd.DataFrame:
    """One-at-a-time sensitivity of the year a wall binds (the data of a tornado chart).

    Baseline: every input at its median and the median-exponent draw of the heaviest fit. Each
    input then moves alone to ``low`` and ``high``; the fit row swaps in the median draw of the
    positive-weight fits with the smallest and largest wall year.

    Parameters
    ----------
    spec : dict
        As :func:`monte_carlo`.
    fits : iterable of FitSamples
        The mixture.
    wall : str
        One of :data:`WALLS`.
    **kwargs
        ``start_year``, ``start_flops``, ``stock_year``, ``peak_flops_per_second``, ``horizon_year``.

    Returns
    -------
    pandas.DataFrame
        One row per input that moves the year (sorted by swing): ``label``, ``year_low`` (input
        at ``low``), ``year_high``, ``baseline``, ``swing`` (years), ``low_label``, ``high_label``
        (the input's ends as :func:`analysis.fmt.num` text, or the fits' names).
    """
    _validate.one_of("wall", wall, WALLS)
    _check_spec(spec)
    fits = [f for f in _check_fits(fits) if f.weight > 0]
    if not fits:
        raise ValueError("fits has no positive weight; give at least one FitSamples with weight > 0")
    base_fit = max(fits, key=lambda f: f.weight)
    mids = {k: _check_triple(k, spec[k])[1] for k in SPEC_KEYS}

    def year(values, fit):
        i = int(np.argsort(fit.exponent)[len(fit.exponent) // 2])
        res = simulate(values, log10_coef=fit.log10_coef[i], exponent=fit.exponent[i], **kwargs)
        return float(res[f"year_{wall}"].iloc[0])

    base = year(mids, base_fit)
    rows = []
    for k in SPEC_KEYS:
        lo, _, hi = _check_triple(k, spec[k])
        y_lo, y_hi = year({**mids, k: lo}, base_fit), year({**mids, k: hi}, base_fit)
        if y_lo != base or y_hi != base:
            rows.append({"input": k, "label": _LABELS.get(k, SPEC_KEYS[k].split(",")[0]), "year_low": y_lo,
                         "year_high": y_hi, "low_label": fmt.num(lo, 3), "high_label": fmt.num(hi, 3)})
    by_fit = {f.key: year(mids, f) for f in fits}
    lo_f, hi_f = min(by_fit, key=by_fit.get), max(by_fit, key=by_fit.get)
    names = {f.key: f.name for f in fits}
    rows.append({"input": "fit", "label": "scaling-law fit", "year_low": by_fit[lo_f], "year_high": by_fit[hi_f],
                 "low_label": names[lo_f], "high_label": names[hi_f]})
    df = pd.DataFrame(rows).set_index("input")
    df["baseline"] = base
    df["swing"] = (df["year_high"] - df["year_low"]).abs()
    return df.sort_values("swing", ascending=False)


# ----------------------------------------------------------------------------------------------
# Published inputs and the two reproductions
# ----------------------------------------------------------------------------------------------


@cache
def _load(name):
    return datasets.load(name)


def chinchilla_runs() -> pd.DataFrame:
    """The 245 Chinchilla runs digitised by Besiroglu et al. (``data/forecast_chinchilla_runs.csv``)."""
    return _load("forecast_chinchilla_runs").copy()


def frontier_runs() -> pd.DataFrame:
    """The largest training runs of the Epoch AI database snapshot (``data/forecast_frontier_runs.csv``)."""
    return _load("forecast_frontier_runs").copy()


def frontier_start() -> tuple[float, float]:
    """``(year, FLOP)`` of the largest run in ``data/forecast_frontier_runs.csv`` (fractional year)."""
    runs = frontier_runs()
    row = runs.loc[runs["flops"].idxmax()]
    date = pd.Timestamp(row["date"])
    return date.year + (date.day_of_year - 1) / 365.25, float(row["flops"])


def context(*, peak_flops_per_second, horizon_year) -> dict:
    """The fixed arguments of :func:`simulate` and :func:`monte_carlo` from the data files.

    The trend starts at the largest run of ``data/forecast_frontier_runs.csv``; the stock year is
    Villalobos et al.'s base year (``data/forecast_villalobos_inputs.csv``).

    Parameters
    ----------
    peak_flops_per_second : float
        Peak of the reference accelerator (FLOP/s), > 0.
    horizon_year : float
        Last year considered.

    Returns
    -------
    dict
        ``start_year``, ``start_flops``, ``stock_year``, ``peak_flops_per_second``, ``horizon_year``.
    """
    y0, c0 = frontier_start()
    h = _validate.finite("horizon_year", horizon_year, scalar=True)
    if not h > y0:
        raise ValueError(f"horizon_year={h:g} is outside ({y0:g}, inf); it must be after the start year")
    return {"start_year": y0, "start_flops": c0, "stock_year": float(villalobos_inputs().loc["base_year", "median"]),
            "peak_flops_per_second": _validate.positive("peak_flops_per_second", peak_flops_per_second, scalar=True),
            "horizon_year": h}


def villalobos_inputs() -> pd.DataFrame:
    """Villalobos et al.'s model inputs (``data/forecast_villalobos_inputs.csv``), indexed by quantity."""
    return _load("forecast_villalobos_inputs").set_index("quantity")


def sevilla_inputs() -> pd.DataFrame:
    """Sevilla et al.'s 2030 inputs (``data/forecast_sevilla_inputs.csv``), indexed by quantity."""
    return _load("forecast_sevilla_inputs").set_index("quantity")


def sevilla_results() -> pd.DataFrame:
    """Sevilla et al.'s published 2030 ranges per constraint (``data/forecast_sevilla_results.csv``)."""
    return _load("forecast_sevilla_results").set_index("constraint")


def _row_draw(table, quantity, n, rng):
    row = table.loc[quantity]
    lo, hi = float(row["low"]), float(row["high"])
    mid = row["median"]
    mid = math.sqrt(lo * hi) if mid is None or (isinstance(mid, float) and math.isnan(mid)) else float(mid)
    return draw(quantity, (lo, mid, hi), n, rng, level=float(row["level"]))


@_validate.finite_returns
def villalobos_reproduction(*, n_draws, seed, dataset_growth_oom_per_year, dataset_growth_low, dataset_growth_high,
                            overtrain_factor=1.0, horizon_year=2100.0) -> pd.DataFrame:
    """Villalobos et al.'s historical projection of full stock use, run through :func:`crossing_year`.

    Their model (``epoch-research/data-stock``): the indexed web (unique pages x bytes per page /
    bytes per token), times a usable fraction, times a repetition multiplier, grows yearly; the
    largest dataset grows ``dataset_growth_oom_per_year`` from a 2024 value; full use is the year
    the dataset reaches the stock. In this module's terms the dataset trend is a compute trend
    under 20 tokens per parameter (``C = 6 D**2 / 20``, their Eq. 3), and the effective stock is
    a data ceiling with the same allocation, so the crossing is the data wall. All inputs are
    drawn independently, as in their code, from ``data/forecast_villalobos_inputs.csv``.

    Parameters
    ----------
    n_draws, seed : int
        Draws and seed.
    dataset_growth_oom_per_year, dataset_growth_low, dataset_growth_high : float
        Median and 95% interval of the dataset growth (orders of magnitude per year;
        ``data/text_stock_trends.csv``).
    overtrain_factor : float
        >= 1; the tokens per parameter are this multiple of 20 (their Figure 6 uses 5).
    horizon_year : float
        Last year considered.

    Returns
    -------
    pandas.DataFrame
        Per draw: ``raw_stock``, ``quality_stock``, ``effective_stock`` (tokens in 2024),
        ``stock_growth``, ``largest_dataset``, ``growth_oom``, ``year``, ``binds``,
        ``flops`` (compute at full use).
    """
    n = _validate.integer("n_draws", n_draws, low=1, high=10_000_000)
    rng = np.random.default_rng(_validate.integer("seed", seed, low=0))
    for label, x in (("dataset_growth_oom_per_year", dataset_growth_oom_per_year),
                     ("dataset_growth_low", dataset_growth_low), ("dataset_growth_high", dataset_growth_high)):
        _validate.finite(label, x, scalar=True)
    _validate.in_range("overtrain_factor", overtrain_factor, 1.0, np.inf, high_open=True, scalar=True)
    t = villalobos_inputs()
    year0 = float(t.loc["base_year", "median"])
    pages = _row_draw(t, "unique_pages", n, rng)
    bpp = _row_draw(t, "bytes_per_page", n, rng)
    bpt = float(t.loc["bytes_per_token_offset", "median"]) - _row_draw(t, "bytes_per_token_complement", n, rng)
    # 6 minus a log-normal can go below 1 byte per token (or negative) in about 0.2% of draws;
    # the authors' code lets it; here it is floored at one byte per token.
    bpt = np.maximum(bpt, 1.0)
    raw = pages * bpp / bpt
    quality = raw * _row_draw(t, "usable_fraction", n, rng)
    effective = quality * _row_draw(t, "repetition_multiplier", n, rng)
    growth = _row_draw(t, "page_size_growth", n, rng) * _row_draw(t, "page_count_growth", n, rng)
    d0 = _row_draw(t, "largest_dataset_tokens", n, rng)
    oom = draw("dataset_growth_oom_per_year", (dataset_growth_low, dataset_growth_oom_per_year, dataset_growth_high),
               n, rng, level=0.95, log=False)
    law = scaling.TWENTY_TOKENS_PER_PARAM
    k = math.log10(float(law.tokens_coef))
    b = float(law.b)
    c0 = np.log10(law.flops_for_tokens(d0))
    ceiling, h = data_ceiling(unique_tokens=effective, stock_growth=growth, epochs=1.0, distill_multiplier=1.0,
                              overtrain_factor=overtrain_factor, log10_coef=k, exponent=b)
    # the dataset trend as a compute trend: D grows by `oom` orders a year, so C = 6 D^2 / 20 by 2 oom
    y, binds = crossing_year(start_year=year0, log10_flops=c0, log10_growth=oom / b, ceiling_log10_flops=ceiling,
                             ceiling_year=year0, ceiling_log10_growth=h, horizon_year=horizon_year)
    return pd.DataFrame({"raw_stock": raw, "quality_stock": quality, "effective_stock": effective,
                         "stock_growth": growth, "largest_dataset": d0, "growth_oom": oom, "year": y,
                         "binds": binds, "flops": 10 ** (c0 + (y - year0) * oom / b)})


@_validate.finite_returns
def sevilla_reproduction(*, n_draws, seed, peak_flops_per_second) -> pd.DataFrame:
    """Sevilla et al.'s feasible training compute in 2030 per constraint, from their inputs.

    Draws (independent, each a two-piece log-normal through the published percentiles of
    ``data/forecast_sevilla_inputs.csv``; missing medians are the geometric midpoint):

    * power: watts (single campus and distributed) / all-in watts per H100 x peak FP8 x
      efficiency growth to 2030 x utilisation x run length (this module's :func:`power_ceiling`);
    * chips: H100-equivalents x peak x utilisation x run length (:func:`chips_ceiling`);
    * data: ``6 D**2 / 20`` for the effective multimodal tokens ``D`` (their Appendix A rule);
    * latency: their published range, drawn as is.

    Parameters
    ----------
    n_draws, seed : int
        Draws and seed.
    peak_flops_per_second : float
        H100 FP8 dense peak (FLOP/s), > 0 (``data/gpus.csv``).

    Returns
    -------
    pandas.DataFrame
        Per draw, log10 FLOP feasible in 2030 under ``power_campus``, ``power_distributed``,
        ``chips``, ``data``, ``latency``; ``trend`` (the 2030 point of their 4x-a-year trend);
        ``first`` (the lowest constraint, using distributed power).
    """
    n = _validate.integer("n_draws", n_draws, low=1, high=10_000_000)
    rng = np.random.default_rng(_validate.integer("seed", seed, low=0))
    t = sevilla_inputs()
    years = CEILING_YEAR - float(t.loc["hardware_year", "median"])
    aw = _row_draw(t, "all_in_watts", n, rng)
    eg = _row_draw(t, "efficiency_growth", n, rng)
    u = float(t.loc["utilisation", "median"])
    secs = _row_draw(t, "training_seconds", n, rng)
    days = secs / _SECONDS_PER_DAY
    out = {}
    for kind in ("campus", "distributed"):
        out[f"power_{kind}"] = power_ceiling(power_watts=_row_draw(t, f"power_watts_{kind}", n, rng), power_growth=1.0,
                                             all_in_watts=aw, efficiency_growth=eg, mfu=u, run_days=days,
                                             peak_flops_per_second=peak_flops_per_second,
                                             years_of_efficiency=years)[0]
    out["chips"] = chips_ceiling(chips_h100e=_row_draw(t, "h100e_for_training", n, rng), chips_growth=1.0, mfu=u,
                                 run_days=days, peak_flops_per_second=peak_flops_per_second)[0]
    tokens = _row_draw(t, "effective_tokens", n, rng)
    out["data"] = np.log10(scaling.TWENTY_TOKENS_PER_PARAM.flops_for_tokens(tokens))
    out["latency"] = np.log10(_row_draw(t, "latency_flops", n, rng))
    c0 = float(t.loc["trend_start_flops", "median"])
    g = float(t.loc["trend_growth", "median"])
    y0 = float(t.loc["trend_start_year", "median"])
    out["trend"] = np.full(n, math.log10(c0) + (CEILING_YEAR - y0) * math.log10(g))
    df = pd.DataFrame(out)
    cols = ["power_distributed", "chips", "data", "latency"]
    df["first"] = np.array(["power", "chips", "data", "latency"], dtype=object)[np.argmin(df[cols].to_numpy(), axis=1)]
    return df


# ----------------------------------------------------------------------------------------------
# A given scale on the trend; the book's own run; the essays' claims
# ----------------------------------------------------------------------------------------------


@_validate.finite_returns
def at_scale(draws: pd.DataFrame, flops, *, start_year, start_flops, peak_flops_per_second) -> pd.DataFrame:
    """When the trend of each draw reaches ``flops``, and what that run costs and draws then.

    Parameters
    ----------
    draws : pandas.DataFrame
        Output of :func:`monte_carlo` (it carries the drawn inputs).
    flops : float
        Training compute of the run (FLOP), > 0.
    start_year, start_flops, peak_flops_per_second : float
        As given to :func:`monte_carlo`.

    Returns
    -------
    pandas.DataFrame
        Per draw: ``year`` (fractional; the start year if the trend is already there), ``usd``
        (GPU-hour cost at that year's FLOP per dollar), ``watts`` (all-in power over ``run_days``
        at that year's FLOP per joule).
    """
    c = _validate.positive("flops", flops, scalar=True)
    c0 = _validate.positive("start_flops", start_flops, scalar=True)
    pk = _validate.positive("peak_flops_per_second", peak_flops_per_second, scalar=True)
    start_year = _validate.finite("start_year", start_year, scalar=True)
    _check_draws(draws, ["trend_growth", "mfu", "usd_per_gpu_hour", "price_performance_growth", "all_in_watts",
                         "efficiency_growth", "run_days"])
    year = np.maximum(float(start_year) + (math.log10(c) - math.log10(c0)) / draws["trend_growth"].to_numpy(),
                      float(start_year))
    dy = year - HARDWARE_YEAR
    mfu = draws["mfu"].to_numpy()
    per_usd = pk * mfu * _SECONDS_PER_HOUR / draws["usd_per_gpu_hour"].to_numpy() \
        * draws["price_performance_growth"].to_numpy() ** dy
    per_joule = pk / draws["all_in_watts"].to_numpy() * draws["efficiency_growth"].to_numpy() ** dy * mfu
    seconds = draws["run_days"].to_numpy() * _SECONDS_PER_DAY
    return pd.DataFrame({"year": year, "usd": c / per_usd, "watts": c / (per_joule * seconds)})


def refit_chinchilla(*, n_bootstrap: int, seed: int, drop_highest: int = 5, grid: bool = False):
    """Refit the Chinchilla runs as Besiroglu et al. do (dropping the highest losses) and bootstrap it.

    By default the optimiser starts from Besiroglu et al.'s published optimum, which reaches the
    same optimum as their 4,500-point grid of starts (``grid=True``; ``tests/test_forecast.py``
    checks that both agree) in a small fraction of the time. Results are cached per argument set,
    so a chapter and the claims ledger share one refit.

    Parameters
    ----------
    n_bootstrap : int
        Bootstrap refits, >= 1.
    seed : int
        Seed of the resampling.
    drop_highest : int
        Runs with the highest loss left out (Besiroglu et al.: 5).
    grid : bool
        Start from the full grid of :func:`analysis.scaling.fit_parametric_loss` instead.

    Returns
    -------
    analysis.scaling.ParametricFit
    """
    runs = chinchilla_runs()
    k = _validate.integer("drop_highest", drop_highest, low=0, high=len(runs) - 6)
    if not isinstance(grid, bool):
        raise ValueError(f"grid={grid!r} is not a bool; give True or False")
    return _refit(_validate.integer("n_bootstrap", n_bootstrap, low=1, high=10_000), _validate.integer("seed", seed, low=0), k,
                  grid)


@cache
def _refit(n_bootstrap, seed, drop_highest, grid):
    runs = chinchilla_runs()
    k = drop_highest
    keep = runs["loss"] < np.sort(runs["loss"].to_numpy())[-k] if k else np.ones(len(runs), dtype=bool)
    pub = scaling.BESIROGLU_2024
    starts = None if grid else np.array([[math.log(pub.A), math.log(pub.B), math.log(pub.E), pub.alpha, pub.beta]])
    return scaling.fit_parametric_loss(runs.loc[keep, "params"], runs.loc[keep, "tokens"], runs.loc[keep, "loss"],
                                       starts=starts, n_bootstrap=n_bootstrap, seed=seed, name="refit",
                                       source="besiroglu2024chinchilla")


def book_inputs(a):
    """The forecast's inputs under the assumptions ``a``: ``(spec, fits, ctx)``.

    ``spec`` maps each key of :data:`SPEC_KEYS` to ``(low, value, high)``: the value in force
    (the file's, or a chapter's override) between the ends of the assumption's declared range;
    ``fits`` is the weighted mixture (:func:`fits_from_weights`, with the bootstrapped refit);
    ``ctx`` the fixed arguments (:func:`context`, on the H100 SXM's dense FP8 peak). Cached per
    set of assumptions, so the chapters and the claims ledger compute it once.

    Parameters
    ----------
    a : analysis.assumptions.Assumptions

    Returns
    -------
    tuple
        ``(spec, fits, ctx)``.
    """
    return _book_inputs(_check_assumptions(a))


def _check_assumptions(a):
    from analysis import assumptions

    if not isinstance(a, assumptions.Assumptions):
        raise ValueError(f"a={type(a).__name__} is not an Assumptions object; give the chapter's "
                         "assumptions (the A of its parameters cell)")
    return a


def assumption_spec(a) -> dict:
    """The ``(low, value, high)`` triple of every key of :data:`SPEC_KEYS` under the assumptions ``a``.

    Each triple is the assumption's declared low end, the value in force and the high end
    (:data:`ASSUMPTION_NAMES`); the unique stock's is the effective stock's
    (``text_stock_tokens``) divided by the median repetition multiplier, the same unique stock as
    the data-wall chapter's (:func:`analysis.datawall.unique_stock_tokens`).
    """
    from analysis import datawall

    a = _check_assumptions(a)
    spec = {k: (a.spec(n).low, a[n], a.spec(n).high) for k, n in ASSUMPTION_NAMES.items()}
    spec["unique_tokens"] = tuple(float(datawall.unique_stock_tokens(x)) for x in spec["unique_tokens"])
    return spec


@cache
def _book_inputs(a):
    from analysis import hardware

    spec = assumption_spec(a)
    refit = refit_chinchilla(n_bootstrap=a["fc_bootstrap_refits"], seed=a["seed"])
    fits = fits_from_weights({k: a[f"fc_weight_{k}"] for k in FIT_KEYS},
                             {k: a.spec(f"fc_weight_{k}").rationale.removeprefix("Assumption: ") for k in FIT_KEYS},
                             refit=refit, seed=a["seed"])
    ctx = context(peak_flops_per_second=hardware.peak_flops_per_second("H100 SXM", "fp8", "dense"),
                  horizon_year=a["fc_horizon_year"])
    return spec, fits, ctx


def book_forecast(a) -> pd.DataFrame:
    """The book's forecast under the assumptions ``a``: :func:`monte_carlo` of :func:`book_inputs`.

    One model for the book: the walls chapter, the data-wall chapter and the claims ledger all
    read this (cached per set of assumptions; treat the result as read-only).
    """
    return _book_forecast(_check_assumptions(a))


@cache
def _book_forecast(a):
    spec, fits, ctx = _book_inputs(a)
    return monte_carlo(n_draws=a["mc_draws"], seed=a["seed"], spec=spec, fits=fits, **ctx)


def _essay_scale_up(a):
    from analysis import essays

    ctx = book_inputs(a)[2]
    return at_scale(book_forecast(a), essays.value("B34"),
                    **{k: ctx[k] for k in ("start_year", "start_flops", "peak_flops_per_second")})


def claim_walls_usd_at_data_wall(a) -> float:
    """Median GPU-hour cost of the trend's largest run when the data wall binds (USD).

    Essay B expects the trend to reach the billion-dollar runs and then stall on data (about 1e9).
    """
    return float(np.median(book_forecast(a)["usd_data"]))


def claim_walls_share_data_first(a) -> float:
    """Share of draws in which data is the first wall (essay A and B: data is what stops pretraining)."""
    return float(np.mean(book_forecast(a)["first"] == "data"))


def claim_walls_gigawatts_at_scale_up(a) -> float:
    """Median all-in power (GW) of essay B's 8e28 FLOP run in the year the trend reaches it (essay: 6)."""
    return float(np.median(_essay_scale_up(a)["watts"])) / 1e9


def claim_walls_usd_at_scale_up(a) -> float:
    """Median GPU-hour cost (USD) of essay B's 8e28 FLOP run in the year the trend reaches it (essay: 4e10)."""
    return float(np.median(_essay_scale_up(a)["usd"]))
