"""The essays' numbers, read from their one home, the claims ledger file ``data/claims.csv``.

Every number the two essays state lives in one row of ``data/claims.csv`` (column
``essay_value``). A row that restates a number another row already holds (the essay's 2e26 FLOP
is both what $100M buys and the budget of its smaller-model scenario) leaves ``essay_value``
empty and names that row in ``value_of``. :func:`value` follows that link, so each essay number
is typed once.

This module only reads the file; it imports no chapter module, so any analysis module may use
it without importing the ledger's verdict logic (:mod:`analysis.ledger` imports the chapter
modules, and re-exports :func:`value` as ``ledger.essay``).

Examples
--------
>>> value("B06")  # tokens Llama 3 was pretrained on, as the essay states it
15000000000000.0
"""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd

from analysis import datasets

__all__ = ["value", "claims"]


@lru_cache(maxsize=4)
def _claims(mtime_ns: int) -> pd.DataFrame:
    df = datasets.load("claims")
    ids = set(df["id"])
    for row in df.itertuples(index=False):
        link = row.value_of
        if link:
            if link not in ids:
                raise datasets.DataFileError(f"data/claims.csv: row {row.id}: value_of={link!r} is not a claim id")
            target = df.loc[df["id"] == link].iloc[0]
            if target["value_of"]:
                raise datasets.DataFileError(f"data/claims.csv: row {row.id}: value_of={link!r} points to a row "
                                             "that itself has value_of; point to the row holding the number")
            if row.essay_value is not None and not (isinstance(row.essay_value, float)
                                                    and math.isnan(row.essay_value)):
                raise datasets.DataFileError(f"data/claims.csv: row {row.id}: give essay_value or value_of, not both")
    return df


def claims() -> pd.DataFrame:
    """``data/claims.csv`` as loaded and validated (a copy), with links checked."""
    path = datasets.DATA_DIR / "claims.csv"
    mtime = path.stat().st_mtime_ns if path.exists() else 0
    return _claims(mtime).copy()


def value(claim_id: str) -> float:
    """The number the essay states for claim ``claim_id``, in the row's ``unit``.

    Parameters
    ----------
    claim_id : str
        A claim id of ``data/claims.csv`` (``"B06"``, ``"A04"`` ...).

    Returns
    -------
    float
        The essay's value (following ``value_of`` to the row that holds the number).

    Raises
    ------
    ValueError
        If ``claim_id`` is not a claim id, or the claim states no number.
    """
    df = claims().set_index("id")
    if not isinstance(claim_id, str) or claim_id not in df.index:
        raise ValueError(f"claim_id={claim_id!r} is not a claim id of data/claims.csv "
                         f"(ids run {df.index[0]}..{df.index[-1]})")
    row = df.loc[claim_id]
    source = row["value_of"] if row["value_of"] else claim_id
    out = df.loc[source, "essay_value"]
    if out is None or (isinstance(out, float) and math.isnan(out)):
        raise ValueError(f"claim_id={claim_id!r} states no number in data/claims.csv")
    return float(out)
