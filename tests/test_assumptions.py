"""The assumptions file: the real one is valid, every malformed one is refused clearly, and values
flow one way (file -> Assumptions -> helpers) with their exact type and value."""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import pytest

from analysis import assumptions
from analysis.assumptions import AssumptionsError

GOOD = """
[mfu]
value = 0.4
unit = "fraction"
low = 0.2
high = 0.7
rationale = "Assumption: typical utilisation."

[gpu]
value = "H100 SXM"
unit = "GPU model"
allowed = ["H100 SXM", "GB200 NVL72"]
rationale = "Assumption: the essays' GPU."
"""


def write(tmp_path, text):
    p = tmp_path / "assumptions.toml"
    p.write_text(text)
    return p


def test_real_file_is_valid_and_complete():
    table = assumptions.load()
    for name in ("usd_per_gpu_hour", "mfu", "it_watts_per_gpu", "pue", "run_days", "text_stock_tokens",
                 "inference_tokens_served", "distillation_multiplier", "seed"):
        assert name in table, name
    for name, a in table.specs().items():
        assert a.unit.strip() and a.rationale.strip()
        assert table[name] == a.value
        if a.allowed is None:
            assert a.low <= a.value <= a.high and math.isfinite(a.value)
        else:
            assert a.value in a.allowed


def test_good_file_loads(tmp_path):
    a = assumptions.load(write(tmp_path, GOOD))
    assert a["mfu"] == 0.4 and a.mfu == 0.4 and a.gpu == "H100 SXM"
    assert list(a) == ["mfu", "gpu"] and dict(a) == {"mfu": 0.4, "gpu": "H100 SXM"}
    assert a.spec("mfu").unit == "fraction" and a.spec("mfu").low == 0.2 and a.spec("gpu").allowed == ("H100 SXM", "GB200 NVL72")


def test_assumptions_are_immutable(tmp_path):
    a = assumptions.load(write(tmp_path, GOOD))
    with pytest.raises(AttributeError):
        a.mfu = 0.5
    with pytest.raises(TypeError):
        a["mfu"] = 0.5
    b = a.replace(mfu=0.5)
    assert a.mfu == 0.4 and b.mfu == 0.5 and b.overrides == {"mfu": 0.5} and a.overrides == {}
    assert hash(a) != hash(b)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (GOOD.replace("value = 0.4", "value = 0.9"), "mfu=0.9 is outside its plausible range [0.2, 0.7]"),
        (GOOD.replace('unit = "fraction"\n', ""), "[mfu]: missing field(s) ['unit']"),
        (GOOD.replace('unit = "fraction"', 'unit = ""'), "[mfu]: 'unit' must be a non-empty string"),
        (GOOD.replace("low = 0.2\n", ""), "[mfu]: missing field 'low'"),
        (GOOD.replace("low = 0.2", "low = 0.8"), "[mfu]: low = 0.8 is above high = 0.7"),
        (GOOD.replace("high = 0.7", "high = 0.7\ncolour = 1"), "[mfu]: unknown field(s) ['colour']"),
        (GOOD.replace("value = 0.4", 'value = true'), "[mfu]: value = True must be a number or a string"),
        (GOOD.replace('value = "H100 SXM"', 'value = "TPU"'), "gpu='TPU' is not one of"),
        (GOOD.replace('allowed = ["H100 SXM", "GB200 NVL72"]\n', ""), "[gpu]: a text value needs 'allowed'"),
        (GOOD.replace("value = 0.4", "value = nan"), "mfu=nan is outside its plausible range"),
        (GOOD + "\n[broken\n", "not valid TOML"),
        ("", "defines no assumption"),
        ("mfu = 0.4\n", "[mfu]: must be a table"),
    ],
)
def test_malformed_files_name_file_key_and_problem(tmp_path, text, needle):
    path = write(tmp_path, text)
    with pytest.raises(AssumptionsError) as err:
        assumptions.load(path)
    assert needle in str(err.value)
    assert str(path.resolve()) in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(AssumptionsError, match="does not exist"):
        assumptions.load(tmp_path / "nope.toml")


def test_unknown_name_lists_known(tmp_path):
    a = assumptions.load(write(tmp_path, GOOD))
    with pytest.raises(AssumptionsError, match="no assumption named 'mfux'; known: mfu, gpu"):
        a.spec("mfux")
    with pytest.raises(AttributeError, match="no assumption named 'mfux'; known: mfu, gpu"):
        a.mfux  # noqa: B018
    with pytest.raises(AssumptionsError, match="no assumption named 'price'"):
        a.replace(price=3.0)


def test_overrides_are_checked_against_ranges(tmp_path):
    path = write(tmp_path, GOOD)
    assert assumptions.check(path, mfu=0.5) == {"mfu": 0.5}
    with pytest.raises(AssumptionsError, match=r"mfu=1.5 is outside its plausible range \[0.2, 0.7\]"):
        assumptions.check(path, mfu=1.5)
    with pytest.raises(AssumptionsError, match="mfu='high' is not a number"):
        assumptions.load(path).replace(mfu="high")
    with pytest.raises(AssumptionsError, match="no assumption named 'price'"):
        assumptions.check(path, price=3.0)


def test_current_takes_same_named_variables_of_a_namespace(tmp_path):
    path = write(tmp_path, GOOD)
    a = assumptions.current({"mfu": 0.5, "other": 1, "A": None}, path)
    assert a.mfu == 0.5 and a.gpu == "H100 SXM" and a.overrides == {"mfu": 0.5}
    with pytest.raises(AssumptionsError, match="mfu=0.05 is outside"):
        assumptions.current({"mfu": 0.05}, path)


def test_in_use_marks_overrides(tmp_path):
    path = write(tmp_path, GOOD)
    a = assumptions.current({"mfu": 0.5, "gpu": "H100 SXM", "other": 1}, path)
    table = assumptions.in_use(a, {"mfu": 0.5, "gpu": "H100 SXM", "other": 1})
    assert list(table.index) == ["mfu", "gpu"]
    assert table.loc["mfu", "overridden"] == "yes (file: 0.4)" and table.loc["gpu", "overridden"] == ""
    assert list(assumptions.in_use(a, ["gpu"]).index) == ["gpu"]
    assert list(assumptions.in_use(a).index) == ["mfu", "gpu"]
    with pytest.raises(AssumptionsError, match="no assumption named 'x'"):
        assumptions.in_use(a, ["x"])
    with pytest.raises(AssumptionsError, match="must be an Assumptions"):
        assumptions.in_use({"mfu": 0.5})


def test_edit_is_seen_without_restart(tmp_path):
    path = write(tmp_path, GOOD)
    assert assumptions.load(path).mfu == 0.4
    import os
    import time

    path.write_text(GOOD.replace("value = 0.4", "value = 0.5"))
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    assert assumptions.load(path).mfu == 0.5


# ------------------------------------------------------------------------------------------
# Exact values and types (issue 12: tools/params.py rounded to 6 significant digits)
# ------------------------------------------------------------------------------------------

REAL = assumptions.ASSUMPTIONS_FILE


def edited_copy(tmp_path, name, literal) -> Path:
    """A copy of the real assumptions file with ``name``'s value replaced by ``literal``."""
    text = REAL.read_text()
    new, n = re.subn(rf"(\[{name}\]\nvalue = )[^\n]+", rf"\g<1>{literal}", text)
    assert n == 1, name
    path = tmp_path / "assumptions.toml"
    path.write_text(new)
    return path


def test_eight_significant_digits_reach_claims_and_ledger_unchanged(tmp_path, monkeypatch):
    from analysis import datawall, ledger

    exact = 1.2345678e14  # 8 significant digits; the old sync ran it as 1.23457e14
    path = edited_copy(tmp_path, "text_stock_tokens", "1.2345678e14")
    a = assumptions.load(path)
    assert a.text_stock_tokens == exact and type(a.text_stock_tokens) is float
    ns = {"text_stock_tokens": a.text_stock_tokens}
    assert assumptions.current(ns, path).text_stock_tokens == exact
    assert assumptions.load().replace(text_stock_tokens=exact).text_stock_tokens == exact
    # the value reaches a claim function unchanged: the claim equals the helpers called with it
    from analysis import hardware, scaling

    wall = datawall.wall_flops(datawall.unique_stock_tokens(exact), scaling.TWENTY_TOKENS_PER_PARAM)
    expected = hardware.flops_to_usd(wall, usd_per_gpu_hour=a.usd_per_gpu_hour, mfu=a.mfu, gpu=datawall.H100,
                                     precision="fp8", flop_basis=a.flop_basis)
    assert datawall.claim_data_wall_usd_at_unique_stock(a) == expected
    seen, real = [], datawall.unique_stock_tokens

    @functools.wraps(real)
    def spy(x):
        seen.append(x)
        return real(x)

    monkeypatch.setattr(datawall, "unique_stock_tokens", spy)
    assert ledger.recompute("datawall:claim_data_wall_usd_at_unique_stock", a) == expected
    assert seen == [exact] and type(seen[0]) is float


def test_the_ledger_uses_the_assumptions_it_is_given(tmp_path, monkeypatch):
    from analysis import ledger

    got = []
    monkeypatch.setattr(ledger, "resolve", lambda ref: lambda a: got.append(a) or 1.0)
    a = assumptions.load().replace(mfu=0.41234567)
    assert ledger.recompute("x:y", a) == 1.0 and got[0] is a and got[0].mfu == 0.41234567


def test_an_int_stays_int_and_bool_is_refused(tmp_path):
    path = edited_copy(tmp_path, "seed", "20241223")
    a = assumptions.load(path)
    assert a.seed == 20241223 and type(a.seed) is int
    b = a.replace(seed=20241220.0)  # papermill may inject a float; the integer assumption stays int
    assert b.seed == 20241220 and type(b.seed) is int
    assert type(assumptions.current({"seed": 7}, path).seed) is int
    assert type(a.replace(run_days=90).run_days) is float
    with pytest.raises(ValueError, match="seed=20241220.5 must be a whole number"):
        a.replace(seed=20241220.5)
    with pytest.raises(ValueError, match=r"mfu=True is not a number"):
        a.replace(mfu=True)
    with pytest.raises(ValueError, match=r"seed=False is not a number"):
        assumptions.current({"seed": False}, path)
    with pytest.raises(AssumptionsError, match=r"\[mfu\]: value = True must be a number"):
        assumptions.load(edited_copy(tmp_path, "mfu", "true"))


def test_only_assumptions_py_reads_the_file():
    analysis = Path(assumptions.__file__).parent
    pattern = re.compile(r"tomllib|assumptions\.value\(|assumptions\.load\(|assumptions\.current\("
                         r"|ASSUMPTIONS_FILE|[\"']assumptions\.toml[\"']|open\([^)]*assumptions")
    offenders = [f"{p.name}:{i}: {line.strip()}"
                 for p in sorted(analysis.glob("*.py")) if p.name != "assumptions.py"
                 for i, line in enumerate(p.read_text().splitlines(), 1)
                 if pattern.search(line) and not re.search(r"assumptions\.load\(\) if a is None else a", line)]
    assert not offenders, "only analysis/assumptions.py may open data/assumptions.toml:\n" + "\n".join(offenders)


def test_no_assumptions_value_function():
    assert not hasattr(assumptions, "value")


def test_every_claim_function_takes_one_assumptions_argument():
    import importlib
    import inspect

    analysis = Path(assumptions.__file__).parent
    found = 0
    for p in sorted(analysis.glob("*.py")):
        mod = importlib.import_module(f"analysis.{p.stem}")
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if not name.startswith("claim_") or fn.__module__ != mod.__name__:
                continue
            params = list(inspect.signature(fn).parameters.values())
            if params and params[0].kind is inspect.Parameter.KEYWORD_ONLY:
                continue  # claim_values(**assumptions): a helper, not a ledger claim
            if name in ("claim_table", "claim_supported"):
                continue  # helpers with their own arguments
            found += 1
            assert [q.name for q in params] == ["a"], f"{mod.__name__}.{name}{inspect.signature(fn)} must take (a)"
    assert found > 50
