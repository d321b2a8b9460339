"""Argument checks shared by the public functions of :mod:`analysis`.

Each check returns its argument as a float ndarray (or the original scalar type where that is
more natural) and raises :class:`ValueError` naming the parameter, the offending value and the
accepted range, e.g. ``ValueError: mfu=1.7 is outside (0, 1]``. No check ever lets NaN through.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = ["finite", "positive", "nonnegative", "in_range", "one_of", "integer"]


def _show(value) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return f"{arr.item()!r}"
    return np.array2string(arr, threshold=6, precision=4)


def _as_float_array(name: str, value) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} is not a number or an array of numbers") from None
    if arr.size == 0:
        raise ValueError(f"{name} is empty; give at least one value")
    return arr


def _first_bad(arr: np.ndarray, bad: np.ndarray):
    return arr[bad].flat[0] if arr.ndim else arr.item()


def finite(name: str, value) -> np.ndarray:
    """Return ``value`` as a float array; raise if any element is NaN or infinite."""
    arr = _as_float_array(name, value)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name}={_show(_first_bad(arr, bad))} is not finite; give a finite number")
    return arr


def positive(name: str, value) -> np.ndarray:
    """Return ``value`` as a float array; raise unless every element is finite and > 0."""
    arr = finite(name, value)
    bad = arr <= 0
    if bad.any():
        raise ValueError(f"{name}={_show(_first_bad(arr, bad))} is outside (0, inf); it must be positive")
    return arr


def nonnegative(name: str, value) -> np.ndarray:
    """Return ``value`` as a float array; raise unless every element is finite and >= 0."""
    arr = finite(name, value)
    bad = arr < 0
    if bad.any():
        raise ValueError(f"{name}={_show(_first_bad(arr, bad))} is outside [0, inf); it must not be negative")
    return arr


def in_range(name: str, value, low: float, high: float, *, low_open: bool = False,
             high_open: bool = False) -> np.ndarray:
    """Return ``value`` as a float array; raise unless every element lies in the interval.

    The interval is ``[low, high]`` by default; ``low_open``/``high_open`` exclude the ends,
    so ``in_range("mfu", x, 0, 1, low_open=True)`` accepts (0, 1].
    """
    arr = finite(name, value)
    too_low = arr <= low if low_open else arr < low
    too_high = arr >= high if high_open else arr > high
    bad = too_low | too_high
    if bad.any():
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name}={_show(_first_bad(arr, bad))} is outside {interval}")
    return arr


def integer(name: str, value, low: int = 0, high: int | None = None) -> int:
    """Return ``value`` as an int; raise unless it is a whole number in ``[low, high]``."""
    if isinstance(value, bool) or not float(value).is_integer():
        raise ValueError(f"{name}={value!r} is not a whole number")
    out = int(value)
    if out < low or (high is not None and out > high):
        raise ValueError(f"{name}={out} is outside [{low}, {'inf' if high is None else high}]")
    return out


def one_of(name: str, value, allowed: Iterable):
    """Return ``value`` unchanged; raise unless it is one of ``allowed``."""
    allowed = list(allowed)
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of {allowed}")
    return value
