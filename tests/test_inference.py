"""Tests of analysis.inference against hand-computed values, published numbers and brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import assumptions
from analysis import inference as inf
from analysis.scaling import BESIROGLU_2024, HOFFMANN_2022, PARAMETRIC_FITS

A = assumptions.load()  # the file's assumptions, for the claim functions

# --- per-token bytes and FLOPs ---------------------------------------------------------------


def test_llama3_8b_kv_cache_per_token_hand_computed():
    # Llama 3 Table 3: 32 layers, 8 KV heads; head dim 4096 / 32 = 128; BF16 = 2 bytes.
    # K and V: 2 * 32 * 8 * 128 * 2 = 131,072 bytes = 128 KiB.
    assert inf.kv_cache_bytes_per_token(32, 8, 128, 2) == 131_072
    assert inf.architecture("Llama 3 8B")["kv_bytes_per_token_bf16"] == 131_072


def test_llama3_70b_kv_cache_per_token_hand_computed():
    # 2 * 80 layers * 8 KV heads * 128 * 2 bytes = 327,680 bytes = 320 KiB
    assert inf.architecture("Llama 3 70B")["kv_bytes_per_token_bf16"] == 327_680


def test_parameter_counts_match_published_configs():
    # Counts published for the released checkpoints (8,030,261,248 and 70,553,706,496
    # parameters), and llama-bench's 6.74 B for Llama 2 7B.
    assert inf.architecture("Llama 3 8B")["params"] == 8_030_261_248
    assert inf.architecture("Llama 3 70B")["params"] == 70_553_706_496
    assert inf.architecture("Llama 2 7B")["params"] == pytest.approx(6.74e9, rel=1e-3)
    # 405B: Llama 3 paper's "405B" model
    assert inf.architecture("Llama 3 405B")["params"] == pytest.approx(405e9, rel=0.005)


def test_m1_bound_for_a_4_5_bit_8b_model():
    # 8.030261248e9 parameters * 4.5 bits / 8 = 4.517e9 bytes; 68.25e9 B/s / 4.517e9 B = 15.11 tok/s
    weights = 8.030261248e9 * 4.5 / 8
    assert weights == pytest.approx(4.51702e9, rel=1e-5)
    bound = inf.decode_tokens_per_second(68.25e9, inf.weight_bytes(8.030261248e9, 4.5))
    assert bound == pytest.approx(68.25 / 4.51702, rel=1e-5)
    assert bound == pytest.approx(15.11, abs=0.01)


def test_flops_per_token_is_two_n_plus_attention():
    assert inf.flops_per_token(7e9) == 1.4e10
    # Kaplan Table 1: + 2 n_layer n_ctx d_attn
    assert inf.flops_per_token(7e9, 32, 1000, 4096) == 1.4e10 + 2 * 32 * 1000 * 4096


def test_weight_bytes():
    assert inf.weight_bytes(1e9, 16) == 2e9
    assert inf.weight_bytes(1e9, 8) == 1e9


# --- roofline --------------------------------------------------------------------------------


def test_batch_one_is_the_bandwidth_bound_and_large_batch_the_compute_bound():
    n, bits, bw, peak = 8e9, 16, 3.35e12, 989e12
    assert inf.decode_throughput(n, bits, bw, peak, 1) == pytest.approx(bw / (2 * n), rel=1e-12)
    assert inf.decode_throughput(n, bits, bw, peak, 1e6) == pytest.approx(peak / (2 * n), rel=1e-12)


def test_ridge_batch_equalises_memory_and_compute_time():
    n, bits, bw, peak = 70e9, 8, 3.35e12, 989e12
    b = inf.ridge_batch(n, bits, bw, peak)
    assert b * 2 * n / peak == pytest.approx(n * bits / 8 / bw, rel=1e-12)
    assert b == pytest.approx(989 / 3.35 * 8 / 16, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.floats(1e8, 1e12), st.sampled_from([4.5, 8.0, 16.0]), st.floats(1.0, 1e4),
       st.floats(1.0, 1e4), st.floats(0, 1e5), st.floats(0, 1e6))
def test_throughput_never_falls_with_batch_without_kv(n, bits, b1, b2, ctx, kv):
    lo, hi = sorted([b1, b2])
    bw, peak = 2e12, 1e15
    t_lo = inf.decode_throughput(n, bits, bw, peak, lo)
    t_hi = inf.decode_throughput(n, bits, bw, peak, hi)
    assert t_hi >= t_lo * (1 - 1e-12)
    # KV reads can only slow a step down
    assert inf.decode_throughput(n, bits, bw, peak, hi, ctx, kv) <= t_hi * (1 + 1e-12)


# --- lifetime compute ------------------------------------------------------------------------


def test_break_even_is_three_times_training_tokens():
    d = 15e12
    t = inf.break_even_tokens_served(d)
    assert t == 45e12
    assert inf.inference_flops(8e9, t) == pytest.approx(inf.training_flops(8e9, d), rel=1e-12)
    assert inf.break_even_tokens_served(d, 10.0) == 4.5e12


# --- inference-aware optimum -----------------------------------------------------------------


@pytest.mark.parametrize("fit", [HOFFMANN_2022, BESIROGLU_2024])
def test_zero_demand_gives_the_chinchilla_optimum(fit):
    n0, d0 = fit.compute_optimal(1e24)
    n, d, c = inf.inference_aware_optimum(fit, fit.loss(n0, d0), 0.0)
    assert n == pytest.approx(n0, rel=1e-7)
    assert d == pytest.approx(d0, rel=1e-7)
    assert c == pytest.approx(1e24, rel=1e-7)


@pytest.mark.parametrize("name", ["hoffmann", "besiroglu", "muennighoff"])
@pytest.mark.parametrize("demand", [1e11, 2e12, 1e14])
def test_optimum_matches_brute_force(name, demand):
    fit = PARAMETRIC_FITS[name]
    loss = fit.loss(13e9, inf.chinchilla_tokens_for_params(fit, 13e9))
    n, d, c = inf.inference_aware_optimum(fit, loss, demand)
    floor = (fit.A / (loss - fit.E)) ** (1 / fit.alpha)
    grid = floor * np.exp(np.linspace(1e-6, np.log(1e4), 400_001))
    total = 6 * grid * fit.tokens_for_loss(grid, loss) + 2 * grid * demand
    i = int(np.argmin(total))
    assert c <= total[i] * (1 + 1e-9)
    assert n == pytest.approx(grid[i], rel=1e-3)
    assert fit.loss(n, d) == pytest.approx(loss, rel=1e-10)


def test_more_demand_means_smaller_models_on_more_tokens():
    fit = HOFFMANN_2022
    loss = fit.loss(70e9, inf.chinchilla_tokens_for_params(fit, 70e9))
    demand = np.logspace(9, 16, 15)
    n, d, _ = inf.inference_aware_optimum(fit, loss, demand)
    assert np.all(np.diff(n) < 0)
    assert np.all(np.diff(d / n) > 0)


def test_chinchilla_tokens_for_params_inverts_compute_optimal():
    n, d = HOFFMANN_2022.compute_optimal(3e23)
    assert inf.chinchilla_tokens_for_params(HOFFMANN_2022, n) == pytest.approx(d, rel=1e-10)


def test_sardana_figure_1_under_two_fits_matches_independent_computation():
    # The team's fact sheet computed, with its own script: 13B Chinchilla-optimal vs 7B at equal
    # loss and 2T inference tokens saves 1.18e22 FLOPs (9.1%) under Hoffmann's Approach 3 and
    # 2.01e22 (27.8%) under Epoch's refit; the paper's caption says 1.7e22 (17%).
    h = inf.equal_quality_comparison(HOFFMANN_2022, 13e9, 2e12, 7e9)
    b = inf.equal_quality_comparison(BESIROGLU_2024, 13e9, 2e12, 7e9)
    assert h["reference"]["train_tokens"] == pytest.approx(992e9, rel=1e-3)
    assert h["alternative_saving_flops"] == pytest.approx(1.18e22, rel=0.01)
    assert h["alternative_saving_fraction"] == pytest.approx(0.091, abs=0.001)
    assert b["reference"]["train_tokens"] == pytest.approx(260e9, rel=1e-3)
    assert b["alternative_saving_flops"] == pytest.approx(2.01e22, rel=0.01)
    assert b["alternative_saving_fraction"] == pytest.approx(0.278, abs=0.001)
    # the optimum saves at least as much as the 7B alternative
    assert h["optimum_saving_flops"] >= h["alternative_saving_flops"]


# --- ARC arithmetic and claims ---------------------------------------------------------------


def test_arc_arithmetic():
    assert inf.arc_high_compute_cost_estimate(20, 172) == 3440
    assert inf.points_per_decade(75.7, 87.5, 172) == pytest.approx(11.8 / math.log10(172))


def test_claims_are_finite_floats():
    for name in inf.__all__:
        if name.startswith("claim_"):
            value = getattr(inf, name)(A)
            assert isinstance(value, float) and math.isfinite(value), name


def test_claims_against_published_numbers():
    # ARC Prize: 33M tokens (6 samples) vs 5.7B (1,024 samples): log10(172.7) = 2.237
    assert inf.claim_inference_shift_o3_compute_orders_of_magnitude(A) == pytest.approx(
        math.log10(5.7e9 / 33e6))
    # o3 announced Fri 20 Dec 2024, released 16 Apr 2025: 11 + 31 + 28 + 31 + 16 = 117 days
    assert inf.claim_inference_shift_o3_release_delay_days(A) == 117
    assert inf.claim_inference_shift_o1_preview_messages_per_day(A) == pytest.approx(30 / 7)
    # o3 low: 33M tokens over 100 tasks; GPT-4o: $0.05 per task at $2.50 in / $10 out per million,
    # blended 3:1 -> $4.375 per million -> 11,428.6 tokens; 330,000 / 11,428.6 = 28.875
    assert inf.claim_inference_shift_o3_vs_one_shot_tokens_per_task(A.replace(blend_input_share=0.75)) == (
        pytest.approx(330_000 / (0.05 / 4.375e-6)))
    # all output tokens at $10 per million: 5,000 tokens per task, 66x
    assert inf.claim_inference_shift_o3_vs_one_shot_tokens_per_task(A.replace(blend_input_share=0.0)) == (
        pytest.approx(66.0))


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda: inf.flops_per_token(-1),
    lambda: inf.flops_per_token(1e9, -2),
    lambda: inf.kv_cache_bytes_per_token(0, 8, 128),
    lambda: inf.weight_bytes(1e9, 0),
    lambda: inf.weight_bytes(1e9, 65),
    lambda: inf.weight_bytes(float("nan"), 4),
    lambda: inf.decode_tokens_per_second(0, 1e9),
    lambda: inf.decode_throughput(1e9, 16, 1e12, 1e15, batch=0.5),
    lambda: inf.break_even_tokens_served(1e12, 0.5),
    lambda: inf.inference_flops(1e9, -1),
    lambda: inf.inference_aware_optimum(HOFFMANN_2022, 1.5, 1e12),  # below E = 1.69
    lambda: inf.inference_aware_optimum("hoffmann", 2.0, 1e12),
    lambda: inf.inference_aware_optimum(HOFFMANN_2022, 2.0, -1),
    lambda: inf.equal_quality_comparison(HOFFMANN_2022, 13e9, 2e12, 1e6),  # 1M params can't reach
    lambda: inf.architecture("GPT-5"),
    lambda: inf.params_from_architecture(0, 4096, 14336, 32, 8, 128256),
    lambda: inf.points_per_decade(75, 87, 1.0),
])
def test_bad_input_raises(call):
    with pytest.raises(ValueError):
        call()


def test_error_names_the_parameter():
    with pytest.raises(ValueError, match="bits_per_param"):
        inf.weight_bytes(1e9, -4)
