"""The argument checks of ``analysis._validate``, and regressions for the worst cases of issue 13 §4.

Each regression test names the call the outside fuzz reported (a hang, a non-ValueError, a silent
inf/NaN, ``True`` taken for 1, a message without the parameter) and fails on the code before the fix.
"""

from __future__ import annotations

import signal
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import _validate as v
from analysis import hardware, inference, isoflop, prices, repetition, sampling, scaling
from analysis.scaling import HOFFMANN_2022

# ------------------------------------------------------------------------------------------
# The checks
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check", [v.finite, v.positive, v.nonnegative,
                                   lambda n, x: v.in_range(n, x, 0.0, 1.0, low_open=True)])
@pytest.mark.parametrize(("value", "why"), [
    (True, "bool"), (False, "bool"), (np.bool_(True), "bool"), ([1.0, True], "bool"),
    (np.array([True, False]), "boolean"), (None, "None"), ("1", "string"), ("abc", "string"),
    (1 + 2j, "complex"), (np.array([1 + 0j]), "complex"), ([], "empty"), (np.array([]), "empty"),
    ([[1.0], [2.0, 3.0]], "regular array"), ([1.0, None], "not a number"), (["1", 2.0], "not a number"),
    (object(), "not a number"), (np.datetime64("2024-01-01"), "not a number"),
    (float("nan"), "outside|not finite"), ([0.5, float("inf")], "outside|not finite"),
])
def test_numeric_checks_reject_non_numbers_and_name_the_parameter(check, value, why):
    with pytest.raises(ValueError, match=rf"^mfu.*({why})"):
        check("mfu", value)


def test_in_range_message_gives_value_and_interval():
    with pytest.raises(ValueError, match=r"^mfu=1\.7 is outside \(0, 1\]$"):
        v.in_range("mfu", 1.7, 0.0, 1.0, low_open=True)
    with pytest.raises(ValueError, match=r"^x=-2\.0 is outside \[0, inf\)"):
        v.nonnegative("x", [1.0, -2.0])
    with pytest.raises(ValueError, match=r"^x=inf is outside \[1, inf\)$"):  # an open infinite end
        v.in_range("x", np.inf, 1.0, np.inf, high_open=True)


def test_checks_return_float_arrays_or_floats():
    out = v.positive("x", [1, 2])
    assert out.dtype == float and out.tolist() == [1.0, 2.0]
    assert v.positive("x", pd.Series([1.0, 2.0])).tolist() == [1.0, 2.0]
    assert v.positive("x", np.int64(3), scalar=True) == 3.0
    assert isinstance(v.in_range("x", 0.5, 0, 1, scalar=True), float)
    with pytest.raises(ValueError, match=r"^x=.* has shape \(2,\); give a single number"):
        v.positive("x", [1.0, 2.0], scalar=True)


@pytest.mark.parametrize(("value", "expected"), [(3, 3), (3.0, 3), (np.int64(3), 3), (np.array(3), 3)])
def test_integer_accepts_whole_numbers(value, expected):
    assert v.integer("n_draws", value, 1) == expected


@pytest.mark.parametrize("value", [None, True, False, 2.5, float("nan"), float("inf"), "3", [3], np.array([3, 4]),
                                   1 + 0j])
def test_integer_rejects_and_names_parameter_and_range(value):
    with pytest.raises(ValueError, match=r"^n_draws=.*whole number in \[1, 100\]"):
        v.integer("n_draws", value, 1, 100)


def test_integer_range_message():
    with pytest.raises(ValueError, match=r"^n_draws=0 is outside \[1, inf\]$"):
        v.integer("n_draws", 0, 1)


def test_one_of_is_strict_about_types_and_never_crashes():
    assert v.one_of("gpu", "H100 SXM", ["H100 SXM"]) == "H100 SXM"
    for bad in (True, 1.0 + 0j, np.array(["H100 SXM"]), ["H100 SXM"], None):
        with pytest.raises(ValueError, match=r"^gpu=.* is not one of \['H100 SXM'\]"):
            v.one_of("gpu", bad, ["H100 SXM"])
    with pytest.raises(ValueError, match="is not one of"):
        v.one_of("k", True, [1, 2])  # True == 1 in Python, but a bool is not a count


def test_flag_and_law():
    assert v.flag("size_limits", np.bool_(False)) is False
    for bad in (1, 0, "True", None, np.array([True])):
        with pytest.raises(ValueError, match=r"^size_limits=.* is not a bool"):
            v.flag("size_limits", bad)
    assert v.law("law", scaling.LLAMA3_PROSE) is scaling.LLAMA3_PROSE
    with pytest.raises(ValueError, match=r"^law=.* is not a ParametricLoss"):
        v.law("law", scaling.LLAMA3_PROSE, parametric=True)


def test_finite_returns_names_the_arguments():
    @v.finite_returns
    def square(x, *, y=1.0):
        return np.asarray(x) ** 2 * y

    assert square(3.0) == 9.0
    with pytest.raises(ValueError, match=r"^square\(x=1e\+200, y=1\.0\): the result is not finite"):
        square(1e200, y=1.0)
    with pytest.raises(ValueError, match=r"x \(2,\), y \(3,\), which do not broadcast"):
        square([1.0, 2.0], y=np.array([1.0, 2.0, 3.0]))


def test_finite_returns_prefixes_a_helpers_error_with_the_call():
    @v.finite_returns
    def outer(tokens):
        return v.positive("flops", tokens - 1.0)

    with pytest.raises(ValueError, match=r"^outer\(tokens=1\.0\): flops=0\.0 is outside"):
        outer(1.0)


# ------------------------------------------------------------------------------------------
# Regressions: the worst cases of issue 13 §4
# ------------------------------------------------------------------------------------------


class _Timeout(BaseException):
    pass


def _within(seconds, fn, *args, **kwargs):
    """Call ``fn``; fail if it takes more than ``seconds`` (the hang of issue 13)."""
    def alarm(signum, frame):
        raise _Timeout()

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args, **kwargs)
    except _Timeout:
        pytest.fail(f"{fn.__name__} did not return within {seconds} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_equal_quality_comparison_with_huge_demand_does_not_hang():
    with pytest.raises(ValueError, match=r"inference_tokens=1e\+100.*must be smaller"):
        _within(5, inference.equal_quality_comparison, HOFFMANN_2022, 13e9, 1e100, alternative_params=7e9)


def test_inference_aware_optimum_never_computes_a_complex_number():
    for loss, demand in [(2.2, 1e100), (2.2, 1e300), (1.6900001, 1e3), (1e300, 0.0)]:
        try:
            out = _within(5, inference.inference_aware_optimum, HOFFMANN_2022, loss, demand)
        except ValueError as exc:
            assert "loss=" in str(exc)
        else:
            assert all(np.isfinite(x) and x > 0 for x in out)


def test_inference_aware_optimum_still_matches_chinchilla_without_demand():
    n0, d0 = HOFFMANN_2022.compute_optimal(1e23)
    n, d, c = inference.inference_aware_optimum(HOFFMANN_2022, HOFFMANN_2022.loss(n0, d0), 0.0)
    assert n == pytest.approx(n0, rel=1e-9) and d == pytest.approx(d0, rel=1e-9)
    assert c == pytest.approx(1e23, rel=1e-9)


def test_overflow_is_an_error_naming_the_inputs_not_inf():
    with pytest.raises(ValueError, match=r"ratio=100, days=1.*not finite"):
        prices.annual_factor(100, 1)
    with pytest.raises(ValueError, match=r"data_multiplier=1e\+300 is outside \(0, 1e\+06\]"):
        repetition.data_constrained_loss(6.34e9, 242e9, 25e9, data_multiplier=1e300)
    with pytest.raises(ValueError, match=r"the budget is not finite for params=1e\+300"):
        HOFFMANN_2022.flops_for_params(1e300)


def test_ridge_batch_does_not_overflow_for_huge_models():
    # the ridge batch does not depend on N: (peak / bandwidth) x bits / 16
    assert inference.ridge_batch(1e300, 16, 1e12, 1e15) == pytest.approx(1000.0)
    assert inference.ridge_batch(8.03e9, 16, 3.35e12, 989e12) == pytest.approx(989e12 / 3.35e12)


def test_zero_peak_in_the_catalogue_is_an_error_not_inf(monkeypatch):
    cat = hardware.gpu_catalogue()
    cat.loc["H100 SXM", "tflops_fp8_dense"] = 0.0
    monkeypatch.setattr(hardware, "_catalogue", lambda: cat)
    with pytest.raises(ValueError, match=r"gpu='H100 SXM' has no positive fp8 dense peak"):
        hardware.flops_to_usd(1e24, usd_per_gpu_hour=2.0, mfu=0.4, gpu="H100 SXM")


def test_gpu_spec_has_no_nan():
    for gpu in hardware.gpu_names():
        spec = hardware.gpu_spec(gpu)
        assert not any(isinstance(x, float) and np.isnan(x) for x in spec.values()), gpu


@pytest.mark.parametrize("flag", [True, False, np.bool_(True)])
def test_true_is_not_one(flag):
    with pytest.raises(ValueError, match=r"^mfu=.* is not a number \(a bool"):
        hardware.flops_per_gpu_hour(mfu=flag, gpu="H100 SXM")
    with pytest.raises(ValueError, match=r"^n_layers=.* is not a number \(a bool"):
        inference.params_from_architecture(flag, 4096, 14336, 32, 8, 128256)
    with pytest.raises(ValueError, match=r"^k=.* is not a number \(a bool"):
        sampling.coverage(0.5, flag)


def test_generating_law_rejects_nan_at_once():
    with pytest.raises(ValueError, match=r"^law=nan is not a ParametricLoss"):
        isoflop.generating_law(float("nan"))


def test_integer_messages_name_the_parameter():
    from analysis import forecast

    with pytest.raises(ValueError, match=r"n_draws=None is missing; give a whole number in \[1, "):
        forecast.sevilla_reproduction(n_draws=None, seed=0, peak_flops_per_second=1e15)


def test_fit_parametric_loss_refuses_unidentifiable_data():
    with pytest.raises(ValueError, match=r"^params takes 1 distinct value.*cannot identify A and alpha"):
        scaling.fit_parametric_loss([1e9] * 6, [1e10] * 6, [2.5] * 6)
    n = np.array([1e9, 1e9, 1e9, 1e10, 1e10, 1e10])
    d = np.array([1e10, 3e10, 1e11, 1e10, 3e10, 1e11])
    with pytest.warns(UserWarning, match="params takes only 2 distinct values"):
        scaling.fit_parametric_loss(n, d, HOFFMANN_2022.loss(n, d), starts={
            "a": [6.0], "b": [6.0], "e": [0.5], "alpha": [0.3], "beta": [0.3]})
    n3 = np.array([1e9, 3e9, 1e10, 1e9, 3e9, 1e10])
    d3 = np.array([1e10, 3e10, 1e11, 3e10, 1e11, 1e10])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # three distinct values of each: no warning
        scaling.fit_parametric_loss(n3, d3, HOFFMANN_2022.loss(n3, d3), starts={
            "a": [6.0], "b": [6.0], "e": [0.5], "alpha": [0.3], "beta": [0.3]})
