"""Published inputs: CSV snapshots in ``data/`` with a provenance-and-schema sidecar.

Each ``data/<name>.csv`` has a ``data/<name>.yml`` that says where the numbers come from
(bib key, table/figure/page, date read, what was transcribed or derived) and what each column
holds (type, unit, bounds). :func:`load` checks the CSV against it, so a malformed file stops
with an error naming the file, the line and the column. The format is described in
``CONTRIBUTING.md``; beyond it, a column may say ``above: x`` (values must be strictly greater
than ``x``, e.g. a peak throughput that may not be 0), and the sidecar may list ``checks``
between columns, each ``{column: a, equals: b, times: f}``: in every row where both are filled,
``a == f * b`` (to a relative tolerance of 1e-9), e.g. dense = sparse / 2.

The CSV is UTF-8 without a byte-order mark; every row has exactly the header's number of
fields; blank lines are skipped (line numbers in errors are the file's own); no row may repeat
another.

Examples
--------
>>> from analysis import datasets
>>> sorted(datasets.names())[:1]  # doctest: +SKIP
['chinchilla_table2']
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from analysis import _validate

__all__ = [
    "DATA_DIR",
    "BIB_FILE",
    "DataFileError",
    "Source",
    "Column",
    "Check",
    "Dataset",
    "names",
    "meta",
    "load",
    "bib_keys",
    "provenance_table",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BIB_FILE = DATA_DIR.parent / "references.bib"

_TYPES = {"float", "int", "str", "bool", "date"}
_REQUIRED_META = {"title", "description", "sources", "columns"}
_META_FIELDS = _REQUIRED_META | {"checks"}
_SOURCE_FIELDS = {"key", "locator", "date_read", "note"}
_COLUMN_FIELDS = {"type", "unit", "min", "max", "above", "allowed", "nullable", "bibkey", "description"}
_CHECK_FIELDS = {"column", "equals", "times"}
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


class DataFileError(ValueError):
    """A data file or its sidecar is missing or malformed."""


@dataclass(frozen=True)
class Source:
    key: str
    locator: str
    date_read: str
    note: str = ""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    above: float | None = None
    allowed: tuple | None = None
    nullable: bool = False
    bibkey: bool = False
    description: str = ""


@dataclass(frozen=True)
class Check:
    """A rule between two numeric columns: ``column == times * equals`` in every filled row."""

    column: str
    equals: str
    times: float = 1.0


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    sources: tuple[Source, ...]
    columns: tuple[Column, ...]
    csv_path: Path
    meta_path: Path
    checks: tuple[Check, ...] = ()

    def __deepcopy__(self, memo):
        # Immutable (frozen, tuples of frozen records), so a copy is the object itself. pandas
        # deep-copies ``df.attrs`` after every operation on a loaded frame: without this, each
        # filter or column pick of a dataset copied its whole provenance record.
        return self


#: libyaml's safe loader where PyYAML was built with it (the same documents, several times faster).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=4)
def _bib_keys_cached(path: Path, mtime_ns: int) -> frozenset[str]:
    text = path.read_text(encoding="utf-8")
    return frozenset(re.findall(r"@\w+\s*\{\s*([^,\s]+)\s*,", text))


def bib_keys(path: str | Path | None = None) -> frozenset[str]:
    """The citation keys defined in ``references.bib``."""
    p = _validate.path("path", path) if path is not None else BIB_FILE
    if not p.exists():
        raise DataFileError(f"{p}: the bibliography file does not exist")
    return _bib_keys_cached(p.resolve(), p.stat().st_mtime_ns)


def names(data_dir: str | Path | None = None) -> list[str]:
    """Names of all datasets (CSV files) in ``data/``, sorted."""
    d = _validate.path("data_dir", data_dir) if data_dir is not None else DATA_DIR
    return sorted(p.stem for p in d.glob("*.csv"))


def meta(name: str, data_dir: str | Path | None = None) -> Dataset:
    """Read and check the sidecar ``data/<name>.yml`` of a dataset.

    Raises
    ------
    DataFileError
        If the CSV or sidecar is missing, the YAML is malformed, a field is unknown or missing,
        or a source key is not in ``references.bib``.
    """
    _validate.instance("name", name, str, "a dataset name (a file stem in data/)")
    d = _validate.path("data_dir", data_dir) if data_dir is not None else DATA_DIR
    csv_path, meta_path = d / f"{name}.csv", d / f"{name}.yml"
    if not csv_path.exists():
        known = ", ".join(names(d)) or "none"
        raise DataFileError(f"name={name!r}: {csv_path}: no such data file (known datasets: {known})")
    if not meta_path.exists():
        raise DataFileError(f"{meta_path}: missing provenance sidecar for {csv_path.name}")

    def fail(problem: str):
        raise DataFileError(f"{meta_path}: {problem}")

    try:
        raw = yaml.load(meta_path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        fail(f"not valid YAML: {exc}")
    if not isinstance(raw, dict):
        fail("must be a mapping with title, description, sources, columns")
    unknown = set(raw) - _META_FIELDS
    if unknown:
        fail(f"unknown field(s) {sorted(unknown)}; allowed: {sorted(_META_FIELDS)}")
    for field in sorted(_REQUIRED_META):
        if field not in raw or raw[field] in (None, "", [], {}):
            fail(f"missing field '{field}'")
    keys = bib_keys()
    sources = []
    if not isinstance(raw["sources"], list):
        fail("'sources' must be a list of {key, locator, date_read, note}")
    for i, s in enumerate(raw["sources"]):
        if not isinstance(s, dict):
            fail(f"sources[{i}] must be a mapping")
        bad = set(s) - _SOURCE_FIELDS
        if bad:
            fail(f"sources[{i}]: unknown field(s) {sorted(bad)}; allowed: {sorted(_SOURCE_FIELDS)}")
        for field in ("key", "locator", "date_read"):
            if not s.get(field):
                fail(f"sources[{i}]: missing field '{field}'")
        if s["key"] not in keys:
            fail(f"sources[{i}]: key '{s['key']}' is not in {BIB_FILE.name}")
        date = s["date_read"]
        if not isinstance(date, _dt.date):
            try:
                _dt.date.fromisoformat(str(date))
            except ValueError:
                fail(f"sources[{i}]: date_read {date!r} is not a YYYY-MM-DD date")
        sources.append(Source(s["key"], str(s["locator"]), str(date), str(s.get("note", ""))))
    if not isinstance(raw["columns"], dict):
        fail("'columns' must be a mapping of column name to {type, unit, ...}")
    columns = []
    for cname, spec in raw["columns"].items():
        columns.append(_column(str(cname), spec, fail))
    checks = _checks(raw.get("checks"), {c.name: c for c in columns}, fail)
    return Dataset(name, str(raw["title"]), str(raw["description"]).strip(), tuple(sources),
                   tuple(columns), csv_path, meta_path, checks)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _column(cname: str, spec, fail) -> Column:
    """Check one column's schema entry; ``fail`` raises naming the sidecar."""
    if not isinstance(spec, dict):
        fail(f"column '{cname}': must be a mapping with at least 'type'")
    bad = set(spec) - _COLUMN_FIELDS
    if bad:
        fail(f"column '{cname}': unknown field(s) {sorted(bad)}; allowed: {sorted(_COLUMN_FIELDS)}")
    ctype = spec.get("type")
    if ctype not in _TYPES:
        fail(f"column '{cname}': type {ctype!r} is not one of {sorted(_TYPES)}")
    numeric = ctype in ("float", "int")
    if numeric and not spec.get("unit"):
        fail(f"column '{cname}': numeric columns need a 'unit'")
    for field in ("unit", "description"):
        if field in spec and not isinstance(spec[field], str):
            fail(f"column '{cname}': '{field}' must be text, not {spec[field]!r}")
    for field in ("min", "max", "above"):
        if field not in spec:
            continue
        if not numeric:
            fail(f"column '{cname}': '{field}' applies to float and int columns only, not {ctype}")
        if not _is_number(spec[field]):
            fail(f"column '{cname}': '{field}' must be a finite number, not {spec[field]!r}")
    if "min" in spec and "max" in spec and spec["min"] > spec["max"]:
        fail(f"column '{cname}': min {spec['min']!r} is above max {spec['max']!r}")
    for field in ("nullable", "bibkey"):
        if field in spec and not isinstance(spec[field], bool):
            fail(f"column '{cname}': '{field}' must be true or false (unquoted), not {spec[field]!r}")
    allowed = spec.get("allowed")
    if allowed is not None and (not isinstance(allowed, list) or not allowed):
        fail(f"column '{cname}': 'allowed' must be a non-empty list, not {allowed!r}")
    return Column(
        name=cname, type=ctype, unit=spec.get("unit"), min=spec.get("min"), max=spec.get("max"),
        above=spec.get("above"), allowed=tuple(allowed) if allowed is not None else None,
        nullable=spec.get("nullable", False), bibkey=spec.get("bibkey", False),
        description=spec.get("description", ""),
    )


def _checks(raw, columns: dict[str, Column], fail) -> tuple[Check, ...]:
    """Check the sidecar's cross-column ``checks`` list."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        fail("'checks' must be a non-empty list of {column, equals, times}")
    out = []
    for i, c in enumerate(raw):
        if not isinstance(c, dict):
            fail(f"checks[{i}] must be a mapping {{column, equals, times}}")
        bad = set(c) - _CHECK_FIELDS
        if bad:
            fail(f"checks[{i}]: unknown field(s) {sorted(bad)}; allowed: {sorted(_CHECK_FIELDS)}")
        for field in ("column", "equals"):
            col = columns.get(c.get(field))
            if col is None:
                fail(f"checks[{i}]: '{field}' must name a column of the sidecar, not {c.get(field)!r}")
            if col.type != "float":
                fail(f"checks[{i}]: column '{col.name}' is {col.type}; checks compare float columns")
        times = c.get("times", 1.0)
        if not _is_number(times) or times == 0:
            fail(f"checks[{i}]: 'times' must be a finite, non-zero number, not {times!r}")
        out.append(Check(c["column"], c["equals"], float(times)))
    return tuple(out)


def _where(ds: Dataset, line: int, row: int, column: str) -> str:
    return f"{ds.csv_path}: line {line} (data row {row}), column '{column}'"


def _convert(ds: Dataset, col: Column, cells: list[str], lines: list[int]) -> pd.Series:
    keys = bib_keys() if col.bibkey else None
    out = []
    for i, (cell, line) in enumerate(zip(cells, lines, strict=True)):
        where = _where(ds, line, i + 1, col.name)
        text = cell.strip()
        if text == "":
            if not col.nullable:
                raise DataFileError(f"{where}: empty, and the column is not nullable")
            out.append(None)
            continue
        try:
            if col.type == "float":
                v = float(text)
            elif col.type == "int":
                v = int(text)
            elif col.type == "bool":
                low = text.lower()
                if low not in _TRUE | _FALSE:
                    raise ValueError
                v = low in _TRUE
            elif col.type == "date":
                v = pd.Timestamp(_dt.date.fromisoformat(text))
            else:
                v = text
        except ValueError:
            raise DataFileError(f"{where}: {text!r} is not a valid {col.type}") from None
        if col.type in ("float", "int"):
            if v != v or v in (float("inf"), float("-inf")):
                raise DataFileError(f"{where}: {text!r} is not finite")
            if col.min is not None and v < col.min:
                raise DataFileError(f"{where}: {v!r} is below the minimum {col.min!r} ({col.unit})")
            if col.max is not None and v > col.max:
                raise DataFileError(f"{where}: {v!r} is above the maximum {col.max!r} ({col.unit})")
            if col.above is not None and not v > col.above:
                raise DataFileError(f"{where}: {v!r} must be above {col.above!r} ({col.unit})")
        if col.allowed is not None and v not in col.allowed:
            raise DataFileError(f"{where}: {v!r} is not one of {list(col.allowed)}")
        if keys is not None and v not in keys:
            raise DataFileError(f"{where}: source key {v!r} is not in {BIB_FILE.name}")
        out.append(v)
    if col.type == "float":
        return pd.Series(out, dtype="float64", name=col.name)
    if col.type == "int" and not col.nullable:
        return pd.Series(out, dtype="int64", name=col.name)
    if col.type == "date":
        return pd.Series(pd.to_datetime(out), name=col.name)
    return pd.Series(out, dtype="object", name=col.name)


def _read_rows(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """The header, the data rows and each row's first line number; blank lines are skipped."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        raise DataFileError(f"{path}: starts with a byte-order mark (U+FEFF); save it as UTF-8 "
                            "without BOM")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DataFileError(f"{path}: line {line}: not valid UTF-8 ({exc.reason})") from None
    if not text.strip():
        raise DataFileError(f"{path}: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, starts, last = [], [], 0
    try:
        for fields in reader:
            start, last = last + 1, reader.line_num
            if fields and any(f.strip() for f in fields) or len(fields) > 1:
                records.append(fields)
                starts.append(start)
    except csv.Error as exc:
        raise DataFileError(f"{path}: line {last + 1}: malformed CSV: {exc}") from None
    return records[0], records[1:], starts[1:]
def load(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``data/<name>.csv``, checked against its sidecar.

    Parameters
    ----------
    name : str
        Dataset name (file stem), e.g. ``"gpus"``.

    Returns
    -------
    pandas.DataFrame
        Columns in sidecar order, typed as declared. ``df.attrs["meta"]`` holds the
        :class:`Dataset` (title, sources, units).

    Raises
    ------
    DataFileError
        Naming the file, row and column of the first problem found: a missing, extra or
        misnamed column, an empty cell in a non-nullable column, a value of the wrong type,
        out of bounds, not allowed, or a source key missing from ``references.bib``.
    """
    ds = meta(name, data_dir)
    found, rows, lines = _read_rows(ds.csv_path)
    declared = [c.name for c in ds.columns]
    if found != declared:
        missing = [c for c in declared if c not in found]
        extra = [c for c in found if c not in declared]
        repeated = sorted({c for c in found if found.count(c) > 1})
        detail = []
        if missing:
            detail.append(f"missing column(s) {missing}")
        if extra:
            detail.append(f"undeclared column(s) {extra}")
        if repeated:
            detail.append(f"repeated column(s) {repeated}")
        if not detail:
            detail.append(f"columns are in the order {found}, the sidecar declares {declared}")
        raise DataFileError(f"{ds.csv_path}: header does not match {ds.meta_path.name}: "
                            + "; ".join(detail))
    if not rows:
        raise DataFileError(f"{ds.csv_path}: has a header but no rows")
    first_seen: dict[tuple, int] = {}
    for i, (fields, line) in enumerate(zip(rows, lines, strict=True)):
        if len(fields) != len(declared):
            what = "an extra field" if len(fields) > len(declared) else "a missing field"
            raise DataFileError(
                f"{ds.csv_path}: line {line} (data row {i + 1}): {len(fields)} fields, the header has "
                f"{len(declared)} ({what}; a comma inside a text value must be quoted)")
        key = tuple(f.strip() for f in fields)
        if key in first_seen:
            raise DataFileError(f"{ds.csv_path}: line {line} (data row {i + 1}) repeats line "
                                f"{first_seen[key]} exactly (a duplicated row)")
        first_seen[key] = line
    df = pd.DataFrame({c.name: _convert(ds, c, [r[j] for r in rows], lines)
                       for j, c in enumerate(ds.columns)})
    for check in ds.checks:
        for i, (a, b) in enumerate(zip(df[check.column], df[check.equals], strict=True)):
            if a != a or b != b:  # an empty (nullable) cell: nothing to compare
                continue
            if not math.isclose(a, check.times * b, rel_tol=1e-9, abs_tol=0.0):
                raise DataFileError(
                    f"{_where(ds, lines[i], i + 1, check.column)}: {a!r} is not {check.times:g} x "
                    f"{check.equals} = {check.times * b!r}, as {ds.meta_path.name} 'checks' requires")
    df.attrs["meta"] = ds
    return df


def provenance_table(data_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per (dataset, source): the data sources appendix, generated from the sidecars."""
    rows = []
    for name in names(data_dir):
        ds = meta(name, data_dir)
        n_rows = len(load(name, data_dir))
        for s in ds.sources:
            rows.append({
                "dataset": f"{name}.csv",
                "title": ds.title,
                "rows": n_rows,
                "source": s.key,
                "where": s.locator,
                "date read": s.date_read,
                "note": s.note,
            })
    return pd.DataFrame(rows, columns=["dataset", "title", "rows", "source", "where", "date read", "note"])
