"""Tests of analysis.hardware against hand-computed values, closed forms and bad input.

Expected values come from NVIDIA's printed tables (3,958 sparse / 1,979 dense TFLOP/s FP8 for
the H100 SXM), hand arithmetic (1 GPU-hour at 40% of 1,979 TFLOP/s = 2.850e18 FLOP) and the
essay's own figure ($1B -> 2e27 FLOP), never from the module's output.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import assumptions, datasets, hardware

H100 = "H100 SXM"


# --- the catalogue ----------------------------------------------------------------------------


def test_catalogue_holds_the_four_gpus_of_the_gpu_assumption():
    allowed = assumptions.load().spec("gpu").allowed
    assert set(hardware.gpu_names()) == set(allowed)


@pytest.mark.parametrize(
    ("gpu", "fp8_sparse_tflops", "tdp_watts"),
    [("H100 SXM", 3958, 700), ("H100 NVL", 3341, 400), ("HGX B200", 9000, 1000), ("GB200 NVL72", 10000, 1200)],
)
def test_catalogue_matches_nvidia_tables(gpu, fp8_sparse_tflops, tdp_watts):
    spec = hardware.gpu_spec(gpu)
    assert spec["tflops_fp8_sparse"] == fp8_sparse_tflops
    assert spec["tdp_watts"] == tdp_watts


def test_dense_columns_are_half_the_sparse_ones():
    cat = hardware.gpu_catalogue()
    for p in hardware.PRECISIONS:
        np.testing.assert_allclose(cat[f"tflops_{p}_dense"], cat[f"tflops_{p}_sparse"] / 2)


def test_laptop_chips_are_in_the_catalogue_but_not_training_gpus():
    # One accelerator catalogue: Apple's figures (up to 200 and 400 GB/s, 32 and 64 GB for the
    # M1 Pro and M1 Max; 128-bit LPDDR4X-4266 = 4266e6 x 16 bytes for the M1) sit next to the
    # GPUs, but only rows with Tensor Core peaks can be priced as a training GPU.
    rows = datasets.load("gpus").set_index("gpu")
    assert rows.loc["Apple M1 Pro", ["memory_bandwidth_gb_per_s", "memory_gb"]].tolist() == [200, 32]
    assert rows.loc["Apple M1 Max", ["memory_bandwidth_gb_per_s", "memory_gb"]].tolist() == [400, 64]
    assert rows.loc["Apple M1", "memory_bandwidth_gb_per_s"] == pytest.approx(4266e6 * 16 / 1e9, abs=0.02)
    assert rows.loc["H100 SXM", "memory_bandwidth_gb_per_s"] == 3350  # NVIDIA: 3.35 TB/s
    assert "Apple M1" not in hardware.gpu_names()
    with pytest.raises(ValueError, match="gpu='Apple M1'"):
        hardware.peak_flops_per_second("Apple M1", "bf16", "dense")


def test_blackwell_rows_match_the_system_totals():
    # NVIDIA's system table: 720 PFLOPS FP8 for 72 GB200 GPUs, 72 PFLOPS for 8 HGX B200 GPUs.
    assert hardware.gpu_spec("GB200 NVL72")["tflops_fp8_sparse"] * 72 == 720e3
    assert hardware.gpu_spec("HGX B200")["tflops_fp8_sparse"] * 8 == 72e3


# --- peaks ------------------------------------------------------------------------------------


def test_h100_fp8_dense_and_sparse_peaks():
    assert hardware.peak_flops_per_second(H100, "fp8", "dense") == pytest.approx(1979e12)
    assert hardware.peak_flops_per_second(H100, "fp8", "sparse") == pytest.approx(3958e12)
    assert hardware.peak_flops_per_second(H100, "bf16", "dense") == pytest.approx(989.5e12)


def test_blackwell_dense_fp8_peaks():
    assert hardware.peak_flops_per_second("GB200 NVL72", "fp8", "dense") == pytest.approx(5e15)
    assert hardware.peak_flops_per_second("HGX B200", "fp8", "dense") == pytest.approx(4.5e15)


# --- dollars <-> FLOPs --------------------------------------------------------------------------


def test_one_gpu_hour_by_hand():
    # 1,979e12 FLOP/s x 0.4 x 3,600 s = 2.84976e18 FLOP
    assert hardware.flops_per_gpu_hour(mfu=0.4, gpu=H100) == pytest.approx(2.84976e18)


def test_one_billion_dollars_by_hand():
    # $1e9 / $2 = 5e8 GPU-hours; x 2.84976e18 = 1.42488e27 FLOP (dense); twice that sparse.
    dense = hardware.usd_to_flops(1e9, usd_per_gpu_hour=2.0, mfu=0.4, gpu=H100)
    sparse = hardware.usd_to_flops(1e9, usd_per_gpu_hour=2.0, mfu=0.4, gpu=H100, flop_basis="sparse")
    assert dense == pytest.approx(1.42488e27)
    assert sparse == pytest.approx(2 * 1.42488e27)


def test_the_essays_2e27_needs_the_sparse_peak():
    # The essay: $1e9 -> 2e27 FP8 FLOP on H100s, i.e. 2e18 FLOP per dollar. On the sparse peak at
    # 40% MFU this is 3958e12 * 0.4 * 3600 / 2e18 = $2.84976 per GPU-hour; on the dense peak the
    # same price buys half: 1e27.
    price = hardware.implied_usd_per_gpu_hour(2e27 / 1e9, mfu=0.4, gpu=H100, flop_basis="sparse")
    assert price == pytest.approx(2.84976)
    dense = hardware.usd_to_flops(1e9, usd_per_gpu_hour=price, mfu=0.4, gpu=H100, flop_basis="dense")
    assert dense == pytest.approx(1e27)
    assert hardware.usd_to_flops(1e9, usd_per_gpu_hour=price, mfu=0.4, gpu=H100,
                                 flop_basis="sparse") == pytest.approx(2e27)


def test_implied_mfu_inverts_flops_per_usd():
    # At $2/GPU-h the essay's 2e18 FLOP/$ needs 2e18 * 2 / (1979e12 * 3600) = 0.5614 of the dense peak.
    assert hardware.implied_mfu(2e18, usd_per_gpu_hour=2.0, gpu=H100) == pytest.approx(4e18 / (1979e12 * 3600))


@settings(max_examples=40, deadline=None)
@given(
    usd=st.floats(1.0, 1e12),
    price=st.floats(0.5, 20.0),
    mfu=st.floats(0.05, 1.0),
    gpu=st.sampled_from(["H100 SXM", "H100 NVL", "HGX B200", "GB200 NVL72"]),
    precision=st.sampled_from(hardware.PRECISIONS),
    basis=st.sampled_from(hardware.FLOP_BASES),
)
def test_usd_flops_round_trip(usd, price, mfu, gpu, precision, basis):
    kw = dict(usd_per_gpu_hour=price, mfu=mfu, gpu=gpu, precision=precision, flop_basis=basis)
    assert hardware.flops_to_usd(hardware.usd_to_flops(usd, **kw), **kw) == pytest.approx(usd, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(usd=st.floats(1.0, 1e12), price=st.floats(0.5, 20.0), mfu=st.floats(0.05, 1.0))
def test_flops_are_proportional_to_mfu_and_inverse_to_price(usd, price, mfu):
    base = hardware.usd_to_flops(usd, usd_per_gpu_hour=price, mfu=mfu / 2, gpu=H100)
    assert hardware.usd_to_flops(usd, usd_per_gpu_hour=price, mfu=mfu, gpu=H100) == pytest.approx(2 * base)
    assert hardware.usd_to_flops(usd, usd_per_gpu_hour=price / 2, mfu=mfu / 2, gpu=H100) == pytest.approx(2 * base)


def test_vectorised_over_price_and_mfu():
    prices = np.array([1.0, 2.0, 4.0])
    out = hardware.usd_to_flops(1e9, usd_per_gpu_hour=prices, mfu=0.4, gpu=H100)
    assert out.shape == (3,)
    np.testing.assert_allclose(out[0] / out, prices)


# --- FLOPs -> GPUs, power, energy ---------------------------------------------------------------


def test_gpu_count_and_power_by_hand():
    # 8e28 FLOP in 120 days at 40% of 1,979 TFLOP/s: 8e28 / (1979e12*0.4*120*86400) = 9.7474e6 GPUs;
    # x 1,200 W x PUE 1.2 = 14.036 GW.
    n = hardware.gpu_count(8e28, run_days=120, mfu=0.4, gpu=H100)
    assert n == pytest.approx(8e28 / (1979e12 * 0.4 * 120 * 86400))
    watts = hardware.facility_watts(n, it_watts_per_gpu=1200, pue=1.2)
    assert watts == pytest.approx(n * 1440)


def test_run_days_inverts_gpu_count():
    n = hardware.gpu_count(1e27, run_days=90, mfu=0.35, gpu="GB200 NVL72")
    assert hardware.run_days_for(1e27, n_gpus=n, mfu=0.35, gpu="GB200 NVL72") == pytest.approx(90)


def test_training_run_energy_is_power_times_time():
    run = hardware.training_run(1e26, usd_per_gpu_hour=2.0, mfu=0.4, gpu=H100, run_days=100,
                                it_watts_per_gpu=1000, pue=1.5)
    assert run["energy_joules"] == pytest.approx(run["facility_watts"] * 100 * 86400)
    assert run["energy_twh"] == pytest.approx(run["energy_joules"] / 3.6e15)
    assert run["usd"] == pytest.approx(run["gpu_hours"] * 2.0)
    # GPU-hours do not depend on the run length: n_gpus * days * 24 = GPU-hours.
    assert run["n_gpus"] * 100 * 24 == pytest.approx(run["gpu_hours"])


# --- bad input ----------------------------------------------------------------------------------


def test_negative_budget_is_rejected():
    with pytest.raises(ValueError, match=r"usd=-1"):
        hardware.usd_to_flops(-1e9, usd_per_gpu_hour=2.0, mfu=0.4, gpu=H100)


def test_mfu_above_one_is_rejected():
    with pytest.raises(ValueError, match=r"mfu=1\.7 is outside \(0, 1\]"):
        hardware.usd_to_flops(1e9, usd_per_gpu_hour=2.0, mfu=1.7, gpu=H100)


def test_zero_mfu_is_rejected():
    with pytest.raises(ValueError, match="mfu"):
        hardware.flops_per_gpu_hour(mfu=0.0, gpu=H100)


def test_unknown_gpu_is_rejected_with_the_known_names():
    with pytest.raises(ValueError, match=r"gpu='A100'.*H100 SXM"):
        hardware.peak_flops_per_second("A100")


@pytest.mark.parametrize(("kwargs", "name"), [
    (dict(precision="fp4"), "precision"),
    (dict(flop_basis="sparsest"), "flop_basis"),
])
def test_unknown_precision_or_basis_is_rejected(kwargs, name):
    with pytest.raises(ValueError, match=name):
        hardware.usd_to_flops(1e9, usd_per_gpu_hour=2.0, mfu=0.4, gpu=H100, **kwargs)


@pytest.mark.parametrize(("call", "name"), [
    (lambda: hardware.usd_to_gpu_hours(1e9, usd_per_gpu_hour=0.0), "usd_per_gpu_hour"),
    (lambda: hardware.gpu_count(-1.0, run_days=10, mfu=0.4, gpu=H100), "flops"),
    (lambda: hardware.gpu_count(1e25, run_days=0.0, mfu=0.4, gpu=H100), "run_days"),
    (lambda: hardware.facility_watts(10, it_watts_per_gpu=1000, pue=0.9), "pue"),
    (lambda: hardware.facility_watts(10, it_watts_per_gpu=-5, pue=1.2), "it_watts_per_gpu"),
    (lambda: hardware.usd_to_flops(math.nan, usd_per_gpu_hour=2.0, mfu=0.4, gpu=H100), "usd"),
])
def test_other_bad_input_is_rejected_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()
