"""Tests of analysis.prices and the small-models chapter's data files.

Expected values come from outside the code: Epoch AI's published frontier and fitted rates
(results file of epoch-research/llm-benchmark-efficiency), Epoch's published blended prices,
the papers' tables, closed forms and synthetic data with a known decline rate.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import assumptions, datasets
from analysis import prices as p

A = assumptions.load()  # the file's assumptions, for the claim functions

DATASETS = ["api_prices", "price_decline_epoch", "smp_epoch_models", "moe_models",
            "transformer_2017", "smp_paper_dates", "quantization"]


# --------------------------------------------------------------------------- data: schema, dates

@pytest.mark.parametrize("name", DATASETS)
def test_dataset_loads_against_its_sidecar(name):
    df = datasets.load(name)
    assert len(df) > 0
    assert df.attrs["meta"].sources, f"{name} has no source"


def test_api_price_dates_are_plausible_and_ordered():
    df = datasets.load("api_prices").set_index("model")
    assert df["price_date"].min() >= pd.Timestamp("2022-01-01")
    assert df["price_date"].max() <= pd.Timestamp("2025-12-31")
    # reasoning models did not exist before o1-preview (12 September 2024)
    assert (df.loc[df["reasoning"].astype(bool), "price_date"] >= pd.Timestamp("2024-09-12")).all()
    # the historical order of releases and price cuts
    order = ["text-davinci-003", "gpt-3.5-turbo (0301)", "gpt-3.5-turbo (0613)", "gpt-3.5-turbo (0125)"]
    assert df.loc[order, "price_date"].is_monotonic_increasing
    assert df.loc["gpt-4o (2024-05-13)", "price_date"] < df.loc["gpt-4o (2024-08-06)", "price_date"]
    assert df.loc["gpt-4 (0314)", "price_date"] < df.loc["gpt-4o-mini (2024-07-18)", "price_date"]


def test_api_prices_schema_invariants():
    df = datasets.load("api_prices")
    assert df["model"].is_unique
    # every list price here charges at least as much for output as for input
    assert (df["usd_per_mtok_output"] >= df["usd_per_mtok_input"]).all()
    # a row with an MMLU score names who measured it and where it was read
    has = df["mmlu_pct"].notna()
    assert df.loc[has, "mmlu_evaluator"].notna().all()
    assert df.loc[has, "mmlu_source_key"].notna().all()


# Blended prices published by Epoch AI (3:1), for models that are also in api_prices.csv
# (data/aa_data_with_math5.csv and epoch_ai_price_data_not_in_aa_with_benchmarks.csv).
EPOCH_BLENDED = {
    "text-davinci-003": 20.0,            # 'GPT-3.5', 2022-11-30
    "gpt-3.5-turbo (0301)": 2.0,         # 'GPT-3.5 Turbo', 2023-03-06
    "gpt-3.5-turbo (0125)": 0.75,        # 'GPT-3.5 Turbo', 2024-01-25
    "gpt-4 (0314)": 37.5,
    "gpt-4-turbo (1106-preview)": 15.0,
    "gpt-4o (2024-05-13)": 7.5,
    "gpt-4o (2024-08-06)": 4.38,
    "gpt-4o-mini (2024-07-18)": 0.26,
    "claude-3-haiku": 0.5,
    "claude-3-sonnet": 6.0,
    "claude-3-opus": 30.0,
    "claude-3.5-sonnet (2024-06-20)": 6.0,
    "gemini-1.5-flash (Aug 2024 price)": 0.13,
    "gemini-1.5-flash-8b": 0.07,
    "o1-preview": 26.25,
    "o1-mini": 5.25,
    "o1": 26.25,
    "o3-mini": 1.925,
}


@pytest.mark.parametrize("model,epoch_value", sorted(EPOCH_BLENDED.items()))
def test_transcribed_prices_agree_with_epochs_blended_prices(model, epoch_value):
    row = datasets.load("api_prices").set_index("model").loc[model]
    mine = p.blended_price(row["usd_per_mtok_input"], row["usd_per_mtok_output"], 0.75)
    assert abs(mine - epoch_value) <= 0.005 + 1e-12  # Epoch rounds to cents


def test_epoch_results_are_internally_consistent():
    df = datasets.load("price_decline_epoch")
    assert (df["start_date"] < df["end_date"]).all()
    # nothing after the data insight's publication date (12 March 2025)
    assert (df["end_date"] <= pd.Timestamp("2025-03-12")).all()
    assert (df["ci90_low"] < df["factor_per_year"]).all()
    assert (df["factor_per_year"] < df["ci90_high"]).all()
    # the headline range "9x to 900x per year"
    assert 9 <= df["factor_per_year"].min() < 10
    assert 800 < df["factor_per_year"].max() <= 900


def test_essay_and_paper_tables():
    assert p.essay("price_ratio") == 100
    assert p.essay("moe_active_params") == 5e7
    t = datasets.load("transformer_2017").set_index("system")
    assert t.loc["Transformer (base model)", "params"] == 65e6        # Table 3
    assert t.loc["Transformer (big)", "params"] == 213e6              # Table 3
    assert t.loc["Transformer (base model)", "bleu_en_fr_test"] == 38.1  # Table 2
    with pytest.raises(ValueError, match="name="):
        p.essay("no such claim")


# --------------------------------------------------------------------------- price arithmetic

def test_blended_price_closed_form():
    assert p.blended_price(0.15, 0.60, 0.75) == pytest.approx((3 * 0.15 + 0.60) / 4)
    assert p.blended_price(2.0, 8.0, 1.0) == 2.0
    assert p.blended_price(2.0, 8.0, 0.0) == 8.0
    np.testing.assert_allclose(p.blended_price([1.0, 2.0], [3.0, 6.0], 0.5), [2.0, 4.0])


@settings(max_examples=60, deadline=None)
@given(st.floats(1e-3, 1e3), st.floats(1e-3, 1e3), st.floats(0.0, 1.0))
def test_blended_price_lies_between_input_and_output(pin, pout, share):
    b = p.blended_price(pin, pout, share)
    assert min(pin, pout) * (1 - 1e-12) <= b <= max(pin, pout) * (1 + 1e-12)


def test_price_ratios_of_the_headline_comparison():
    r = p.price_ratios(20.0, 20.0, 0.15, 0.60, 0.75)
    assert r["input"] == pytest.approx(400 / 3)
    assert r["output"] == pytest.approx(100 / 3)
    assert r["blended"] == pytest.approx(20 / 0.2625)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.1, 100), st.floats(0.1, 100), st.floats(0.01, 10), st.floats(0.01, 10),
       st.floats(0.0, 1.0), st.floats(0.01, 100))
def test_price_ratios_do_not_depend_on_the_currency_unit(oi, oo, ni, no, share, k):
    a = p.price_ratios(oi, oo, ni, no, share)
    b = p.price_ratios(k * oi, k * oo, k * ni, k * no, share)
    for key in a:
        assert b[key] == pytest.approx(a[key], rel=1e-9)
    # the blended ratio lies between the input and output ratios
    lo, hi = sorted([a["input"], a["output"]])
    assert lo * (1 - 1e-9) <= a["blended"] <= hi * (1 + 1e-9)


def test_annual_factor_and_years_round_trip():
    assert p.annual_factor(100.0, 730.0) == pytest.approx(10.0)
    assert p.years_for_factor(100.0, 10.0) == pytest.approx(2.0)
    g = p.annual_factor(76.19, 598.0)
    assert p.years_for_factor(76.19, g) * 365 == pytest.approx(598.0)


# --------------------------------------------------------------------------- the frontier

def test_frontier_small_example():
    dates = ["2023-01-01", "2023-02-01", "2023-03-01", "2023-04-01", "2023-04-01"]
    usd = [10.0, 12.0, 5.0, 5.0, 4.0]
    score = [70, 90, 60, 70, 75]
    # the 5.0 on 2023-03-01 is below the threshold; on 2023-04-01 the cheaper (4.0) comes first
    assert p.frontier_mask(dates, usd, score, 65).tolist() == [True, False, False, False, True]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2000), st.floats(0.01, 100), st.floats(0, 100)),
                min_size=1, max_size=30), st.floats(0, 100))
def test_frontier_is_the_running_minimum_above_threshold(rows, threshold):
    dates = pd.Timestamp("2020-01-01") + pd.to_timedelta([r[0] for r in rows], unit="D")
    usd = np.array([r[1] for r in rows])
    score = np.array([r[2] for r in rows])
    mask = p.frontier_mask(dates, usd, score, threshold)
    assert np.all(score[mask] >= threshold)
    order = np.lexsort((usd, dates.to_numpy()))
    kept = [i for i in order if mask[i]]
    assert np.all(np.diff(usd[kept]) < 0)   # each frontier model is cheaper than the last
    for i in order:                          # every eligible model not kept was not cheaper
        if score[i] >= threshold and not mask[i]:
            before = [j for j in kept if (dates[j], usd[j]) <= (dates[i], usd[i])]
            assert before and usd[i] >= min(usd[before])


# Epoch AI's published frontier for each MMLU threshold
# (results/default/lowest_price_models_above_previous_frontier/lowest_price_models_data.csv),
# with its published fitted rate and 90% interval (lowest_price_models_results.csv).
EPOCH_MMLU = {
    43.9: (["GPT-3 175B (davinci)", "GPT-3 175B (davinci)", "GPT-3.5 Turbo", "Llama-2-Chat-13B",
            "Llama 2-7B", "Llama 2-7B", "Llama-3.1-Instruct-8B", "Llama-3.2-Instruct-3B",
            "Gemini-1.5-Flash-8B"], (11.772872667426151, 8.287354506876559, 16.724339561970456)),
    64.8: (["GPT-3.5", "GPT-3.5 Turbo", "GPT-3.5-Turbo-2023-11", "Claude-3-Haiku",
            "Gemini-1.5-Flash-2024-05", "Llama-3.1-Instruct-8B", "Gemini-1.5-Flash-8B"],
           (15.830914761762989, 8.054664913158714, 31.114623003717604)),
    68.0: (["GPT-3.5 Turbo", "GPT-3.5-Turbo-2023-11", "Claude-3-Haiku", "Gemini-1.5-Flash-2024-05",
            "Llama-3.1-Instruct-8B", "Gemini-1.5-Flash-8B"],
           (9.34724894739857, 4.800970684806941, 18.19862453256306)),
    86.0: (["GPT-4-0314", "GPT-4 Turbo", "GPT-4o-2024-05", "Gemini-1.5-Pro-2024-05", "Gemini 2.0 Flash"],
           (15.85676156770196, 4.085681392676409, 61.54099237048954)),
    87.0: (["GPT-4 Turbo", "GPT-4o-2024-05", "Claude-3.5-Sonnet-2024-06", "Llama-3.1-Instruct-405B",
            "Gemini 2.0 Flash"], (35.791221662400446, 5.026995585266262, 254.8264716686105)),
}


@pytest.mark.parametrize("threshold", sorted(EPOCH_MMLU))
def test_frontier_and_fit_reproduce_epochs_published_mmlu_results(threshold):
    models, (rate, lo, hi) = EPOCH_MMLU[threshold]
    fr = p.epoch_frontier(threshold)
    assert fr["model"].tolist() == models
    fit = p.fit_log_linear_decline(fr["release_date"], fr["usd_per_mtok_blended"], level=0.9)
    assert fit.factor_per_year == pytest.approx(rate, rel=1e-9)
    assert fit.ci_low == pytest.approx(lo, rel=1e-9)
    assert fit.ci_high == pytest.approx(hi, rel=1e-9)


def test_first_party_frontier_uses_only_non_reasoning_models_above_threshold():
    fr = p.first_party_frontier(64.8, 0.75)
    assert (fr["mmlu_pct"] >= 64.8).all()
    assert not fr["reasoning"].astype(bool).any()
    assert fr["usd_per_mtok_blended"].is_monotonic_decreasing
    assert fr["model"].iloc[0] == "text-davinci-003"


# --------------------------------------------------------------------------- the decline fit

def _synthetic(rate, n, rng, sigma):
    days = np.sort(rng.choice(np.arange(0, 1100), size=n, replace=False))
    dates = pd.Timestamp("2022-01-01") + pd.to_timedelta(days, unit="D")
    log_price = 1.5 - np.log10(rate) * days / 365.0 + rng.normal(0.0, sigma, n)
    return dates, 10.0 ** log_price


@pytest.mark.parametrize("rate", [2.0, 10.0, 40.0, 900.0])
def test_fit_recovers_a_known_rate_without_noise(rate):
    rng = np.random.default_rng(assumptions.load().seed)
    dates, usd = _synthetic(rate, 8, rng, sigma=0.0)
    fit = p.fit_log_linear_decline(dates, usd)
    assert fit.factor_per_year == pytest.approx(rate, rel=1e-9)
    assert fit.r_squared == pytest.approx(1.0)
    assert fit.ci_low == pytest.approx(rate, rel=1e-6) and fit.ci_high == pytest.approx(rate, rel=1e-6)
    np.testing.assert_allclose(fit.price_at(dates), usd, rtol=1e-9)


def test_fit_interval_covers_the_true_rate_at_its_nominal_level():
    rng = np.random.default_rng(assumptions.load().seed)
    rate, trials, hits = 15.0, 400, 0
    for _ in range(trials):
        dates, usd = _synthetic(rate, 7, rng, sigma=0.25)
        fit = p.fit_log_linear_decline(dates, usd, level=0.9)
        hits += fit.ci_low <= rate <= fit.ci_high
    # binomial(400, 0.9): mean 360, sd 6; +-4 sd
    assert 336 <= hits <= 384


def test_fit_interval_widens_with_level():
    rng = np.random.default_rng(assumptions.load().seed)
    dates, usd = _synthetic(10.0, 6, rng, sigma=0.3)
    a, b = p.fit_log_linear_decline(dates, usd, 0.5), p.fit_log_linear_decline(dates, usd, 0.95)
    assert a.factor_per_year == pytest.approx(b.factor_per_year)
    assert b.ci_low < a.ci_low < a.factor_per_year < a.ci_high < b.ci_high


# --------------------------------------------------------------------------- sparsity, precision

def test_active_share_and_weight_memory_closed_forms():
    assert p.active_share(37e9, 671e9) == pytest.approx(37 / 671)
    assert p.active_share(17e9, 400e9) == pytest.approx(0.0425)
    assert p.weight_bytes(8e9, 16) == pytest.approx(16e9)
    np.testing.assert_allclose(p.weight_bytes(np.array([[2e11]]), np.array([16, 8, 4])),
                               [[4e11, 2e11, 1e11]])
    assert p.precision_reduction(1.6) == pytest.approx(10.0)


@settings(max_examples=40, deadline=None)
@given(st.floats(1e6, 1e13), st.floats(1.0, 32.0), st.floats(1.01, 16.0))
def test_weight_memory_scales_with_bits(params, bits, k):
    assert p.weight_bytes(params, bits / k) == pytest.approx(p.weight_bytes(params, bits) / k)


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("call,match", [
    (lambda: p.blended_price(-1.0, 1.0, 0.5), "usd_per_mtok_input"),
    (lambda: p.blended_price(1.0, 1.0, 1.5), "input_share"),
    (lambda: p.price_ratios(1, 1, 0, 1, 0.75), "new_input"),
    (lambda: p.annual_factor(10, 0), "days"),
    (lambda: p.years_for_factor(100, 0.5), "factor_per_year"),
    (lambda: p.frontier_mask(["2023-01-01"], [1.0, 2.0], [50], 40), "same length"),
    (lambda: p.frontier_mask(["not a date"], [1.0], [50], 40), "dates"),
    (lambda: p.frontier_mask([None], [1.0], [50], 40), "dates"),
    (lambda: p.frontier_mask(["2023-01-01"], [1.0], [float("nan")], 40), "scores"),
    (lambda: p.fit_log_linear_decline(["2023-01-01", "2024-01-01"], [2.0, 1.0]), "at least 3"),
    (lambda: p.fit_log_linear_decline(["2023-01-01"] * 3, [3.0, 2.0, 1.0]), "all equal"),
    (lambda: p.fit_log_linear_decline(["2023-01-01", "2024-01-01", "2025-01-01"], [2, 1, 0]),
     "usd_per_mtok"),
    (lambda: p.fit_log_linear_decline(["2023-01-01", "2024-01-01", "2025-01-01"], [3, 2, 1], 1.0),
     "level"),
    (lambda: p.active_share(2e9, 1e9), "params_active"),
    (lambda: p.weight_bytes(1e9, 0), "bits_per_param"),
    (lambda: p.weight_bytes(float("nan"), 4), "params"),
])
def test_bad_input_raises_value_error_naming_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --------------------------------------------------------------------------- claims

CLAIMS = [n for n in p.__all__ if n.startswith("claim_")]


@pytest.mark.parametrize("name", CLAIMS)
def test_claims_are_finite_floats(name):
    v = getattr(p, name)(A)
    assert isinstance(v, float) and math.isfinite(v) and v > 0


def test_claims_against_published_numbers():
    blend = assumptions.load().blend_input_share
    assert p.claim_small_models_price_ratio_input(A) == pytest.approx(20 / 0.15)
    assert p.claim_small_models_price_ratio_output(A) == pytest.approx(20 / 0.60)
    assert p.claim_small_models_price_ratio_blended(A) == pytest.approx(
        20 / (blend * 0.15 + (1 - blend) * 0.60))
    assert p.claim_small_models_transformer_year(A) == 2017          # arXiv 1706.xxxxx
    assert p.claim_small_models_transformer_params(A) == 213e6        # the big model
    assert p.claim_small_models_precision_reduction(A) == pytest.approx(16 / 3)  # GPTQ 3-bit
    assert p.claim_small_models_active_params_200b(A) == pytest.approx(2e11 * 17 / 400)
    assert p.claim_small_models_years_per_100x(A) == pytest.approx(
        math.log(100) / math.log(15.830914761762989))
