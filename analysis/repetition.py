"""Repetition and distillation: the data-constrained scaling law of Muennighoff et al. (2023).

Repeated tokens are worth less than fresh ones. Muennighoff et al. model this with an
*effective* amount of data that saturates as the number of repetitions grows,

    D' = U_D + U_D R_D* (1 - exp(-R_D / R_D*)),      R_D = D / U_D - 1,

where ``U_D`` is the number of unique tokens, ``D`` the total tokens seen and ``R_D`` the number
of *repetitions* (epochs beyond the first: 1 epoch means ``R_D = 0``). The same form applies to
parameters in excess of the compute-optimal size for the unique data (``R_N*``). The fitted law
is Chinchilla's ``E + A / N'^alpha + B / D'^beta`` with ``N', D'`` in place of ``N, D``.

The constants are those published in the authors' repository (huggingface/datablations,
README "Parametric Fit"), read from ``data/parametric_fits.csv`` (row ``muennighoff``). They
were fitted on C4 with models up to about 9B parameters and 900B tokens; everything beyond that
is extrapolation.

References
----------
muennighoff2023scaling
"""

from __future__ import annotations

import numpy as np

from analysis import _validate
from analysis.scaling import FLOPS_PER_PARAM_TOKEN, published_constants

__all__ = [
    "LOG_A",
    "LOG_B",
    "LOG_E",
    "ALPHA",
    "BETA",
    "R_D_STAR",
    "R_N_STAR",
    "A",
    "B",
    "E",
    "effective_data",
    "effective_params",
    "optimal_params_for_data",
    "data_constrained_loss",
    "data_constrained_optimum",
    "unconstrained_optimum",
    "optimal_flops_for_data",
    "equivalent_flops",
    "marginal_token_value",
    "average_token_value",
    "loss_ceiling",
    "tokens_per_param_limit",
    "flops_for_epochs",
    "repetition_absorption",
    "ceiling_multiple",
    "essay_value",
    "fresh_tokens_to_match",
    "training_usd",
    "scenario_smaller_model",
    "scenario_overtrained",
    "scenario_largest_run",
]

# Fitted C4 coefficients, as printed in the authors' README (huggingface/datablations,
# "Parametric Fit"), read from their one home, the "muennighoff" row of data/parametric_fits.csv.
# A, B and E are stored as logs there; the exponents are tied (alpha = beta).
_FIT = published_constants("muennighoff")
LOG_A = _FIT["log_A"]
LOG_B = _FIT["log_B"]
LOG_E = _FIT["log_E"]
ALPHA = _FIT["alpha"]
BETA = _FIT["beta"]
R_D_STAR = _FIT["rd_star"]
R_N_STAR = _FIT["rn_star"]

A = float(np.exp(LOG_A))
B = float(np.exp(LOG_B))
E = float(np.exp(LOG_E))
# Chinchilla's allocation constant G = (alpha A / (beta B))^(1 / (alpha + beta)).
_G = ((ALPHA * A) / (BETA * B)) ** (1.0 / (ALPHA + BETA))


def _r_star(name: str, value) -> float:
    arr = _validate.positive(name, value)
    if arr.ndim != 0:
        raise ValueError(f"{name}={value!r} must be a single number")
    return float(arr)


def _out(x: np.ndarray):
    """Return a Python float for 0-d results, the array otherwise."""
    return float(x) if np.ndim(x) == 0 else x


@_validate.finite_returns
def effective_data(unique_tokens, epochs, r_star=R_D_STAR):
    """Effective data D' of ``unique_tokens`` seen for ``epochs`` passes.

    ``D' = U + U R* (1 - exp(-(epochs - 1) / R*))``: the first pass is worth ``U`` tokens,
    each further pass is worth less, and ``D'`` never exceeds the ceiling ``U (1 + R*)``.

    Parameters
    ----------
    unique_tokens : float or array_like
        Unique tokens ``U_D`` (tokens), > 0.
    epochs : float or array_like
        Total passes over the unique data, ``D / U_D`` (>= 1; need not be whole). The number of
        repetitions in the paper's notation is ``R_D = epochs - 1``.
    r_star : float
        Decay constant ``R_D*`` (repetitions), > 0; default: the authors' C4 fit.

    Returns
    -------
    float or ndarray
        Effective tokens ``D'`` (tokens), broadcast over the inputs.

    Raises
    ------
    ValueError
        If ``unique_tokens`` is not positive, ``epochs`` < 1 or not finite, or ``r_star`` is not
        a positive number.

    References
    ----------
    muennighoff2023scaling, Eq. 5 and the authors' README (``rd_star``).

    Examples
    --------
    >>> round(effective_data(1.0, 1.0), 6)
    1.0
    >>> round(effective_data(1.0, 5.0), 3)   # 5 passes are worth 4.5 unique passes
    4.522
    >>> effective_data(1.0, 1e9) <= 1 + R_D_STAR   # the ceiling
    True
    """
    u = _validate.positive("unique_tokens", unique_tokens)
    ep = _validate.in_range("epochs", epochs, 1.0, np.inf, high_open=True)
    rs = _r_star("r_star", r_star)
    reps = ep - 1.0
    return _out(u + u * rs * (-np.expm1(-reps / rs)))


@_validate.finite_returns
def optimal_params_for_data(unique_tokens):
    """Chinchilla-optimal parameters for a single pass over ``unique_tokens`` (the law's U_N cap).

    The authors' ``D_to_N``: ``N = (U G)^(beta/alpha) G`` with ``G = (alpha A / (beta B))^(1 /
    (alpha + beta))``. With the C4 fit (alpha = beta) this is ``U G^2``, about 0.051 U.

    Parameters
    ----------
    unique_tokens : float or array_like
        Unique tokens (tokens), > 0.

    Returns
    -------
    float or ndarray
        Parameters (parameters).

    Raises
    ------
    ValueError
        If ``unique_tokens`` is not positive.

    References
    ----------
    muennighoff2023scaling (README ``D_to_N``); hoffmann2022training.
    """
    u = _validate.positive("unique_tokens", unique_tokens)
    return _out((u * _G) ** (BETA / ALPHA) * _G)


@_validate.finite_returns
def effective_params(params, unique_tokens, r_star=R_N_STAR):
    """Effective parameters N' of a model of ``params`` trained on ``unique_tokens`` unique tokens.

    Parameters beyond ``U_N = min(N, N_opt(U_D))`` (the Chinchilla-optimal size for one pass over
    the unique data) decay in value like repeated tokens:
    ``N' = U_N + U_N R_N* (1 - exp(-R_N / R_N*))`` with ``R_N = N / U_N - 1``.

    Parameters
    ----------
    params : float or array_like
        Model parameters ``N`` (parameters), > 0.
    unique_tokens : float or array_like
        Unique tokens ``U_D`` (tokens), > 0.
    r_star : float
        Decay constant ``R_N*`` (dimensionless), > 0; default: the authors' C4 fit.

    Returns
    -------
    float or ndarray
        Effective parameters ``N'`` (parameters); equal to ``params`` when ``params`` does not
        exceed the optimal size for the unique data, and below ``U_N (1 + R_N*)`` always.

    Raises
    ------
    ValueError
        If an input is not positive and finite.

    References
    ----------
    muennighoff2023scaling, Eq. 6 and the authors' README (``rn_star``, ``D_to_N``).

    Examples
    --------
    >>> effective_params(1e6, 1e12) == 1e6
    True
    """
    n = _validate.positive("params", params)
    _validate.positive("unique_tokens", unique_tokens)
    rs = _r_star("r_star", r_star)
    un = np.minimum(n, np.asarray(optimal_params_for_data(unique_tokens), dtype=float))
    rn = np.maximum(n / un - 1.0, 0.0)
    return _out(un + un * rs * (-np.expm1(-rn / rs)))


def _law(n, d, u, m):
    """The law on validated float arrays (no checks): ``m`` scales the worth of every token."""
    ud = np.minimum(u, d) * m
    dm = d * m
    reps = np.maximum(dm / ud - 1.0, 0.0)
    d_eff = ud + ud * R_D_STAR * (-np.expm1(-reps / R_D_STAR))
    un = np.minimum(n, (ud * _G) ** (BETA / ALPHA) * _G)
    rn = np.maximum(n / un - 1.0, 0.0)
    n_eff = un + un * R_N_STAR * (-np.expm1(-rn / R_N_STAR))
    return E + A / n_eff**ALPHA + B / d_eff**BETA


#: Largest accepted data multiplier: far beyond any distillation gain (the assumption's range is
#: 1-3), and small enough that multiplied token counts stay inside float64.
MAX_DATA_MULTIPLIER = 1e6


def _multiplier(value, scalar=False):
    return _validate.in_range("data_multiplier", value, 0.0, MAX_DATA_MULTIPLIER, low_open=True, scalar=scalar)


@_validate.finite_returns
def data_constrained_loss(params, tokens, unique_tokens, data_multiplier=1.0):
    """Loss predicted by the data-constrained scaling law (authors' C4 fit).

    ``L = E + A / N'^alpha + B / D'^beta`` with ``U_D = min(unique_tokens, tokens)``,
    ``R_D = tokens / U_D - 1``, ``D' = effective_data(U_D, tokens / U_D)`` and
    ``N' = effective_params(params, U_D)``. For ``unique_tokens <= tokens`` and
    ``data_multiplier = 1`` this is exactly ``scaling_law(N, D, U)`` of the authors' README; a
    pool larger than the tokens seen is only partly used (``U_D = tokens``), as in their
    ``optimal_allocation``.

    Parameters
    ----------
    params : float or array_like
        Model parameters ``N`` (parameters), > 0.
    tokens : float or array_like
        Total training tokens ``D`` including repeats (tokens), > 0.
    unique_tokens : float or array_like
        Unique tokens available ``U`` (tokens), > 0.
    data_multiplier : float or array_like
        Our extension, not part of the published law: every real token (unique or repeated) is
        worth ``data_multiplier`` tokens, as a stand-in for distillation (the assumption
        ``distillation_multiplier``). It scales ``U_D`` and ``D`` inside the law (hence also
        the ceiling and the parameter cap ``U_N``), not the compute. Default 1 (the law).

    Returns
    -------
    float or ndarray
        Predicted loss (nats per token on C4 with the GPT-2 tokenizer); compare losses, do not
        read the absolute value literally.

    Raises
    ------
    ValueError
        If an input is not positive and finite.

    References
    ----------
    muennighoff2023scaling (README "Parametric Fit").

    Examples
    --------
    >>> round(data_constrained_loss(6.34e9, 242e9, 25e9), 6)
    2.225644
    """
    n = _validate.positive("params", params)
    d = _validate.positive("tokens", tokens)
    u = _validate.positive("unique_tokens", unique_tokens)
    m = _multiplier(data_multiplier)
    return _out(_law(n, d, u, m))


@_validate.finite_returns
def unconstrained_optimum(flops):
    """Compute-optimal ``(params, tokens)`` with unlimited unique data (one epoch).

    The Chinchilla closed form of the law's single-epoch part
    (:data:`analysis.scaling.MUENNIGHOFF_2023`): ``N = G (C/6)^a``, ``D = C / (6 N)``; with
    the C4 fit about 19.6 tokens per parameter at every budget.

    Parameters
    ----------
    flops : float or array_like
        Training compute ``C`` (FLOP), > 0.

    Returns
    -------
    (params, tokens) : tuple of float or ndarray

    Raises
    ------
    ValueError
        If ``flops`` is not positive.

    References
    ----------
    hoffmann2022training (App. D.2); muennighoff2023scaling.
    """
    c = _validate.positive("flops", flops) / FLOPS_PER_PARAM_TOKEN
    n = _G * c ** (BETA / (ALPHA + BETA))
    return _out(n), _out(c / n)


@_validate.finite_returns
def optimal_flops_for_data(unique_tokens):
    """Compute ``C_opt(U)`` whose unconstrained optimum uses exactly ``unique_tokens`` once.

    Parameters
    ----------
    unique_tokens : float or array_like
        Unique tokens (tokens), > 0.

    Returns
    -------
    float or ndarray
        FLOP: ``6 N_opt(U) U``.

    Raises
    ------
    ValueError
        If ``unique_tokens`` is not positive.
    """
    u = _validate.positive("unique_tokens", unique_tokens)
    return _out(FLOPS_PER_PARAM_TOKEN * np.asarray(optimal_params_for_data(u)) * u)


def _optimal_loss_scale():
    # Along the unconstrained optimum, L - E = K (C/6)^(-p) with p = alpha beta / (alpha + beta).
    p = ALPHA * BETA / (ALPHA + BETA)
    k = A * _G ** (-ALPHA) + B * _G ** BETA
    return k, p


@_validate.finite_returns
def equivalent_flops(loss):
    """Unique-data-equivalent compute: the budget whose unconstrained optimum reaches ``loss``.

    Inverts ``L*(C) = E + K (C/6)^(-p)`` (closed form along the one-epoch optimum, with
    ``p = alpha beta / (alpha + beta)``).

    Parameters
    ----------
    loss : float or array_like
        Loss (nats per token), > ``E``.

    Returns
    -------
    float or ndarray
        FLOP.

    Raises
    ------
    ValueError
        If ``loss`` is not finite or not above the irreducible loss ``E``.
    """
    lo = _validate.in_range("loss", loss, E, np.inf, low_open=True, high_open=True)
    k, p = _optimal_loss_scale()
    return _out(FLOPS_PER_PARAM_TOKEN * (k / (lo - E)) ** (1.0 / p))


@_validate.finite_returns
def data_constrained_optimum(flops, unique_tokens, data_multiplier=1.0, *, grid=129, iters=64):
    """Loss-minimising ``(params, tokens)`` for a budget when only ``unique_tokens`` exist.

    Minimises ``data_constrained_loss(N, C / (6 N), U)`` over ``log N`` for each budget: a
    log-spaced scan of ``grid`` points over ``[N_u / 10^3, N_u 10^3]`` (``N_u``: the
    unconstrained optimum) locates the basin, then a golden-section search on the bracketing
    cells refines it until the bracket is ~1e-12 wide in ``log N`` (the loss
    is flat at the optimum, so ``N`` itself is determined to ~1e-8 relative). Everything is vectorised over the broadcast shape
    of the inputs.

    Parameters
    ----------
    flops : float or array_like
        Training compute ``C`` (FLOP), > 0.
    unique_tokens : float or array_like
        Unique tokens available ``U`` (tokens), > 0.
    data_multiplier : float or array_like
        Worth of every real token in the law (see :func:`data_constrained_loss`); default 1.
    grid, iters : int
        Scan points and golden-section iterations.

    Returns
    -------
    (params, tokens) : tuple of float or ndarray
        Optimal parameters and total tokens (``6 N D = C``); epochs are ``tokens / U`` when
        ``tokens > U``.

    Raises
    ------
    ValueError
        If an input is not positive and finite, or ``grid``/``iters`` are too small.

    References
    ----------
    muennighoff2023scaling (README ``optimal_allocation`` does a coarse version of this).

    Examples
    --------
    >>> n, d = data_constrained_optimum(1e21, 1e12)   # plenty of data: the one-epoch optimum
    >>> n0, d0 = unconstrained_optimum(1e21)
    >>> abs(n / n0 - 1) < 1e-6
    True
    """
    c = _validate.positive("flops", flops)
    u = _validate.positive("unique_tokens", unique_tokens)
    m = _multiplier(data_multiplier)
    grid = _validate.integer("grid", grid, 9, 100_000)
    iters = _validate.integer("iters", iters, 10, 10_000)
    c, u, m = np.broadcast_arrays(c, u, m)
    s = c / FLOPS_PER_PARAM_TOKEN
    n0 = np.asarray(unconstrained_optimum(c.ravel()), dtype=float)[0].reshape(c.shape)
    span = np.log(1e3)
    offs = np.linspace(-span, span, grid)
    logn = np.log(n0)[..., None] + offs
    nn = np.exp(logn)
    vals = _law(nn, s[..., None] / nn, u[..., None], m[..., None])
    k = np.clip(np.argmin(vals, axis=-1), 1, grid - 2)
    step = offs[1] - offs[0]
    lo = np.log(n0) + offs[k - 1]
    hi = lo + 2.0 * step

    def f(x):
        n = np.exp(x)
        return _law(n, s / n, u, m)

    inv = (np.sqrt(5.0) - 1.0) / 2.0
    x1 = hi - inv * (hi - lo)
    x2 = lo + inv * (hi - lo)
    f1, f2 = f(x1), f(x2)
    for _ in range(iters):
        left = f1 <= f2
        hi = np.where(left, x2, hi)
        lo = np.where(left, lo, x1)
        x2n = np.where(left, x1, lo + inv * (hi - lo))
        x1n = np.where(left, hi - inv * (hi - lo), x2)
        fx = f(np.where(left, x1n, x2n))
        f1, f2 = np.where(left, fx, f2), np.where(left, f1, fx)
        x1, x2 = x1n, x2n
    n = np.exp(0.5 * (lo + hi))
    return _out(n), _out(s / n)


@_validate.finite_returns
def marginal_token_value(epochs, r_star=R_D_STAR):
    """Worth of a token seen on pass ``epochs`` relative to a fresh token: ``exp(-(epochs-1)/R*)``.

    This is ``dD'/dD`` at ``D = epochs U``: the value of the *last* token added.

    Parameters
    ----------
    epochs : float or array_like
        Pass number (>= 1).
    r_star : float
        ``R_D*`` (> 0); default the C4 fit.

    Returns
    -------
    float or ndarray
        Value in (0, 1].

    Raises
    ------
    ValueError
        If ``epochs`` < 1 or ``r_star`` is not positive.
    """
    ep = _validate.in_range("epochs", epochs, 1.0, np.inf, high_open=True)
    rs = _r_star("r_star", r_star)
    return _out(np.exp(-(ep - 1.0) / rs))


@_validate.finite_returns
def average_token_value(epochs, r_star=R_D_STAR):
    """Average worth of the tokens of ``epochs`` passes: ``D' / D`` (1 for a single pass).

    Parameters
    ----------
    epochs : float or array_like
        Total passes (>= 1).
    r_star : float
        ``R_D*`` (> 0); default the C4 fit.

    Returns
    -------
    float or ndarray
        Value in (0, 1].

    Raises
    ------
    ValueError
        If ``epochs`` < 1 or ``r_star`` is not positive.
    """
    ep = _validate.in_range("epochs", epochs, 1.0, np.inf, high_open=True)
    return _out(np.asarray(effective_data(1.0, ep, r_star)) / ep)


@_validate.finite_returns
def loss_ceiling(unique_tokens, data_multiplier=1.0):
    """Lowest loss the law allows with ``unique_tokens``, at infinite compute.

    ``E + A / (U_N (1 + R_N*))^alpha + B / (U (1 + R_D*))^beta`` with ``U_N = N_opt(U)``.

    Parameters
    ----------
    unique_tokens : float or array_like
        Unique tokens (tokens), > 0.
    data_multiplier : float or array_like
        Worth of each real token (see :func:`data_constrained_loss`); default 1.

    Returns
    -------
    float or ndarray
        Loss (nats per token).

    Raises
    ------
    ValueError
        If an input is not positive.
    """
    u = _validate.positive("unique_tokens", unique_tokens) * _multiplier(data_multiplier)
    un = np.asarray(optimal_params_for_data(u), dtype=float)
    return _out(E + A / (un * (1 + R_N_STAR)) ** ALPHA + B / (u * (1 + R_D_STAR)) ** BETA)


def tokens_per_param_limit():
    """Limit of the optimal ``D / N`` as compute grows without bound at fixed unique data.

    Far out, both excess parameters and repetitions are deep in their exponential tails and the
    optimum keeps ``R_N / R_N* = R_D / R_D*`` (to leading order), so
    ``D / N -> (U / U_N) (R_D* / R_N*)``.

    Returns
    -------
    float
        Tokens per parameter.
    """
    return float(1.0 / np.asarray(optimal_params_for_data(1.0)) * R_D_STAR / R_N_STAR)


# ------------------------------------------------------------------------------------------
# How much compute repetition absorbs
# ------------------------------------------------------------------------------------------


@_validate.finite_returns
def flops_for_epochs(epochs, unique_tokens, data_multiplier=1.0):
    """Budget at which the data-constrained optimum makes exactly ``epochs`` passes.

    The optimal number of passes grows monotonically with compute at fixed unique data; this
    inverts that relation with Brent's method on ``log C`` (one solve per element).

    Parameters
    ----------
    epochs : float or array_like
        Total passes, > 1 and below the largest the law reaches in the search range (about
        2,000 passes at ``1e8`` times the one-epoch budget).
    unique_tokens : float or array_like
        Unique tokens (tokens), > 0.
    data_multiplier : float
        Worth of every real token (see :func:`data_constrained_loss`); default 1.

    Returns
    -------
    float or ndarray
        FLOP.

    Raises
    ------
    ValueError
        If ``epochs`` is not in the searchable range or another input is not positive.
    """
    from scipy.optimize import brentq

    ep = _validate.in_range("epochs", epochs, 1.0, 2000.0, low_open=True)
    u = _validate.positive("unique_tokens", unique_tokens)
    m = _multiplier(data_multiplier)
    ep, u, m = np.broadcast_arrays(ep, u, m)
    out = np.empty(ep.shape)
    for idx in np.ndindex(ep.shape):
        c0 = float(optimal_flops_for_data(u[idx]))

        def gap(logk, idx=idx, c0=c0):
            c = c0 * np.exp(logk)
            n, d = data_constrained_optimum(c, u[idx], m[idx])
            return np.log(d / u[idx]) - np.log(ep[idx])

        lo, hi = np.log(0.5), np.log(1e8)
        if gap(lo) * gap(hi) > 0:
            raise ValueError(
                f"epochs={float(ep[idx])!r} is not reached with unique_tokens={float(u[idx])!r} and "
                f"data_multiplier={float(m[idx])!r} between 0.5 and 1e8 times the one-epoch budget; "
                "give fewer epochs or a data_multiplier closer to 1")
        out[idx] = c0 * np.exp(brentq(gap, lo, hi, xtol=1e-12, rtol=1e-12))
    return _out(out)


@_validate.finite_returns
def repetition_absorption(compute_multiple, unique_tokens=1e13):
    """For fixed unique data: what the optimal run looks like at ``compute_multiple`` x C_opt(U).

    Parameters
    ----------
    compute_multiple : float or array_like
        Budget as a multiple of the one-epoch optimal budget ``C_opt(U)``, in [1, 1e4]. Beyond
        about 1e4 the loss is flat in ``N`` to double precision (both excess parameters and
        repetitions are worth ~1e-5 of a fresh one), so the optimal split is no longer
        determined numerically; the limits are given by :func:`ceiling_multiple` and
        :func:`tokens_per_param_limit`.
    unique_tokens : float
        Unique tokens (tokens), > 0. With the C4 fit (alpha = beta) every ratio returned is
        independent of this value.

    Returns
    -------
    dict of ndarray
        ``epochs`` (total passes), ``tokens_per_param`` (D/N), ``equivalent_multiple``
        (unique-data-equivalent compute / C_opt(U)), ``efficiency``
        (equivalent compute / compute spent), ``params`` and ``tokens``.

    Raises
    ------
    ValueError
        If ``compute_multiple`` is outside [1, 1e4] or ``unique_tokens`` is not positive.
    """
    k = _validate.in_range("compute_multiple", compute_multiple, 1.0, 1e4)
    u = _validate.positive("unique_tokens", unique_tokens)
    c0 = np.asarray(optimal_flops_for_data(u))
    c = k * c0
    n, d = (np.asarray(x) for x in data_constrained_optimum(c, u))
    eq = np.asarray(equivalent_flops(_law(n, d, u, 1.0)))
    return {
        "params": n,
        "tokens": d,
        "epochs": np.maximum(d / u, 1.0),
        "tokens_per_param": d / n,
        "equivalent_multiple": eq / c0,
        "efficiency": eq / c,
    }


def ceiling_multiple():
    """Unique-data-equivalent compute of the law's ceiling, as a multiple of ``C_opt(U)``.

    The most that any amount of compute on ``U`` unique tokens can be worth, expressed as the
    budget that would reach the same loss with unlimited fresh data (independent of ``U`` when
    alpha = beta).

    Returns
    -------
    float
        Dimensionless multiple.
    """
    u = 1e13
    return float(equivalent_flops(loss_ceiling(u)) / optimal_flops_for_data(u))


# ------------------------------------------------------------------------------------------
# The essay's numbers
# ------------------------------------------------------------------------------------------


#: Essay B's numbers used here: short name -> claim id of ``data/claims.csv`` (their one home).
#: s1 is the 250B model on 27T tokens seen five times, s2 the over-trained 1.3T model on 50T tokens
#: seen sixteen times with distillation, s3 the 8e28-FLOP run.
ESSAY_IDS = {
    "max_epochs": "B68", "compute_multiple": "B15", "near_unique_epochs": "B69",
    "value_loss_low": "B74", "value_loss_high": "B75", "value_loss_used": "B73",
    "tokens_per_param_start": "B66", "tokens_per_param_end": "B45", "distillation_multiplier": "B28",
    "reference_tokens": "B06", "reference_params": "B07", "reference_flops": "B08", "shrink": "B67",
    "s1_flops": "B24", "s1_usd": "B70", "s1_params": "B23", "s1_unique_tokens": "B22", "s1_epochs": "B69",
    "s1_unique_equivalent_tokens": "B21", "s2_reference_flops": "B11", "s2_reference_usd": "B33",
    "s2_reference_tokens": "B12", "s2_unique_tokens": "B71", "s2_epochs": "B68", "s2_equivalent_tokens": "B29",
    "s2_params": "B31", "s2_usd": "B32", "s3_flops": "B35", "s3_unique_tokens": "B71", "s3_usd": "B36",
}


def essay_value(name):
    """A number Essay B states, read from the claims ledger (``data/claims.csv``).

    Parameters
    ----------
    name : str
        A short name of :data:`ESSAY_IDS` (e.g. ``"s1_params"``).

    Returns
    -------
    float
        The value as written in the essay (unit in the ledger row).

    Raises
    ------
    ValueError
        If ``name`` is not a name of :data:`ESSAY_IDS`.
    """
    from analysis import essays

    _validate.one_of("name", name, list(ESSAY_IDS))
    return essays.value(ESSAY_IDS[name])


def _solve(fun, lo, hi):
    """Root of a monotone scalar function on [lo, hi] in log space (Brent)."""
    from scipy.optimize import brentq

    return float(np.exp(brentq(lambda x: fun(np.exp(x)), np.log(lo), np.log(hi), xtol=1e-13, rtol=1e-13)))


@_validate.finite_returns
def fresh_tokens_to_match(params, loss):
    """Unique (fresh, one-epoch) tokens a model of ``params`` needs to reach ``loss`` under the law.

    Parameters
    ----------
    params : float
        Parameters (> 0).
    loss : float
        Target loss (nats per token), above what ``params`` can reach with unlimited data.

    Returns
    -------
    float
        Tokens.

    Raises
    ------
    ValueError
        If an input is not positive or the loss is out of reach for that model size.
    """
    n = _validate.positive("params", params, scalar=True)
    target = _validate.positive("loss", loss, scalar=True)
    lo, hi = 1.0, 1e22
    if _law(n, hi, hi, 1.0) > target or _law(n, lo, lo, 1.0) < target:
        raise ValueError(f"loss={target!r} is outside what params={n:g} reaches with 1 to 1e22 fresh tokens")
    return _solve(lambda d: _law(n, d, d, 1.0) - target, lo, hi)


@_validate.finite_returns
def training_usd(flops, *, usd_per_gpu_hour, mfu, gpu, flop_basis="dense"):
    """Cost of ``flops`` training FLOP on the FP8 peak of ``gpu`` (see :mod:`analysis.hardware`).

    Parameters
    ----------
    flops : float or array_like
        FLOP, >= 0.
    usd_per_gpu_hour, mfu, gpu
        The assumptions of the same names.
    flop_basis : {"dense", "sparse"}
        Peak used; the report's basis is dense (the essay's was sparse).

    Returns
    -------
    float or ndarray
        USD.

    Raises
    ------
    ValueError
        As :func:`analysis.hardware.flops_to_usd`.
    """
    from analysis import hardware

    return hardware.flops_to_usd(flops, usd_per_gpu_hour=usd_per_gpu_hour, mfu=mfu, gpu=gpu,
                                 precision="fp8", flop_basis=flop_basis)


def scenario_smaller_model():
    """Essay scenario 1: a 3x smaller model on 27T unique tokens x 5 against 750B on 15T.

    Returns
    -------
    dict
        ``params``, ``unique_tokens``, ``epochs``, ``tokens``, ``flops`` (6ND),
        ``effective_tokens`` (D'), ``loss``, ``reference_loss`` (750B on 15T fresh tokens),
        ``loss_gap`` (scenario minus reference; negative = better), ``equivalent_flops`` and
        ``reference_equivalent_flops``, ``unique_needed`` (least unique tokens at which
        the same N and D still match the reference), ``fresh_needed`` (one-epoch tokens at which
        this N matches), ``optimum_params``/``optimum_tokens``/``optimum_loss`` (the law's best
        use of the same budget and unique data).
    """
    n = essay_value("s1_params")
    u = essay_value("s1_unique_tokens")
    ep = essay_value("s1_epochs")
    d = u * ep
    nr, dr = essay_value("reference_params"), essay_value("reference_tokens")
    ref = float(_law(nr, dr, dr, 1.0))
    loss = float(_law(n, d, u, 1.0))
    flops = FLOPS_PER_PARAM_TOKEN * n * d
    if _law(n, d, d, 1.0) > ref:
        unique_needed = np.inf
    elif loss > ref:
        unique_needed = _solve(lambda x: _law(n, d, x, 1.0) - ref, u, d)
    else:
        unique_needed = _solve(lambda x: _law(n, d, x, 1.0) - ref, d / 1e4, u)
    no, do = data_constrained_optimum(flops, u)
    return {
        "params": n, "unique_tokens": u, "epochs": ep, "tokens": d, "flops": flops,
        "effective_tokens": float(effective_data(u, ep)),
        "loss": loss, "reference_loss": ref, "loss_gap": loss - ref,
        "equivalent_flops": float(equivalent_flops(loss)),
        "reference_equivalent_flops": float(equivalent_flops(ref)),
        "reference_flops": FLOPS_PER_PARAM_TOKEN * nr * dr,
        "unique_needed": unique_needed,
        "fresh_needed": fresh_tokens_to_match(n, ref),
        "optimum_params": no, "optimum_tokens": do, "optimum_loss": float(_law(no, do, u, 1.0)),
    }


@_validate.finite_returns
def scenario_overtrained(data_multiplier=1.0):
    """Essay scenario 2: 1.3T parameters on 50T unique x 16 (with distillation) vs the 2e27 optimum.

    Parameters
    ----------
    data_multiplier : float
        Distillation's worth per real token (assumption ``distillation_multiplier``; 1 = none).

    Returns
    -------
    dict
        ``params``, ``unique_tokens``, ``epochs``, ``tokens``, ``flops``, ``loss``,
        ``reference_params``/``reference_tokens``/``reference_loss`` (the law's one-epoch optimum
        at 2e27), ``loss_gap``, ``equivalent_flops``, ``equivalent_tokens`` (multiplier x D', the
        law's counterpart of the essay's 800T), ``fresh_needed`` (one-epoch tokens at which
        1.3T matches the reference), ``multiplier_needed`` (the data multiplier at which the run
        matches the reference), ``shrunk_params`` (the law's optimal N at 2e27 / 3) and
        ``teacher_flops_online``/``teacher_flops_cached`` (forward passes, 2 N_teacher per token,
        of a teacher the size of the 2e27 optimum over all tokens or over the unique tokens once).
    """
    m = _multiplier(data_multiplier, scalar=True)
    n = essay_value("s2_params")
    u = essay_value("s2_unique_tokens")
    ep = essay_value("s2_epochs")
    d = u * ep
    nr, dr = (float(x) for x in unconstrained_optimum(essay_value("s2_reference_flops")))
    ref = float(_law(nr, dr, dr, 1.0))
    loss = float(_law(n, d, u, m))
    return {
        "params": n, "unique_tokens": u, "epochs": ep, "tokens": d,
        "flops": FLOPS_PER_PARAM_TOKEN * n * d, "data_multiplier": m,
        "loss": loss, "reference_params": nr, "reference_tokens": dr, "reference_loss": ref,
        "loss_gap": loss - ref, "equivalent_flops": float(equivalent_flops(loss)),
        "effective_tokens": float(effective_data(u, ep)),
        "equivalent_tokens": m * float(effective_data(u, ep)),
        "fresh_needed": fresh_tokens_to_match(n, ref),
        "multiplier_needed": _solve(lambda x: _law(n, d, u, x) - ref, 1e-3, 1e3),
        "shrunk_params": nr / essay_value("shrink"),
        "teacher_flops_online": 2.0 * nr * d,
        "teacher_flops_cached": 2.0 * nr * u,
    }


@_validate.finite_returns
def scenario_largest_run(data_multiplier=1.0):
    """Essay scenario 3: how far 50T unique tokens stretch; the law's optimum at 8e28 FLOP.

    Parameters
    ----------
    data_multiplier : float
        Worth per real token (1 = the law as published).

    Returns
    -------
    dict
        ``flops``, ``unique_tokens``, ``params``, ``tokens``, ``epochs``, ``tokens_per_param``,
        ``equivalent_flops``, ``efficiency`` (equivalent / spent), ``flops_at_16_epochs`` (the
        budget at which the optimum reaches 16 passes over the same data), ``one_epoch_flops``
        (C_opt(U)) and ``ceiling_flops`` (equivalent compute at infinite budget).
    """
    m = _multiplier(data_multiplier, scalar=True)
    c = essay_value("s3_flops")
    u = essay_value("s3_unique_tokens")
    n, d = (float(x) for x in data_constrained_optimum(c, u, m))
    eq = float(equivalent_flops(_law(n, d, u, m)))
    return {
        "flops": c, "unique_tokens": u, "params": n, "tokens": d, "epochs": d / u,
        "tokens_per_param": d / n, "equivalent_flops": eq, "efficiency": eq / c,
        "flops_at_16_epochs": float(flops_for_epochs(essay_value("max_epochs"), u, m)),
        "one_epoch_flops": float(optimal_flops_for_data(u)),
        "ceiling_flops": float(equivalent_flops(loss_ceiling(u, m))),
    }


# ------------------------------------------------------------------------------------------
# Claims (each takes the assumptions ``a``, an analysis.assumptions.Assumptions)
# ------------------------------------------------------------------------------------------


def _cost(a) -> dict:
    return {k: a[k] for k in ("usd_per_gpu_hour", "mfu", "gpu")}


def claim_repetition_value_loss_16_marginal(a) -> float:
    """How many times less a token seen on the 16th pass is worth than a fresh one (essay: 2-3x)."""
    return 1.0 / float(marginal_token_value(essay_value("max_epochs")))


def claim_repetition_value_loss_16_average(a) -> float:
    """Average loss of value per token over 16 passes, D / D' (essay: 2-3x, and 2x in its 800T sum)."""
    return 1.0 / float(average_token_value(essay_value("max_epochs")))


def claim_repetition_value_5_epochs(a) -> float:
    """Average worth of a token over 5 passes relative to fresh data (essay: about 1)."""
    return float(average_token_value(essay_value("near_unique_epochs")))


def claim_repetition_compute_multiple_16(a) -> float:
    """Compute, as a multiple of the one-epoch budget, at which the optimum makes 16 passes (essay: 100x)."""
    u = 1e13
    return float(flops_for_epochs(essay_value("max_epochs"), u) / optimal_flops_for_data(u))


def claim_repetition_useful_multiple_16(a) -> float:
    """Unique-data-equivalent compute of that 16-pass optimum, as a multiple (essay: 100x)."""
    return float(repetition_absorption(claim_repetition_compute_multiple_16(a))["equivalent_multiple"])


def claim_repetition_tokens_per_param_limit(a) -> float:
    """Limit of optimal tokens per parameter under unbounded repetition (essay: 60)."""
    return tokens_per_param_limit()


def claim_repetition_s1_flops(a) -> float:
    """Compute of 250B parameters on 27T x 5 tokens, 6ND (essay: 2e26 FLOP)."""
    return float(scenario_smaller_model()["flops"])


def claim_repetition_s1_effective_tokens(a) -> float:
    """Effective data of 27T unique tokens x 5 (essay: worth 135T unique tokens)."""
    return float(scenario_smaller_model()["effective_tokens"])


def claim_repetition_s1_unique_needed(a) -> float:
    """Least unique tokens with which 250B on 135T tokens matches 750B on 15T (essay: 27T)."""
    return float(scenario_smaller_model()["unique_needed"])


def claim_repetition_s1_fresh_needed(a) -> float:
    """Fresh tokens a 250B model needs to match 750B on 15T (essay: 135T)."""
    return float(scenario_smaller_model()["fresh_needed"])


def claim_repetition_s2_params(a) -> float:
    """A third of the law's optimal model size at 2e27 FLOP (essay: 1.3T parameters)."""
    return float(scenario_overtrained()["shrunk_params"])


def claim_repetition_s2_equivalent_tokens(a) -> float:
    """Unique-data equivalent of 50T x 16 with distillation at the assumed multiplier (essay: 800T)."""
    return float(scenario_overtrained(a.distillation_multiplier)["equivalent_tokens"])


def claim_repetition_s2_usd(a) -> float:
    """Cost of 1.3T parameters on 800T tokens (6ND) on the dense FP8 basis, USD (essay: $3B)."""
    return float(training_usd(scenario_overtrained()["flops"], **_cost(a)))


def claim_repetition_s2_reference_usd(a) -> float:
    """Cost of 2e27 FLOP on the dense FP8 basis, USD (essay: $1B)."""
    return float(training_usd(essay_value("s2_reference_flops"), **_cost(a)))


def claim_repetition_s3_flops_at_16_epochs(a) -> float:
    """Budget at which the optimal run on 50T unique tokens reaches 16 passes (essay: 8e28 FLOP)."""
    return float(scenario_largest_run()["flops_at_16_epochs"])
