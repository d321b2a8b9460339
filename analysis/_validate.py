"""Argument checks shared by the public functions of :mod:`analysis`.

Each check returns its argument as a float ndarray (a Python ``float`` with ``scalar=True``,
an ``int`` for :func:`integer`) and raises :class:`ValueError` naming the parameter, the
offending value and the accepted range, e.g. ``ValueError: mfu=1.7 is outside (0, 1]``.

What every numeric check rejects, whatever the range:

* ``None``, strings (even ``"1"``), complex numbers, dates and other objects;
* booleans, alone or inside a list or array (``True`` is not 1);
* empty arrays, ragged lists, and arrays where a single number is expected (``scalar=True``);
* NaN and infinities, anywhere in an array.

:func:`finite_result` is the last line of defence of a computation that could overflow or
underflow: it turns a non-finite result into a ``ValueError`` that names the inputs.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

__all__ = ["finite", "positive", "nonnegative", "in_range", "one_of", "integer", "instance", "law", "finite_returns", "flag", "path",
           "finite_result", "interval", "vector"]


def _show(value) -> str:
    """A short repr of ``value`` for an error message."""
    if isinstance(value, np.generic):
        value = value.item()  # 2.0, not np.float64(2.0)
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"{value.item()!r}"
        return np.array2string(value, threshold=6, precision=4)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def interval(low: float, high: float, low_open: bool = False, high_open: bool = False) -> str:
    """``[low, high]`` with ``(``/``)`` for open ends, as printed in error messages."""
    return f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def _has_bool(value) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_bool(v) for v in value)
    return False


def _kind_error(name: str, value, accepted: str) -> str | None:
    """Why ``value`` is not a number or array of numbers, or None if it may be one."""
    if value is None:
        return f"{name}=None is missing; give {accepted}"
    if isinstance(value, (str, bytes)):
        return f"{name}={value!r} is not a number (it is a string); give {accepted}"
    if _has_bool(value):
        return f"{name}={_show(value)} is not a number (a bool; True is not 1); give {accepted}"
    if isinstance(value, (complex, np.complexfloating)):
        return f"{name}={value!r} is not a real number (it is complex); give {accepted}"
    return None


def _as_float_array(name: str, value, accepted: str = "a number or an array of numbers",
                    scalar: bool = False) -> np.ndarray:
    why = _kind_error(name, value, accepted)
    if why:
        raise ValueError(why)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={_show(value)} is not a number or a regular array of numbers; "
                         f"give {accepted}") from None
    kind = raw.dtype.kind
    if kind == "b":
        raise ValueError(f"{name}={_show(raw)} holds booleans, not numbers (True is not 1); give {accepted}")
    if kind == "c":
        raise ValueError(f"{name}={_show(raw)} is complex; give {accepted}")
    if kind == "O":
        for item in raw.flat:
            why = _kind_error(name, item, accepted)
            if why or not isinstance(item, numbers.Real):
                raise ValueError(f"{name}={_show(value)} holds {item!r}, which is not a number; give {accepted}")
    elif kind not in "iuf":
        raise ValueError(f"{name}={_show(value)} is not a number or an array of numbers; give {accepted}")
    arr = raw.astype(float)
    if arr.size == 0:
        raise ValueError(f"{name} is empty; give {accepted}")
    if scalar and arr.ndim != 0:
        raise ValueError(f"{name}={_show(arr)} has shape {arr.shape}; give a single number, {accepted}")
    return arr


def _first_bad(arr: np.ndarray, bad: np.ndarray):
    return arr[bad].flat[0] if arr.ndim else arr.item()


def _ret(arr: np.ndarray, scalar: bool):
    return float(arr) if scalar else arr


def finite(name: str, value, *, scalar: bool = False):
    """Return ``value`` as a float array; raise if any element is NaN or infinite.

    With ``scalar=True`` the value must be a single number and is returned as a ``float``.
    """
    arr = _as_float_array(name, value, "a finite number", scalar)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name}={_show(_first_bad(arr, bad))} is not finite; give a finite number")
    return _ret(arr, scalar)


def positive(name: str, value, *, scalar: bool = False):
    """Return ``value`` as a float array; raise unless every element is finite and > 0."""
    arr = _as_float_array(name, value, "a number in (0, inf)", scalar)
    bad = ~np.isfinite(arr) | (arr <= 0)
    if bad.any():
        raise ValueError(f"{name}={_show(_first_bad(arr, bad))} is outside (0, inf); it must be a "
                         "finite positive number")
    return _ret(arr, scalar)


def nonnegative(name: str, value, *, scalar: bool = False):
    """Return ``value`` as a float array; raise unless every element is finite and >= 0."""
    arr = _as_float_array(name, value, "a number in [0, inf)", scalar)
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        raise ValueError(f"{name}={_show(_first_bad(arr, bad))} is outside [0, inf); it must be a "
                         "finite number that is not negative")
    return _ret(arr, scalar)


def in_range(name: str, value, low: float, high: float, *, low_open: bool = False,
             high_open: bool = False, scalar: bool = False):
    """Return ``value`` as a float array; raise unless every element is finite and in the interval.

    The interval is ``[low, high]`` by default; ``low_open``/``high_open`` exclude the ends,
    so ``in_range("mfu", x, 0, 1, low_open=True)`` accepts (0, 1]. An infinite end still
    excludes infinity itself: every element must be finite.
    """
    text = interval(low, high, low_open, high_open)
    arr = _as_float_array(name, value, f"a number in {text}", scalar)
    too_low = arr <= low if low_open else arr < low
    too_high = arr >= high if high_open else arr > high
    bad = ~np.isfinite(arr) | too_low | too_high
    if bad.any():
        raise ValueError(f"{name}={_show(_first_bad(arr, bad))} is outside {text}")
    return _ret(arr, scalar)


def vector(name: str, arr: np.ndarray, min_size: int = 1) -> np.ndarray:
    """Check that an already-validated array is 1-D (or a single number) with ``min_size`` elements.

    Returns it as a 1-D array.
    """
    if arr.ndim > 1:
        raise ValueError(f"{name} has shape {arr.shape}; give a 1-D array of at least {min_size} numbers")
    out = np.atleast_1d(arr)
    if out.size < min_size:
        raise ValueError(f"{name} has {out.size} value(s); give a 1-D array of at least {min_size} numbers")
    return out


def integer(name: str, value, low: int = 0, high: int | None = None) -> int:
    """Return ``value`` as an int; raise unless it is a whole number in ``[low, high]``.

    Accepts Python and numpy integers and integral floats (``3.0``); rejects booleans,
    ``None``, strings, arrays, fractions, NaN and infinities.
    """
    text = f"[{low}, {'inf' if high is None else high}]"
    accepted = f"a whole number in {text}"
    why = _kind_error(name, value, accepted)
    if why:
        raise ValueError(why)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, numbers.Integral):
        out = int(value)
    elif isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f) or not f.is_integer():
            raise ValueError(f"{name}={value!r} is not a whole number; give {accepted}")
        out = int(f)
    else:
        raise ValueError(f"{name}={_show(value)} is not a whole number; give {accepted}")
    if out < low or (high is not None and out > high):
        raise ValueError(f"{name}={_show(value)} is outside {text}")
    return out


def one_of(name: str, value, allowed: Iterable):
    """Return ``value`` unchanged; raise unless it is one of ``allowed``.

    Only hashable scalars (strings, numbers) can match; a bool matches only a bool.
    """
    allowed = list(allowed)
    ok = isinstance(value, (str, numbers.Number)) and any(
        type(value) is type(a) if isinstance(value, bool) or isinstance(a, bool) else value == a
        for a in allowed
    )
    if not ok:
        raise ValueError(f"{name}={_show(value)} is not one of {allowed}")
    return value


def instance(name: str, value, types, what: str):
    """Return ``value`` unchanged; raise unless it is an instance of ``types`` (described by ``what``)."""
    if not isinstance(value, types):
        raise ValueError(f"{name}={_show(value)} is not {what}; give {what}")
    return value


def finite_result(result, what: str, **inputs):
    """Return ``result``; raise if any element is NaN or infinite (float64 overflow or underflow).

    ``inputs`` are the arguments the result was computed from; the message names them so that
    the caller knows which to bring into range.
    """
    arr = np.asarray(result, dtype=float)
    if not np.all(np.isfinite(arr)):
        shown = ", ".join(f"{k}={_show(v)}" for k, v in inputs.items())
        raise ValueError(f"{what} is not finite for {shown} (it leaves the float64 range, about 1e-308 "
                         "to 1.8e308); give inputs that keep it finite")
    return result


def law(name: str, value, *, parametric: bool = False):
    """Return ``value`` unchanged; raise unless it is a published-law object of :mod:`analysis.scaling`.

    A :class:`~analysis.scaling.ParametricLoss` (or, unless ``parametric``, a
    :class:`~analysis.scaling.PowerLawAllocation`).
    """
    # by class name, not by importing analysis.scaling: scaling (through datasets) imports this module
    kinds = ("ParametricLoss",) if parametric else ("ParametricLoss", "PowerLawAllocation")
    cls = type(value)
    if cls.__module__ != "analysis.scaling" or not {c.__name__ for c in cls.__mro__} & set(kinds):
        wanted = " or ".join(kinds)
        raise ValueError(f"{name}={value!r} is not a {wanted}; give one of analysis.scaling's laws "
                         "(e.g. scaling.HOFFMANN_2022)")
    return value


def _first_non_finite(result, path: str):
    """Where ``result`` holds NaN or an infinity (numbers, arrays, tuples, lists, dicts), or None."""
    if isinstance(result, (bool, np.bool_, str, bytes)) or result is None:
        return None
    if isinstance(result, (numbers.Real, np.ndarray)):
        arr = np.asarray(result)
        if arr.dtype.kind in "iuf" and not np.all(np.isfinite(arr)):
            return path
        return None
    if hasattr(result, "select_dtypes"):  # a pandas DataFrame: its numeric columns
        values = result.select_dtypes("number").to_numpy(dtype=float, na_value=np.nan)
        return None if np.all(np.isfinite(values)) else f"{path} table"
    if isinstance(result, dict):
        items = result.items()
    elif isinstance(result, (list, tuple)):
        items = enumerate(result)
    else:
        return None
    for key, value in items:
        where = _first_non_finite(value, f"{path}[{key!r}]")
        if where:
            return where
    return None


def _names(name: str, message: str) -> bool:
    """Whether ``message`` mentions the parameter ``name`` as a word."""
    import re

    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_(])", message) is not None


def finite_returns(func):
    """Decorator: raise a ``ValueError`` naming the arguments when ``func`` returns NaN or infinity.

    The last line of defence against float64 overflow and underflow for inputs that pass every
    range check but are extreme (``1e300`` tokens); the checks inside ``func`` stay the first.
    Also turns numpy's "could not be broadcast" error into one that names the arguments' shapes,
    and prefixes a ``ValueError`` raised by a helper about its own argument (none of ``func``'s
    parameters named) with the call and its arguments, so the message says which input led there.
    """
    import functools
    import inspect

    sig = inspect.signature(func)

    def shown(args, kwargs):
        bound = sig.bind(*args, **kwargs)
        return ", ".join(f"{k}={_show(v)}" for k, v in bound.arguments.items() if k not in ("self", "cls"))

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
                result = func(*args, **kwargs)
        except ValueError as exc:
            msg = str(exc)
            if "broadcast" in msg:
                bound = sig.bind(*args, **kwargs)
                shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in bound.arguments.items()
                                   if isinstance(v, (list, tuple, np.ndarray)))
                raise ValueError(f"{func.__name__}: the array arguments have shapes {shapes}, which do not "
                                 "broadcast together; give arrays of the same shape or single numbers") from None
            if not any(_names(k, msg) for k in sig.parameters if k not in ("self", "cls")):
                # raised by a helper about its own argument: say which call and inputs led there
                raise type(exc)(f"{func.__name__}({shown(args, kwargs)}): {msg}") from exc
            raise
        where = _first_non_finite(result, "result")
        if where:
            raise ValueError(f"{func.__name__}({shown(args, kwargs)}): the {where} is not finite (it leaves the "
                             "float64 range, about 1e-308 to 1.8e308); give inputs that keep it finite")
        return result

    return wrapper


def flag(name: str, value) -> bool:
    """Return ``value`` as a ``bool``; raise unless it is ``True`` or ``False`` (not 0, 1 or a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}={_show(value)} is not a bool; give True or False")
    return bool(value)


def path(name: str, value):
    """Return ``value`` as a :class:`pathlib.Path`; raise unless it is a string or path-like object."""
    import os
    from pathlib import Path

    if not isinstance(value, (str, os.PathLike)) or (isinstance(value, str) and not value):
        raise ValueError(f"{name}={_show(value)} is not a path; give a file or folder path (str or Path)")
    return Path(value)
