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
    if row["checkable"] and not row["recompute"]:
        # a qualitative claim, judged from the evidence written in its reason
        assert row["override_verdict"] and row["reason"] and len(row["reason"]) > 40
    elif row["checkable"]:
        # a recomputed claim states a number, or (no number in the essay) carries an override and its reason
        assert (row["essay_value"] == row["essay_value"] or row["value_of"] or row["override_verdict"]) and row["unit"]
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


# --------------------------------------------------------------------------- the ledger's API


def test_essay_numbers_come_from_the_ledger_file():
    assert ledger.essay("B06") == 15e12          # "15T tokens"
    assert ledger.essay("B08") == 7e25
    assert ledger.essay("B24") == 2e26           # restates B17's number through value_of
    assert ledger.essay("B35") == ledger.essay("B34") == 8e28


@pytest.mark.parametrize("bad", ["B999", "b06", "", None, 6])
def test_unknown_ids_raise(bad):
    for call in (ledger.essay, ledger.verdict_of, ledger.row):
        with pytest.raises(ValueError, match="claim_id="):
            call(bad)
    with pytest.raises(ValueError, match="ids="):
        ledger.table(ids=["B06", "Z01"])


def test_claim_without_a_number_raises():
    with pytest.raises(ValueError, match="states no number"):
        ledger.essay("B05")


def test_value_of_points_to_a_row_holding_a_number():
    ids = set(CLAIMS["id"])
    for r in CLAIMS.to_dict("records"):
        if r["value_of"]:
            assert r["value_of"] in ids and r["essay_value"] != r["essay_value"], r["id"]  # NaN: no number
            target = CLAIMS.set_index("id").loc[r["value_of"]]
            assert target["essay_value"] == target["essay_value"] and not target["value_of"], r["id"]


#: Rows whose essay number is also, by coincidence or because the essay quotes it, a published
#: constant of another data file (with that file's own source).
ALSO_PUBLISHED = {
    "B06": "Llama 3 model card: 15T+ training tokens (notable_models, model_architectures)",
    "B33": "1e9 is a model size in Chinchilla Tables 3 and A3 and in the Gemma 2 distillation table",
    "B48": "Llama 3 report: 402B optimum (llama3_scaling)",
    "B49": "Llama 3 report: 16.55T optimum (llama3_scaling)",
    "B50": "Llama 3 report: 3.8e25 FLOP flagship budget (llama3_scaling, notable_models)",
    "B54": "Llama 3 report: scaling runs up to 1e22 FLOP (llama3_scaling, chinchilla_fit_ranges)",
    "B55": "Chinchilla: isoFLOP runs up to 3e21 FLOP (llama3_scaling, chinchilla_fit_ranges)",
    "B62": "5.0e7 is the size of the N=4 model of the Transformer paper's Table 3 (transformer_2017)",
    "B64": "same as B62",
    "B70": "1e8 is Sevilla et al.'s median of H100-equivalents for training by 2030 (forecast_sevilla_inputs)",
}


def test_each_essay_number_lives_once_in_data():
    # Essay numbers of a million or more (the figures that used to be typed in several files:
    # 2e27, 15T, 750B, 7e25, 2e26, 8e28, 50T ...) appear in no data file but claims.csv, unless
    # they are also a published constant. Small numbers (2, 3, 16 ...) match too many unrelated
    # cells to be told apart by value.
    import csv

    essay = {r["id"]: r["essay_value"] for r in CLAIMS.to_dict("records")
             if r["essay_value"] is not None and abs(r["essay_value"]) >= 1e6 and r["id"] not in ALSO_PUBLISHED}
    assert len(essay) >= 15
    found = []
    for path in sorted((ROOT / "data").glob("*.csv")):
        if path.name == "claims.csv":
            continue
        with path.open(newline="") as f:
            for line, cells in enumerate(csv.reader(f)):
                for cell in cells:
                    try:
                        x = float(cell)
                    except ValueError:
                        continue
                    found += [(cid, path.name, line) for cid, v in essay.items() if x == v]
    assert not found, f"essay numbers typed outside data/claims.csv: {found}"
    for name in ("chinchilla_essay_claims", "llama3_refit_essay_claims", "muennighoff_essay_scenarios",
                 "smp_essay_claims", "text_stock_essay_claims"):
        assert not (ROOT / "data" / f"{name}.csv").exists()


def _analysis_imports() -> dict[str, set[str]]:
    """Static import graph of the analysis package, plus the ledger's module:function references."""
    import ast

    modules = {p.stem: p for p in (ROOT / "analysis").glob("*.py") if p.stem != "__init__"}
    graph = {}
    for name, path in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "analysis":
                deps |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis."):
                deps.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                deps |= {a.name.split(".")[1] for a in node.names if a.name.startswith("analysis.")}
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr == "import_module" and node.args
                  and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                deps.add(node.args[0].value.removeprefix("analysis."))
        graph[name] = deps & set(modules)
    graph["ledger"] |= {ref.split(":")[0].removeprefix("analysis.") for ref in CLAIMS["recompute"] if ref}
    return graph


def test_no_module_imports_a_module_that_imports_it_back():
    graph = _analysis_imports()
    assert "datawall" in graph["ledger"] and "essays" in graph["datawall"]
    for start in graph:
        seen, stack = set(), [start]
        while stack:
            for nxt in graph[stack.pop()]:
                if nxt == start:
                    raise AssertionError(f"import cycle through analysis.{start}")
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    # the modules whose claims the ledger recomputes never reach the ledger's verdict logic (a
    # module that only presents the ledger, like whatif, sits above it and may import it)
    judged = graph["ledger"]
    assert not any("ledger" in graph[name] for name in judged if name != "ledger")


def test_verdict_of_and_row_agree_with_the_ledger():
    df = ledger.ledger().set_index("id")
    for cid in ("B06", "B22", "B62", "A04"):
        assert ledger.verdict_of(cid) == df.loc[cid, "verdict"]
        assert ledger.row(cid)["claim"] == df.loc[cid, "claim"]


def test_ledger_is_computed_once_per_assumptions_object(monkeypatch):
    calls = []
    real = ledger._build
    monkeypatch.setattr(ledger, "_build", lambda a: calls.append(a) or real(a))
    ledger._cached.cache_clear()
    a = assumptions.load()
    first = ledger.ledger(a)
    ledger.verdict_of("B11", a)
    ledger.table(section="sec-data-wall-dollars", a=a)
    assert len(calls) == 1
    first.loc[0, "verdict"] = "edited"   # callers get copies
    assert ledger.ledger(a).loc[0, "verdict"] != "edited"


def test_table_text_has_no_e_notation():
    """Claims and reasons quote the essays' numbers ("7e25"); the table writes them as × 10ⁿ."""
    shown = ledger.table().data
    for column in (ledger.HEADERS[1], ledger.HEADERS[6]):
        bad = [t for t in shown[column] if re.search(r"\d[eE][+-]?\d", t)]
        assert not bad, f"{column}: e-notation in {bad[:3]}"
    claims = dict(zip(shown[ledger.HEADERS[0]], shown[ledger.HEADERS[1]], strict=True))
    assert "7 × 10²⁵ FLOP" in claims["B08"]
    assert ledger._words("3.8e+25, 1e-3 and A1e5") == "3.8 × 10²⁵, 1 × 10⁻³ and A1e5"


def test_table_is_presentation_ready():
    html = ledger.table().to_html()
    for header in ledger.HEADERS:
        assert f">{header}<" in html
    assert not re.search(r"\de[+-]\d", html), "a number is shown in e-notation"
    assert ">nan<" not in html.lower()
    shown = ledger.table(ids=["B63", "B08", "B12", "B36"]).data
    assert list(shown["Claim id"]) == ["B08", "B12", "B36", "B63"]          # id order
    b63 = shown.set_index("Claim id").loc["B63"]
    assert (b63["Essay"], b63["Ours"]) == ("2016", "2017")                  # years as whole years
    assert shown.set_index("Claim id").loc["B08", "Essay"] == "7 × 10²⁵ FLOP"
    assert shown.set_index("Claim id").loc["B12", "Essay"] == "80T tokens"
    assert shown.set_index("Claim id").loc["B36", "Essay"] == "$40 billion"
    assert set(shown["Verdict"]) <= set(ledger.VERDICTS)
    section = ledger.table(section="sec-small-models-transformer").data
    assert set(section["Claim id"]) == {"B63", "B64"}
    with pytest.raises(ValueError, match="section="):
        ledger.table(section="sec-nowhere")


# --------------------------------------------------------------------------- disputed verdicts


def test_b63_compares_years_by_their_difference():
    r = ledger.row("B63")
    assert r["unit"] == "year" and r["essay_value"] == 2016 and r["recomputed"] == 2017
    assert r["ratio"] != r["ratio"], "a date is not judged by the ratio rule (no ratio, so no 'holds' band)"
    assert r["verdict"] == "does not hold"


def test_b62_is_hedged_speculation():
    r = ledger.row("B62")
    assert not r["checkable"] and r["verdict"] == "not checkable" and "speculation" in r["reason"]


def test_b10_divides_the_essays_own_figure():
    est = datasets.load("compute_estimates").set_index("model")["flops"]
    assert ledger.row("B10")["recomputed"] == pytest.approx(7e25 / est["GPT-4"], rel=1e-12)


# --------------------------------------------------------------------------- forecasts and their outcomes


def test_forecast_ids_are_the_not_checkable_rows_that_say_forecast_or_future():
    # independent of ledger.forecast_ids: read the claims file with the csv module
    import csv

    with open(ROOT / "data" / "claims.csv", newline="") as f:
        expected = [r["id"] for r in csv.DictReader(f)
                    if r["checkable"] == "false" and re.search(r"forecast|future", r["reason"], re.I)]
    assert ledger.forecast_ids() == expected
    assert {"B04", "B61"} <= set(expected)  # the essays' 'another hundredfold' rows


def test_every_forecast_row_has_one_outcome_in_the_vocabulary():
    df = ledger.forecasts()
    assert df["claim_id"].is_unique
    assert set(ledger.forecast_ids()) <= set(df["claim_id"])
    assert df["outcome"].isin(ledger.OUTCOMES).all()
    assert set(ledger.OUTCOMES) == {"came true", "partly", "not yet", "too early", "not checkable"}
    assert (df["reason"].str.len() > 30).all() and (df["evidence"].str.len() > 30).all()


def test_no_outcome_judges_a_computed_claim():
    checkable = set(CLAIMS.loc[CLAIMS["checkable"].astype(bool), "id"])
    judged = set(ledger.forecasts()["claim_id"])
    assert not judged & checkable
    # and the ledger's verdict vocabulary and the outcome vocabulary share no word
    assert not set(ledger.OUTCOMES) & set(ledger.VERDICTS) - {"not checkable"}


def test_every_outcome_is_observed_after_the_essay_it_judges():
    dates = datasets.load("essay_dates").set_index("essay")["date"]
    essay_of = CLAIMS.set_index("id")["essay"]
    for r in ledger.forecasts().itertuples(index=False):
        essay = essay_of.get(r.claim_id, None)
        written = dates[essay] if essay else dates.max()  # the book's projections: the later essay
        assert r.date_observed > written, r.claim_id


@pytest.mark.parametrize(("name", "column"), [("post_essay_models", "date"), ("post_essay_prices", "price_date"),
                                              ("arc_after", "release_date"), ("local_inference_after", "date")])
def test_every_later_observation_is_dated_after_both_essays(name, column):
    latest = datasets.load("essay_dates")["date"].max()
    df = datasets.load(name)
    assert df[column].notna().all()
    assert (df[column] > latest).all(), df.loc[df[column] <= latest].to_dict("records")


def test_essay_dates_follow_the_events_the_essays_mention():
    import pandas as pd

    dates = datasets.load("essay_dates").set_index("essay")["date"]
    # essay B opens with GPT-4o mini (launched 2024-07-18); essay A mentions o3 (announced 2024-12-20)
    assert dates["B"] >= pd.Timestamp("2024-07-18")
    assert dates["A"] >= pd.Timestamp("2024-12-20")
    assert dates["A"] > dates["B"]


def _data_copy(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    monkeypatch.setattr(datasets, "DATA_DIR", copy)
    return copy / "forecast_outcomes.csv"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: re.sub(r"\nB05,[^\n]*", "", t, count=1), r"no outcome row for the forecast row\(s\) \['B05'\]"),
    (lambda t: t.replace("\nB05,", "\nB05x,", 1), "neither a claim id"),
    (lambda t: t.replace(",came true,", ",holds,", 1), "not one of|allowed"),
    (lambda t: t.replace(",2025-02-27,", ",2024-07-01,", 1), "is not after the essay's date"),
    (lambda t: t.replace("\nB05,", "\nB11,", 1), "checkable"),
    (lambda t: re.sub(r"\nP03,[^,]*,", "\nP03,,", t, count=1), "must state its claim"),
])
def test_forecasts_reject_a_malformed_outcomes_file(tmp_path, monkeypatch, edit, message):
    path = _data_copy(tmp_path, monkeypatch)
    path.write_text(edit(path.read_text()))
    with pytest.raises(ValueError, match=message):
        ledger.forecasts()


def test_outcome_of_reads_the_file_and_rejects_unknown_ids():
    assert ledger.outcome_of("B04") == ledger.forecasts().set_index("claim_id").loc["B04", "outcome"]
    with pytest.raises(ValueError, match="has no outcome"):
        ledger.outcome_of("B11")
