"""Tests of analysis.sampling against closed forms, exact enumeration and simulation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from analysis import assumptions
from analysis import sampling as smp

probs = st.floats(0.0, 1.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(probs, st.integers(1, 5000))
def test_single_problem_coverage_is_one_minus_fail_to_the_k(p, k):
    assert smp.coverage(p, k) == pytest.approx(1 - (1 - p) ** k, abs=1e-12)


def test_coverage_examples():
    assert smp.coverage(0.5, 1) == 0.5
    assert smp.coverage(0.0, 100) == 0.0
    assert smp.coverage(1.0, 3) == 1.0
    np.testing.assert_allclose(smp.coverage([0.1, 0.2], 2), [0.19, 0.36])


@pytest.mark.parametrize("a,b,k", [(0.2, 1.0, 1), (0.2, 1.0, 100), (0.5, 3.0, 10), (2.0, 2.0, 7),
                                   (0.12, 0.65, 250)])
def test_beta_coverage_closed_form_equals_numerical_integral(a, b, k):
    d = smp.BetaDifficulty(a, b)
    expected, _ = integrate.quad(lambda p: (1 - (1 - p) ** k) * stats.beta.pdf(p, a, b), 0, 1,
                                 limit=500, points=[1e-6, 1e-4, 1e-2])
    assert d.coverage(k) == pytest.approx(expected, abs=1e-6)
    assert d.coverage(1) == pytest.approx(d.mean, rel=1e-12)


@pytest.mark.parametrize("k", [1, 10, 1000, 10000])
def test_grid_expectation_of_a_perfect_verifier_is_the_coverage(k):
    d = smp.BetaDifficulty(0.15, 0.8)
    assert d.verifier(k, 1.0, 0.0) == pytest.approx(d.coverage(k), abs=2e-4)


def _majority_by_enumeration(p, q, k):
    # enumerate every sequence of k votes over {right, common wrong, scattered}
    total = 0.0
    for seq in itertools.product((0, 1, 2), repeat=k):
        x, y = seq.count(0), seq.count(1)
        prob = p**x * q**y * (1 - p - q) ** (k - x - y)
        if x > y:
            total += prob
        elif x == y and x > 0:
            total += 0.5 * prob
    return total


@pytest.mark.parametrize("p,share,k", [(0.3, 0.5, 1), (0.3, 0.5, 4), (0.55, 1.0, 5), (0.2, 0.2, 6),
                                       (0.05, 0.9, 3)])
def test_majority_vote_equals_exact_enumeration(p, share, k):
    q = share * (1 - p)
    assert smp.majority_vote_accuracy(p, k, share) == pytest.approx(
        _majority_by_enumeration(p, q, k), abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(probs, st.floats(0.01, 1.0))
def test_majority_of_one_vote_is_pass_at_one(p, share):
    assert smp.majority_vote_accuracy(p, 1, share) == pytest.approx(p, abs=1e-12)


def test_majority_vote_plateau():
    d = smp.BetaDifficulty(0.4, 0.2)
    assert d.majority_vote(2000, 0.3, n=600) == pytest.approx(d.majority_vote_ceiling(0.3), abs=5e-3)


@settings(max_examples=60, deadline=None)
@given(probs, st.floats(0.0, 1.0), st.integers(1, 3000), st.integers(1, 3000))
def test_a_verifier_without_false_positives_never_lowers_accuracy(p, tpr, k1, k2):
    lo, hi = sorted([k1, k2])
    assert smp.verifier_accuracy(p, hi, tpr, 0.0) >= smp.verifier_accuracy(p, lo, tpr, 0.0) - 1e-12
    assert smp.verifier_accuracy(p, lo, tpr, 0.0) >= p - 1e-12


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 5.0), st.floats(0.01, 5.0), st.floats(0.3, 1.0), st.integers(1, 500))
def test_benchmark_accuracy_with_zero_fpr_never_falls(a, b, tpr, k):
    d = smp.BetaDifficulty(a, b)
    acc = d.verifier(np.array([k, k + 1, 2 * k]), tpr, 0.0, n=400)
    assert np.all(np.diff(acc) >= -1e-12)


def test_verifier_at_one_sample_is_pass_at_one_and_perfect_verifier_is_coverage():
    assert smp.verifier_accuracy(0.37, 1, 0.8, 0.2) == pytest.approx(0.37, abs=1e-12)
    assert smp.verifier_accuracy(0.37, 9, 1.0, 0.0) == pytest.approx(1 - 0.63**9, abs=1e-12)


def test_verifier_accuracy_matches_simulation():
    rng = np.random.default_rng(assumptions.load().seed)
    p, k, tpr, fpr = 0.2, 8, 0.85, 0.1
    trials = 200_000
    correct = rng.random((trials, k)) < p
    accept = np.where(correct, rng.random((trials, k)) < tpr, rng.random((trials, k)) < fpr)
    n_acc = accept.sum(1)
    # pick a uniformly random accepted sample, else a uniformly random sample
    pick_pool = np.where(n_acc[:, None] > 0, accept, True)
    u = rng.random((trials, k)) * pick_pool
    choice = np.argmax(u, axis=1)
    sim = correct[np.arange(trials), choice].mean()
    assert smp.verifier_accuracy(p, k, tpr, fpr) == pytest.approx(sim, abs=4 / math.sqrt(trials))


def test_false_positives_cap_accuracy():
    p, tpr, fpr = 0.1, 1.0, 0.05
    ceiling = smp.verifier_ceiling(p, tpr, fpr)
    assert ceiling == pytest.approx(0.1 / (0.1 + 0.9 * 0.05))
    acc = smp.verifier_accuracy(p, np.array([10, 100, 1000, 100000]), tpr, fpr)
    assert np.all(acc <= ceiling + 1e-12)
    assert acc[-1] == pytest.approx(ceiling, rel=1e-9)
    assert smp.verifier_ceiling(0.3, 0.0, 0.0) == pytest.approx(0.3)  # nothing accepted: random pick


def test_fit_beta_coverage_recovers_known_parameters():
    true = smp.BetaDifficulty(0.25, 1.7)
    ks = np.array([1, 5, 30, 250, 2000])
    fit = smp.fit_beta_coverage(ks, true.coverage(ks))
    assert fit.alpha == pytest.approx(0.25, rel=1e-5)
    assert fit.beta == pytest.approx(1.7, rel=1e-5)


def test_majority_fit_and_implied_fpr_reproduce_their_targets():
    d = smp.fit_beta_to_majority_vote(0.74, 64, 0.83, 0.3)
    assert d.mean == pytest.approx(0.74)
    assert d.majority_vote(64, 0.3, n=800) == pytest.approx(0.83, abs=1e-6)
    f = smp.implied_false_positive_rate(d, 1000, 0.93, 0.9)
    assert 0 < f < 1
    assert d.verifier(1000, 0.9, f) == pytest.approx(0.93, abs=1e-8)


@pytest.mark.parametrize("call", [
    lambda: smp.coverage(1.2, 3),
    lambda: smp.coverage(0.5, 0),
    lambda: smp.coverage(0.5, 2.5),
    lambda: smp.coverage(float("nan"), 2),
    lambda: smp.majority_vote_accuracy(0.5, 3, 0.0),
    lambda: smp.verifier_accuracy(0.5, 3, 1.1, 0.0),
    lambda: smp.verifier_accuracy(0.5, 3, 1.0, -0.1),
    lambda: smp.BetaDifficulty(0.0, 1.0),
    lambda: smp.BetaDifficulty.from_mean(1.0, 3.0),
    lambda: smp.fit_beta_coverage([1], [0.2]),
    lambda: smp.fit_beta_coverage([1, 10], [0.2, 1.0]),
    lambda: smp.fit_beta_coverage([1, 10, 100], [0.2, 0.5]),
    lambda: smp.implied_false_positive_rate(smp.BetaDifficulty(0.1, 1.0), 10, 0.99, 0.9),
    lambda: smp.implied_false_positive_rate("beta", 10, 0.5, 0.9),
])
def test_bad_input_raises(call):
    with pytest.raises(ValueError):
        call()
