"""The claims ledger: the verdict rule, and every row resolvable, runnable and complete."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import assumptions, datasets, ledger

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("essay", "ours", "expected"),
    [
        (1.0, 1.0, "holds"),
        (1.10, 1.0, "holds"),        # exactly +10%: the rule says within 10% holds
        (0.90, 1.0, "holds"),
        (1.11, 1.0, "roughly holds"),
        (0.89, 1.0, "roughly holds"),
        (2.0, 1.0, "roughly holds"),
        (0.5, 1.0, "roughly holds"),
        (2.01, 1.0, "does not hold"),
        (0.49, 1.0, "does not hold"),
        (2e27, 1e27, "roughly holds"),   # the essay's $1B -> 2e27 against the dense basis
        (80e12, 81.6e12, "holds"),       # 80T tokens against sqrt(20 C / 6) at 2e27
        (-3.0, -3.0, "holds"),
    ],
)
def test_rule_on_hand_made_examples(essay, ours, expected):
    assert ledger.verdict(essay, ours) == expected


@pytest.mark.parametrize(("essay", "ours"), [(0, 1), (1, 0), (-1, 1), (float("nan"), 1), (1, float("inf"))])
def test_rule_rejects_bad_input(essay, ours):
    with pytest.raises(ValueError):
        ledger.verdict(essay, ours)


@given(st.floats(1e-30, 1e30), st.floats(1e-3, 1e3))
def test_rule_is_scale_free(x, k):
    assert ledger.verdict(x * k, x) == ledger.verdict(k, 1.0)


def test_resolve_errors():
    with pytest.raises(ValueError, match="is not 'module:function'"):
        ledger.resolve("scaling.claim_x")
    with pytest.raises(ValueError, match="cannot import analysis.nosuch"):
        ledger.resolve("nosuch:f")
    with pytest.raises(ValueError, match="has no function 'nosuch'"):
        ledger.resolve("ledger:nosuch")


CLAIMS = datasets.load("claims")


def test_enough_claims_with_unique_ids():
    assert len(CLAIMS) >= 40
    assert CLAIMS["id"].is_unique
    assert set(CLAIMS["essay"]) == {"A", "B"}


@pytest.mark.parametrize("row", CLAIMS.to_dict("records"), ids=lambda r: r["id"])
def test_row_is_complete(row):
    if row["checkable"]:
        assert row["recompute"] and row["essay_value"] is not None and row["unit"]
        value = ledger.recompute(row["recompute"], assumptions.load())
        assert value == value
    else:
        assert not row["recompute"], "a row that is not checkable names no recompute function"
        assert row["reason"], "a row that is not checkable says why"
    if row["override_verdict"]:
        assert row["reason"] and len(row["reason"]) > 20, "an override needs a written reason"


def labels_in_book() -> set[str]:
    text = []
    for p in (ROOT / "book").glob("*"):
        if p.suffix in (".md", ".ipynb"):
            text.append(p.read_text())
    return set(re.findall(r"\((sec-[a-z0-9-]+)\)=", "\n".join(text)))


def test_sections_exist():
    labels = labels_in_book()
    missing = [(r["id"], r["section"]) for r in CLAIMS.to_dict("records")
               if r["section"] and r["section"] not in labels]
    assert not missing, f"claims link to sections that do not exist: {missing}"


def test_every_row_gets_a_verdict():
    df = ledger.ledger()
    assert df["verdict"].isin(ledger.VERDICTS).all()
    assert ledger.summary(df).sum() == len(df)


def test_changing_an_assumption_changes_dependent_ledger_values(tmp_path, monkeypatch):
    base = ledger.ledger().set_index("id")["recomputed"]
    edited = tmp_path / "assumptions.toml"
    shutil.copy(assumptions.ASSUMPTIONS_FILE, edited)
    text = edited.read_text()
    old = assumptions.load().spec("usd_per_gpu_hour")
    new_value = min(old.value * 2, old.high)
    text = re.sub(r"(\[usd_per_gpu_hour\]\nvalue = )[^\n]+", rf"\g<1>{new_value!r}", text)
    edited.write_text(text)
    monkeypatch.setattr(assumptions, "ASSUMPTIONS_FILE", edited)
    after = ledger.ledger().set_index("id")["recomputed"]
    moved = (after / base).dropna()
    moved = moved[(moved - 1).abs() > 1e-9]
    assert len(moved) >= 1, "no ledger value depends on usd_per_gpu_hour"
