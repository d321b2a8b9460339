"""Scaling laws: parametric loss fits, compute-optimal allocations, and how to refit them.

Two kinds of published law are modelled here.

* :class:`ParametricLoss` -- the Chinchilla form ``L(N, D) = E + A / N**alpha + B / D**beta``
  (``N`` parameters, ``D`` training tokens). Under the usual training-compute approximation
  ``C = 6 N D`` its minimum has a closed form (:meth:`ParametricLoss.compute_optimal`).
* :class:`PowerLawAllocation` -- a direct power law for the compute-optimal number of tokens,
  ``D_opt(C) = k * C**b``, with ``N_opt = C / (6 D_opt)`` (so ``a = 1 - b``). This is how
  Chinchilla's Approaches 1 and 2, the "20 tokens per parameter" rule and the Llama 3 fit are
  stated.

Published instances are module constants, collected in :data:`PARAMETRIC_FITS` and
:data:`ALLOCATIONS` so that a chapter can loop "under every fit". They are built at import from
``data/parametric_fits.csv`` (one row per law, with its bib key and locator; Chinchilla's
exponents and anchors from the transcribed tables it names), the way astropy builds ``Planck18``
from its data file: the code holds names, the data file the numbers. :func:`published_constants`
returns a law's row as written.

:func:`fit_parametric_loss` refits the parametric form the way Hoffmann et al. (2022) and
Besiroglu et al. (2024) do (Huber loss on log-loss residuals, L-BFGS from a grid of starting
points); :func:`fit_power_law` fits ``y = k x**p`` in log space with intervals.

References
----------
hoffmann2022training, besiroglu2024chinchilla, muennighoff2023scaling, llama3herd2024

Examples
--------
>>> from analysis.scaling import HOFFMANN_2022
>>> n, d = HOFFMANN_2022.compute_optimal(5.76e23)
>>> round(6 * n * d / 5.76e23, 12)
1.0
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from analysis import _validate

__all__ = [
    "FLOPS_PER_PARAM_TOKEN",
    "ParametricLoss",
    "PowerLawAllocation",
    "ParametricFit",
    "PowerLawFit",
    "HOFFMANN_2022",
    "HOFFMANN_2022_UNROUNDED",
    "BESIROGLU_2024",
    "MUENNIGHOFF_2023",
    "CHINCHILLA_APPROACH_1",
    "CHINCHILLA_APPROACH_2",
    "CHINCHILLA_APPROACH_3",
    "TWENTY_TOKENS_PER_PARAM",
    "LLAMA3_PROSE",
    "LLAMA3_LEGEND",
    "PARAMETRIC_FITS",
    "ALLOCATIONS",
    "published_constants",
    "training_flops",
    "fit_parametric_loss",
    "fit_power_law",
    "huber",
    "start_grid",
    "HOFFMANN_GRID",
    "equal_exponent_data_multiplier",
    "exponent_for_data_multiplier",
    "essay",
    "chinchilla_table3",
    "notable_models",
    "claim_compute_optimal_params_at_15t",
    "claim_compute_optimal_flops_at_15t",
    "claim_compute_optimal_table3_tokens_per_param",
    "claim_smaller_models_data_multiplier",
    "claim_smaller_models_compute_multiplier",
    "claim_smaller_models_exponent_for_nine",
    "claim_smaller_models_tokens_small",
    "claim_smaller_models_flops_small",
    "claim_smaller_models_params_overtrained_large",
]

#: Training FLOPs per parameter per token in the ``C = 6 N D`` approximation
#: (Kaplan et al. 2020; Hoffmann et al. 2022, App. F).
FLOPS_PER_PARAM_TOKEN = 6.0


def _out(x):
    """Return a 0-d array as a Python float, anything else unchanged."""
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


@_validate.finite_returns
def training_flops(params, tokens):
    """Training compute ``C = 6 N D``.

    Parameters
    ----------
    params : float or array_like
        Model parameters ``N`` (for a mixture of experts: active parameters), > 0.
    tokens : float or array_like
        Training tokens ``D``, > 0.

    Returns
    -------
    float or ndarray
        Training compute in FLOP.

    Raises
    ------
    ValueError
        If ``params`` or ``tokens`` is not finite and positive.

    References
    ----------
    kaplan2020scaling, hoffmann2022training (App. F)

    Examples
    --------
    >>> f"{training_flops(750e9, 15e12):.3g}"
    '6.75e+25'
    """
    n = _validate.positive("params", params)
    d = _validate.positive("tokens", tokens)
    with np.errstate(over="ignore"):
        out = FLOPS_PER_PARAM_TOKEN * n * d
    return _out(_validate.finite_result(out, "6 N D", params=params, tokens=tokens))


# ------------------------------------------------------------------------------------------
# Parametric loss
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParametricLoss:
    """The Chinchilla loss form ``L(N, D) = E + A / N**alpha + B / D**beta``.

    Parameters
    ----------
    E, A, B : float
        Irreducible loss (nats per token) and the scale of the parameter and data terms; > 0.
    alpha, beta : float
        Exponents of the parameter and data terms; > 0.
    name : str
        Short human-readable label, used in tables and legends.
    source : str
        Bib key of the publication the constants come from.

    Notes
    -----
    Under ``C = 6 N D`` the loss is minimised by ``N_opt = G (C/6)**a`` and
    ``D_opt = G**-1 (C/6)**b`` with ``G = (alpha A / (beta B))**(1/(alpha+beta))``,
    ``a = beta / (alpha + beta)`` and ``b = alpha / (alpha + beta)`` (Hoffmann et al. 2022,
    App. D.2, Eq. 4).

    Examples
    --------
    >>> law = ParametricLoss(E=2.0, A=400.0, B=1000.0, alpha=0.3, beta=0.3, name="toy")
    >>> f"{law.loss(70e9, 1.4e12):.4f}"
    '2.4502'
    """

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    name: str = ""
    source: str = ""

    def __post_init__(self):
        for key in ("E", "A", "B", "alpha", "beta"):
            value = getattr(self, key)
            object.__setattr__(self, key, _validate.positive(key, value, scalar=True))
        for key in ("name", "source"):
            _validate.instance(key, getattr(self, key), str, "a string")

    # -- allocation exponents ----------------------------------------------------------------
    @property
    def a(self) -> float:
        """Exponent of the optimal parameter count: ``N_opt ∝ C**a``, ``a = beta/(alpha+beta)``."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of the optimal token count: ``D_opt ∝ C**b``, ``b = alpha/(alpha+beta)``."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def G(self) -> float:
        """``G = (alpha A / (beta B))**(1/(alpha+beta))``, so ``N_opt = G (C/6)**a``."""
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))

    # -- evaluation ---------------------------------------------------------------------------
    @_validate.finite_returns
    def loss(self, params, tokens):
        """Predicted loss ``L(N, D)`` in nats per token.

        Parameters
        ----------
        params : float or array_like
            Parameters ``N``, > 0.
        tokens : float or array_like
            Training tokens ``D``, > 0. Broadcast against ``params``.

        Returns
        -------
        float or ndarray
            The loss.

        Raises
        ------
        ValueError
            If an input is not finite and positive.
        """
        n = _validate.positive("params", params)
        d = _validate.positive("tokens", tokens)
        return _out(self.E + self.A / n**self.alpha + self.B / d**self.beta)

    @_validate.finite_returns
    def compute_optimal(self, flops):
        """Loss-minimising ``(params, tokens)`` for a training budget, under ``C = 6 N D``.

        Parameters
        ----------
        flops : float or array_like
            Training compute ``C`` in FLOP, > 0.

        Returns
        -------
        (params, tokens) : tuple of float or ndarray
            ``N_opt = G (C/6)**a`` and ``D_opt = G**-1 (C/6)**b``; ``6 N_opt D_opt = C``.

        Raises
        ------
        ValueError
            If ``flops`` is not finite and positive.
        """
        c = _validate.positive("flops", flops) / FLOPS_PER_PARAM_TOKEN
        # N = G c**a and D = c / N keeps 6 N D = C exact to rounding.
        n = self.G * c**self.a
        return _out(n), _out(c / n)

    @_validate.finite_returns
    def tokens_per_param(self, flops):
        """Compute-optimal tokens per parameter ``D_opt / N_opt`` at budget ``flops`` (FLOP)."""
        n, d = self.compute_optimal(flops)
        return _out(np.asarray(d) / np.asarray(n))

    @_validate.finite_returns
    def optimal_loss(self, flops):
        """Loss at the compute-optimal allocation for budget ``flops`` (FLOP, > 0)."""
        n, d = self.compute_optimal(flops)
        return self.loss(n, d)

    @_validate.finite_returns
    def tokens_for_loss(self, params, loss):
        """Training tokens a model of ``params`` parameters needs to reach ``loss``.

        Solves ``loss = L(params, D)`` for ``D``.

        Parameters
        ----------
        params : float or array_like
            Parameters ``N``, > 0.
        loss : float or array_like
            Target loss (nats per token); must exceed ``E + A / N**alpha``, the loss the model
            reaches with infinite data.

        Returns
        -------
        float or ndarray
            Tokens ``D``.

        Raises
        ------
        ValueError
            If an input is invalid or ``loss`` is unreachable at that size.
        """
        n = _validate.positive("params", params)
        target = _validate.finite("loss", loss)
        floor = self.E + self.A / n**self.alpha
        gap = target - floor
        _unreachable("loss", target, floor, gap, "E + A/N**alpha (infinite data)")
        with np.errstate(over="ignore"):
            out = (self.B / gap) ** (1.0 / self.beta)
        return _out(_validate.finite_result(out, "the token count", params=params, loss=loss))

    @_validate.finite_returns
    def params_for_loss(self, tokens, loss):
        """Parameters a model trained on ``tokens`` tokens needs to reach ``loss``.

        Solves ``loss = L(N, tokens)`` for ``N``.

        Parameters
        ----------
        tokens : float or array_like
            Training tokens ``D``, > 0.
        loss : float or array_like
            Target loss; must exceed ``E + B / D**beta``, the loss reached with infinite
            parameters.

        Returns
        -------
        float or ndarray
            Parameters ``N``.

        Raises
        ------
        ValueError
            If an input is invalid or ``loss`` is unreachable with that much data.
        """
        d = _validate.positive("tokens", tokens)
        target = _validate.finite("loss", loss)
        floor = self.E + self.B / d**self.beta
        gap = target - floor
        _unreachable("loss", target, floor, gap, "E + B/D**beta (infinite parameters)")
        with np.errstate(over="ignore"):
            out = (self.A / gap) ** (1.0 / self.alpha)
        return _out(_validate.finite_result(out, "the parameter count", tokens=tokens, loss=loss))

    @_validate.finite_returns
    def shrink_multipliers(self, params, tokens, shrink):
        """Data and compute multipliers for a model ``shrink`` times smaller at equal loss.

        Starting from a model of ``params`` parameters trained on ``tokens`` tokens, a model
        with ``params / shrink`` parameters reaches the same loss with ``D' =
        tokens_for_loss(params / shrink, L(params, tokens))`` tokens.

        Parameters
        ----------
        params, tokens : float or array_like
            The reference model, > 0.
        shrink : float or array_like
            Size reduction factor, >= 1.

        Returns
        -------
        (data_multiplier, compute_multiplier) : tuple of float or ndarray
            ``D' / D`` and ``(N/shrink) D' / (N D)``.

        Raises
        ------
        ValueError
            If an input is invalid or the smaller model cannot reach the loss at any data size.
        """
        n = _validate.positive("params", params)
        d = _validate.positive("tokens", tokens)
        s = _validate.in_range("shrink", shrink, 1.0, math.inf)
        target = self.E + self.A / n**self.alpha + self.B / d**self.beta
        small = n / s
        floor = self.E + self.A / small**self.alpha
        gap = target - floor
        if np.any(gap <= 0):
            bad = np.broadcast_to(s, gap.shape)[gap <= 0].flat[0] if gap.ndim else float(s)
            raise ValueError(
                f"shrink={bad!r} is too large: the smaller model cannot reach the reference loss "
                f"with any amount of data under {self.name or 'this fit'}"
            )
        with np.errstate(over="ignore"):
            d_new = (self.B / gap) ** (1.0 / self.beta)
        data_mult = _validate.finite_result(d_new / d, "the data multiplier", params=params, tokens=tokens,
                                            shrink=shrink)
        return _out(data_mult), _out(data_mult / s)


    @_validate.finite_returns
    def flops_for_tokens(self, tokens):
        """Budget (FLOP) whose compute-optimal token count is ``tokens`` (> 0): ``6 (G D)**(1/b)``."""
        d = _validate.positive("tokens", tokens)
        with np.errstate(over="ignore"):
            out = FLOPS_PER_PARAM_TOKEN * (self.G * d) ** (1.0 / self.b)
        return _out(_validate.finite_result(out, "the budget", tokens=tokens))

    @_validate.finite_returns
    def flops_for_params(self, params):
        """Budget (FLOP) whose compute-optimal parameter count is ``params`` (> 0): ``6 (N/G)**(1/a)``."""
        n = _validate.positive("params", params)
        with np.errstate(over="ignore"):
            out = FLOPS_PER_PARAM_TOKEN * (n / self.G) ** (1.0 / self.a)
        return _out(_validate.finite_result(out, "the budget", params=params))

    @_validate.finite_returns
    def optimum_shrink_multipliers(self, shrink):
        """Closed-form data and compute multipliers for shrinking a compute-optimal model.

        At the compute optimum the two reducible terms satisfy ``alpha P = beta Q``
        (``P = A/N**alpha``, ``Q = B/D**beta``). A model ``s`` times smaller reaches the same loss
        with ``D'/D = (1 + (beta/alpha) (1 - s**alpha))**(-1/beta)``, whatever the budget; the
        compute multiplier is ``(D'/D) / s``. With ``alpha = beta`` this is
        ``(2 - s**alpha)**(-1/alpha)``.

        Parameters
        ----------
        shrink : float or array_like
            Size reduction factor ``s``, >= 1; must satisfy ``s**alpha < 1 + alpha/beta``.

        Returns
        -------
        (data_multiplier, compute_multiplier) : tuple of float or ndarray

        Raises
        ------
        ValueError
            If ``shrink`` is below 1 or so large that no amount of data reaches the loss.
        """
        s = _validate.in_range("shrink", shrink, 1.0, math.inf)
        inner = 1.0 + (self.beta / self.alpha) * (1.0 - s**self.alpha)
        if np.any(inner <= 0):
            limit = (1.0 + self.alpha / self.beta) ** (1.0 / self.alpha)
            bad = s[inner <= 0].flat[0] if s.ndim else float(s)
            raise ValueError(
                f"shrink={bad!r} is unreachable under {self.name or 'this fit'}: it must be < {limit:.6g} "
                f"= (1 + alpha/beta)**(1/alpha), beyond which no amount of data matches the optimum"
            )
        with np.errstate(over="ignore"):
            data = _validate.finite_result(inner ** (-1.0 / self.beta), "the data multiplier", shrink=shrink)
        return _out(data), _out(data / s)

    @_validate.finite_returns
    def flops_for_loss(self, loss):
        """Compute-optimal training budget (FLOP) that reaches ``loss``.

        Inverts :meth:`optimal_loss` in closed form: at the optimum ``L - E = P (1 + alpha/beta)``
        with ``P = A / N_opt**alpha`` and ``N_opt = G (C/6)**a``.

        Parameters
        ----------
        loss : float or array_like
            Target loss, > E.

        Raises
        ------
        ValueError
            If ``loss <= E`` (unreachable at any budget).
        """
        target = _validate.finite("loss", loss)
        gap = target - self.E
        _unreachable("loss", target, np.full_like(target, self.E), gap, "E (the irreducible loss)")
        p = gap * self.beta / (self.alpha + self.beta)
        with np.errstate(over="ignore"):
            n_opt = (self.A / p) ** (1.0 / self.alpha)
            out = FLOPS_PER_PARAM_TOKEN * (n_opt / self.G) ** (1.0 / self.a)
        return _out(_validate.finite_result(out, "the budget", loss=loss))

    @_validate.finite_returns
    def compute_efficiency(self, params, tokens):
        """Share of a run's compute a compute-optimal run would need for the same loss.

        ``flops_for_loss(loss(N, D)) / (6 N D)``: 1 on the optimal frontier, below 1 for an
        over- or under-trained model.

        Parameters
        ----------
        params, tokens : float or array_like
            The run, > 0.
        """
        n = _validate.positive("params", params)
        d = _validate.positive("tokens", tokens)
        with np.errstate(all="ignore"):
            out = np.asarray(self.flops_for_loss(self.loss(n, d))) / (FLOPS_PER_PARAM_TOKEN * n * d)
        return _out(_validate.finite_result(out, "the compute efficiency", params=params, tokens=tokens))


def _unreachable(name, target, floor, gap, what):
    if np.any(gap <= 0):
        t = np.broadcast_to(target, gap.shape)
        f = np.broadcast_to(floor, gap.shape)
        bad = gap <= 0
        tv = t[bad].flat[0] if gap.ndim else float(t)
        fv = f[bad].flat[0] if gap.ndim else float(f)
        raise ValueError(
            f"{name}={tv!r} is unreachable: it must be > {fv:.6g} = {what}"
        )


# ------------------------------------------------------------------------------------------
# Allocation power laws
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PowerLawAllocation:
    """A compute-optimal allocation ``D_opt(C) = tokens_coef * C**b``, ``N_opt = C / (6 D_opt)``.

    Parameters
    ----------
    name : str
        Short human-readable label.
    source : str
        Bib key of the publication.
    b : float
        Exponent of the optimal token count (``D_opt ∝ C**b``), in (0, 1).
    tokens_coef : float
        Coefficient ``k`` in ``D_opt = k C**b`` (tokens per FLOP**b), > 0.
    a_interval, b_interval : tuple of float or None
        Published uncertainty interval of ``a`` and ``b`` (Chinchilla Table 2: 10th-90th
        percentile bootstrap), if any.
    fit_range_flops : tuple of float or None
        Range of training compute (FLOP) of the runs the law was fitted on, where known.
    anchor : str
        How the coefficient was fixed (free text, shown in tables).

    Notes
    -----
    Since ``6 N D = C`` holds exactly, ``a = 1 - b``. Chinchilla's Table 2 reports ``a`` and
    ``b`` separately, rounded to two decimals; they sum to 1 for every approach.

    Examples
    --------
    >>> rule = PowerLawAllocation.from_tokens_per_param("20", "hoffmann2022training", 20.0)
    >>> f"{rule.params(5.76e23):.3g}"
    '6.93e+10'
    """

    name: str
    source: str
    b: float
    tokens_coef: float
    a_interval: tuple[float, float] | None = None
    b_interval: tuple[float, float] | None = None
    fit_range_flops: tuple[float, float] | None = None
    anchor: str = ""
    note: str = field(default="", compare=False)

    def __post_init__(self):
        object.__setattr__(self, "b", _validate.in_range("b", self.b, 0.0, 1.0, low_open=True, high_open=True,
                                                          scalar=True))
        object.__setattr__(self, "tokens_coef", _validate.positive("tokens_coef", self.tokens_coef, scalar=True))
        for key in ("name", "source", "anchor", "note"):
            _validate.instance(key, getattr(self, key), str, "a string")
        for key in ("a_interval", "b_interval", "fit_range_flops"):
            value = getattr(self, key)
            if value is not None:
                pair = _validate.finite(key, value)
                if pair.shape != (2,) or pair[0] > pair[1]:
                    raise ValueError(f"{key}={value!r} is not an interval; give (low, high) with low <= high, or None")

    @classmethod
    @_validate.finite_returns
    def from_anchor(cls, name, source, b, flops, params, **kwargs) -> PowerLawAllocation:
        """Build the law with exponent ``b`` passing through ``N_opt(flops) = params``.

        Parameters
        ----------
        name, source : str
            Label and bib key.
        b : float
            Token exponent, in (0, 1).
        flops, params : float
            The anchor point: a budget (FLOP) and its optimal parameter count; > 0.
        """
        c = _validate.positive("flops", flops, scalar=True)
        n = _validate.positive("params", params, scalar=True)
        b = _validate.in_range("b", b, 0.0, 1.0, low_open=True, high_open=True, scalar=True)
        d = c / (FLOPS_PER_PARAM_TOKEN * n)
        return cls(name=name, source=source, b=b, tokens_coef=d / c**b, **kwargs)

    @classmethod
    @_validate.finite_returns
    def from_tokens_per_param(cls, name, source, ratio, **kwargs) -> PowerLawAllocation:
        """The fixed-ratio rule ``D = ratio * N``: ``N = sqrt(C / (6 ratio))``, ``b = 1/2``."""
        r = _validate.positive("ratio", ratio, scalar=True)
        return cls(name=name, source=source, b=0.5, tokens_coef=math.sqrt(r / FLOPS_PER_PARAM_TOKEN), **kwargs)

    @property
    def a(self) -> float:
        """Exponent of the optimal parameter count, ``a = 1 - b``."""
        return 1.0 - self.b

    @_validate.finite_returns
    def tokens(self, flops):
        """Compute-optimal training tokens at budget ``flops`` (FLOP, > 0)."""
        c = _validate.positive("flops", flops)
        return _out(self.tokens_coef * c**self.b)

    @_validate.finite_returns
    def params(self, flops):
        """Compute-optimal parameters at budget ``flops`` (FLOP, > 0): ``C / (6 D_opt)``."""
        c = _validate.positive("flops", flops)
        return _out(c / (FLOPS_PER_PARAM_TOKEN * self.tokens_coef * c**self.b))

    @_validate.finite_returns
    def compute_optimal(self, flops):
        """``(params, tokens)`` at budget ``flops``; same interface as :class:`ParametricLoss`."""
        return self.params(flops), self.tokens(flops)

    @_validate.finite_returns
    def tokens_per_param(self, flops):
        """Compute-optimal tokens per parameter at budget ``flops`` (FLOP, > 0)."""
        c = _validate.positive("flops", flops)
        d = self.tokens_coef * c**self.b
        with np.errstate(over="ignore"):
            out = d * d * FLOPS_PER_PARAM_TOKEN / c
        return _out(_validate.finite_result(out, "tokens per parameter", flops=flops))

    @_validate.finite_returns
    def flops_for_tokens(self, tokens):
        """Budget (FLOP) whose compute-optimal token count is ``tokens`` (> 0)."""
        d = _validate.positive("tokens", tokens)
        with np.errstate(over="ignore"):
            out = (d / self.tokens_coef) ** (1.0 / self.b)
        return _out(_validate.finite_result(out, "the budget", tokens=tokens))

    @_validate.finite_returns
    def flops_for_params(self, params):
        """Budget (FLOP) whose compute-optimal parameter count is ``params`` (> 0)."""
        n = _validate.positive("params", params)
        # N = C**a / (6 k)  =>  C = (6 k N)**(1/a)
        with np.errstate(over="ignore"):
            out = (FLOPS_PER_PARAM_TOKEN * self.tokens_coef * n) ** (1.0 / self.a)
        return _out(_validate.finite_result(out, "the budget", params=params))


# ------------------------------------------------------------------------------------------
# Published instances
# ------------------------------------------------------------------------------------------
# Every constant is read from data/parametric_fits.csv (one row per law, with its bib key and
# locator); Chinchilla's exponents and anchors from the transcribed paper tables it names, the
# compute ranges from data/chinchilla_fit_ranges.csv. The code holds names, not values.

_LAWS_FILE = "parametric_fits"


def _law_rows() -> dict:
    """Rows of ``data/parametric_fits.csv`` as dicts (empty cells dropped), keyed by ``key``."""
    from analysis import datasets

    df = datasets.load(_LAWS_FILE)
    rows = {}
    for i, rec in enumerate(df.to_dict("records")):
        if rec["key"] in rows:
            raise datasets.DataFileError(
                f"{datasets.DATA_DIR / (_LAWS_FILE + '.csv')}: row {i + 2}: key {rec['key']!r} appears twice")
        rows[rec["key"]] = {k: v for k, v in rec.items() if v is not None and v == v}
    return rows


def _bad_row(key, problem):
    from analysis import datasets

    return datasets.DataFileError(f"{datasets.DATA_DIR / (_LAWS_FILE + '.csv')}: row {key!r}: {problem}")


def published_constants(key: str) -> dict:
    """The published numbers of one law, as written in ``data/parametric_fits.csv``.

    Parameters
    ----------
    key : str
        A key of :data:`PARAMETRIC_FITS` or :data:`ALLOCATIONS` (e.g. ``"muennighoff"``).

    Returns
    -------
    dict
        The row's non-empty cells: constants as floats (``E`` or ``log_E``, ``alpha``,
        ``rd_star``, ``tokens_exponent`` ...), and ``name``, ``kind``, ``source_key``,
        ``locator``.

    Raises
    ------
    ValueError
        If ``key`` is not a row of the file (the message lists the keys).

    Examples
    --------
    >>> round(published_constants("muennighoff")["rd_star"], 2)
    15.39
    """
    rows = _LAW_ROWS
    _validate.one_of("key", key, list(rows))
    return dict(rows[key])


def _exp_or_printed(key, row, name):
    printed, logged = row.get(name), row.get(f"log_{name}")
    if (printed is None) == (logged is None):
        raise _bad_row(key, f"give exactly one of {name} and log_{name}")
    return printed if logged is None else math.exp(logged)


def _parametric(key) -> ParametricLoss:
    row = _LAW_ROWS[key]
    if row["kind"] != "parametric":
        raise _bad_row(key, f"kind is {row['kind']!r}; expected 'parametric'")
    for name in ("alpha", "beta"):
        if name not in row:
            raise _bad_row(key, f"a parametric fit needs {name}")
    return ParametricLoss(
        E=_exp_or_printed(key, row, "E"), A=_exp_or_printed(key, row, "A"),
        B=_exp_or_printed(key, row, "B"), alpha=row["alpha"], beta=row["beta"],
        name=row["name"], source=row["source_key"],
    )


def _allocation(key) -> PowerLawAllocation:
    from analysis import datasets

    row = _LAW_ROWS[key]
    if row["kind"] != "allocation":
        raise _bad_row(key, f"kind is {row['kind']!r}; expected 'allocation'")
    kw = {"note": row["locator"]}
    if "fit_range" in row:
        rng = datasets.load("chinchilla_fit_ranges").set_index("dataset").loc[row["fit_range"]]
        kw["fit_range_flops"] = (float(rng["flops_min"]), float(rng["flops_max"]))
    given = [c for c in ("tokens_exponent", "tokens_per_param", "table2_approach") if c in row]
    if len(given) != 1:
        raise _bad_row(key, "give exactly one of tokens_exponent (with tokens_coef), tokens_per_param "
                            f"and table2_approach; found {given or 'none'}")
    if "tokens_per_param" in row:
        return PowerLawAllocation.from_tokens_per_param(
            row["name"], row["source_key"], row["tokens_per_param"],
            anchor=f"D = {row['tokens_per_param']:g} N", **kw)
    if "tokens_exponent" in row:
        if "tokens_coef" not in row:
            raise _bad_row(key, "tokens_exponent needs tokens_coef")
        b, k = row["tokens_exponent"], row["tokens_coef"]
        return PowerLawAllocation(name=row["name"], source=row["source_key"], b=b, tokens_coef=k,
                                  anchor=f"D* = {k:g} C**{b:g}", **kw)
    # Chinchilla: exponent and interval from Table 2, coefficient through a row of Table 3 / A3
    approach = row["table2_approach"]
    if "anchor_table" not in row or "anchor_params" not in row:
        raise _bad_row(key, "table2_approach needs anchor_table and anchor_params")
    t2 = datasets.load("chinchilla_table2").set_index("approach").loc[approach]
    anchor = datasets.load(row["anchor_table"])
    hit = np.isclose(anchor["params"].to_numpy(dtype=float), row["anchor_params"], rtol=1e-12)
    if "approach" in anchor:
        hit &= anchor["approach"].astype(str).to_numpy() == approach
    if hit.sum() != 1:
        raise _bad_row(key, f"{row['anchor_table']} has {int(hit.sum())} rows with params = "
                            f"{row['anchor_params']:g} (approach {approach}); need exactly one")
    flops = float(anchor.loc[hit, "flops"].iloc[0])
    return PowerLawAllocation.from_anchor(
        row["name"], row["source_key"], b=float(t2["b"]), flops=flops, params=row["anchor_params"],
        a_interval=(float(t2["a_p10"]), float(t2["a_p90"])), b_interval=(float(t2["b_p10"]), float(t2["b_p90"])),
        anchor=f"{row['anchor_table']} row: {row['anchor_params']:g} parameters at {flops:g} FLOP", **kw,
    )


_LAW_ROWS = _law_rows()

#: Chinchilla Approach 3 as printed (Hoffmann et al. 2022, App. D.2, Eq. 10).
HOFFMANN_2022 = _parametric("hoffmann")

#: Chinchilla Approach 3 with the unrounded constants of the paper's TeX source, as used in
#: Epoch AI's replication notebook (epoch-research/analyzing-chinchilla).
HOFFMANN_2022_UNROUNDED = _parametric("hoffmann_unrounded")

#: Epoch AI's refit of Chinchilla's data (Besiroglu et al. 2024), outliers excluded.
BESIROGLU_2024 = _parametric("besiroglu")

#: Muennighoff et al. (2023), the C4 fit, single-epoch part (huggingface/datablations README).
MUENNIGHOFF_2023 = _parametric("muennighoff")

#: Chinchilla Approach 1 (Table 2), anchored on the 1T-parameter row of Table 3.
CHINCHILLA_APPROACH_1 = _allocation("chinchilla_1")

#: Chinchilla Approach 2 (Table 2), anchored on the 1T-parameter Approach 2 row of Table A3.
CHINCHILLA_APPROACH_2 = _allocation("chinchilla_2")

#: Chinchilla Approach 3 (Table 2), anchored on the 1T-parameter Approach 3 row of Table A3.
CHINCHILLA_APPROACH_3 = _allocation("chinchilla_3")

#: The "20 tokens per parameter" rule of thumb read off Chinchilla's Table 3.
TWENTY_TOKENS_PER_PARAM = _allocation("twenty")

#: Llama 3's allocation law as stated in the prose of §3.2.1.
LLAMA3_PROSE = _allocation("llama3_prose")

#: Llama 3's allocation law with the constants of the Figure 3 legend.
LLAMA3_LEGEND = _allocation("llama3_legend")

#: Every published parametric fit, keyed by a short name.
PARAMETRIC_FITS: dict[str, ParametricLoss] = {
    "hoffmann": HOFFMANN_2022,
    "hoffmann_unrounded": HOFFMANN_2022_UNROUNDED,
    "besiroglu": BESIROGLU_2024,
    "muennighoff": MUENNIGHOFF_2023,
}

#: Every allocation law, keyed by a short name.
ALLOCATIONS: dict[str, PowerLawAllocation] = {
    "chinchilla_1": CHINCHILLA_APPROACH_1,
    "chinchilla_2": CHINCHILLA_APPROACH_2,
    "chinchilla_3": CHINCHILLA_APPROACH_3,
    "twenty": TWENTY_TOKENS_PER_PARAM,
    "llama3_prose": LLAMA3_PROSE,
    "llama3_legend": LLAMA3_LEGEND,
}



# ------------------------------------------------------------------------------------------
# Fitting the parametric form (Hoffmann et al. 2022, App. D.2; Besiroglu et al. 2024)
# ------------------------------------------------------------------------------------------

#: The grid of starting points of Hoffmann et al. (2022, App. D.2) as implemented in Epoch AI's
#: replication (epoch-research/analyzing-chinchilla): 5 x 5 x 5 x 6 x 6 = 4,500 starts.
HOFFMANN_GRID = {
    "alpha": (0.0, 0.5, 1.0, 1.5, 2.0),
    "beta": (0.0, 0.5, 1.0, 1.5, 2.0),
    "e": (-1.0, -0.5, 0.0, 0.5, 1.0),
    "a": (0.0, 5.0, 10.0, 15.0, 20.0, 25.0),
    "b": (0.0, 5.0, 10.0, 15.0, 20.0, 25.0),
}

_PARAM_NAMES = ("A", "B", "E", "alpha", "beta")


@_validate.finite_returns
def huber(residual, delta=1e-3):
    """Huber loss ``r**2 / 2`` for ``|r| <= delta``, ``delta (|r| - delta/2)`` beyond; elementwise.

    Parameters
    ----------
    residual : float or array_like
        Residuals (finite).
    delta : float
        Threshold between the quadratic and the linear regime, > 0.

    Returns
    -------
    float or ndarray
        The loss, same shape as ``residual``.
    """
    r = _validate.finite("residual", residual)
    dl = _validate.positive("delta", delta, scalar=True)
    ar = np.abs(r)
    return _out(np.where(ar <= dl, 0.5 * r * r, dl * (ar - 0.5 * dl)))


def start_grid(grid: dict | None = None) -> np.ndarray:
    """Starting points as rows ``(log A, log B, log E, alpha, beta)``.

    Parameters
    ----------
    grid : dict, optional
        Values per coordinate, keys ``a``, ``b``, ``e``, ``alpha``, ``beta`` (``a = log A``
        etc.). Default :data:`HOFFMANN_GRID`.

    Returns
    -------
    ndarray, shape (K, 5)
    """
    g = HOFFMANN_GRID if grid is None else _validate.instance(
        "grid", grid, dict, "a dict of start values with keys a, b, e, alpha, beta")
    missing = {"a", "b", "e", "alpha", "beta"} - set(g)
    if missing:
        raise ValueError(f"grid={sorted(g)!r} lacks keys {sorted(missing)}; give a, b, e, alpha, beta")
    axes = [_validate.finite(f"grid[{k!r}]", g[k]).ravel() for k in ("a", "b", "e", "alpha", "beta")]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


class _HuberLSE:
    """Batched objective: K parameter vectors, each with its own point weights.

    ``f_k = sum_i w_ki huber(LSE_ki - log L_i) / (delta sum_i w_ki)``, where
    ``LSE_ki = log(exp(a - alpha log N_i) + exp(b - beta log D_i) + exp(e))``. Dividing by
    ``delta`` and the total weight makes gradients O(1) whatever the number of points, so one
    set of tolerances fits every data set (the loss scale is what tripped the original fit,
    Besiroglu et al. 2024).
    """

    def __init__(self, logn, logd, y, delta, weights):
        self.logn = logn
        self.logd = logd
        self.y = y
        self.delta = delta
        self.w = weights  # (K, n) or (1, n)
        self.norm = 1.0 / (delta * weights.sum(axis=1))

    #: Rows per block: each temporary (rows x points) stays near 256 kB, i.e. in cache.
    BLOCK_ELEMENTS = 32768

    def __call__(self, theta, idx):
        with np.errstate(all="ignore"):
            return self._call(theta, idx)

    def _call(self, theta, idx):
        w = self.w if self.w.shape[0] == 1 else self.w[idx]
        norm = self.norm if self.norm.shape[0] == 1 else self.norm[idx]
        rows = max(1, self.BLOCK_ELEMENTS // self.y.size)
        if theta.shape[0] <= rows:
            return self._block(theta, w, norm)
        f = np.empty(theta.shape[0])
        g = np.empty_like(theta)
        for i in range(0, theta.shape[0], rows):
            sl = slice(i, i + rows)
            f[sl], g[sl] = self._block(
                theta[sl], w if w.shape[0] == 1 else w[sl], norm if norm.shape[0] == 1 else norm[sl]
            )
        return f, g

    def _block(self, theta, w, norm):
        # In place where a temporary is not needed again: the same operations in the same order
        # as the plain expressions in the comments, so the same bits, with fewer allocations.
        a, b, e, al, be = (theta[:, j : j + 1] for j in range(5))
        t1 = a - al * self.logn
        t2 = b - be * self.logd
        # Shift by the row maximum (not the elementwise one): one exp fewer per point and the
        # constant term stays a per-row scalar. Terms far below the row maximum may underflow,
        # which only matters for absurd trial points; those give inf and are backtracked.
        mx = np.maximum(np.maximum(t1.max(axis=1, keepdims=True), t2.max(axis=1, keepdims=True)), e)
        p1 = np.exp(np.subtract(t1, mx, out=t1), out=t1)  # exp(t1 - mx)
        p2 = np.exp(np.subtract(t2, mx, out=t2), out=t2)  # exp(t2 - mx)
        p3 = np.exp(e - mx)
        tot = p1 + p2
        tot += p3
        r = np.log(tot)
        r += mx  # mx + log(tot)
        r -= self.y
        dl = self.delta
        c = np.clip(r, -dl, dl)
        # huber(r) = c (r - c/2) with c = clip(r, -delta, delta)
        h = np.multiply(c, 0.5)
        np.subtract(r, h, out=h)
        h *= c
        # (einsum, not BLAS: these products are too small for threaded BLAS to pay off)
        f = np.einsum("ij,ij->i", h, w) if w.shape[0] > 1 else np.einsum("ij,j->i", h, w[0])
        f = f * norm
        gcom = np.multiply(c, w, out=c)
        gcom /= tot  # c * w / tot
        q1 = np.multiply(gcom, p1, out=p1)
        q2 = np.multiply(gcom, p2, out=p2)
        g = np.empty_like(theta)
        g[:, 0] = q1.sum(axis=1)
        g[:, 1] = q2.sum(axis=1)
        g[:, 2] = gcom.sum(axis=1) * p3[:, 0]
        g[:, 3] = -np.einsum("ij,j->i", q1, self.logn)
        g[:, 4] = -np.einsum("ij,j->i", q2, self.logd)
        g *= norm[:, None]
        f = np.where(np.isfinite(f) & np.isfinite(g).all(axis=1), f, np.inf)
        return f, g


def _batched_lbfgs(fun, x0, *, m=10, maxiter=1000, gtol=1e-7, ftol=1e-12, f_floor=1.0, max_ls=40):
    """Minimise K independent problems at once with L-BFGS and a backtracking line search.

    ``fun(x, idx)`` returns ``(f, g)`` for the rows ``idx`` of the problem batch. The two-loop
    recursion, the Armijo line search (quadratic interpolation) and the convergence tests
    (one step's decrease ``<= ftol * max(f_floor, |f|)``, or max-norm gradient ``<= gtol``)
    are vectorised over problems; finished problems leave the batch. With the default
    ``f_floor = 1`` the decrease test is absolute for ``|f| < 1`` (the normalised objective is
    O(1e-2)); ``f_floor = 0`` makes it relative. Returns ``x, f, iterations, converged``.
    """
    x = np.array(x0, dtype=float)
    k, p = x.shape
    ids = np.arange(k)
    f, g = fun(x, ids)
    niter = np.zeros(k, dtype=int)
    converged = np.zeros(k, dtype=bool)
    keep = np.isfinite(f)
    ids = ids[keep]
    # state of the active problems (compacted whenever some finish)
    xa, fa, ga = x[ids], f[ids], g[ids]
    S = np.zeros((m, ids.size, p))
    Y = np.zeros((m, ids.size, p))
    rho = np.zeros((m, ids.size))
    gamma = np.ones(ids.size)
    nhist = np.zeros(ids.size, dtype=int)
    c1 = 1e-4
    for it in range(maxiter):
        if ids.size == 0:
            break
        # two-loop recursion, newest pair first
        q = ga.copy()
        alphas = np.empty((m, ids.size))
        order = [(it - 1 - j) % m for j in range(m)]
        for j in order:
            ai = rho[j] * np.einsum("ij,ij->i", S[j], q)
            alphas[j] = ai
            q -= ai[:, None] * Y[j]
        r = gamma[:, None] * q
        for j in reversed(order):
            bi = rho[j] * np.einsum("ij,ij->i", Y[j], r)
            r += S[j] * (alphas[j] - bi)[:, None]
        d = -r
        gd = np.einsum("ij,ij->i", ga, d)
        bad = ~(gd < 0)
        if bad.any():
            d[bad] = -ga[bad]
            gd[bad] = -np.einsum("ij,ij->i", ga[bad], ga[bad])
        dn = np.sqrt(np.einsum("ij,ij->i", d, d))
        t = np.where(nhist == 0, np.minimum(1.0, 1.0 / np.maximum(dn, 1e-300)), 1.0)
        xn = xa + t[:, None] * d
        fn, gn = fun(xn, ids)
        ok = fn <= fa + c1 * t * gd
        for _ in range(max_ls):
            if ok.all():
                break
            sub = np.flatnonzero(~ok)
            ts = t[sub]
            denom = 2.0 * (fn[sub] - fa[sub] - gd[sub] * ts)
            pos = np.isfinite(denom) & (denom > 0)
            tq = np.where(pos, -gd[sub] * ts * ts / np.where(pos, denom, 1.0), 0.5 * ts)
            t[sub] = np.clip(tq, 0.1 * ts, 0.5 * ts)
            xn[sub] = xa[sub] + t[sub, None] * d[sub]
            fs, gs = fun(xn[sub], ids[sub])
            fn[sub] = fs
            gn[sub] = gs
            ok[sub] = fs <= fa[sub] + c1 * t[sub] * gd[sub]
        s = xn - xa
        yv = gn - ga
        sy = np.einsum("ij,ij->i", s, yv)
        yy = np.einsum("ij,ij->i", yv, yv)
        ss = np.einsum("ij,ij->i", s, s)
        good = ok & (sy > 1e-12 * np.sqrt(yy * ss))
        slot = it % m
        S[slot] = np.where(good[:, None], s, 0.0)
        Y[slot] = np.where(good[:, None], yv, 0.0)
        rho[slot] = np.where(good, 1.0 / np.where(good, sy, 1.0), 0.0)
        gamma = np.where(good, sy / np.where(good, yy, 1.0), gamma)
        nhist += good
        fold = fa
        xa = np.where(ok[:, None], xn, xa)
        fa = np.where(ok, fn, fa)
        ga = np.where(ok[:, None], gn, ga)
        niter[ids] += 1
        small_df = ok & ((fold - fa) <= ftol * np.maximum(f_floor, np.abs(fa)))
        small_g = np.abs(ga).max(axis=1) <= gtol
        conv = small_df | small_g
        done = conv | ~ok  # a failed line search means no further progress is possible
        if done.any():
            x[ids[done]] = xa[done]
            f[ids[done]] = fa[done]
            converged[ids[conv]] = True
            live = ~done
            ids, xa, fa, ga = ids[live], xa[live], fa[live], ga[live]
            S, Y, rho = S[:, live], Y[:, live], rho[:, live]
            gamma, nhist = gamma[live], nhist[live]
    if ids.size:
        x[ids] = xa
        f[ids] = fa
    return x, f, niter, converged


#: Stopping rule of the bootstrap refits: stop when one step lowers the objective by at most
#: 1e-14 of its value (relative). The search's absolute 1e-12 left 6-25% of refits more than
#: 1e-6 (relative) above their resample's optimum on synthetic Chinchilla-like data; this rule
#: leaves none, at about 10% more time (benchmarks/bench_scaling.py).
_BOOTSTRAP_STOP = {"ftol": 1e-14, "f_floor": 0.0}


@dataclass(frozen=True, eq=False)
class ParametricFit(ParametricLoss):
    """A :class:`ParametricLoss` fitted to data, with the diagnostics of the fit.

    Attributes
    ----------
    objective : float
        Minimised objective, ``sum_i huber(r_i) / (delta n)`` (``r`` = log-loss residual).
    n_points, n_starts : int
        Number of data points and of starting points.
    share_at_best : float
        Fraction of starting points whose local optimum is within 1e-6 (relative) of the best:
        a measure of how easy the global optimum was to find.
    delta : float
        Huber threshold.
    bootstrap : ndarray or None
        Bootstrap refits, shape (B, 5), columns ``A, B, E, alpha, beta``; None if not asked.
    level : float
        Two-sided level of :meth:`interval` (e.g. 0.8 for a 10th-90th percentile interval).
    """

    objective: float = float("nan")
    n_points: int = 0
    n_starts: int = 0
    share_at_best: float = float("nan")
    delta: float = 1e-3
    bootstrap: np.ndarray | None = field(default=None, repr=False)
    level: float = 0.8

    def law(self) -> ParametricLoss:
        """The fitted constants as a plain :class:`ParametricLoss`."""
        return ParametricLoss(self.E, self.A, self.B, self.alpha, self.beta, self.name, self.source)

    def bootstrap_values(self, what: str) -> np.ndarray:
        """Bootstrap distribution of ``what``: one of A, B, E, alpha, beta, a, b, G."""
        _validate.one_of("what", what, (*_PARAM_NAMES, "a", "b", "G"))
        if self.bootstrap is None:
            raise ValueError("bootstrap=None: refit with fit_parametric_loss(..., n_bootstrap=N) to get intervals")
        bs = self.bootstrap
        cols = dict(zip(_PARAM_NAMES, bs.T, strict=True))
        if what == "a":
            return cols["beta"] / (cols["alpha"] + cols["beta"])
        if what == "b":
            return cols["alpha"] / (cols["alpha"] + cols["beta"])
        if what == "G":
            return (cols["alpha"] * cols["A"] / (cols["beta"] * cols["B"])) ** (1 / (cols["alpha"] + cols["beta"]))
        return cols[what]

    def interval(self, what: str, level: float | None = None) -> tuple[float, float]:
        """Percentile bootstrap interval of ``what`` (A, B, E, alpha, beta, a, b or G)."""
        lev = self.level if level is None else _validate.in_range("level", level, 0, 1, low_open=True, high_open=True, scalar=True)
        vals = self.bootstrap_values(what)
        lo, hi = np.percentile(vals, [50 * (1 - lev), 50 * (1 + lev)])
        return float(lo), float(hi)

    def standard_error(self, what: str) -> float:
        """Bootstrap standard deviation of ``what``."""
        return float(np.std(self.bootstrap_values(what), ddof=1))


def fit_parametric_loss(params, tokens, loss, *, delta=1e-3, starts=None, n_bootstrap=0, level=0.8,
                        seed=0, name="refit", source="", polish=5):
    """Fit ``L = E + A/N**alpha + B/D**beta`` the way Hoffmann et al. (2022) did.

    Minimises the Huber loss (threshold ``delta``) of the residuals between the observed
    log-loss and ``LSE(a - alpha log N, b - beta log D, e)`` (``A = e**a`` etc.) with L-BFGS
    from every point of a grid of starts, and keeps the best optimum. All starts run together
    in one vectorised L-BFGS with analytic gradients; the few best optima are then polished
    with scipy's L-BFGS-B to tight tolerances.

    Parameters
    ----------
    params, tokens : array_like
        Parameters ``N`` and training tokens ``D`` of each run, > 0, same length (>= 6).
    loss : array_like
        Final loss of each run (nats per token), > 0.
    delta : float
        Huber threshold on log-loss residuals, > 0 (default 1e-3 as in the paper).
    starts : array_like of shape (K, 5) or dict, optional
        Starting points as rows ``(log A, log B, log E, alpha, beta)``, or a grid dict for
        :func:`start_grid`. Default: the 4,500-point grid :data:`HOFFMANN_GRID`.
    n_bootstrap : int
        Number of bootstrap resamples (with replacement) to refit, each started from the
        full-data optimum and run until a step lowers its objective by at most 1e-14 of its
        value; 0 for none.
    level : float
        Level of the bootstrap intervals, in (0, 1); 0.8 gives 10th-90th percentiles as in
        Hoffmann et al. (2022, Table 2).
    seed : int
        Seed of the bootstrap resampling.
    name, source : str
        Label and bib key given to the result.
    polish : int
        Number of best distinct optima re-optimised with scipy's L-BFGS-B, >= 1.

    Returns
    -------
    ParametricFit
        The fitted law (a :class:`ParametricLoss`) with the fit's diagnostics and intervals.

    Raises
    ------
    ValueError
        If the inputs are not positive and finite, have different lengths or fewer than 6
        points, or if no start converges to positive constants.

    References
    ----------
    hoffmann2022training (App. D.2), besiroglu2024chinchilla
    """
    from scipy.optimize import minimize

    n = _validate.positive("params", params).ravel()
    d = _validate.positive("tokens", tokens).ravel()
    lo = _validate.positive("loss", loss).ravel()
    if not (n.size == d.size == lo.size):
        raise ValueError(f"params, tokens and loss have lengths {n.size}, {d.size}, {lo.size}; they must be equal")
    if n.size < 6:
        raise ValueError(f"params has {n.size} points; the five-constant fit needs at least 6")
    dl = _validate.positive("delta", delta, scalar=True)
    nb = _validate.integer("n_bootstrap", n_bootstrap, 0, 1_000_000)
    lev = _validate.in_range("level", level, 0, 1, low_open=True, high_open=True, scalar=True)
    npol = _validate.integer("polish", polish, 1)
    seed = _validate.integer("seed", seed, 0, 2**63 - 1)
    if starts is None or isinstance(starts, dict):
        x0 = start_grid(starts)
    else:
        x0 = _validate.finite("starts", starts)
        if x0.ndim != 2 or x0.shape[1] != 5:
            raise ValueError(f"starts has shape {x0.shape}; give an array of shape (K, 5)")
    for key, values in (("params", n), ("tokens", d)):
        distinct = np.unique(values).size
        if distinct < 2:
            raise ValueError(
                f"{key} takes {distinct} distinct value(s); the fit cannot identify "
                f"{'A and alpha' if key == 'params' else 'B and beta'} from E: give at least 2 distinct values "
                "(3 or more to identify them well)"
            )
        if distinct < 3:
            warnings.warn(
                f"{key} takes only {distinct} distinct values; "
                f"{'A, alpha' if key == 'params' else 'B, beta'} and E are weakly identified "
                "(give at least 3 distinct values)", UserWarning, stacklevel=2)
    logn, logd, y = np.log(n), np.log(d), np.log(lo)

    obj = _HuberLSE(logn, logd, y, dl, np.ones((1, n.size)))
    x, f, _, _ = _batched_lbfgs(obj, x0)
    best = float(np.min(f))
    if not np.isfinite(best):
        raise ValueError("no starting point gave a finite objective; check params, tokens and loss")

    def single(th):
        fv, gv = obj(th[None, :], None)
        return float(fv[0]), gv[0]

    # polish the best distinct optima
    order = np.argsort(f)
    picked: list[np.ndarray] = []
    for i in order:
        if len(picked) >= npol or not np.isfinite(f[i]):
            break
        if all(np.max(np.abs(x[i] - q)) > 1e-6 for q in picked):
            picked.append(x[i])
    results = []
    for th in picked:
        res = minimize(single, th, jac=True, method="L-BFGS-B",
                       options={"maxiter": 20000, "ftol": 1e-15, "gtol": 1e-11, "maxcor": 20})
        results.append((float(res.fun), res.x))
    results.append((best, x[order[0]]))
    fbest, theta = min(results, key=lambda t: t[0])
    share = float(np.mean(f <= fbest + 1e-6 * max(1.0, abs(fbest))))

    boot = None
    if nb:
        rng = np.random.default_rng(seed)
        w = rng.multinomial(n.size, np.full(n.size, 1.0 / n.size), size=nb).astype(float)
        bobj = _HuberLSE(logn, logd, y, dl, w)
        xb, _, _, _ = _batched_lbfgs(bobj, np.repeat(theta[None, :], nb, axis=0), **_BOOTSTRAP_STOP)
        boot = np.column_stack([np.exp(xb[:, :3]), xb[:, 3:]])

    a_, b_, e_, al, be = theta
    if not (al > 0 and be > 0):
        raise ValueError(f"the best fit has alpha={al:.4g}, beta={be:.4g}; both must be > 0 for a ParametricLoss")
    return ParametricFit(
        E=math.exp(e_), A=math.exp(a_), B=math.exp(b_), alpha=al, beta=be, name=name, source=source,
        objective=fbest, n_points=int(n.size), n_starts=int(x0.shape[0]), share_at_best=share,
        delta=dl, bootstrap=boot, level=lev,
    )


# ------------------------------------------------------------------------------------------
# Power laws in log space
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PowerLawFit:
    """Least-squares fit of ``y = coef * x**exponent`` in log space, with t intervals.

    Attributes
    ----------
    exponent, coef : float
        Fitted exponent and coefficient.
    exponent_interval, coef_interval : tuple of float
        Two-sided intervals at ``level`` (Student t on the log-space regression).
    level : float
        Interval level.
    n : int
        Number of points.
    log_residual_sd : float
        Residual standard deviation in natural-log units.
    """

    exponent: float
    coef: float
    exponent_interval: tuple[float, float]
    coef_interval: tuple[float, float]
    level: float
    n: int
    log_residual_sd: float

    @_validate.finite_returns
    def predict(self, x):
        """``coef * x**exponent`` for ``x`` > 0."""
        xv = _validate.positive("x", x)
        with np.errstate(over="ignore"):
            out = self.coef * xv**self.exponent
        return _out(_validate.finite_result(out, "the prediction", x=x))


def fit_power_law(x, y, *, level=0.8):
    """Fit ``y = coef * x**exponent`` by ordinary least squares on ``log y`` vs ``log x``.

    Parameters
    ----------
    x, y : array_like
        Positive, finite, same length, at least 3 points, ``x`` not all equal.
    level : float
        Level of the intervals, in (0, 1); default 0.8 (10th-90th percentile, as in
        Hoffmann et al. 2022, Table 2).

    Returns
    -------
    PowerLawFit

    Raises
    ------
    ValueError
        On non-positive or non-finite input, unequal lengths, fewer than 3 points or constant
        ``x``.

    Examples
    --------
    >>> fit = fit_power_law([1, 10, 100], [2, 20, 200])
    >>> round(fit.exponent, 6), round(fit.coef, 6)
    (1.0, 2.0)
    """
    from scipy import stats

    xv = _validate.positive("x", x).ravel()
    yv = _validate.positive("y", y).ravel()
    if xv.size != yv.size:
        raise ValueError(f"x and y have lengths {xv.size} and {yv.size}; they must be equal")
    if xv.size < 3:
        raise ValueError(f"x has {xv.size} points; a power-law fit with intervals needs at least 3")
    lev = _validate.in_range("level", level, 0, 1, low_open=True, high_open=True, scalar=True)
    lx, ly = np.log(xv), np.log(yv)
    mx = lx.mean()
    sxx = float(((lx - mx) ** 2).sum())
    if sxx <= 0:
        raise ValueError(f"x={xv[0]!r} for every point; x must vary to fit an exponent")
    slope = float(((lx - mx) * (ly - ly.mean())).sum() / sxx)
    icpt = float(ly.mean() - slope * mx)
    res = ly - (icpt + slope * lx)
    dof = xv.size - 2
    s2 = float((res**2).sum() / dof) if dof > 0 else 0.0
    se_slope = math.sqrt(s2 / sxx)
    se_icpt = math.sqrt(s2 * (1.0 / xv.size + mx * mx / sxx))
    tq = float(stats.t.ppf(0.5 + lev / 2, dof))
    return PowerLawFit(
        exponent=slope,
        coef=math.exp(icpt),
        exponent_interval=(slope - tq * se_slope, slope + tq * se_slope),
        coef_interval=(math.exp(icpt - tq * se_icpt), math.exp(icpt + tq * se_icpt)),
        level=lev,
        n=int(xv.size),
        log_residual_sd=math.sqrt(s2),
    )


# ------------------------------------------------------------------------------------------
# "Smaller models" closed forms
# ------------------------------------------------------------------------------------------


@_validate.finite_returns
def equal_exponent_data_multiplier(exponent, shrink):
    """Data multiplier ``(2 - s**x)**(-1/x)`` for shrinking an optimal model when alpha = beta = x.

    Parameters
    ----------
    exponent : float or array_like
        The common exponent ``x = alpha = beta``, > 0 and < log 2 / log s.
    shrink : float or array_like
        Size reduction factor ``s``, >= 1.

    Raises
    ------
    ValueError
        If ``s**x >= 2`` (no amount of data reaches the loss).

    Examples
    --------
    >>> round(equal_exponent_data_multiplier(0.5, 1.0), 12)
    1.0
    """
    x = _validate.positive("exponent", exponent)
    s = _validate.in_range("shrink", shrink, 1.0, math.inf)
    inner = 2.0 - s**x
    if np.any(inner <= 0):
        raise ValueError(
            f"exponent={_first(x, inner <= 0)!r} with shrink={_first(s, inner <= 0)!r} is unreachable: "
            "shrink**exponent must be < 2"
        )
    return _out(inner ** (-1.0 / x))


@_validate.finite_returns
def exponent_for_data_multiplier(multiplier, shrink=3.0):
    """The common exponent ``alpha = beta`` at which shrinking by ``shrink`` needs ``multiplier`` x data.

    Solves ``(2 - s**x)**(-1/x) = multiplier`` for ``x`` (the left side rises from ``s`` at
    ``x -> 0`` to infinity at ``x = log 2 / log s``).

    Parameters
    ----------
    multiplier : float
        Data multiplier, > shrink (at ``x -> 0`` the multiplier tends to ``s``).
    shrink : float
        Size reduction factor, > 1.

    Raises
    ------
    ValueError
        If ``multiplier <= shrink`` or ``shrink <= 1``.
    """
    from scipy.optimize import brentq

    s = _validate.in_range("shrink", shrink, 1.0, math.inf, low_open=True, scalar=True)
    m = _validate.in_range("multiplier", multiplier, s, math.inf, low_open=True, scalar=True)
    hi = math.log(2.0) / math.log(s)
    f = lambda x: math.log(equal_exponent_data_multiplier(x, s)) - math.log(m)  # noqa: E731
    lo, hi = 1e-9, hi * (1 - 1e-12)
    if f(lo) * f(hi) > 0:
        top = equal_exponent_data_multiplier(hi, s)
        raise ValueError(f"multiplier={m!r} is outside ({s:g}, {top:.6g}), the multipliers an exponent in "
                         f"(0, log 2 / log shrink) gives for shrink={s!r}")
    return float(brentq(f, lo, hi, xtol=1e-14))


def _first(arr, mask):
    arr = np.broadcast_to(np.asarray(arr, dtype=float), mask.shape)
    return arr[mask].flat[0] if mask.ndim else float(arr)


# ------------------------------------------------------------------------------------------
# Data and essay claims (chapters "Compute-optimal training" and "Making models smaller")
# ------------------------------------------------------------------------------------------


def _load(name):
    from analysis import datasets

    return datasets.load(name)


#: Essay B's numbers used here: short name -> claim id of ``data/claims.csv`` (their one home).
ESSAY_IDS = {
    "tokens_llama3": "B06", "params_at_15t": "B07", "flops_at_15t": "B08", "tokens_per_param": "B66",
    "shrink": "B67", "data_multiplier": "B13", "compute_multiplier": "B14", "params_small": "B23",
    "tokens_small": "B19", "flops_small": "B18", "flops_large": "B11", "params_overtrained_large": "B30",
}


def essay(claim: str) -> float:
    """The value of one of essay B's numbers, read from the claims ledger (:data:`ESSAY_IDS`).

    Raises
    ------
    ValueError
        If ``claim`` is not a name of :data:`ESSAY_IDS` (the message lists the names).
    """
    from analysis import essays

    _validate.one_of("claim", claim, list(ESSAY_IDS))
    return essays.value(ESSAY_IDS[claim])


def chinchilla_table3():
    """Chinchilla Table 3 (Approach 1) as a DataFrame: ``params``, ``flops``, ``tokens``."""
    return _load("chinchilla_table3")


def notable_models():
    """The notable-models table (``data/notable_models.csv``)."""
    return _load("notable_models")


def claim_compute_optimal_params_at_15t(a) -> float:
    """Parameters of the 20-tokens-per-parameter optimum trained on Llama 3's 15T tokens (essay: 750B)."""
    rule = TWENTY_TOKENS_PER_PARAM
    return float(rule.params(rule.flops_for_tokens(essay("tokens_llama3"))))


def claim_compute_optimal_flops_at_15t(a) -> float:
    """Training compute (6ND) of that model, in FLOP (essay: 7e25)."""
    return float(TWENTY_TOKENS_PER_PARAM.flops_for_tokens(essay("tokens_llama3")))


def claim_compute_optimal_table3_tokens_per_param(a) -> float:
    """Mean tokens per parameter of Chinchilla's Table 3 rows (essay: 20)."""
    t = chinchilla_table3()
    return float(np.mean(t["tokens"] / t["params"]))


def claim_smaller_models_data_multiplier(a) -> float:
    """Data multiplier for a 3x smaller model at equal loss, Epoch refit, from its optimum (essay: 9)."""
    return float(BESIROGLU_2024.optimum_shrink_multipliers(essay("shrink"))[0])


def claim_smaller_models_compute_multiplier(a) -> float:
    """Compute multiplier for a 3x smaller model at equal loss, Epoch refit, from its optimum (essay: 3)."""
    return float(BESIROGLU_2024.optimum_shrink_multipliers(essay("shrink"))[1])


def claim_smaller_models_exponent_for_nine(a) -> float:
    """Common exponent alpha = beta at which 3x smaller needs 9x data (the essay's implicit law)."""
    return exponent_for_data_multiplier(essay("data_multiplier"), essay("shrink"))


def claim_smaller_models_tokens_small(a) -> float:
    """Tokens a 250B model needs to match the 750B / 15T model, Epoch refit (essay: 135T)."""
    n = essay("params_at_15t")
    d = essay("tokens_llama3")
    data, _ = BESIROGLU_2024.shrink_multipliers(n, d, n / essay("params_small"))
    return float(data * d)


def claim_smaller_models_flops_small(a) -> float:
    """Training compute of that 250B run in FLOP, Epoch refit (essay: 2e26)."""
    return float(training_flops(essay("params_small"), claim_smaller_models_tokens_small(a)))


def claim_smaller_models_params_overtrained_large(a) -> float:
    """A third of the 20-tokens-per-parameter optimum at 2e27 FLOP (essay: 1300B active parameters)."""
    return float(TWENTY_TOKENS_PER_PARAM.params(essay("flops_large")) / essay("shrink"))
