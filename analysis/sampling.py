"""Repeated sampling: coverage, majority vote, and best-of-N with an imperfect verifier.

A model that solves a problem with probability ``p`` per independent sample solves it at least
once in ``k`` samples with probability ``1 - (1-p)**k`` (the *coverage*). Real benchmarks mix
easy and hard problems, so the benchmark-level curve is that expression averaged over a
distribution of per-problem success rates. With a Beta distribution the average has a closed
form, and a distribution with much mass near ``p = 0`` makes coverage grow like a power law in
``k`` over many orders of magnitude, the shape reported by "Large Language Monkeys" (Brown et
al. 2024).

Coverage is what a *perfect* verifier (unit tests, a proof checker) turns into accuracy. Without
one, a system must pick an answer:

* **majority vote** (:func:`majority_vote_accuracy`): the most common answer wins. It plateaus
  at the share of problems where the right answer is more likely than the most likely wrong one.
* **best-of-N with a verifier** that accepts correct samples with probability ``tpr`` and wrong
  ones with probability ``fpr`` (:func:`verifier_accuracy`): as ``k`` grows the pick is a random
  accepted sample, so accuracy tends to ``p tpr / (p tpr + (1-p) fpr)`` (:func:`verifier_ceiling`):
  any false-positive rate caps the gain, whatever the compute (Stroebl et al. 2024).

References
----------
brown2024monkeys, stroebl2024inference, cobbe2021training, openai2024learning

Examples
--------
>>> from analysis.sampling import coverage, BetaDifficulty
>>> f"{coverage(0.1, 10):.4f}"
'0.6513'
>>> f"{BetaDifficulty(0.2, 1.0).coverage(100):.3f}"
'0.635'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from analysis import _validate

__all__ = [
    "coverage",
    "majority_vote_accuracy",
    "verifier_accuracy",
    "verifier_ceiling",
    "BetaDifficulty",
    "fit_beta_coverage",
    "fit_beta_to_majority_vote",
    "implied_false_positive_rate",
]


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def _prob(name, value):
    return _validate.in_range(name, value, 0.0, 1.0)


#: Largest number of votes :func:`majority_vote_accuracy` takes (its FFT has ``2 k + 1`` points per problem).
MAX_VOTES = 100_000


def _samples(name, value):
    k = _validate.in_range(name, value, 1.0, np.inf)
    if np.any(k != np.round(k)):
        bad = k[k != np.round(k)].flat[0] if k.ndim else float(k)
        raise ValueError(f"{name}={bad!r} is not a whole number of samples")
    return k


@_validate.finite_returns
def coverage(p, k):
    """Probability that at least one of ``k`` independent samples is correct: ``1 - (1-p)**k``.

    Parameters
    ----------
    p : float or array_like
        Per-sample success probability of one problem, in [0, 1].
    k : int or array_like
        Number of samples, a whole number >= 1. Broadcast against ``p``.

    Returns
    -------
    float or ndarray
        Coverage in [0, 1].

    Raises
    ------
    ValueError
        If ``p`` is outside [0, 1] or ``k`` is not a whole number >= 1.

    References
    ----------
    brown2024monkeys (§2, pass@k)

    Examples
    --------
    >>> f"{coverage(0.5, 3):.3f}"
    '0.875'
    """
    p = _prob("p", p)
    k = _samples("k", k)
    with np.errstate(divide="ignore"):
        log_fail = np.log1p(-p)  # -inf when p = 1
    return _out(-np.expm1(k * log_fail))


@_validate.finite_returns
def majority_vote_accuracy(p, k, wrong_share):
    """Accuracy of a plurality vote over ``k`` samples, for problems solved with probability ``p``.

    Model: each sample gives the right answer with probability ``p``, the problem's most common
    wrong answer with probability ``q = wrong_share (1 - p)``, and otherwise a scattered wrong
    answer that never agrees with another. The vote is won by the right answer when it
    outnumbers the common wrong answer; a tie is broken by a coin; if neither appears the vote
    fails. At ``k = 1`` the accuracy is ``p``; as ``k`` grows it tends to 1 where ``p > q`` and
    to 0 where ``p < q`` -- the plateau of majority voting.

    Parameters
    ----------
    p : float or array_like
        Per-sample success probability, in [0, 1].
    k : int
        Number of samples (votes), a whole number in [1, MAX_VOTES] (100,000).
    wrong_share : float
        Share of the wrong-answer probability on the single most common wrong answer, in (0, 1].

    Returns
    -------
    float or ndarray
        Probability that the vote picks the right answer, same shape as ``p``.

    Raises
    ------
    ValueError
        If an input is out of range.

    Notes
    -----
    The margin ``X - Y`` (right minus common-wrong votes) is a sum of ``k`` steps of +1, -1 or 0
    with probabilities ``p``, ``q`` and ``1 - p - q``; its distribution is computed exactly with a
    fast Fourier transform of ``(q + (1-p-q) z + p z**2)**k``.

    Examples
    --------
    >>> f"{majority_vote_accuracy(0.6, 1, 1.0):.2f}"
    '0.60'
    >>> f"{majority_vote_accuracy(0.6, 3, 1.0):.3f}"
    '0.648'
    """
    p = _prob("p", p)
    k = int(_validate.integer("k", k, 1, MAX_VOTES))
    share = _validate.in_range("wrong_share", wrong_share, 0.0, 1.0, low_open=True)
    q = share * (1.0 - p)
    r = np.clip(1.0 - p - q, 0.0, 1.0)
    n = 2 * k + 1
    z = np.exp(-2j * np.pi * np.arange(n // 2 + 1) / n)  # values = rfft(coefficients)
    values = (q[..., None] + r[..., None] * z + p[..., None] * z**2) ** k
    pmf = np.clip(np.fft.irfft(values, n, axis=-1), 0.0, 1.0)  # index j <=> margin j - k
    win = pmf[..., k + 1:].sum(axis=-1)
    tie = pmf[..., k] - r**k  # margin 0 with at least one right or common-wrong vote
    return _out(np.clip(win + 0.5 * np.maximum(tie, 0.0), 0.0, 1.0))


@_validate.finite_returns
def verifier_accuracy(p, k, tpr, fpr):
    """Accuracy of best-of-``k`` selection with an imperfect binary verifier.

    Each of ``k`` samples is correct with probability ``p``. The verifier accepts a correct
    sample with probability ``tpr`` and a wrong one with probability ``fpr``; the system returns a
    uniformly random accepted sample, or a random sample if none is accepted. Then

    ``acc = (1 - (1-s)**k) a / s + (1-s)**k p (1 - tpr) / (1 - s)``,  with ``a = p tpr``,
    ``b = (1-p) fpr`` and ``s = a + b``.

    With ``tpr = 1`` and ``fpr = 0`` this is the coverage ``1 - (1-p)**k``; with ``fpr = 0`` it
    never decreases with ``k``.

    Parameters
    ----------
    p : float or array_like
        Per-sample success probability, in [0, 1].
    k : int or array_like
        Number of samples, whole number >= 1. Broadcast against ``p``.
    tpr, fpr : float or array_like
        The verifier's true- and false-positive rates, in [0, 1].

    Returns
    -------
    float or ndarray
        Accuracy in [0, 1].

    Raises
    ------
    ValueError
        If an input is out of range.

    References
    ----------
    stroebl2024inference

    Examples
    --------
    >>> f"{verifier_accuracy(0.3, 10, 1.0, 0.0):.4f}"
    '0.9718'
    >>> f"{verifier_accuracy(0.3, 10_000, 1.0, 0.1):.4f}"
    '0.8108'
    """
    p = _prob("p", p)
    k = _samples("k", k)
    tpr = _prob("tpr", tpr)
    fpr = _prob("fpr", fpr)
    a = p * tpr
    b = (1.0 - p) * fpr
    s = a + b
    with np.errstate(divide="ignore"):
        none = np.exp(k * np.log1p(-s))  # (1 - s)**k, exactly 0 when s = 1
    pick_accepted = np.divide(a, s, out=np.zeros(np.broadcast(a, s).shape), where=s > 0)
    fallback = np.divide(p - a, 1.0 - s, out=np.zeros(np.broadcast(p, s).shape), where=s < 1)
    return _out(np.clip((1.0 - none) * pick_accepted + none * fallback, 0.0, 1.0))


@_validate.finite_returns
def verifier_ceiling(p, tpr, fpr):
    """The limit of :func:`verifier_accuracy` as the number of samples grows without bound.

    ``p tpr / (p tpr + (1-p) fpr)``: the share of accepted samples that are correct. Where the
    verifier accepts nothing (``p tpr + (1-p) fpr = 0``) the system falls back to a random sample
    and the limit is ``p``.

    Parameters
    ----------
    p, tpr, fpr : float or array_like
        Per-sample success probability and the verifier's rates, each in [0, 1].

    Returns
    -------
    float or ndarray
        The accuracy ceiling in [0, 1].

    Raises
    ------
    ValueError
        If an input is out of range.

    Examples
    --------
    >>> f"{verifier_ceiling(0.1, 1.0, 0.01):.3f}"
    '0.917'
    """
    p = _prob("p", p)
    tpr = _prob("tpr", tpr)
    fpr = _prob("fpr", fpr)
    a = p * tpr
    s = a + (1.0 - p) * fpr
    ratio = np.divide(a, s, out=np.zeros(np.broadcast(a, s).shape), where=s > 0)
    return _out(np.where(s > 0, ratio, p))


@dataclass(frozen=True)
class BetaDifficulty:
    """A benchmark as a Beta(``alpha``, ``beta``) distribution of per-problem success rates.

    Parameters
    ----------
    alpha, beta : float
        Shape parameters, > 0. The mean success rate (pass@1) is ``alpha / (alpha + beta)``;
        ``alpha < 1`` puts much of the mass near 0 (many hard problems), which makes coverage
        grow like a power law in the number of samples.

    Examples
    --------
    >>> d = BetaDifficulty(0.5, 1.5)
    >>> f"{d.mean:.2f}"
    '0.25'
    """

    alpha: float
    beta: float

    def __post_init__(self):
        for key in ("alpha", "beta"):
            object.__setattr__(self, key, _validate.positive(key, getattr(self, key), scalar=True))

    @classmethod
    @_validate.finite_returns
    def from_mean(cls, mean, concentration) -> BetaDifficulty:
        """The Beta distribution with the given mean (in (0, 1)) and ``alpha + beta`` (> 0)."""
        m = _validate.in_range("mean", mean, 0.0, 1.0, low_open=True, high_open=True, scalar=True)
        c = _validate.positive("concentration", concentration, scalar=True)
        return cls(m * c, (1.0 - m) * c)

    @property
    def mean(self) -> float:
        """Mean per-sample success rate, i.e. the benchmark's pass@1."""
        return self.alpha / (self.alpha + self.beta)

    @_validate.finite_returns
    def coverage(self, k):
        """Benchmark coverage ``E[1 - (1-p)**k] = 1 - B(alpha, beta + k) / B(alpha, beta)``.

        Parameters
        ----------
        k : int or array_like
            Samples per problem, whole number >= 1.

        Returns
        -------
        float or ndarray
            Expected fraction of problems solved by at least one of ``k`` samples.
        """
        k = _samples("k", k)
        return _out(-np.expm1(special.betaln(self.alpha, self.beta + k)
                              - special.betaln(self.alpha, self.beta)))

    @_validate.finite_returns
    def grid(self, n=2000):
        """Quadrature grid ``(p, weights)`` for expectations over the distribution.

        The unit interval is cut into ``n`` bins equally spaced in logit(p) (dense near 0 and 1,
        where the curves of this module change fastest); each weight is the exact probability
        of its bin and sums to 1.

        Parameters
        ----------
        n : int
            Number of bins, >= 50.

        Returns
        -------
        (p, weights) : tuple of ndarray
        """
        n = _validate.integer("n", n, 50, 1_000_000)
        z = np.linspace(-28.0, 28.0, n - 1)
        edges = np.concatenate([[0.0], special.expit(z), [1.0]])
        weights = np.diff(special.betainc(self.alpha, self.beta, edges))
        mid = special.expit(0.5 * (z[1:] + z[:-1]))
        p = np.concatenate([[0.5 * edges[1]], mid, [1.0 - 0.5 * (1.0 - edges[-2])]])
        return p, weights

    @_validate.finite_returns
    def majority_vote(self, k, wrong_share, n=2000):
        """Expected majority-vote accuracy over the benchmark for each ``k`` (see
        :func:`majority_vote_accuracy`)."""
        ks = np.atleast_1d(_samples("k", k))
        p, w = self.grid(n)
        out = np.array([w @ majority_vote_accuracy(p, int(kk), wrong_share) for kk in ks.ravel()])
        return _out(out.reshape(ks.shape)) if np.ndim(k) else float(out[0])

    @_validate.finite_returns
    def verifier(self, k, tpr, fpr, n=2000):
        """Expected best-of-``k`` accuracy with a verifier of rates ``tpr``, ``fpr`` (see
        :func:`verifier_accuracy`); ``k`` may be an array."""
        ks = _samples("k", k)
        p, w = self.grid(n)
        acc = verifier_accuracy(p.reshape((-1,) + (1,) * ks.ndim), ks, tpr, fpr)
        return _out(np.tensordot(w, acc, axes=(0, 0)))

    @_validate.finite_returns
    def verifier_ceiling(self, tpr, fpr, n=2000):
        """Expected accuracy ceiling ``E[p tpr / (p tpr + (1-p) fpr)]`` as samples grow without
        bound (see :func:`verifier_ceiling`)."""
        p, w = self.grid(n)
        return float(w @ verifier_ceiling(p, tpr, fpr))

    @_validate.finite_returns
    def majority_vote_ceiling(self, wrong_share):
        """Majority-vote accuracy as samples grow without bound: the probability that the right
        answer is more likely than the most common wrong one, ``P(p > s (1-p))``."""
        s = _validate.in_range("wrong_share", wrong_share, 0.0, 1.0, low_open=True, scalar=True)
        threshold = s / (1.0 + s)
        return float(special.betaincc(self.alpha, self.beta, threshold))


def fit_beta_coverage(samples, coverage_fraction) -> BetaDifficulty:
    """Fit a :class:`BetaDifficulty` to published coverage-versus-samples points.

    Least squares on the logit of coverage, over ``log alpha`` and ``log beta``, from a grid of
    starting points (the best fit is kept).

    Parameters
    ----------
    samples : array_like
        Samples per problem of each point, whole numbers >= 1.
    coverage_fraction : array_like
        Coverage at those points, each in (0, 1) (fractions, not percent).

    Returns
    -------
    BetaDifficulty

    Raises
    ------
    ValueError
        If fewer than two points are given, lengths differ, or a value is out of range.

    Examples
    --------
    >>> true = BetaDifficulty(0.3, 2.0)
    >>> ks = [1, 10, 100, 1000]
    >>> fit = fit_beta_coverage(ks, true.coverage(ks))
    >>> f"{fit.alpha:.3f} {fit.beta:.3f}"
    '0.300 2.000'
    """
    k = np.atleast_1d(_samples("samples", samples))
    c = np.atleast_1d(_validate.in_range("coverage_fraction", coverage_fraction, 0.0, 1.0,
                                         low_open=True, high_open=True))
    if k.shape != c.shape:
        raise ValueError(f"samples has {k.size} values but coverage_fraction has {c.size}; give arrays of the "
                         "same length")
    if k.size < 2:
        raise ValueError(f"samples has {k.size} point(s); give at least 2 to fit two parameters")
    target = special.logit(c)

    def resid(x):
        d = BetaDifficulty(np.exp(x[0]), np.exp(x[1]))
        return special.logit(np.clip(d.coverage(k), 1e-15, 1 - 1e-15)) - target

    best = None
    for la in np.log([0.05, 0.3, 1.0, 3.0]):
        for lb in np.log([0.3, 1.0, 5.0, 30.0]):
            sol = optimize.least_squares(resid, [la, lb], bounds=([-12, -12], [8, 12]),
                                         xtol=1e-14, ftol=1e-14, gtol=1e-14)
            if best is None or sol.cost < best.cost:
                best = sol
    return BetaDifficulty(float(np.exp(best.x[0])), float(np.exp(best.x[1])))


def fit_beta_to_majority_vote(mean, samples, accuracy, wrong_share) -> BetaDifficulty:
    """The Beta difficulty with a given pass@1 whose majority vote of ``samples`` votes reaches
    ``accuracy``.

    Solves for the concentration ``alpha + beta`` at fixed mean (a more spread-out distribution
    has more problems that voting gets right every time and more it never gets right).

    Parameters
    ----------
    mean : float
        Single-sample accuracy (pass@1), in (0, 1).
    samples : int
        Number of votes, >= 2.
    accuracy : float
        Published majority-vote accuracy at ``samples`` votes, in (0, 1).
    wrong_share : float
        See :func:`majority_vote_accuracy`.

    Returns
    -------
    BetaDifficulty

    Raises
    ------
    ValueError
        If an input is out of range or no concentration in [1e-3, 1e4] reproduces ``accuracy``.
    """
    m = _validate.in_range("mean", mean, 0.0, 1.0, low_open=True, high_open=True, scalar=True)
    k = _validate.integer("samples", samples, 2, MAX_VOTES)
    acc = _validate.in_range("accuracy", accuracy, 0.0, 1.0, low_open=True, high_open=True, scalar=True)

    def gap(log_c):
        return BetaDifficulty.from_mean(m, np.exp(log_c)).majority_vote(k, wrong_share, n=800) - acc

    lo, hi = np.log(1e-3), np.log(1e4)
    g_lo, g_hi = gap(lo), gap(hi)
    if g_lo * g_hi > 0:
        raise ValueError(
            f"accuracy={acc!r} is not reachable by a {k}-vote majority with mean={m!r} and "
            f"wrong_share={wrong_share!r}: concentrations 1e-3..1e4 give "
            f"{g_lo + acc:.3f}..{g_hi + acc:.3f}"
        )
    log_c = optimize.brentq(gap, lo, hi, xtol=1e-10)
    return BetaDifficulty.from_mean(m, np.exp(log_c))


@_validate.finite_returns
def implied_false_positive_rate(difficulty, samples, accuracy, tpr):
    """The verifier false-positive rate at which best-of-``samples`` reaches ``accuracy``.

    Parameters
    ----------
    difficulty : BetaDifficulty
        The benchmark's distribution of per-problem success rates.
    samples : int
        Samples re-ranked, >= 1.
    accuracy : float
        Target accuracy, in (0, 1).
    tpr : float
        The verifier's true-positive rate, in (0, 1].

    Returns
    -------
    float
        The false-positive rate in [0, 1].

    Raises
    ------
    ValueError
        If the accuracy is above what a verifier with no false positives achieves, or below
        what one that accepts every wrong sample achieves.
    """
    if not isinstance(difficulty, BetaDifficulty):
        raise ValueError(f"difficulty={difficulty!r} is not a BetaDifficulty")
    k = _validate.integer("samples", samples, 1)
    acc = _validate.in_range("accuracy", accuracy, 0.0, 1.0, low_open=True, high_open=True, scalar=True)
    t = _validate.in_range("tpr", tpr, 0.0, 1.0, low_open=True, scalar=True)

    def gap(f):
        return difficulty.verifier(k, t, f) - acc

    best, worst = gap(0.0), gap(1.0)
    if best < 0:
        raise ValueError(
            f"accuracy={acc!r} is above {best + acc:.4f}, what best-of-{k} reaches with no false "
            f"positives at tpr={t!r}"
        )
    if worst > 0:
        raise ValueError(
            f"accuracy={acc!r} is below {worst + acc:.4f}, what best-of-{k} reaches even when "
            "every wrong sample is accepted"
        )
    return float(optimize.brentq(gap, 0.0, 1.0, xtol=1e-12))
