"""Published inputs: CSV snapshots in ``data/`` with a provenance-and-schema sidecar.

Each ``data/<name>.csv`` has a ``data/<name>.yml`` that says where the numbers come from
(bib key, table/figure/page, date read, what was transcribed or derived) and what each column
holds (type, unit, bounds). :func:`load` checks the CSV against it, so a malformed file stops
with an error naming the file, the row and the column. The format is described in
``CONTRIBUTING.md``.

Examples
--------
>>> from analysis import datasets
>>> sorted(datasets.names())[:1]  # doctest: +SKIP
['chinchilla_table2']
"""

from __future__ import annotations

import datetime as _dt
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
_META_FIELDS = {"title", "description", "sources", "columns"}
_SOURCE_FIELDS = {"key", "locator", "date_read", "note"}
_COLUMN_FIELDS = {"type", "unit", "min", "max", "allowed", "nullable", "bibkey", "description"}
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
    allowed: tuple | None = None
    nullable: bool = False
    bibkey: bool = False
    description: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    sources: tuple[Source, ...]
    columns: tuple[Column, ...]
    csv_path: Path
    meta_path: Path


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
        raw = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        fail(f"not valid YAML: {exc}")
    if not isinstance(raw, dict):
        fail("must be a mapping with title, description, sources, columns")
    unknown = set(raw) - _META_FIELDS
    if unknown:
        fail(f"unknown field(s) {sorted(unknown)}; allowed: {sorted(_META_FIELDS)}")
    for field in sorted(_META_FIELDS):
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
        if not isinstance(spec, dict):
            fail(f"column '{cname}': must be a mapping with at least 'type'")
        bad = set(spec) - _COLUMN_FIELDS
        if bad:
            fail(f"column '{cname}': unknown field(s) {sorted(bad)}; allowed: {sorted(_COLUMN_FIELDS)}")
        ctype = spec.get("type")
        if ctype not in _TYPES:
            fail(f"column '{cname}': type {ctype!r} is not one of {sorted(_TYPES)}")
        if ctype in ("float", "int") and not spec.get("unit"):
            fail(f"column '{cname}': numeric columns need a 'unit'")
        allowed = spec.get("allowed")
        columns.append(Column(
            name=str(cname), type=ctype, unit=spec.get("unit"), min=spec.get("min"),
            max=spec.get("max"), allowed=tuple(allowed) if allowed is not None else None,
            nullable=bool(spec.get("nullable", False)), bibkey=bool(spec.get("bibkey", False)),
            description=str(spec.get("description", "")),
        ))
    return Dataset(name, str(raw["title"]), str(raw["description"]).strip(), tuple(sources),
                   tuple(columns), csv_path, meta_path)


def _convert(ds: Dataset, col: Column, series: pd.Series) -> pd.Series:
    keys = bib_keys() if col.bibkey else None
    out = []
    for i, cell in enumerate(series.tolist()):
        row = i + 2  # line number in the file: header is line 1
        where = f"{ds.csv_path}: row {row} (line {row}), column '{col.name}'"
        text = "" if cell is None else str(cell).strip()
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
    try:
        raw = pd.read_csv(ds.csv_path, dtype=str, keep_default_na=False, comment=None)
    except pd.errors.ParserError as exc:
        raise DataFileError(f"{ds.csv_path}: malformed CSV: {exc}") from None
    except pd.errors.EmptyDataError:
        raise DataFileError(f"{ds.csv_path}: the file is empty") from None
    declared = [c.name for c in ds.columns]
    found = list(raw.columns)
    if found != declared:
        missing = [c for c in declared if c not in found]
        extra = [c for c in found if c not in declared]
        detail = []
        if missing:
            detail.append(f"missing column(s) {missing}")
        if extra:
            detail.append(f"undeclared column(s) {extra}")
        if not detail:
            detail.append(f"columns are in the order {found}, the sidecar declares {declared}")
        raise DataFileError(f"{ds.csv_path}: header does not match {ds.meta_path.name}: "
                            + "; ".join(detail))
    if raw.empty:
        raise DataFileError(f"{ds.csv_path}: has a header but no rows")
    df = pd.DataFrame({c.name: _convert(ds, c, raw[c.name]) for c in ds.columns})
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
