"""The isoFLOP protocol, simulated: how far can a compute-optimal allocation be extrapolated?

Llama 3 (and Chinchilla's Approach 2) find the compute-optimal allocation in three steps:

1. at each of a handful of training budgets ``C_j``, train models of several sizes ``N`` on
   ``D = C_j / (6 N)`` tokens and record their final loss (an *isoFLOP profile*);
2. fit a parabola to loss against ``log N`` and take its minimum as the compute-optimal size,
   hence the optimal tokens ``D*_j = C_j / (6 N*_j)``;
3. fit the power law ``D*(C) = A C**alpha`` to the minima and extrapolate it to the flagship's
   budget.

This module runs that protocol on synthetic data: losses drawn from a known parametric law
(:class:`analysis.scaling.ParametricLoss`) times multiplicative noise, many studies at once,
fully vectorised (no Python loop over studies). Because the generating law is known, the
prediction of every simulated study can be compared with the truth. It also holds the closed
forms used to read the published Llama 3 numbers: the coefficient or exponent needed to hit a
target, the range of predictions consistent with rounded constants, the sensitivity of a
prediction to the exponent, and the spread of an extrapolated least-squares line.

``claim_llama3_refit_*`` functions return the recomputed value of each Llama 3 statement in
essay B, from ``data/llama3_scaling.csv`` and :mod:`analysis.scaling`.

References
----------
llama3herd2024, hoffmann2022training, besiroglu2024chinchilla

Examples
--------
>>> from analysis.scaling import BESIROGLU_2024
>>> from analysis.isoflop import isoflop_design, simulate_isoflop_studies
>>> design = isoflop_design(BESIROGLU_2024, [1e19, 1e20, 1e21], sizes_per_budget=7,
...                         window_decades=0.5)
>>> studies = simulate_isoflop_studies(BESIROGLU_2024, design, n_studies=1, noise=0.0, seed=0)
>>> round(float(studies.b[0]), 6) == round(BESIROGLU_2024.b, 6)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from analysis import _validate, datasets
from analysis.scaling import ALLOCATIONS, FLOPS_PER_PARAM_TOKEN, PARAMETRIC_FITS

__all__ = [
    "published",
    "essay_claims",
    "coef_for_tokens",
    "exponent_for_tokens",
    "printed_interval",
    "allocation_tokens",
    "tokens_per_param_at",
    "alpha_sensitivity",
    "extrapolation_distance",
    "extrapolation_sd",
    "IsoFlopDesign",
    "IsoFlopStudies",
    "isoflop_design",
    "llama3_design",
    "generating_law",
    "parabola_minima",
    "fit_allocation",
    "simulate_isoflop_studies",
    "chinchilla_gopher_flops",
    "claim_llama3_refit_budget_flops",
    "claim_llama3_refit_optimal_params",
    "claim_llama3_refit_optimal_tokens",
    "claim_llama3_refit_tokens_per_param",
    "claim_llama3_refit_exponent",
    "claim_llama3_refit_chinchilla_exponent",
    "claim_llama3_refit_fit_max_flops",
    "claim_llama3_refit_chinchilla_fit_max_flops",
    "claim_llama3_refit_llama_gap",
    "claim_llama3_refit_chinchilla_gap",
    "claim_llama3_refit_target_flops",
    "claim_llama3_refit_chinchilla_target_flops",
    "claim_llama3_refit_flagship_overtraining",
    "claim_llama3_refit_ratio_drift_exponent",
]


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


# ------------------------------------------------------------------------------------------
# Published numbers
# ------------------------------------------------------------------------------------------

_SCALARS = (
    "extrapolated_params", "extrapolated_tokens", "extrapolation_flops", "flagship_flops",
    "flagship_params", "flagship_tokens",
)


@lru_cache(maxsize=1)
def _published_cached(mtime_ns: int) -> tuple:
    df = datasets.load("llama3_scaling")
    out = {}
    for key in _SCALARS:
        rows = df.loc[df["name"] == key, "value"]
        if len(rows) != 1:
            raise datasets.DataFileError(
                f"data/llama3_scaling.csv: expected exactly one row named {key!r}, found {len(rows)}"
            )
        out[key] = float(rows.iloc[0])
    budgets = np.sort(df.loc[df["name"] == "figure2_budget", "value"].to_numpy(dtype=float))
    if budgets.size < 2:
        raise datasets.DataFileError("data/llama3_scaling.csv: needs at least two figure2_budget rows")
    out["figure2_budgets"] = budgets
    # The allocation constants and the range of the runs have their own homes
    # (data/parametric_fits.csv through analysis.scaling, data/chinchilla_fit_ranges.csv).
    for which in ("prose", "legend"):
        law = ALLOCATIONS[f"llama3_{which}"]
        out[f"{which}_alpha"], out[f"{which}_coef"] = law.b, law.tokens_coef
    rng = datasets.load("chinchilla_fit_ranges").set_index("dataset").loc["llama3_isoflop"]
    for key, col in (("fit_min_flops", "flops_min"), ("fit_max_flops", "flops_max"),
                     ("min_params", "params_min"), ("max_params", "params_max")):
        out[key] = float(rng[col])
    return tuple(out.items())


def published() -> dict:
    """The Llama 3 report's scaling numbers, from ``data/llama3_scaling.csv`` and their homes.

    Returns
    -------
    dict
        Floats keyed by the CSV's ``name`` column (``extrapolated_tokens``, ``flagship_params``,
        ...); ``figure2_budgets``, the ten isoFLOP budgets of Figure 2 (FLOP, ascending
        ndarray); ``prose_alpha``, ``prose_coef``, ``legend_alpha``, ``legend_coef`` from
        :data:`analysis.scaling.ALLOCATIONS` (``data/parametric_fits.csv``); and
        ``fit_min_flops``, ``fit_max_flops``, ``min_params``, ``max_params`` from the
        ``llama3_isoflop`` row of ``data/chinchilla_fit_ranges.csv``.

    References
    ----------
    llama3herd2024 (§1, §3.2.1, Figures 2-3)
    """
    path = datasets.DATA_DIR / "llama3_scaling.csv"
    out = dict(_published_cached(path.stat().st_mtime_ns))
    out["figure2_budgets"] = out["figure2_budgets"].copy()
    return out


#: Essay B's numbers about the Llama 3 law: short name -> claim id of ``data/claims.csv``.
ESSAY_IDS = {
    "overtraining_avoided": "B47", "optimal_params": "B48", "optimal_tokens": "B49", "optimal_flops": "B50",
    "tokens_per_param": "B51", "chinchilla_tokens_per_param": "B66", "scale_flops": "B56",
    "llama_exponent": "B52", "chinchilla_exponent": "B53", "llama_fit_max_flops": "B54",
    "chinchilla_fit_max_flops": "B55", "llama_target_flops": "B56", "chinchilla_target_flops": "B57",
    "chinchilla_gap": "B58", "llama_gap": "B59",
}


def essay_claims() -> dict[str, float]:
    """Essay B's numbers about the Llama 3 law, read from the claims ledger (``data/claims.csv``).

    Returns
    -------
    dict of str to float
        Keyed by the short names of :data:`ESSAY_IDS` (``optimal_tokens``, ``llama_gap``, ...).

    References
    ----------
    essayB2024
    """
    from analysis import essays

    return {name: essays.value(cid) for name, cid in ESSAY_IDS.items()}


# ------------------------------------------------------------------------------------------
# Closed forms for a power-law allocation D* = A C**alpha
# ------------------------------------------------------------------------------------------


@_validate.finite_returns
def allocation_tokens(flops, alpha, coef):
    """Optimal tokens ``D* = coef * flops**alpha`` (vectorised over all three arguments).

    Parameters
    ----------
    flops : float or array_like
        Training compute ``C`` (FLOP), > 0.
    alpha : float or array_like
        Exponent, in (0, 1).
    coef : float or array_like
        Coefficient ``A`` (tokens per FLOP**alpha), > 0.

    Returns
    -------
    float or ndarray
        Tokens.

    Raises
    ------
    ValueError
        If an argument is outside its range.

    Examples
    --------
    >>> f"{allocation_tokens(3.8e25, 0.53, 0.29):.4g}"
    '1.046e+13'
    """
    c = _validate.positive("flops", flops)
    a = _validate.in_range("alpha", alpha, 0.0, 1.0, low_open=True, high_open=True)
    k = _validate.positive("coef", coef)
    return _out(k * np.exp(a * np.log(c)))


@_validate.finite_returns
def tokens_per_param_at(flops, tokens):
    """Tokens per parameter ``D / N`` of a run of ``flops`` FLOP on ``tokens`` tokens.

    With ``C = 6 N D``, ``D / N = 6 D**2 / C``.

    Parameters
    ----------
    flops, tokens : float or array_like
        Training compute (FLOP) and tokens; > 0.

    Returns
    -------
    float or ndarray
        Tokens per parameter.

    Examples
    --------
    >>> round(tokens_per_param_at(6 * 1e9 * 20e9, 20e9), 9)
    20.0
    """
    c = _validate.positive("flops", flops)
    d = _validate.positive("tokens", tokens)
    return _out(FLOPS_PER_PARAM_TOKEN * d * d / c)


@_validate.finite_returns
def coef_for_tokens(tokens, flops, alpha):
    """The coefficient ``A`` for which ``A * flops**alpha == tokens``.

    Parameters
    ----------
    tokens : float or array_like
        Target token count, > 0.
    flops : float or array_like
        Budget (FLOP), > 1.
    alpha : float or array_like
        Exponent, in (0, 1).

    Returns
    -------
    float or ndarray
        ``tokens / flops**alpha``.

    Examples
    --------
    >>> f"{coef_for_tokens(1.655e13, 3.8e25, 0.53):.4f}"
    '0.4587'
    """
    d = _validate.positive("tokens", tokens)
    c = _validate.in_range("flops", flops, 1.0, math.inf, low_open=True)
    a = _validate.in_range("alpha", alpha, 0.0, 1.0, low_open=True, high_open=True)
    return _out(d / np.exp(a * np.log(c)))


@_validate.finite_returns
def exponent_for_tokens(tokens, flops, coef):
    """The exponent ``alpha`` for which ``coef * flops**alpha == tokens``.

    Parameters
    ----------
    tokens : float or array_like
        Target token count, > 0.
    flops : float or array_like
        Budget (FLOP), > 1.
    coef : float or array_like
        Coefficient ``A``, > 0.

    Returns
    -------
    float or ndarray
        ``log(tokens / coef) / log(flops)``.

    Examples
    --------
    >>> f"{exponent_for_tokens(1.655e13, 3.8e25, 0.29):.5f}"
    '0.53778'
    """
    d = _validate.positive("tokens", tokens)
    c = _validate.in_range("flops", flops, 1.0, math.inf, low_open=True)
    k = _validate.positive("coef", coef)
    return _out(np.log(d / k) / np.log(c))


@_validate.finite_returns
def printed_interval(printed, decimals, mode="round"):
    """The interval of true values that print as ``printed`` with ``decimals`` decimals.

    Parameters
    ----------
    printed : float
        The printed value, e.g. ``0.53``.
    decimals : int
        Number of decimals printed, >= 0.
    mode : {"round", "truncate"}
        ``"round"``: round half away from zero, giving ``[printed - h, printed + h)`` with
        ``h = 0.5 * 10**-decimals``. ``"truncate"``: digits cut off, giving
        ``[printed, printed + 10**-decimals)`` (for a non-negative value).

    Returns
    -------
    (low, high) : tuple of float
        The closed lower and open upper end.

    Raises
    ------
    ValueError
        If ``mode`` is unknown, ``decimals`` is not a whole number >= 0, or ``printed`` is not
        finite (or negative, for truncation).

    Examples
    --------
    >>> [round(v, 6) for v in printed_interval(0.53, 2)]
    [0.525, 0.535]
    >>> [round(v, 6) for v in printed_interval(0.53, 2, "truncate")]
    [0.53, 0.54]
    """
    _validate.one_of("mode", mode, ["round", "truncate"])
    n = _validate.integer("decimals", decimals, 0, 15)
    p = _validate.finite("printed", printed, scalar=True)
    step = 10.0 ** (-n)
    if mode == "round":
        return p - 0.5 * step, p + 0.5 * step
    _validate.nonnegative("printed", p)
    return p, p + step


@_validate.finite_returns
def alpha_sensitivity(flops, delta_alpha, pivot_flops=1.0):
    """Factor by which ``D*(flops)`` moves when the exponent changes by ``delta_alpha``.

    If the line ``log D* = log A + alpha log C`` turns about the point ``C = pivot_flops``
    (which stays fixed), ``D*(C)`` changes by ``(C / pivot)**delta_alpha``. ``pivot_flops = 1``
    keeps ``A`` fixed, the situation of reading rounded constants; a least-squares refit turns
    about the centre of its data instead (the geometric mean of the fitted budgets), which is
    far less sensitive.

    Parameters
    ----------
    flops : float or array_like
        Budget where the prediction is read (FLOP), > 0.
    delta_alpha : float or array_like
        Change of the exponent (finite, any sign).
    pivot_flops : float or array_like
        The budget the line turns about (FLOP), > 0. Default 1 (coefficient fixed).

    Returns
    -------
    float or ndarray
        Multiplicative change of the predicted tokens.

    Examples
    --------
    >>> f"{alpha_sensitivity(3.8e25, 0.007):.3f}"
    '1.510'
    """
    c = _validate.positive("flops", flops)
    da = _validate.finite("delta_alpha", delta_alpha)
    p = _validate.positive("pivot_flops", pivot_flops)
    return _out(np.exp(da * np.log(c / p)))


@_validate.finite_returns
def extrapolation_distance(target_flops, fit_max_flops):
    """How far beyond its data a prediction reaches: ``target_flops / fit_max_flops``.

    Parameters
    ----------
    target_flops, fit_max_flops : float or array_like
        The budget predicted for and the largest budget fitted (FLOP), > 0.

    Returns
    -------
    float or ndarray
        The ratio (> 1 for an extrapolation).

    Examples
    --------
    >>> extrapolation_distance(3.8e25, 1e22)
    3800.0
    """
    t = _validate.positive("target_flops", target_flops)
    m = _validate.positive("fit_max_flops", fit_max_flops)
    return _out(t / m)


@_validate.finite_returns
def extrapolation_sd(fit_flops, target_flops, sd_log_tokens):
    """Standard deviation of ``log D*`` predicted by a least-squares line in ``log C``.

    The ordinary least-squares line through ``(x_j, y_j) = (log C_j, log D*_j)`` predicts at
    ``x0 = log C0`` the value ``sum_j w_j y_j`` with ``w_j = 1/n + (x0 - xbar)(x_j - xbar)/Sxx``.
    For independent errors of standard deviation ``s_j`` in ``y_j`` its standard deviation is
    ``sqrt(sum_j w_j**2 s_j**2)``; with equal ``s_j = s`` this is the textbook
    ``s * sqrt(1/n + (x0 - xbar)**2 / Sxx)``. Natural logs throughout.

    Parameters
    ----------
    fit_flops : array_like, shape (n,)
        The fitted budgets (FLOP), > 0, at least two distinct values.
    target_flops : float or array_like
        Budget(s) of the prediction (FLOP), > 0.
    sd_log_tokens : float or array_like, shape () or (n,)
        ``s_j``: standard deviation of the natural log of each fitted minimum, >= 0; one value
        for all budgets or one per budget.

    Returns
    -------
    float or ndarray
        Standard deviation of the natural log of the prediction (shape of ``target_flops``);
        ``exp`` of it is a multiplicative spread.

    Raises
    ------
    ValueError
        If fewer than two distinct budgets are given, the shapes disagree, or an input is out of
        range.

    Examples
    --------
    >>> round(extrapolation_sd([1.0, math.e**2], math.e, 0.1), 6)  # at the centre: s / sqrt(2)
    0.070711
    """
    x = np.log(_validate.positive("fit_flops", fit_flops))
    if x.ndim != 1:
        raise ValueError(f"fit_flops must be one-dimensional, got shape {x.shape}")
    x0 = np.log(_validate.positive("target_flops", target_flops))
    s = _validate.nonnegative("sd_log_tokens", sd_log_tokens)
    if s.ndim not in (0, 1) or (s.ndim == 1 and s.shape != x.shape):
        raise ValueError(f"sd_log_tokens has shape {s.shape}; give one value or one per budget {x.shape}")
    xc = x - x.mean()
    sxx = float(xc @ xc)
    if x.size < 2 or sxx <= 0:
        raise ValueError(f"fit_flops={fit_flops!r} needs at least two distinct budgets")
    w = 1.0 / x.size + (x0[..., None] - x.mean()) * xc / sxx  # (..., n)
    return _out(np.sqrt(np.sum(w * w * np.broadcast_to(s, x.shape) ** 2, axis=-1)))


# ------------------------------------------------------------------------------------------
# The isoFLOP protocol
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IsoFlopDesign:
    """Which model sizes are trained at which budgets.

    Attributes
    ----------
    flops : ndarray, shape (n_budgets,)
        The budgets (FLOP), ascending.
    params : ndarray, shape (n_budgets, n_sizes)
        Model sizes trained at each budget, ascending along a row.
    """

    flops: np.ndarray
    params: np.ndarray

    @property
    def tokens(self) -> np.ndarray:
        """Training tokens of every run, ``C / (6 N)``, shape (n_budgets, n_sizes)."""
        return self.flops[:, None] / (FLOPS_PER_PARAM_TOKEN * self.params)

    @property
    def n_runs(self) -> int:
        """Number of training runs in one study."""
        return int(self.params.size)


def isoflop_design(law, flops, *, sizes_per_budget, window_decades, min_params=None,
                   max_params=None) -> IsoFlopDesign:
    """Model sizes for an isoFLOP study, centred on the generating law's optimum.

    At each budget, ``sizes_per_budget`` sizes are spaced evenly in ``log N`` over
    ``N*(C) * 10**[-window_decades, +window_decades]``, the window cut to
    ``[min_params, max_params]`` where it sticks out. Centring on the true optimum is the best an
    experimenter can do (in practice they guess it), so the spreads simulated with this design
    are a lower bound.

    Parameters
    ----------
    law : ParametricLoss or PowerLawAllocation
        Anything with ``compute_optimal(flops) -> (params, tokens)``.
    flops : array_like
        Budgets (FLOP), > 0, at least two distinct values; sorted on output.
    sizes_per_budget : int
        Model sizes per budget, >= 3 (a parabola has three coefficients).
    window_decades : float
        Half-width of the size window in decades of ``N``, in (0, 3].
    min_params, max_params : float, optional
        Smallest and largest model size allowed (parameters). Default: no limit.

    Returns
    -------
    IsoFlopDesign

    Raises
    ------
    ValueError
        If an argument is out of range, or the window at some budget lies entirely outside
        ``[min_params, max_params]``.
    """
    c = np.sort(_validate.positive("flops", flops).ravel())
    if np.unique(c).size < 2:
        raise ValueError(f"flops={flops!r} needs at least two distinct budgets")
    k = _validate.integer("sizes_per_budget", sizes_per_budget, 3, 1000)
    w = _validate.in_range("window_decades", window_decades, 0.0, 3.0, low_open=True, scalar=True)
    lo_lim = -np.inf if min_params is None else math.log10(_validate.positive("min_params", min_params, scalar=True))
    hi_lim = np.inf if max_params is None else math.log10(_validate.positive("max_params", max_params, scalar=True))
    if lo_lim >= hi_lim:
        raise ValueError(f"min_params={min_params!r} must be below max_params={max_params!r}")
    n_opt, _ = _validate.law("law", law).compute_optimal(c)
    centre = np.log10(np.asarray(n_opt, dtype=float))
    lo = np.maximum(centre - w, lo_lim)
    hi = np.minimum(centre + w, hi_lim)
    if np.any(hi - lo <= 1e-9):
        j = int(np.argmax(hi - lo <= 1e-9))
        raise ValueError(
            f"flops={c[j]:g}: the size window 10**[{centre[j] - w:.3f}, {centre[j] + w:.3f}] lies "
            f"outside [min_params, max_params] = [{min_params!r}, {max_params!r}]"
        )
    frac = np.linspace(0.0, 1.0, k)
    params = 10.0 ** (lo[:, None] + (hi - lo)[:, None] * frac[None, :])
    return IsoFlopDesign(flops=c, params=params)


def generating_law(law):
    """A parametric fit by name (a key of :data:`analysis.scaling.PARAMETRIC_FITS`), or ``law`` itself.

    Raises
    ------
    ValueError
        If ``law`` is a string that names no fit.
    """
    if isinstance(law, str):
        return PARAMETRIC_FITS[_validate.one_of("law", law, list(PARAMETRIC_FITS))]
    return _validate.law("law", law, parametric=True)


def llama3_design(law, *, sizes_per_budget, window_decades, flops=None, size_limits=True) -> IsoFlopDesign:
    """An isoFLOP design like Llama 3's: the Figure 2 budgets and 40M-16B models.

    Parameters
    ----------
    law : ParametricLoss or str
        Generating law, or its key in :data:`analysis.scaling.PARAMETRIC_FITS`.
    sizes_per_budget, window_decades
        As in :func:`isoflop_design`.
    flops : array_like, optional
        Budgets (FLOP); default the ten of Llama 3's Figure 2 (6e18 to 1e22).
    size_limits : bool
        Keep model sizes within the published 40M-16B (default). Switch off for designs that
        reach budgets where the optimum is above 16B.

    Returns
    -------
    IsoFlopDesign

    References
    ----------
    llama3herd2024 (§3.2.1, Figure 2)
    """
    p = published()
    budgets = p["figure2_budgets"] if flops is None else flops
    lo, hi = (p["min_params"], p["max_params"]) if _validate.flag("size_limits", size_limits) else (None, None)
    return isoflop_design(generating_law(law), budgets, sizes_per_budget=sizes_per_budget,
                          window_decades=window_decades, min_params=lo, max_params=hi)


def parabola_minima(params, losses):
    """Fit ``loss = c0 + c1 x + c2 x**2`` with ``x = log10 N`` per profile; return the minima.

    Vectorised: ``params`` has shape (n_budgets, n_sizes) and ``losses`` shape
    (..., n_budgets, n_sizes); the least-squares solution for every profile is one matrix
    product. Where a noisy profile comes out concave (``c2 <= 0``) the parabola has no minimum
    and the sampled size with the lowest loss is taken instead; a minimum outside the sampled
    sizes is moved to the nearer end. Both cases are counted, never returned as NaN.

    Parameters
    ----------
    params : array_like, shape (n_budgets, n_sizes)
        Model sizes, > 0, at least three distinct per budget.
    losses : array_like, shape (..., n_budgets, n_sizes)
        Final losses (finite).

    Returns
    -------
    params_opt : ndarray, shape (..., n_budgets)
        Size at the minimum of each profile (parameters).
    status : ndarray of int8, shape (..., n_budgets)
        0 = parabola minimum inside the sampled sizes, 1 = concave fit (lowest sample used),
        2 = minimum outside the sampled sizes (moved to the end).

    Raises
    ------
    ValueError
        If the shapes do not match or an input is invalid.

    Examples
    --------
    >>> n = np.array([[1e8, 1e9, 1e10]])
    >>> x = np.log10(n)
    >>> p, s = parabola_minima(n, (x - 9.2) ** 2)
    >>> round(float(np.log10(p[0])), 9), int(s[0])
    (9.2, 0)
    """
    n = _validate.positive("params", params)
    y = _validate.finite("losses", losses)
    if n.ndim != 2 or y.shape[-2:] != n.shape:
        raise ValueError(
            f"losses has shape {y.shape}; its last two axes must match params' shape {n.shape}"
        )
    x = np.log10(n)
    xm = x.mean(axis=1, keepdims=True)
    u = x - xm
    if np.any(np.ptp(u, axis=1) <= 0) or n.shape[1] < 3:
        raise ValueError("params: every budget needs at least three distinct model sizes")
    vander = np.stack([np.ones_like(u), u, u * u], axis=-1)  # (B, K, 3)
    pinv = np.linalg.pinv(vander)  # (B, 3, K)
    coef = np.einsum("bjk,...bk->...bj", pinv, y)
    c1, c2 = coef[..., 1], coef[..., 2]
    umin, umax = u.min(axis=1), u.max(axis=1)
    convex = c2 > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex = np.where(convex, -c1 / np.where(convex, 2.0 * c2, 1.0), 0.0)
    outside = convex & ((vertex < umin) | (vertex > umax))
    vertex = np.clip(vertex, umin, umax)
    lowest = np.take_along_axis(np.broadcast_to(u, y.shape), np.argmin(y, axis=-1)[..., None], axis=-1)[..., 0]
    u_opt = np.where(convex, vertex, lowest)
    status = np.where(convex, np.where(outside, 2, 0), 1).astype(np.int8)
    return 10.0 ** (u_opt + xm[:, 0]), status


@_validate.finite_returns
def fit_allocation(flops, tokens):
    """Least-squares fit of ``log D* = log A + alpha log C``; vectorised over studies.

    Parameters
    ----------
    flops : array_like, shape (n_budgets,)
        Budgets (FLOP), > 0, at least two distinct.
    tokens : array_like, shape (..., n_budgets)
        Optimal tokens found at each budget, > 0.

    Returns
    -------
    (alpha, coef) : tuple of float or ndarray, shape (...)
        Exponent and coefficient ``A`` (tokens per FLOP**alpha).

    Raises
    ------
    ValueError
        If the shapes do not match or an input is invalid.

    Examples
    --------
    >>> c = np.array([1e19, 1e20, 1e21])
    >>> a, k = fit_allocation(c, 0.3 * c**0.52)
    >>> round(float(a), 9), round(float(k), 9)
    (0.52, 0.3)
    """
    x = np.log(_validate.positive("flops", flops))
    y = np.log(_validate.positive("tokens", tokens))
    if x.ndim != 1 or y.shape[-1:] != x.shape:
        raise ValueError(f"tokens has shape {y.shape}; its last axis must match flops' shape {x.shape}")
    xc = x - x.mean()
    sxx = float(xc @ xc)
    if sxx <= 0:
        raise ValueError(f"flops={flops!r} needs at least two distinct budgets")
    slope = (y - y.mean(axis=-1, keepdims=True)) @ xc / sxx
    intercept = y.mean(axis=-1) - slope * x.mean()
    return _out(slope), _out(np.exp(intercept))


@dataclass(frozen=True)
class IsoFlopStudies:
    """The outcome of many simulated isoFLOP studies.

    Attributes
    ----------
    design : IsoFlopDesign
    b : ndarray, shape (n_studies,)
        Fitted exponent ``alpha`` of ``D* = A C**alpha`` in each study.
    tokens_coef : ndarray, shape (n_studies,)
        Fitted coefficient ``A``.
    tokens_opt : ndarray, shape (n_studies, n_budgets)
        Optimal tokens found at each budget (parabola minima).
    status : ndarray of int8, shape (n_studies, n_budgets)
        See :func:`parabola_minima`.
    true_b : float
        The generating law's exponent.
    """

    design: IsoFlopDesign
    b: np.ndarray
    tokens_coef: np.ndarray
    tokens_opt: np.ndarray
    status: np.ndarray
    true_b: float

    @property
    def n_studies(self) -> int:
        return int(self.b.size)

    @property
    def irregular_share(self) -> float:
        """Share of profiles whose minimum was not a parabola vertex inside the sampled sizes."""
        return float(np.mean(self.status != 0))

    @_validate.finite_returns
    def predict_tokens(self, flops):
        """Each study's extrapolated optimal tokens at ``flops``; shape (n_studies, *flops.shape)."""
        c = _validate.positive("flops", flops)
        return self.tokens_coef.reshape((-1,) + (1,) * c.ndim) * np.exp(
            self.b.reshape((-1,) + (1,) * c.ndim) * np.log(c))

    @_validate.finite_returns
    def error_factor(self, law, flops):
        """Predicted over true optimal tokens at ``flops``, shape (n_studies, *flops.shape).

        ``law`` is the generating law (anything with ``compute_optimal``).
        """
        _, true = _validate.law("law", law).compute_optimal(flops)
        return self.predict_tokens(flops) / np.asarray(true, dtype=float)


def simulate_isoflop_studies(law, design, *, n_studies, noise, seed) -> IsoFlopStudies:
    """Run ``n_studies`` isoFLOP studies on losses drawn from ``law`` with multiplicative noise.

    Every run's observed loss is ``law.loss(N, D) * exp(noise * z)`` with ``z`` standard
    normal, independent across runs and studies. Each study then fits a parabola in ``log N``
    per budget (:func:`parabola_minima`) and the power law to the minima
    (:func:`fit_allocation`).

    Parameters
    ----------
    law : ParametricLoss or str
        The generating law (``loss(params, tokens)`` and ``b``), or its key in
        :data:`analysis.scaling.PARAMETRIC_FITS`.
    design : IsoFlopDesign
        Budgets and model sizes (:func:`isoflop_design`).
    n_studies : int
        Number of simulated studies, in [1, 10_000_000].
    noise : float
        Standard deviation of the log of the loss noise (about the relative noise), in [0, 0.5].
    seed : int
        Seed of ``numpy.random.default_rng``, >= 0.

    Returns
    -------
    IsoFlopStudies

    Raises
    ------
    ValueError
        If an argument is out of range.

    Notes
    -----
    Memory is ``8 * n_studies * design.n_runs`` bytes for the losses: 1,000 studies of 10
    budgets x 8 sizes take 0.6 MB.
    """
    if not isinstance(design, IsoFlopDesign):
        raise ValueError(f"design={design!r} is not an IsoFlopDesign; build it with isoflop_design()")
    m = _validate.integer("n_studies", n_studies, 1, 10_000_000)
    s = _validate.in_range("noise", noise, 0.0, 0.5, scalar=True)
    sd = _validate.integer("seed", seed, 0, 2**63 - 1)
    law = generating_law(law)
    true_loss = np.asarray(law.loss(design.params, design.tokens), dtype=float)
    if s > 0:
        rng = np.random.default_rng(sd)
        losses = true_loss[None] * np.exp(s * rng.standard_normal((m,) + true_loss.shape))
    else:
        losses = np.broadcast_to(true_loss, (m,) + true_loss.shape)
    n_opt, status = parabola_minima(design.params, losses)
    d_opt = design.flops / (FLOPS_PER_PARAM_TOKEN * n_opt)
    b, coef = fit_allocation(design.flops, d_opt)
    return IsoFlopStudies(design=design, b=np.atleast_1d(b), tokens_coef=np.atleast_1d(coef),
                          tokens_opt=d_opt, status=status, true_b=float(law.b))


# ------------------------------------------------------------------------------------------
# Claims of essay B about the Llama 3 refit
# ------------------------------------------------------------------------------------------


def claim_llama3_refit_budget_flops(a) -> float:
    """Flagship training compute, 6 x 405B x 15.6T (FLOP); the essay says 3.8e25."""
    p = published()
    return float(FLOPS_PER_PARAM_TOKEN * p["flagship_params"] * p["flagship_tokens"])


def claim_llama3_refit_optimal_tokens(a) -> float:
    """Optimal tokens at 3.8e25 FLOP from the Figure 3 legend law; the essay says 16.55T."""
    return float(ALLOCATIONS["llama3_legend"].tokens(published()["extrapolation_flops"]))


def claim_llama3_refit_optimal_params(a) -> float:
    """Optimal parameters at 3.8e25 FLOP from the Figure 3 legend law, C / (6 D*); the essay says 402B."""
    return float(ALLOCATIONS["llama3_legend"].params(published()["extrapolation_flops"]))


def claim_llama3_refit_tokens_per_param(a) -> float:
    """Tokens per parameter of the paper's extrapolated optimum, 16.55T / 402B; the essay says 41."""
    p = published()
    return p["extrapolated_tokens"] / p["extrapolated_params"]


def claim_llama3_refit_exponent(a) -> float:
    """Llama 3's fitted token exponent as printed in the Figure 3 legend; the essay says 0.53."""
    return float(ALLOCATIONS["llama3_legend"].b)


def claim_llama3_refit_chinchilla_exponent(a) -> float:
    """Chinchilla's token exponent from isoFLOP profiles (Approach 2); the essay says 0.51."""
    return float(ALLOCATIONS["chinchilla_2"].b)


def claim_llama3_refit_fit_max_flops(a) -> float:
    """Largest budget of Llama 3's scaling-law runs (FLOP); the essay says 1e22."""
    return published()["fit_max_flops"]


def claim_llama3_refit_chinchilla_fit_max_flops(a) -> float:
    """Largest isoFLOP budget of Chinchilla's Approach 2 (FLOP); the essay says 3e21."""
    rng = ALLOCATIONS["chinchilla_2"].fit_range_flops
    if rng is None:
        raise ValueError("analysis.scaling.CHINCHILLA_APPROACH_2 has no fit_range_flops")
    return float(rng[1])


def claim_llama3_refit_llama_gap(a) -> float:
    """Extrapolation distance of Llama 3's law, 3.8e25 / 1e22; the essay says 4000x."""
    p = published()
    return float(extrapolation_distance(p["extrapolation_flops"], p["fit_max_flops"]))


def claim_llama3_refit_chinchilla_gap(a) -> float:
    """Extrapolation distance of Chinchilla's isoFLOP law to the Gopher budget; the essay says 200x.

    The Gopher/Chinchilla budget is the 67B row of Chinchilla's Table 3
    (:func:`chinchilla_gopher_flops`).
    """
    return float(extrapolation_distance(chinchilla_gopher_flops(), claim_llama3_refit_chinchilla_fit_max_flops(a)))


def chinchilla_gopher_flops() -> float:
    """The Gopher/Chinchilla training budget (FLOP): the 67B row of Chinchilla's Table 3.

    Read from ``data/chinchilla_table3.csv`` (the row whose budget is one "Gopher unit").

    Raises
    ------
    DataFileError
        If the table has no unique 67B row.

    References
    ----------
    hoffmann2022training (Table 3)
    """
    df = datasets.load("chinchilla_table3")
    row = df.loc[np.isclose(df["params"].to_numpy(dtype=float), 67e9)]
    if len(row) != 1:
        raise datasets.DataFileError("data/chinchilla_table3.csv: no unique 67B row (the Gopher budget)")
    return float(row["flops"].iloc[0])


def claim_llama3_refit_target_flops(a) -> float:
    """Budget Llama 3's law was extrapolated to (FLOP); the essay says about 4e25."""
    return published()["extrapolation_flops"]


def claim_llama3_refit_chinchilla_target_flops(a) -> float:
    """Budget Chinchilla's law was extrapolated to, Gopher's (FLOP); the essay says 6e23."""
    return chinchilla_gopher_flops()


def claim_llama3_refit_flagship_overtraining(a) -> float:
    """Flagship tokens per parameter over the 20-per-parameter rule, (15.6T / 405B) / 20.

    The essay says Llama 3 405B was sized to be optimal "rather than being 2x overtrained".
    """
    p = published()
    rule = ALLOCATIONS["twenty"]
    ratio_rule = float(rule.tokens_per_param(p["flagship_flops"]))
    return p["flagship_tokens"] / p["flagship_params"] / ratio_rule


def claim_llama3_refit_ratio_drift_exponent(a) -> float:
    """Exponent of the drift of D*/N* with compute under Llama 3's law, 2 alpha - 1.

    Positive means optimal data grows faster than parameters (the essay's claim).
    """
    return 2.0 * float(ALLOCATIONS["llama3_legend"].b) - 1.0


