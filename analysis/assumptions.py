"""The report's assumptions: one file, validated on every load.

Assumptions (GPU price, utilisation, data stock, ...) are the reader's knobs. They live in
``data/assumptions.toml``, one table per assumption, each with a value, a unit, a plausible
range (or allowed choices) and a one-line rationale. Published facts never live here: they are
in ``data/*.csv`` with their sources.

Examples
--------
>>> from analysis import assumptions
>>> assumptions.value("mfu")
0.4
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import _validate

__all__ = [
    "ASSUMPTIONS_FILE",
    "Assumption",
    "AssumptionsError",
    "load",
    "value",
    "names",
    "check",
    "in_use",
]

ASSUMPTIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "assumptions.toml"

_REQUIRED = {"value", "unit", "rationale"}
_ALLOWED_FIELDS = _REQUIRED | {"low", "high", "allowed"}


class AssumptionsError(ValueError):
    """The assumptions file is malformed or an assumption's value is unacceptable."""


@dataclass(frozen=True)
class Assumption:
    """One assumption: its value, unit, plausible range or choices, and why."""

    name: str
    value: float | int | str
    unit: str
    rationale: str
    low: float | None = None
    high: float | None = None
    allowed: tuple[str, ...] | None = None

    @property
    def accepted(self) -> str:
        """The accepted values, as text: ``[low, high]`` or the list of choices."""
        if self.allowed is not None:
            return "one of " + ", ".join(repr(a) for a in self.allowed)
        return f"[{self.low:g}, {self.high:g}]"

    def check(self, candidate, *, source: str = "") -> float | int | str:
        """Return ``candidate`` if it is acceptable for this assumption, else raise.

        Raises
        ------
        AssumptionsError
            Naming the assumption, the value and what is accepted.
        """
        _validate.instance("source", source, str, "a string (where the value comes from)")
        where = f"{source}: " if source else ""
        if self.allowed is not None:
            if candidate not in self.allowed:
                raise AssumptionsError(
                    f"{where}{self.name}={candidate!r} is not {self.accepted} ({self.unit})"
                )
            return candidate
        if isinstance(candidate, bool) or not isinstance(candidate, (int, float)):
            raise AssumptionsError(
                f"{where}{self.name}={candidate!r} is not a number; expected {self.unit} "
                f"in {self.accepted}"
            )
        if not math.isfinite(candidate) or not (self.low <= candidate <= self.high):
            raise AssumptionsError(
                f"{where}{self.name}={candidate!r} is outside its plausible range "
                f"{self.accepted} ({self.unit}); widen the range in {ASSUMPTIONS_FILE.name} "
                "if you mean it"
            )
        if isinstance(self.value, int) and not float(candidate).is_integer():
            raise AssumptionsError(f"{where}{self.name}={candidate!r} must be a whole number")
        return candidate


def _parse_entry(path: Path, name: str, table) -> Assumption:
    def fail(problem: str):
        raise AssumptionsError(f"{path}: assumption [{name}]: {problem}")

    if not isinstance(table, dict):
        fail("must be a table ([name] followed by value = ..., unit = ..., ...)")
    unknown = set(table) - _ALLOWED_FIELDS
    if unknown:
        fail(f"unknown field(s) {sorted(unknown)}; allowed fields are {sorted(_ALLOWED_FIELDS)}")
    missing = _REQUIRED - set(table)
    if missing:
        fail(f"missing field(s) {sorted(missing)}")
    for text_field in ("unit", "rationale"):
        if not isinstance(table[text_field], str) or not table[text_field].strip():
            fail(f"'{text_field}' must be a non-empty string")
    val = table["value"]
    if isinstance(val, str):
        allowed = table.get("allowed")
        if not isinstance(allowed, list) or not allowed or not all(isinstance(a, str) for a in allowed):
            fail("a text value needs 'allowed', a non-empty list of strings")
        if "low" in table or "high" in table:
            fail("a text value takes 'allowed', not 'low'/'high'")
        entry = Assumption(name, val, table["unit"], table["rationale"], allowed=tuple(allowed))
    elif isinstance(val, (int, float)) and not isinstance(val, bool):
        if "allowed" in table:
            fail("a numeric value takes 'low' and 'high', not 'allowed'")
        for bound in ("low", "high"):
            b = table.get(bound)
            if b is None:
                fail(f"missing field '{bound}' (the plausible range is required)")
            if isinstance(b, bool) or not isinstance(b, (int, float)) or not math.isfinite(b):
                fail(f"'{bound}' = {b!r} is not a finite number")
        if table["low"] > table["high"]:
            fail(f"low = {table['low']!r} is above high = {table['high']!r}")
        entry = Assumption(name, val, table["unit"], table["rationale"],
                           low=table["low"], high=table["high"])
    else:
        fail(f"value = {val!r} must be a number or a string")
    entry.check(val, source=f"{path}: assumption [{name}]")
    return entry


@lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int) -> dict[str, Assumption]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AssumptionsError(f"{path}: the assumptions file does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise AssumptionsError(f"{path}: not valid TOML: {exc}") from None
    if not raw:
        raise AssumptionsError(f"{path}: the assumptions file defines no assumption")
    return {name: _parse_entry(path, name, table) for name, table in raw.items()}


def load(path: str | Path | None = None) -> dict[str, Assumption]:
    """Load and validate the assumptions file.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``data/assumptions.toml``.

    Returns
    -------
    dict of str to Assumption
        In file order.

    Raises
    ------
    AssumptionsError
        If the file is missing, is not TOML, or any entry is malformed or out of its range;
        the message names the file and the assumption.
    """
    p = _validate.path("path", path) if path is not None else ASSUMPTIONS_FILE
    p = p.resolve()
    mtime = p.stat().st_mtime_ns if p.exists() else -1
    return dict(_load_cached(p, mtime))


def names(path: str | Path | None = None) -> list[str]:
    """The names of all assumptions, in file order."""
    return list(load(path))


def value(name: str, path: str | Path | None = None):
    """The current value of one assumption.

    Raises
    ------
    AssumptionsError
        If ``name`` is not an assumption (the message lists the known names).
    """
    table = load(path)
    if not isinstance(name, str) or name not in table:
        raise AssumptionsError(
            f"{ASSUMPTIONS_FILE if path is None else path}: no assumption named {name!r}; "
            f"known: {', '.join(table)}"
        )
    return table[name].value


def check(path: str | Path | None = None, **values) -> dict:
    """Validate overrides against the file's ranges and return them.

    ``check(mfu=0.5)`` returns ``{"mfu": 0.5}``; ``check(mfu=1.5)`` raises
    :class:`AssumptionsError` naming ``mfu``, the value and the plausible range.
    """
    table = load(path)
    out = {}
    for name, candidate in values.items():
        if name not in table:
            raise AssumptionsError(f"no assumption named {name!r}; known: {', '.join(table)}")
        out[name] = table[name].check(candidate, source="override")
    return out


def _fmt(v) -> str:
    if isinstance(v, float) and not float(v).is_integer():
        return f"{v:.6g}"
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) >= 1e6 else f"{v:.1f}"
    return str(v)


def in_use(namespace: dict, path: str | Path | None = None) -> pd.DataFrame:
    """Validate the assumptions a notebook defines and return them as a table.

    Call it right after a chapter's parameters cell with ``globals()``: every variable whose
    name is an assumption is checked against the file's range, and the returned table shows
    the value in use, the file's default, the unit, the range and whether it was overridden
    (for example by papermill).
    """
    table = load(path)
    used = {k: namespace[k] for k in table if k in namespace}
    check(path, **used)
    rows = []
    for name, val in used.items():
        a = table[name]
        rows.append({
            "assumption": name,
            "value": _fmt(val),
            "unit": a.unit,
            "plausible range": a.accepted,
            "overridden": "" if val == a.value else f"yes (file: {_fmt(a.value)})",
        })
    return pd.DataFrame(rows).set_index("assumption")
