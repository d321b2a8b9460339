"""The claims ledger: every numeric claim of the two essays, recomputed, with a verdict.

Rows live in ``data/claims.csv`` (schema and provenance in ``data/claims.yml``). A checkable row
names the code that recomputes it, ``module:function`` (a zero-argument ``claim_...`` function
in :mod:`analysis`, which reads the current data and assumptions files), so every recomputed
value is produced when the book is built, never typed.

The verdict rule, applied to the ratio ``r = essay value / recomputed value``:

- **holds** when ``|r - 1| <= 0.10``;
- **roughly holds** when ``1/2 <= r <= 2``;
- **does not hold** otherwise;
- **not checkable** for forecasts, questions and opinions (the row says why).

A row may override the rule with a judgement call, but only with a written reason.

Examples
--------
>>> verdict(2.0e27, 1.0e27)
'roughly holds'
>>> verdict(80e12, 81.6e12)
'holds'
"""

from __future__ import annotations

import importlib
import math

import numpy as np
import pandas as pd

from analysis import _validate, datasets

__all__ = ["HOLDS", "ROUGHLY", "FAILS", "UNCHECKABLE", "NO_RATIO", "VERDICTS", "HOLDS_WITHIN", "ROUGHLY_WITHIN",
           "verdict", "resolve", "recompute", "ledger", "summary"]

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


def recompute(reference: str) -> float:
    """Call the function named by ``reference`` and return its value as a finite float."""
    value = resolve(reference)()
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"recompute={reference!r} returned {value!r}, not a number") from None
    if not math.isfinite(out):
        raise ValueError(f"recompute={reference!r} returned {out!r}, not a finite number")
    return out


def ledger() -> pd.DataFrame:
    """The full ledger: ``data/claims.csv`` with recomputed values, ratios and verdicts.

    Columns added: ``recomputed``, ``ratio`` (essay / recomputed), ``rule_verdict`` and
    ``verdict`` (the override where one is given, else the rule's).
    """
    df = datasets.load("claims").copy()
    recomputed, ratio, rule = [], [], []
    for row in df.itertuples(index=False):
        if not row.checkable:
            recomputed.append(np.nan)
            ratio.append(np.nan)
            rule.append(UNCHECKABLE)
            continue
        value = recompute(row.recompute)
        recomputed.append(value)
        if row.essay_value == 0 or value == 0 or (row.essay_value > 0) != (value > 0):
            ratio.append(np.nan)
            rule.append(NO_RATIO)
            if not row.override_verdict:
                raise ValueError(f"claim {row.id}: the ratio rule does not apply (essay value "
                                 f"{row.essay_value!r}, recomputed {value!r}); give an override and a reason")
            continue
        ratio.append(row.essay_value / value)
        rule.append(verdict(row.essay_value, value))
    df["recomputed"] = recomputed
    df["ratio"] = ratio
    df["rule_verdict"] = rule
    override = df["override_verdict"].where(df["override_verdict"].notna(), None)
    df["verdict"] = [o if o else r for o, r in zip(override, rule, strict=True)]
    return df


def summary(df: pd.DataFrame) -> pd.Series:
    """Counts of claims per verdict, in the order of :data:`VERDICTS`."""
    return df["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)
