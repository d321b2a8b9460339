"""The claims ledger: every numeric claim of the two essays, recomputed, with a verdict.

Rows live in ``data/claims.csv`` (schema and provenance in ``data/claims.yml``), the one home of
the essays' numbers (read one with :func:`essay`). A checkable row names the code that recomputes
it, ``module:function`` (a ``claim_...(a)`` function in :mod:`analysis` taking the
:class:`~analysis.assumptions.Assumptions` in force), so every recomputed value is produced when the
book is built, never typed. A qualitative checkable row has no code: it is judged from the evidence
written in its ``reason``.

Chapters show verdicts only through this module: :func:`verdict_of` for a word in the prose,
:func:`table` for a verdict table, :func:`row` for one row's numbers. The ledger may import the
chapter modules (through the ``recompute`` references); a chapter module never imports the ledger
(it reads essay numbers with :func:`analysis.essays.value`).

The verdict rule, applied to the ratio ``r = essay value / recomputed value``:

- **holds** when ``|r - 1| <= 0.10``;
- **roughly holds** when ``1/2 <= r <= 2``;
- **does not hold** otherwise;
- **not checkable** for forecasts, questions, opinions and scenario premises (the row says why);
- dates (unit ``year``) are compared by their difference, not by the ratio, so such a row carries
  a judgement.

A row may override the rule with a judgement call, but only with a written reason.

Forecasts are judged apart, never by this rule: :func:`forecasts` joins the forecast rows of the
claims file (and this book's own projections, ``P01``..) to their outcomes in
``data/forecast_outcomes.csv``, in the vocabulary :data:`OUTCOMES` (came true / partly / not yet /
too early / not checkable), each with its evidence, source and the date observed.

Examples
--------
>>> verdict(2.0e27, 1.0e27)
'roughly holds'
>>> verdict(80e12, 81.6e12)
'holds'
"""

from __future__ import annotations

import functools
import importlib
import math
import re

import numpy as np
import pandas as pd

from analysis import _validate, assumptions, datasets, essays, fmt

__all__ = ["HOLDS", "ROUGHLY", "FAILS", "UNCHECKABLE", "NO_RATIO", "VERDICTS", "HOLDS_WITHIN", "ROUGHLY_WITHIN",
           "HEADERS", "verdict", "resolve", "recompute", "ledger", "summary", "essay", "verdict_of", "row", "table",
           "OUTCOMES", "FORECAST_MARKERS", "forecast_ids", "essay_dates", "forecasts", "outcome_of"]

HOLDS, ROUGHLY, FAILS, UNCHECKABLE = "holds", "roughly holds", "does not hold", "not checkable"
#: Rule verdict of a checkable row whose ratio is undefined (an essay value of zero, e.g. "released
#: the same day"); such a row must carry an override with a reason.
NO_RATIO = "no ratio"
VERDICTS = (HOLDS, ROUGHLY, FAILS, UNCHECKABLE)
#: Relative tolerance for "holds" and ratio bound for "roughly holds".
HOLDS_WITHIN = 0.10
ROUGHLY_WITHIN = 2.0


def verdict(essay_value: float, recomputed: float) -> str:
    """Apply the ledger's rule to one claim.

    Parameters
    ----------
    essay_value, recomputed : float
        The essay's number and ours, in the same unit; both must be finite and of the same sign
        (neither zero), since the rule compares their ratio.

    Returns
    -------
    str
        ``"holds"``, ``"roughly holds"`` or ``"does not hold"``.

    Raises
    ------
    ValueError
        If either value is not finite, is zero, or the two have opposite signs.
    """
    e = _validate.finite("essay_value", essay_value, scalar=True)
    r = _validate.finite("recomputed", recomputed, scalar=True)
    if e == 0 or r == 0 or (e > 0) != (r > 0):
        raise ValueError(f"essay_value={e!r} and recomputed={r!r} must be non-zero and of the same sign "
                         "for the ratio rule")
    ratio = e / r
    if abs(ratio - 1) <= HOLDS_WITHIN + 1e-12:
        return HOLDS
    if 1 / ROUGHLY_WITHIN <= ratio <= ROUGHLY_WITHIN:
        return ROUGHLY
    return FAILS


def resolve(reference: str):
    """Return the function named by ``"module:function"`` (module relative to :mod:`analysis`).

    Raises
    ------
    ValueError
        If the reference is malformed, the module cannot be imported or has no such function.
    """
    if not isinstance(reference, str) or reference.count(":") != 1:
        raise ValueError(f"recompute={reference!r} is not 'module:function'")
    module, func = reference.split(":")
    name = module if module.startswith("analysis.") else f"analysis.{module}"
    try:
        mod = importlib.import_module(name)
    except ImportError as exc:
        raise ValueError(f"recompute={reference!r}: cannot import {name}: {exc}") from None
    fn = getattr(mod, func, None)
    if not callable(fn):
        raise ValueError(f"recompute={reference!r}: {name} has no function {func!r}")
    return fn


def recompute(reference: str, a: assumptions.Assumptions | None = None) -> float:
    """Call the function named by ``reference`` with the assumptions ``a``; return a finite float.

    ``a`` defaults to :func:`analysis.assumptions.load` (the assumptions file).
    """
    value = resolve(reference)(assumptions.load() if a is None else a)
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"recompute={reference!r} returned {value!r}, not a number") from None
    if not math.isfinite(out):
        raise ValueError(f"recompute={reference!r} returned {out!r}, not a finite number")
    return out


def _blank(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x == ""


@functools.lru_cache(maxsize=8)
def _cached(a) -> pd.DataFrame:
    """The ledger under ``a``, computed once per distinct set of assumptions (they are hashable)."""
    return _build(a)


def _build(a) -> pd.DataFrame:
    df = essays.claims()
    # each essay number is written once: rows restating another row's number point to it (value_of)
    held = dict(zip(df["id"], df["essay_value"], strict=True))
    df["essay_value"] = [held[link] if not _blank(link) else v
                         for v, link in zip(df["essay_value"], df["value_of"], strict=True)]
    recomputed, ratio, rule = [], [], []
    for row in df.itertuples(index=False):
        if not row.checkable:
            recomputed.append(np.nan)
            ratio.append(np.nan)
            rule.append(UNCHECKABLE)
            continue
        if _blank(row.recompute):  # a qualitative claim, judged from the evidence in its reason
            if _blank(row.override_verdict) or _blank(row.reason):
                raise ValueError(f"claim {row.id}: a checkable row without recompute must give "
                                 "override_verdict and the evidence in reason")
            recomputed.append(np.nan)
            ratio.append(np.nan)
            rule.append(NO_RATIO)
            continue
        value = recompute(row.recompute, a)
        recomputed.append(value)
        e = row.essay_value
        if (row.unit == "year" or _blank(e) or e == 0 or value == 0 or (e > 0) != (value > 0)):
            ratio.append(np.nan)
            rule.append(NO_RATIO)
            if _blank(row.override_verdict):
                raise ValueError(f"claim {row.id}: the ratio rule does not apply (essay value "
                                 f"{e!r}, recomputed {value!r}, unit {row.unit!r}); give an override and a reason")
            continue
        ratio.append(e / value)
        rule.append(verdict(e, value))
    df["recomputed"] = recomputed
    df["ratio"] = ratio
    df["rule_verdict"] = rule
    df["verdict"] = [r if _blank(o) else o for o, r in zip(df["override_verdict"], rule, strict=True)]
    return df


def ledger(a=None) -> pd.DataFrame:
    """The full ledger: ``data/claims.csv`` with recomputed values, ratios and verdicts.

    Parameters
    ----------
    a : analysis.assumptions.Assumptions, optional
        The assumptions in force (a chapter passes its own); default :func:`analysis.assumptions.load`.
        The result is cached per object, so a chapter recomputes the claims once.

    Returns
    -------
    pandas.DataFrame
        The columns of ``data/claims.csv`` (``essay_value`` filled in for rows that point to
        another row's number with ``value_of``), and ``recomputed``, ``ratio`` (essay /
        recomputed), ``rule_verdict`` and ``verdict`` (the override where one is given, else the
        rule's).
    """
    if a is not None:
        _validate.instance("a", a, assumptions.Assumptions, "an analysis.assumptions.Assumptions object")
    return _cached(assumptions.load() if a is None else a).copy()


def essay(claim_id: str) -> float:
    """The number the essay states for ``claim_id`` (see :func:`analysis.essays.value`).

    Raises
    ------
    ValueError
        If ``claim_id`` is not a claim id of ``data/claims.csv`` or the claim states no number.
    """
    return essays.value(claim_id)


def row(claim_id: str, a=None) -> pd.Series:
    """One row of :func:`ledger` (claim, essay value, recomputed value, ratio, verdict, reason ...).

    Raises
    ------
    ValueError
        If ``claim_id`` is not a claim id of ``data/claims.csv``.
    """
    df = ledger(a)
    match = df[df["id"] == claim_id] if isinstance(claim_id, str) else df.iloc[:0]
    if match.empty:
        raise ValueError(f"claim_id={claim_id!r} is not a claim id of data/claims.csv "
                         f"(ids: {', '.join(sorted(df['id']))})")
    return match.iloc[0]


def verdict_of(claim_id: str, a=None) -> str:
    """The ledger's verdict on ``claim_id``: one of :data:`VERDICTS`.

    Raises
    ------
    ValueError
        If ``claim_id`` is not a claim id of ``data/claims.csv``.
    """
    return str(row(claim_id, a)["verdict"])


#: Column headers of :func:`table`, in order.
HEADERS = ("Claim id", "Claim (our words)", "Essay", "Ours", "Ratio", "Verdict", "Basis/reason")
_COUNT_UNITS = ("tokens", "unique tokens", "effective tokens", "parameters", "active parameters")
#: Background colours of the verdict cell (a hint only: the verdict is written in words).
_COLOURS = {HOLDS: "#d9f2d9", ROUGHLY: "#fff2cc", FAILS: "#f8d7da", UNCHECKABLE: "#e8e8e8"}


def _stated_digits(x: float) -> int:
    """Significant digits of a number as the essay wrote it (7e25 -> 1, 16.55e12 -> 4)."""
    digits = f"{abs(x):.12g}".split("e")[0].replace(".", "").strip("0")
    return min(max(len(digits), 1), 6)


def _show(x, unit, sig=None) -> str:
    if _blank(x):
        return "—"
    x = float(x)
    sig = sig or _stated_digits(x)
    unit = "" if _blank(unit) else str(unit)
    if unit == "year":
        return fmt.year(x)
    if unit == "USD":
        return fmt.usd(x, sig)
    if unit in _COUNT_UNITS:  # 80T tokens, 750B parameters
        return f"{fmt.tokens(x, sig)} {unit}"
    if unit == "ratio":
        return fmt.num(x, sig)
    if unit == "x" or unit.startswith("x "):  # 100× cheaper
        return f"{fmt.ratio(x, sig)}{unit[1:]}"
    return f"{fmt.num(x, sig)} {unit}".rstrip()


def _words(text) -> str:
    """``text`` with numbers written the book's way: "7e25" becomes "7 × 10²⁵" (no e-notation)."""
    import re

    def times_ten(m) -> str:
        return f"{m[1]} × 10" + str(int(m[2])).translate(fmt._SUPERSCRIPT)

    return re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)[eE]([+-]?\d+)(?!\w)", times_ten, str(text))


def _basis(r) -> str:
    if not _blank(r["reason"]):
        return _words(r["reason"])
    if r["verdict"] == UNCHECKABLE:
        return ""
    return "the ratio rule"


def table(*, section: str | None = None, ids=None, a=None):
    """The ledger's rows as a presentation-ready table (a pandas Styler, no index column).

    Parameters
    ----------
    section : str, optional
        Keep the rows whose ``section`` is this book label (e.g. ``"sec-data-wall-dollars"``).
    ids : iterable of str, optional
        Keep these claim ids (all must exist).
    a : analysis.assumptions.Assumptions, optional
        The assumptions in force (see :func:`ledger`).

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns :data:`HEADERS`, rows in id order, numbers formatted with :mod:`analysis.fmt`
        (essay values to the digits the essay gave, ours to three; "7e25" in a claim's or a reason's
        text reads "7 × 10²⁵"), the verdict in words. Wrap it
        in a captioned, labelled myst-nb table in the chapter.

    Raises
    ------
    ValueError
        If an id is unknown, or the selection is empty.
    """
    df = ledger(a)
    if ids is not None:
        ids = [ids] if isinstance(ids, str) else ids
        if not isinstance(ids, (list, tuple, set, frozenset, pd.Series, pd.Index)) or \
                not all(isinstance(i, str) for i in ids):
            raise ValueError(f"ids={ids!r} must be a claim id or a list of claim ids of data/claims.csv")
        ids = list(ids)
        unknown = sorted(set(ids) - set(df["id"]))
        if unknown:
            raise ValueError(f"ids={unknown!r}: not claim ids of data/claims.csv; give ids such as "
                             f"{', '.join(sorted(df['id'])[:3])}")
        df = df[df["id"].isin(ids)]
    if section is not None:
        if not isinstance(section, str) or section not in set(df["section"].dropna()):
            raise ValueError(f"section={section!r} is the section of no selected claim; give one of "
                             f"{sorted(set(df['section'].dropna()))}")
        df = df[df["section"] == section]
    if df.empty:
        raise ValueError(f"the selection (ids={ids!r}, section={section!r}) has no claims; give ids or a section "
                         "that select at least one claim")
    df = df.sort_values("id")
    shown = pd.DataFrame({
        HEADERS[0]: df["id"],
        HEADERS[1]: [_words(c) for c in df["claim"]],
        HEADERS[2]: [_show(x, u) for x, u in zip(df["essay_value"], df["unit"], strict=True)],
        HEADERS[3]: [_show(x, u, 3) for x, u in zip(df["recomputed"], df["unit"], strict=True)],
        HEADERS[4]: ["—" if _blank(r) else fmt.num(r, 2) for r in df["ratio"]],
        HEADERS[5]: df["verdict"],
        HEADERS[6]: [_basis(r) for _, r in df.iterrows()],
    })
    return (shown.style.hide(axis="index")
            .map(lambda v: f"background-color: {_COLOURS.get(v, '')}; color: #111" if v in _COLOURS else "",
                 subset=[HEADERS[5]])
            .set_properties(subset=[HEADERS[6]], **{"text-align": "left", "font-size": "0.9em"})
            .set_properties(subset=[HEADERS[1]], **{"text-align": "left"}))


def summary(df: pd.DataFrame) -> pd.Series:
    """Counts of claims per verdict, in the order of :data:`VERDICTS`."""
    return df["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)


# ---------------------------------------------------------------------------------------------
# Forecasts: a separate judge with its own vocabulary (never the ratio rule above)

#: Outcomes of a forecast, judged from evidence observed after the essay (data/forecast_outcomes.csv):
#:
#: - **came true**: every part of the forecast is seen in the evidence, within its horizon;
#: - **partly**: some parts are seen, others are not or are contradicted;
#: - **not yet**: the horizon has begun and nothing observed supports the forecast so far (or the
#:   evidence runs against it);
#: - **too early**: the forecast's condition or horizon lies after the observation date, so no
#:   evidence can separate the outcomes yet;
#: - **not checkable**: the forecast names no measurable quantity, or the deciding figures are not
#:   disclosed.
OUTCOMES = ("came true", "partly", "not yet", "too early", "not checkable")
#: Words in the ``reason`` of a not-checkable row of data/claims.csv that make it a forecast.
FORECAST_MARKERS = ("forecast", "future")
_OUTCOMES_FILE = "data/forecast_outcomes.csv"
_PROJECTION = re.compile(r"^P\d{2}$")


def forecast_ids() -> list[str]:
    """Ids of the forecast rows of ``data/claims.csv``, in file order.

    A forecast row is a row that is not checkable and whose ``reason`` calls it a forecast or a
    claim about the future (:data:`FORECAST_MARKERS`, case-insensitive). Computed claims are never
    forecasts, so the ratio rule and :data:`OUTCOMES` never judge the same row.
    """
    df = essays.claims()
    keep = [(not bool(c)) and any(m in str(r).lower() for m in FORECAST_MARKERS)
            for c, r in zip(df["checkable"], df["reason"], strict=True)]
    return list(df.loc[keep, "id"])


def essay_dates() -> dict:
    """``{"A": Timestamp, "B": Timestamp}``: the earliest date each essay can have been written
    (``data/essay_dates.csv``)."""
    df = datasets.load("essay_dates")
    return {e: pd.Timestamp(d) for e, d in zip(df["essay"], df["date"], strict=True)}


@functools.lru_cache(maxsize=4)
def _forecasts(path: str, mtime_ns: int) -> pd.DataFrame:
    out = datasets.load("forecast_outcomes")
    claims = essays.claims().set_index("id")
    dates = essay_dates()

    def fail(i, msg):
        raise ValueError(f"{_OUTCOMES_FILE}: row {i + 2} ({out['claim_id'].iloc[i]}): {msg}")

    dup = out["claim_id"][out["claim_id"].duplicated()]
    if not dup.empty:
        raise ValueError(f"{_OUTCOMES_FILE}: claim_id {dup.iloc[0]!r} appears more than once")
    source, claim, essay_date = [], [], []
    for i, r in enumerate(out.itertuples(index=False)):
        if r.outcome not in OUTCOMES:
            fail(i, f"outcome={r.outcome!r} is not one of {OUTCOMES}")
        if _blank(r.reason) or _blank(r.evidence):
            fail(i, "evidence and reason must be written")
        if _PROJECTION.match(r.claim_id):
            if _blank(r.claim):
                fail(i, "a projection of this book (P..) must state its claim in column claim")
            source.append("this book")
            claim.append(r.claim)
            when = max(dates.values())  # the book's projections are held to the later essay
        else:
            if r.claim_id not in claims.index:
                fail(i, f"claim_id={r.claim_id!r} is neither a claim id of data/claims.csv nor P01..P99")
            c = claims.loc[r.claim_id]
            if bool(c["checkable"]):
                fail(i, "the claim is checkable (judged by the ledger's ratio rule); a forecast outcome "
                        "may only judge a not-checkable row")
            if not _blank(r.claim):
                fail(i, "the claim text lives in data/claims.csv; leave column claim empty")
            source.append(f"essay {c['essay']}")
            claim.append(c["claim"])
            when = dates[c["essay"]]
        if not pd.Timestamp(r.date_observed) > when:
            fail(i, f"date_observed={pd.Timestamp(r.date_observed).date()} is not after the essay's "
                    f"date {when.date()} (data/essay_dates.csv)")
        essay_date.append(when)
    missing = [i for i in forecast_ids() if i not in set(out["claim_id"])]
    if missing:
        raise ValueError(f"{_OUTCOMES_FILE}: no outcome row for the forecast row(s) {missing} of data/claims.csv")
    out.insert(1, "source", source)
    out["claim"] = claim
    out["essay_date"] = essay_date
    return out


def forecasts() -> pd.DataFrame:
    """The forecasts of both essays and this book's projections, with their outcomes.

    ``data/forecast_outcomes.csv`` joined to the claims of ``data/claims.csv`` and validated:
    every forecast row of the claims file (:func:`forecast_ids`) has an outcome; no outcome judges
    a checkable (computed) claim; each outcome is one of :data:`OUTCOMES`; evidence and reason are
    written; each ``date_observed`` follows the date of the essay judged (``data/essay_dates.csv``;
    the book's projections ``P..`` are held to the later essay).

    Returns
    -------
    pandas.DataFrame
        Columns ``claim_id``, ``source`` (``"essay A"``, ``"essay B"`` or ``"this book"``),
        ``claim``, ``horizon``, ``outcome``, ``evidence``, ``source_key``, ``date_observed``,
        ``reason``, ``essay_date``, in file order.

    Raises
    ------
    ValueError
        Naming the file, row and problem, if any check fails.
    """
    path = datasets.DATA_DIR / "forecast_outcomes.csv"
    return _forecasts(str(path), path.stat().st_mtime_ns if path.exists() else 0).copy()


def outcome_of(claim_id: str) -> str:
    """The outcome of forecast ``claim_id`` (one of :data:`OUTCOMES`).

    Raises
    ------
    ValueError
        If ``claim_id`` has no row in ``data/forecast_outcomes.csv``.
    """
    df = forecasts()
    match = df[df["claim_id"] == claim_id] if isinstance(claim_id, str) else df.iloc[:0]
    if match.empty:
        raise ValueError(f"claim_id={claim_id!r} has no outcome in {_OUTCOMES_FILE}; "
                         f"give one of: {', '.join(df['claim_id'])}")
    return str(match["outcome"].iloc[0])
