"""The report's assumptions: one file, validated on every load.

Assumptions (GPU price, utilisation, data stock, ...) are the reader's knobs. They live in
``data/assumptions.toml``, one table per assumption, each with a value, a unit, a plausible
range (or allowed choices) and a one-line rationale. Published facts never live here: they are
in ``data/*.csv`` with their sources.

:func:`load` is the only code that opens the file. It returns an immutable
:class:`Assumptions`: a mapping of name to value with attribute access. Helpers in
:mod:`analysis` never read the file; they take values as arguments, and every ``claim_*``
function takes one :class:`Assumptions` argument. A chapter's ``parameters`` cell reads the file;
a papermill-injected cell or a reader's edit below it overrides the value, and
:func:`current` turns the notebook's variables back into a validated :class:`Assumptions`.

Examples
--------
>>> from analysis import assumptions
>>> A = assumptions.load()
>>> A.mfu
0.4
>>> A.replace(mfu=0.5).mfu
0.5
"""

from __future__ import annotations

import math
import numbers
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from analysis import _validate

__all__ = [
    "ASSUMPTIONS_FILE",
    "Assumption",
    "Assumptions",
    "AssumptionsError",
    "load",
    "current",
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

        The value is returned exactly (nothing is rounded). An integer assumption returns an
        ``int`` (a whole-number float such as ``20241220.0`` becomes ``20241220``); a float
        assumption given a Python ``int`` returns the same value as a ``float``. ``True`` and
        ``False`` are never numbers.

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
        if isinstance(candidate, bool) or not isinstance(candidate, numbers.Real) \
                or type(candidate).__name__ == "bool_":
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
        if isinstance(self.value, int):
            if not float(candidate).is_integer():
                raise AssumptionsError(f"{where}{self.name}={candidate!r} must be a whole number")
            return int(candidate)  # an integer assumption stays an integer (20241220.0 -> 20241220)
        if not isinstance(candidate, float) and float(candidate) == candidate:
            return float(candidate)  # a float assumption stays a float; the value is exact
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


class Assumptions(Mapping):
    """The report's assumptions, validated and immutable: a mapping of name to value.

    Read a value as ``A["mfu"]`` or ``A.mfu``; :meth:`spec` gives its unit, range and rationale
    (and the file's value); :meth:`replace` returns a new, validated object with some values
    changed. Values keep their exact type and value: an integer stays an integer, nothing is
    rounded. Build one with :func:`load` or :func:`current`, never by hand.
    """

    __slots__ = ("_specs", "_values", "_path")

    def __init__(self, specs: Mapping[str, Assumption], values: Mapping | None = None, path: Path | None = None):
        object.__setattr__(self, "_specs", MappingProxyType(dict(specs)))
        vals = {n: a.value for n, a in specs.items()} if values is None else dict(values)
        if list(vals) != list(specs):
            raise AssumptionsError("values and specs must name the same assumptions in the same order")
        object.__setattr__(self, "_values", MappingProxyType(vals))
        object.__setattr__(self, "_path", path)

    # the mapping
    def __getitem__(self, name: str):
        try:
            return self._values[name]
        except (KeyError, TypeError):  # an unhashable name (a list) is no assumption either
            raise KeyError(self._unknown(name)) from None

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(self._unknown(name)) from None

    def __setattr__(self, name, value):
        raise AttributeError(f"Assumptions are immutable; use .replace({name}=...) for a changed copy")

    def __delattr__(self, name):
        raise AttributeError("Assumptions are immutable")

    def __reduce__(self):
        return (Assumptions, (dict(self._specs), dict(self._values), self._path))

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"Assumptions({inner})"

    def __dir__(self):
        return [*super().__dir__(), *self._values]

    def _unknown(self, name) -> str:
        where = f"{self._path}: " if self._path is not None else ""
        return f"{where}no assumption named {name!r}; known: {', '.join(self._values)}"

    @property
    def path(self) -> Path | None:
        """The file the assumptions were read from."""
        return self._path

    def spec(self, name: str) -> Assumption:
        """The :class:`Assumption` ``name``: unit, range or choices, rationale, the file's value.

        Raises
        ------
        AssumptionsError
            If ``name`` is not an assumption (the message lists the known names).
        """
        if not isinstance(name, str) or name not in self._specs:
            raise AssumptionsError(self._unknown(name))
        return self._specs[name]

    def specs(self) -> Mapping[str, Assumption]:
        """Every :class:`Assumption`, in file order (read-only)."""
        return self._specs

    def replace(self, **overrides) -> Assumptions:
        """A new :class:`Assumptions` with ``overrides`` applied, each checked against its range.

        Raises
        ------
        AssumptionsError
            Naming the assumption, the value and what is accepted (a ``ValueError``).
        """
        vals = dict(self._values)
        for name, candidate in overrides.items():
            vals[name] = self.spec(name).check(candidate, source="override")
        return Assumptions(self._specs, vals, self._path)

    @property
    def overrides(self) -> dict:
        """The assumptions whose value differs from the file's, ``{name: value}``."""
        return {k: v for k, v in self._values.items() if not _same(v, self._specs[k].value)}


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


@lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int) -> Assumptions:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AssumptionsError(f"{path}: the assumptions file does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise AssumptionsError(f"{path}: not valid TOML: {exc}") from None
    if not raw:
        raise AssumptionsError(f"{path}: the assumptions file defines no assumption")
    return Assumptions({name: _parse_entry(path, name, table) for name, table in raw.items()}, path=path)


def load(path: str | Path | None = None) -> Assumptions:
    """Read and validate the assumptions file: the only function that opens it.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``data/assumptions.toml``.

    Returns
    -------
    Assumptions
        Immutable; in file order. The file is re-read when it changes.

    Raises
    ------
    AssumptionsError
        If the file is missing, is not TOML, or any entry is malformed or out of its range;
        the message names the file and the assumption.
    """
    p = _validate.path("path", path) if path is not None else ASSUMPTIONS_FILE
    p = p.resolve()
    mtime = p.stat().st_mtime_ns if p.exists() else -1
    return _load_cached(p, mtime)


def current(namespace: Mapping, path: str | Path | None = None) -> Assumptions:
    """The file's assumptions overridden by the same-named variables of ``namespace``.

    A chapter calls ``A = assumptions.current(globals())`` right after its parameters cell, so a
    papermill-injected cell or a reader's edit of that cell overrides the file. Each override is
    validated as in :meth:`Assumptions.replace`.
    """
    if not isinstance(namespace, Mapping):
        raise AssumptionsError(f"namespace={type(namespace).__name__} must be a mapping such as globals()")
    base = load(path)
    return base.replace(**{k: namespace[k] for k in base if k in namespace})


def names(path: str | Path | None = None) -> list[str]:
    """The names of all assumptions, in file order."""
    return list(load(path))


def check(path: str | Path | None = None, **values) -> dict:
    """Validate overrides against the file's ranges and return them (types made exact).

    ``check(mfu=0.5)`` returns ``{"mfu": 0.5}``; ``check(mfu=1.5)`` raises
    :class:`AssumptionsError` naming ``mfu``, the value and the plausible range.
    """
    a = load(path).replace(**values)
    return {k: a[k] for k in values}


def _fmt(v) -> str:
    """A value as the book shows numbers (analysis.fmt), with as many digits as it needs to be exact."""
    from analysis import fmt

    if isinstance(v, str):
        return v
    if isinstance(v, int) and abs(v) < 10**9:
        return str(v)
    x = float(v)
    sig = next((n for n in range(1, 16) if float(f"{x:.{n - 1}e}") == x), 15)
    return fmt.num(x, sig)


def _range(spec: Assumption) -> str:
    if spec.allowed is not None:
        return "one of " + ", ".join(spec.allowed)
    return f"{_fmt(spec.low)} to {_fmt(spec.high)}"


def in_use(a: Assumptions, names: Iterable[str] | Mapping | None = None) -> pd.DataFrame:
    """The table of the assumptions a chapter uses, marking those that differ from the file.

    Parameters
    ----------
    a : Assumptions
        The values in use (from :func:`current`).
    names : iterable of str, or a mapping such as ``globals()``, optional
        Which rows to show: every name listed (each must be an assumption), or, for a mapping,
        its keys that are assumptions. Default: all.

    Returns
    -------
    pandas.DataFrame
        Indexed by assumption: value in use, unit, plausible range, and whether it was
        overridden (for example by papermill), with the file's value.
    """
    if not isinstance(a, Assumptions):
        raise AssumptionsError(f"a={type(a).__name__} must be an Assumptions (assumptions.current(globals()))")
    if names is None:
        shown = list(a)
    elif isinstance(names, Mapping):
        shown = [k for k in a if k in names]
    else:
        shown = list(names)
        for n in shown:
            a.spec(n)
    rows = []
    for name in shown:
        spec, val = a.spec(name), a[name]
        rows.append({
            "assumption": name,
            "value": _fmt(val),
            "unit": spec.unit,
            "plausible range": _range(spec),
            "overridden": "" if _same(val, spec.value) else f"yes (file: {_fmt(spec.value)})",
        })
    return pd.DataFrame(rows, columns=["assumption", "value", "unit", "plausible range", "overridden"]
                        ).set_index("assumption")
