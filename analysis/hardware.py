"""Hardware and cost: from dollars to GPU-hours to FLOPs, and from FLOPs to GPUs, power and energy.

The chain the data-wall chapter walks both ways::

    USD --(price per GPU-hour)--> GPU-hours --(peak x MFU x 3600 s)--> FLOP
    FLOP --(run length)--> GPUs --(W per GPU all-in x PUE)--> facility watts --(x time)--> energy

Peak throughput comes from the GPU catalogue ``data/gpus.csv`` (NVIDIA datasheets): per GPU, FP8
or BF16, *dense* or *sparse*. NVIDIA prints Tensor Core peaks "with sparsity" (2:4 structured
sparsity); dense matrix multiplies, which is what pretraining runs, reach half of that.

Every function takes its assumptions (price, MFU, GPU, precision, basis, watts, PUE, run length)
as explicit arguments: the chapter passes the values of its papermill parameters cell, so an
override moves every figure. Nothing here reads ``data/assumptions.toml``.

References
----------
nvidia2023h100, nvidia2024blackwell

Examples
--------
>>> from analysis import hardware
>>> f"{hardware.peak_flops_per_second('H100 SXM', 'fp8', 'dense'):.4g}"
'1.979e+15'
>>> f"{hardware.usd_to_flops(1e9, usd_per_gpu_hour=2.0, mfu=0.4, gpu='H100 SXM'):.3g}"
'1.42e+27'
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis import _validate, datasets

__all__ = [
    "PRECISIONS",
    "FLOP_BASES",
    "SECONDS_PER_HOUR",
    "SECONDS_PER_DAY",
    "gpu_catalogue",
    "gpu_names",
    "gpu_spec",
    "peak_flops_per_second",
    "flops_per_gpu_hour",
    "usd_to_gpu_hours",
    "gpu_hours_to_usd",
    "gpu_hours_to_flops",
    "flops_to_gpu_hours",
    "usd_to_flops",
    "flops_to_usd",
    "flops_per_usd",
    "implied_usd_per_gpu_hour",
    "implied_mfu",
    "gpu_count",
    "run_days_for",
    "facility_watts",
    "energy_joules",
    "training_run",
]

#: Number formats with a column in ``data/gpus.csv``.
PRECISIONS = ("fp8", "bf16")
#: Peak bases: NVIDIA's printed 2:4-sparsity figure, or the dense half of it.
FLOP_BASES = ("dense", "sparse")
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86400.0
_TERA = 1e12


@lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame:
    cat = datasets.load("gpus").set_index("gpu")
    return cat[cat["kind"] == "datacenter"]


def gpu_catalogue() -> pd.DataFrame:
    """The datacenter GPUs of the accelerator catalogue ``data/gpus.csv``, indexed by GPU name.

    The catalogue's laptop chips (``kind == "laptop"``, no Tensor Core figures) are left out;
    read them with ``datasets.load("gpus")``.

    Returns
    -------
    pandas.DataFrame
        One row per GPU; throughput columns in TFLOP/s per GPU, ``tdp_watts`` in W.
    """
    return _catalogue().copy()


def gpu_names() -> list[str]:
    """Names of the GPUs in the catalogue, in file order."""
    return list(_catalogue().index)


def _check_gpu(gpu) -> str:
    return _validate.one_of("gpu", gpu, gpu_names())


def gpu_spec(gpu: str) -> dict:
    """One GPU's row of the catalogue as a dict.

    Parameters
    ----------
    gpu : str
        A name in :func:`gpu_names` (e.g. ``"H100 SXM"``).

    Returns
    -------
    dict
        Column name to value (throughput in TFLOP/s per GPU, power in W); a value the file
        leaves blank is None.

    Raises
    ------
    ValueError
        If ``gpu`` is not in the catalogue (the message lists the known names).
    """
    row = _catalogue().loc[_check_gpu(gpu)]
    # a value the sources leave blank is None, never a NaN that would flow silently into sums
    return {"gpu": gpu, **{k: None if pd.isna(v) else v for k, v in row.to_dict().items()}}


def peak_flops_per_second(gpu: str, precision: str = "fp8", flop_basis: str = "dense") -> float:
    """Peak Tensor Core throughput of one GPU.

    Parameters
    ----------
    gpu : str
        GPU name (see :func:`gpu_names`).
    precision : {"fp8", "bf16"}
        Number format of the matrix multiplies.
    flop_basis : {"dense", "sparse"}
        ``"sparse"`` is NVIDIA's printed figure (2:4 structured sparsity); ``"dense"`` is half.

    Returns
    -------
    float
        FLOP/s per GPU.

    Raises
    ------
    ValueError
        For an unknown GPU, precision or basis.

    References
    ----------
    nvidia2023h100, nvidia2024blackwell

    Examples
    --------
    >>> peak_flops_per_second("H100 SXM", "fp8", "sparse") / peak_flops_per_second("H100 SXM", "fp8", "dense")
    2.0
    """
    _check_gpu(gpu)
    _validate.one_of("precision", precision, PRECISIONS)
    _validate.one_of("flop_basis", flop_basis, FLOP_BASES)
    peak = float(_catalogue().loc[gpu, f"tflops_{precision}_{flop_basis}"]) * _TERA
    if not (math.isfinite(peak) and peak > 0):
        raise ValueError(f"gpu={gpu!r} has no positive {precision} {flop_basis} peak in data/gpus.csv "
                         f"(it reads {peak:g} FLOP/s); choose another gpu, precision or flop_basis")
    return peak


def _mfu(mfu) -> np.ndarray:
    return _validate.in_range("mfu", mfu, 0.0, 1.0, low_open=True)


def _out(x):
    return float(x) if np.ndim(x) == 0 else x


@_validate.finite_returns
def flops_per_gpu_hour(*, mfu, gpu: str, precision: str = "fp8", flop_basis: str = "dense"):
    """FLOPs one GPU delivers in an hour at model FLOPs utilisation ``mfu``.

    Parameters
    ----------
    mfu : float or array_like
        Model FLOPs utilisation, fraction of the peak on ``flop_basis``, in (0, 1].
    gpu, precision, flop_basis
        See :func:`peak_flops_per_second`.

    Returns
    -------
    float or ndarray
        FLOP per GPU-hour.

    Raises
    ------
    ValueError
        If ``mfu`` is outside (0, 1] or the GPU, precision or basis is unknown.
    """
    return _out(peak_flops_per_second(gpu, precision, flop_basis) * _mfu(mfu) * SECONDS_PER_HOUR)


@_validate.finite_returns
def usd_to_gpu_hours(usd, *, usd_per_gpu_hour):
    """GPU-hours a budget buys.

    Parameters
    ----------
    usd : float or array_like
        Budget (USD), >= 0.
    usd_per_gpu_hour : float or array_like
        All-in price of one GPU-hour (USD per GPU-hour), > 0.

    Returns
    -------
    float or ndarray
        GPU-hours.

    Raises
    ------
    ValueError
        If ``usd`` is negative or the price is not positive.
    """
    u = _validate.nonnegative("usd", usd)
    p = _validate.positive("usd_per_gpu_hour", usd_per_gpu_hour)
    return _out(u / p)


@_validate.finite_returns
def gpu_hours_to_usd(gpu_hours, *, usd_per_gpu_hour):
    """Cost (USD) of ``gpu_hours`` (>= 0) at ``usd_per_gpu_hour`` (> 0)."""
    h = _validate.nonnegative("gpu_hours", gpu_hours)
    p = _validate.positive("usd_per_gpu_hour", usd_per_gpu_hour)
    return _out(h * p)


@_validate.finite_returns
def gpu_hours_to_flops(gpu_hours, *, mfu, gpu: str, precision: str = "fp8", flop_basis: str = "dense"):
    """Training FLOPs delivered by ``gpu_hours`` (>= 0) GPU-hours; see :func:`flops_per_gpu_hour`."""
    h = _validate.nonnegative("gpu_hours", gpu_hours)
    return _out(h * np.asarray(flops_per_gpu_hour(mfu=mfu, gpu=gpu, precision=precision, flop_basis=flop_basis)))


@_validate.finite_returns
def flops_to_gpu_hours(flops, *, mfu, gpu: str, precision: str = "fp8", flop_basis: str = "dense"):
    """GPU-hours needed for ``flops`` (FLOP, >= 0) training FLOPs; inverse of :func:`gpu_hours_to_flops`."""
    c = _validate.nonnegative("flops", flops)
    return _out(c / np.asarray(flops_per_gpu_hour(mfu=mfu, gpu=gpu, precision=precision, flop_basis=flop_basis)))


@_validate.finite_returns
def flops_per_usd(*, usd_per_gpu_hour, mfu, gpu: str, precision: str = "fp8", flop_basis: str = "dense"):
    """Training FLOPs one dollar buys: ``peak x mfu x 3600 / price``.

    Parameters
    ----------
    usd_per_gpu_hour : float or array_like
        Price (USD per GPU-hour), > 0.
    mfu : float or array_like
        Model FLOPs utilisation on ``flop_basis``, in (0, 1].
    gpu, precision, flop_basis
        See :func:`peak_flops_per_second`.

    Returns
    -------
    float or ndarray
        FLOP per USD.

    Raises
    ------
    ValueError
        For a non-positive price, ``mfu`` outside (0, 1], or an unknown GPU, precision or basis.

    Examples
    --------
    >>> f"{flops_per_usd(usd_per_gpu_hour=2.0, mfu=0.4, gpu='H100 SXM'):.4g}"
    '1.425e+18'
    """
    p = _validate.positive("usd_per_gpu_hour", usd_per_gpu_hour)
    return _out(np.asarray(flops_per_gpu_hour(mfu=mfu, gpu=gpu, precision=precision, flop_basis=flop_basis)) / p)


@_validate.finite_returns
def usd_to_flops(usd, *, usd_per_gpu_hour, mfu, gpu: str, precision: str = "fp8", flop_basis: str = "dense"):
    """Training FLOPs a budget buys.

    Parameters
    ----------
    usd : float or array_like
        Budget (USD), >= 0.
    usd_per_gpu_hour, mfu, gpu, precision, flop_basis
        See :func:`flops_per_usd`.

    Returns
    -------
    float or ndarray
        FLOP.

    Raises
    ------
    ValueError
        If ``usd`` is negative, or as :func:`flops_per_usd`.

    Examples
    --------
    >>> f"{usd_to_flops(1e9, usd_per_gpu_hour=2.0, mfu=0.4, gpu='H100 SXM', flop_basis='sparse'):.4g}"
    '2.85e+27'
    """
    u = _validate.nonnegative("usd", usd)
    rate = flops_per_usd(usd_per_gpu_hour=usd_per_gpu_hour, mfu=mfu, gpu=gpu, precision=precision,
                         flop_basis=flop_basis)
    return _out(u * np.asarray(rate))


@_validate.finite_returns
def flops_to_usd(flops, *, usd_per_gpu_hour, mfu, gpu: str, precision: str = "fp8", flop_basis: str = "dense"):
    """Cost (USD) of ``flops`` (FLOP, >= 0) training FLOPs; inverse of :func:`usd_to_flops`."""
    c = _validate.nonnegative("flops", flops)
    rate = flops_per_usd(usd_per_gpu_hour=usd_per_gpu_hour, mfu=mfu, gpu=gpu, precision=precision,
                         flop_basis=flop_basis)
    return _out(c / np.asarray(rate))


@_validate.finite_returns
def implied_usd_per_gpu_hour(flops_per_dollar, *, mfu, gpu: str, precision: str = "fp8",
                             flop_basis: str = "dense"):
    """The GPU-hour price at which one dollar buys ``flops_per_dollar`` FLOPs.

    Parameters
    ----------
    flops_per_dollar : float or array_like
        FLOP per USD, > 0 (e.g. an essay's budget-to-compute ratio).
    mfu, gpu, precision, flop_basis
        See :func:`flops_per_usd`.

    Returns
    -------
    float or ndarray
        USD per GPU-hour.

    Raises
    ------
    ValueError
        If ``flops_per_dollar`` is not positive, or as :func:`flops_per_usd`.

    Examples
    --------
    >>> f"{implied_usd_per_gpu_hour(2e18, mfu=0.4, gpu='H100 SXM', flop_basis='sparse'):.3f}"
    '2.850'
    """
    r = _validate.positive("flops_per_dollar", flops_per_dollar)
    return _out(np.asarray(flops_per_gpu_hour(mfu=mfu, gpu=gpu, precision=precision, flop_basis=flop_basis)) / r)


@_validate.finite_returns
def implied_mfu(flops_per_dollar, *, usd_per_gpu_hour, gpu: str, precision: str = "fp8",
                flop_basis: str = "dense"):
    """The utilisation at which one dollar buys ``flops_per_dollar`` FLOPs at a given price.

    The result may exceed 1: that means no utilisation reaches the figure at that price.

    Parameters
    ----------
    flops_per_dollar : float or array_like
        FLOP per USD, > 0.
    usd_per_gpu_hour : float or array_like
        Price (USD per GPU-hour), > 0.
    gpu, precision, flop_basis
        See :func:`peak_flops_per_second`.

    Returns
    -------
    float or ndarray
        MFU (fraction of the peak on ``flop_basis``); > 1 flags an impossible combination.

    Raises
    ------
    ValueError
        For non-positive inputs or an unknown GPU, precision or basis.
    """
    r = _validate.positive("flops_per_dollar", flops_per_dollar)
    p = _validate.positive("usd_per_gpu_hour", usd_per_gpu_hour)
    return _out(r * p / (peak_flops_per_second(gpu, precision, flop_basis) * SECONDS_PER_HOUR))


@_validate.finite_returns
def gpu_count(flops, *, run_days, mfu, gpu: str, precision: str = "fp8", flop_basis: str = "dense"):
    """Number of GPUs that deliver ``flops`` in ``run_days`` of wall-clock training.

    Parameters
    ----------
    flops : float or array_like
        Training compute (FLOP), >= 0.
    run_days : float or array_like
        Wall-clock length of the run (days), > 0.
    mfu, gpu, precision, flop_basis
        See :func:`flops_per_gpu_hour`.

    Returns
    -------
    float or ndarray
        GPUs (not rounded).

    Raises
    ------
    ValueError
        For negative ``flops``, non-positive ``run_days``, or as :func:`flops_per_gpu_hour`.

    Examples
    --------
    >>> f"{gpu_count(1.979e15 * 0.5 * 86400, run_days=1, mfu=0.5, gpu='H100 SXM'):.6g}"
    '1'
    """
    hours = np.asarray(flops_to_gpu_hours(flops, mfu=mfu, gpu=gpu, precision=precision, flop_basis=flop_basis))
    d = _validate.positive("run_days", run_days)
    return _out(hours / (d * 24.0))


@_validate.finite_returns
def run_days_for(flops, *, n_gpus, mfu, gpu: str, precision: str = "fp8", flop_basis: str = "dense"):
    """Wall-clock days ``n_gpus`` (> 0) GPUs need for ``flops`` (FLOP, >= 0); inverse of :func:`gpu_count`."""
    hours = np.asarray(flops_to_gpu_hours(flops, mfu=mfu, gpu=gpu, precision=precision, flop_basis=flop_basis))
    n = _validate.positive("n_gpus", n_gpus)
    return _out(hours / (n * 24.0))


@_validate.finite_returns
def facility_watts(n_gpus, *, it_watts_per_gpu, pue):
    """Facility power of a cluster: ``n_gpus x it_watts_per_gpu x pue``.

    Parameters
    ----------
    n_gpus : float or array_like
        Number of GPUs, >= 0.
    it_watts_per_gpu : float or array_like
        IT power per GPU including its share of hosts, network and storage (W), > 0.
    pue : float or array_like
        Power usage effectiveness (facility power / IT power), >= 1.

    Returns
    -------
    float or ndarray
        Watts drawn by the facility.

    Raises
    ------
    ValueError
        If ``n_gpus`` is negative, the watts are not positive or ``pue`` < 1.
    """
    n = _validate.nonnegative("n_gpus", n_gpus)
    w = _validate.positive("it_watts_per_gpu", it_watts_per_gpu)
    p = _validate.in_range("pue", pue, 1.0, np.inf, high_open=True)
    return _out(n * w * p)


@_validate.finite_returns
def energy_joules(watts, *, seconds):
    """Energy (J) of drawing ``watts`` (W, >= 0) for ``seconds`` (s, >= 0)."""
    w = _validate.nonnegative("watts", watts)
    s = _validate.nonnegative("seconds", seconds)
    return _out(w * s)


@_validate.finite_returns
def training_run(flops, *, usd_per_gpu_hour, mfu, gpu: str, precision: str = "fp8", flop_basis: str = "dense",
                 run_days, it_watts_per_gpu, pue) -> dict:
    """Everything a training run of ``flops`` FLOPs takes: GPU-hours, dollars, GPUs, power, energy.

    Parameters
    ----------
    flops : float or array_like
        Training compute (FLOP), >= 0.
    usd_per_gpu_hour, mfu, gpu, precision, flop_basis
        Price and throughput assumptions (see :func:`flops_per_usd`).
    run_days : float or array_like
        Wall-clock length of the run (days), > 0.
    it_watts_per_gpu, pue
        Power assumptions (see :func:`facility_watts`).

    Returns
    -------
    dict
        ``gpu_hours``, ``usd``, ``n_gpus``, ``facility_watts``, ``energy_joules``,
        ``energy_twh`` (each broadcast over the inputs).

    Raises
    ------
    ValueError
        If any input is out of range (see the functions above).
    """
    kw = dict(mfu=mfu, gpu=gpu, precision=precision, flop_basis=flop_basis)
    hours = flops_to_gpu_hours(flops, **kw)
    n = gpu_count(flops, run_days=run_days, **kw)
    watts = facility_watts(n, it_watts_per_gpu=it_watts_per_gpu, pue=pue)
    seconds = np.asarray(_validate.positive("run_days", run_days)) * SECONDS_PER_DAY
    joules = energy_joules(watts, seconds=seconds)
    return {
        "gpu_hours": hours,
        "usd": gpu_hours_to_usd(hours, usd_per_gpu_hour=usd_per_gpu_hour),
        "n_gpus": n,
        "facility_watts": watts,
        "energy_joules": joules,
        "energy_twh": _out(np.asarray(joules) / 3.6e15),
    }
