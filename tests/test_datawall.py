"""Tests of analysis.datawall: closed forms, the papers' own numbers, the Monte Carlo, bad input.

Expected values come from outside the module: closed forms of the 20-tokens-per-parameter rule
(C = 6 N D with D = 20 N, so C = 0.3 D^2), Chinchilla's exponent b = alpha / (alpha + beta)
from the printed alpha = 0.34, beta = 0.28, Villalobos et al.'s printed numbers, Muennighoff et
al.'s R_D* = 15.387756, and the hand-computed values of the fact sheet (e.g. 50T x 16 epochs ->
529T effective tokens -> 8.40e28 FLOP).
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import assumptions, datawall, scaling

A = assumptions.load()  # the file's assumptions, for the claim functions

TWENTY = scaling.TWENTY_TOKENS_PER_PARAM


def _assumed(func):
    """The current assumption values for every keyword argument of ``func`` that is an assumption."""
    table = assumptions.load()
    return {k: table[k] for k in inspect.signature(func).parameters if k in table}


# --- fits as power laws -------------------------------------------------------------------------


def test_twenty_tokens_rule_is_the_closed_form():
    k, b = datawall.fit_power_law(TWENTY)
    assert b == pytest.approx(0.5)
    assert k == pytest.approx(math.sqrt(20 / 6))


def test_chinchilla_approach_3_exponent():
    # b = alpha / (alpha + beta) with the printed alpha = 0.34, beta = 0.28 (Hoffmann et al., Eq. 10)
    _, b = datawall.fit_power_law(scaling.PARAMETRIC_FITS["hoffmann"])
    assert b == pytest.approx(0.34 / 0.62)


def test_every_fit_is_used():
    assert set(datawall.fits()) == set(scaling.PARAMETRIC_FITS) | set(scaling.ALLOCATIONS)


def test_tokens_at_2e27_span_the_fact_sheets_range():
    # Fact sheet, table 4.1 (independent computation): Epoch refit 70.6T ... Hoffmann A3 as printed 261T.
    table = datawall.optimal_tokens_table(2e27)
    col = table.columns[-1]
    assert table[col].min() == pytest.approx(70.6e12, rel=0.01)
    assert table[col].max() == pytest.approx(261e12, rel=0.01)
    assert table.loc["twenty", col] == pytest.approx(math.sqrt(20 * 2e27 / 6))


# --- where the wall binds -------------------------------------------------------------------------


def test_wall_under_twenty_rule_is_0_3_d_squared():
    assert datawall.wall_flops(8e13, TWENTY) == pytest.approx(0.3 * 8e13**2)


def test_overtraining_by_k_divides_the_twenty_rule_wall_by_k():
    # D = sqrt(k) D_opt(C) = sqrt(k) sqrt(C / 0.3)  =>  C = 0.3 D^2 / k
    assert datawall.wall_flops(3e14, TWENTY, overtrain_factor=5) == pytest.approx(0.3 * 9e28 / 5)
    assert datawall.optimal_tokens(1e27, TWENTY, overtrain_factor=4) == pytest.approx(2 * math.sqrt(1e27 / 0.3))


@settings(max_examples=30, deadline=None)
@given(tokens=st.floats(1e10, 1e17), fit=st.sampled_from(sorted(datawall.fits())), k=st.floats(1.0, 100.0))
def test_wall_inverts_optimal_tokens(tokens, fit, k):
    law = datawall.fits()[fit]
    c = datawall.wall_flops(tokens, law, k)
    assert datawall.optimal_tokens(c, law, k) == pytest.approx(tokens, rel=1e-9)


def test_villalobos_stock_at_exhaustion_gives_their_compute():
    # Their Figure 1: ~4e14 tokens <-> ~5e28 FLOP at 20 tokens per parameter; 0.3 * (4e14)^2 = 4.8e28.
    stock = datawall.text_stock().loc["Effective stock at exhaustion", "tokens"]
    assert datawall.wall_flops(stock, TWENTY) == pytest.approx(datawall.trend("exhaustion_compute_flop"), rel=0.05)


def test_dataset_trend_reaches_the_effective_stock_in_their_median_year():
    # 1e13 tokens in 2024 growing 0.38 OOM/year reaches 3e14 at 2024 + log10(30) / 0.38 = 2027.89.
    assert datawall.dataset_year(3e14) == pytest.approx(2024 + math.log10(30) / 0.38)
    assert round(datawall.dataset_year(3e14)) == datawall.trend("exhaustion_year")


def test_unique_stock_is_the_effective_one_over_the_median_repetition_gain():
    # Villalobos et al.'s code draws the gain log-normally with 95% between 2x and 5x: median sqrt(10)
    assert datawall.repetition_multiplier() == pytest.approx(math.sqrt(2 * 5))
    assert datawall.unique_stock_tokens(3e14) == pytest.approx(3e14 / math.sqrt(10))
    # their Figure 3: 320T repetition-adjusted over 100T quality-adjusted (medians)
    assert datawall.unique_stock_tokens(3.2e14) == pytest.approx(1e14, rel=0.02)
    # the paper's 5x is the top of the draw, not its median
    assert datawall.trend("epoch_multiplier_cap") == 5 and datawall.repetition_multiplier() < 5


def test_book_unique_stock_matches_the_papers():
    # the book's default unique stock against Figure 3's quality-adjusted stock, 100T (95%: 22T-490T)
    unique = datawall.unique_stock_tokens(A.text_stock_tokens)
    assert unique == pytest.approx(1e14, rel=0.1)
    lo, hi = (datawall.unique_stock_tokens(A.spec("text_stock_tokens").low),
              datawall.unique_stock_tokens(A.spec("text_stock_tokens").high))
    assert 22e12 < lo < unique < hi < 490e12


def test_both_chapters_print_the_same_unique_stock():
    # the stored pages: the data-wall chapter's unique stock, its calendar model's, and the walls chapter's
    import json
    from pathlib import Path

    book = Path(__file__).resolve().parent.parent / "book"

    def glued(name):
        out = {}
        for cell in json.loads((book / name).read_text())["cells"]:
            for o in cell.get("outputs", []):
                key = o.get("metadata", {}).get("scrapbook", {}).get("name")
                if key:
                    text = o["data"]["application/papermill.record/text/plain"]
                    out[key] = ("".join(text) if isinstance(text, list) else text).strip("'\"")
        return out

    dw, wl = glued("data_wall.ipynb"), glued("walls.ipynb")
    assert dw["dw_stock_unique"] == dw["dw_mc_unique"] == wl["wl_unique_model"]


def test_essays_50t_16_epochs_by_hand():
    # Muennighoff: D' = U (1 + R* (1 - exp(-15 / R*))) with R* = 15.387756 -> 10.58 U; 0.3 D'^2 = 8.40e28.
    mult = 1 + 15.387756 * (1 - math.exp(-15 / 15.387756))
    assert datawall.usable_tokens(50e12, 16) == pytest.approx(50e12 * mult)
    assert datawall.claim_data_wall_flops_supported_by_repeated_data(A) == pytest.approx(0.3 * (50e12 * mult) ** 2)


def test_wall_table_readings_are_ordered():
    table = datawall.wall_table(text_stock_tokens=3e14, max_epochs=16, overtrain_factor=5, usd_per_gpu_hour=2.0,
                                mfu=0.4, gpu="H100 SXM", precision="fp8", flop_basis="dense")
    assert (table["flops_unique"] < table["flops_effective"]).all()
    assert (table["flops_effective"] < table["flops_repeated"]).all()
    assert (table["flops_overtrained"] < table["flops_effective"]).all()
    # $ = FLOP / (1979e12 * 0.4 * 3600 / 2)
    np.testing.assert_allclose(table["usd_effective"], table["flops_effective"] / (1979e12 * 0.4 * 3600 / 2))


# --- Monte Carlo: one model in the book -----------------------------------------------------------


def test_the_monte_carlo_lives_in_forecast_only():
    # issue 15: the data-wall chapter's distribution comes from analysis.forecast, not a second model
    for name in ("monte_carlo", "summarise", "sensitivity", "MC_PERCENTILES"):
        assert not hasattr(datawall, name), name


# --- claims ---------------------------------------------------------------------------------------


def test_claims_take_the_assumptions_and_return_floats():
    for name in datawall.__all__:
        if name.startswith("claim_data_wall_"):
            func = getattr(datawall, name)
            assert list(inspect.signature(func).parameters) == ["a"]
            assert isinstance(func(A), float) and math.isfinite(func(A))


def test_peak_claims_by_hand():
    assert datawall.claim_data_wall_h100_fp8_sparse_pflops(A) == pytest.approx(3.958)
    assert datawall.claim_data_wall_h100_fp8_dense_pflops(A) == pytest.approx(1.979)
    assert datawall.claim_data_wall_sparse_over_dense(A) == pytest.approx(2.0)
    assert datawall.claim_data_wall_gb200_fp8_dense_pflops(A) == pytest.approx(5.0)
    assert datawall.claim_data_wall_hgx_b200_fp8_dense_pflops(A) == pytest.approx(4.5)
    assert datawall.claim_data_wall_gb200_over_h100_tdp(A) == pytest.approx(1200 / 700)


def test_tokens_claim_is_the_twenty_rule_at_2e27():
    assert datawall.claim_data_wall_tokens_at_large_flops(A) == pytest.approx(math.sqrt(20 * 2e27 / 6))


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "name"), [
    (lambda: datawall.wall_flops(-1.0, TWENTY), "tokens"),
    (lambda: datawall.wall_flops(1e14, TWENTY, overtrain_factor=0.5), "overtrain_factor"),
    (lambda: datawall.optimal_tokens(0.0, TWENTY), "flops"),
    (lambda: datawall.usable_tokens(1e13, 0.5), "epochs"),
    (lambda: datawall.unique_stock_tokens(-3e14), "effective_stock_tokens"),
    (lambda: datawall.dataset_year(1e14, growth_oom_per_year=0.0), "growth_oom_per_year"),
    (lambda: datawall.essay_implied_usd_per_gpu_hour(0.0), "mfu"),
    (lambda: datawall.essay_implied_usd_per_gpu_hour(0.4, "half"), "flop_basis"),
    (lambda: datawall.essay_flops_per_usd("B99", "B33"), "B99"),
    (lambda: datawall.trend("exhaustion_year", "median"), "field"),
])
def test_bad_input_is_rejected_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# --- B11/B17: the essay's rate, its implied price, and the dense basis ---------------------------


def test_essay_rate_is_the_same_for_its_three_budgets():
    # 2e27 FLOP / $1B, 2e26 / $100M and 8e28 / $40B are all 2e18 FLOP per dollar
    rates = [datawall.essay_flops_per_usd(f, u) for f, u in (("B11", "B33"), ("B17", "B70"), ("B34", "B36"))]
    assert rates == pytest.approx([2e18] * 3, rel=1e-12)


def test_implied_price_by_hand():
    # sparse peak 3958 TFLOP/s x 0.4 x 3600 s / 2e18 FLOP per dollar = $2.85 per GPU-hour
    assert datawall.essay_implied_usd_per_gpu_hour(0.4) == pytest.approx(3958e12 * 0.4 * 3600 / 2e18, rel=1e-12)
    assert datawall.essay_implied_usd_per_gpu_hour(0.4) == pytest.approx(2.85, abs=0.005)
    assert datawall.essay_implied_usd_per_gpu_hour(0.4, "dense") == pytest.approx(1979e12 * 0.4 * 3600 / 2e18)


@given(mfu=st.floats(0.05, 1.0), usd=st.floats(1e6, 1e11))
@settings(max_examples=40, deadline=None)
def test_dense_flops_at_the_essays_price_are_half_its_rate_whatever_the_mfu(mfu, usd):
    # at the price implied on the sparse peak, the dense peak buys dense/sparse = 1979/3958 of the essay's rate
    assert datawall.flops_at_essay_price(usd, mfu) == pytest.approx(usd * 2e18 * 1979 / 3958, rel=1e-9)
    assert datawall.flops_at_essay_price(usd, mfu, "sparse") == pytest.approx(usd * 2e18, rel=1e-9)


def test_budget_claims_are_judged_on_the_dense_basis_at_the_essays_price():
    a = A.replace(usd_per_gpu_hour=5.0, flop_basis="sparse")  # neither the price nor the basis assumption enters
    assert datawall.claim_data_wall_flops_for_large_budget(a) == pytest.approx(1e27, rel=1e-12)
    assert datawall.claim_data_wall_flops_for_small_budget(a) == pytest.approx(1e26, rel=1e-12)


def test_power_claim_scales_inversely_with_run_length():
    p120 = datawall.claim_data_wall_gigawatts_for_scale_up(A.replace(run_days=120.0))
    p240 = datawall.claim_data_wall_gigawatts_for_scale_up(A.replace(run_days=240.0))
    assert p240 == pytest.approx(p120 / 2, rel=1e-12)
    # by hand: 8e28 / (1979e12 x 0.4 x 86400 x 120) GPUs x 1200 W x 1.2
    a = A.replace(run_days=120.0, mfu=0.4, flop_basis="dense", it_watts_per_gpu=1200.0, pue=1.2)
    n = 8e28 / (1979e12 * 0.4 * 86400 * 120)
    assert datawall.claim_data_wall_gigawatts_for_scale_up(a) == pytest.approx(n * 1200 * 1.2 / 1e9, rel=1e-9)


def test_no_chapter_formatting_helpers_remain():
    for name in ("chapter_numbers", "CLAIMS", "claim_values", "claim_table", "NUMBER_KINDS", "essay"):
        assert not hasattr(datawall, name), name
