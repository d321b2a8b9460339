"""The assumptions file: the real one is valid, and every malformed one is refused clearly."""

from __future__ import annotations

import math

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
    for a in table.values():
        assert a.unit.strip() and a.rationale.strip()
        if a.allowed is None:
            assert a.low <= a.value <= a.high and math.isfinite(a.value)
        else:
            assert a.value in a.allowed


def test_good_file_loads(tmp_path):
    table = assumptions.load(write(tmp_path, GOOD))
    assert table["mfu"].value == 0.4 and table["gpu"].value == "H100 SXM"
    assert assumptions.value("mfu", write(tmp_path, GOOD)) == 0.4


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
    with pytest.raises(AssumptionsError, match="no assumption named 'mfux'; known: mfu, gpu"):
        assumptions.value("mfux", write(tmp_path, GOOD))


def test_overrides_are_checked_against_ranges(tmp_path):
    path = write(tmp_path, GOOD)
    assert assumptions.check(path, mfu=0.5) == {"mfu": 0.5}
    with pytest.raises(AssumptionsError, match=r"mfu=1.5 is outside its plausible range \[0.2, 0.7\]"):
        assumptions.check(path, mfu=1.5)
    with pytest.raises(AssumptionsError, match="mfu='high' is not a number"):
        assumptions.check(path, mfu="high")
    with pytest.raises(AssumptionsError, match="no assumption named 'price'"):
        assumptions.check(path, price=3.0)


def test_in_use_marks_overrides(tmp_path):
    path = write(tmp_path, GOOD)
    table = assumptions.in_use({"mfu": 0.5, "gpu": "H100 SXM", "other": 1}, path)
    assert list(table.index) == ["mfu", "gpu"]
    assert table.loc["mfu", "overridden"] == "yes (file: 0.4)" and table.loc["gpu", "overridden"] == ""
    with pytest.raises(AssumptionsError):
        assumptions.in_use({"mfu": 0.05}, path)


def test_edit_is_seen_without_restart(tmp_path):
    path = write(tmp_path, GOOD)
    assert assumptions.value("mfu", path) == 0.4
    import os
    import time

    path.write_text(GOOD.replace("value = 0.4", "value = 0.5"))
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    assert assumptions.value("mfu", path) == 0.5
