"""Every data file validates against its sidecar; malformed files name file, row and column."""

from __future__ import annotations

import shutil

import pytest

from analysis import datasets
from analysis.datasets import DataFileError

SIDE = """title: Test table
description: A small table for the tests.
sources:
  - key: hoffmann2022training
    locator: Table 3
    date_read: 2026-11-23
    note: transcribed
columns:
  params: {type: float, unit: parameters, min: 0}
  tokens: {type: float, unit: tokens, min: 0}
  estimate: {type: bool}
  released: {type: date}
  source_key: {type: str, bibkey: true}
"""
CSV = """params,tokens,estimate,released,source_key
4.0e8,8.0e9,false,2022-03-29,hoffmann2022training
6.7e10,1.5e12,true,2022-03-29,hoffmann2022training
"""


@pytest.mark.parametrize("name", datasets.names())
def test_every_data_file_is_valid(name):
    df = datasets.load(name)
    ds = df.attrs["meta"]
    assert len(df) > 0 and ds.sources
    keys = datasets.bib_keys()
    for s in ds.sources:
        assert s.key in keys
    for col in ds.columns:
        if col.type in ("float", "int"):
            assert col.unit, f"{name}.{col.name} has no unit"


def test_every_csv_has_a_sidecar_and_vice_versa():
    stems_csv = {p.stem for p in datasets.DATA_DIR.glob("*.csv")}
    stems_yml = {p.stem for p in datasets.DATA_DIR.glob("*.yml")}
    assert stems_csv == stems_yml


def make(tmp_path, csv=CSV, side=SIDE):
    (tmp_path / "t.csv").write_text(csv)
    (tmp_path / "t.yml").write_text(side)
    return tmp_path


def test_good_table_loads_typed(tmp_path):
    df = datasets.load("t", make(tmp_path))
    assert df["params"].dtype == "float64" and df["estimate"].tolist() == [False, True]
    assert str(df["released"].dtype).startswith("datetime64")


@pytest.mark.parametrize(
    ("csv", "needle"),
    [
        (CSV.replace("8.0e9", "lots"), "line 2 (data row 1), column 'tokens': 'lots' is not a valid float"),
        (CSV.replace("6.7e10", "-6.7e10"), "line 3 (data row 2), column 'params': -67000000000.0 is below the minimum 0"),
        (CSV.replace("true", "maybe"), "line 3 (data row 2), column 'estimate': 'maybe' is not a valid bool"),
        (CSV.replace("2022-03-29,hoff", "29/03/2022,hoff", 1), "column 'released': '29/03/2022' is not a valid date"),
        (CSV.replace("true,2022-03-29,hoffmann2022training", "true,2022-03-29,nobody2099"),
         "column 'source_key': source key 'nobody2099' is not in references.bib"),
        (CSV.replace("4.0e8,", ",", 1), "line 2 (data row 1), column 'params': empty, and the column is not nullable"),
        (CSV.replace("params,tokens", "params,tokens_b"), "missing column(s) ['tokens']; undeclared column(s) ['tokens_b']"),
        (CSV.replace("params,tokens", "tokens,params"), "columns are in the order"),
        (CSV.replace("8.0e9", "inf"), "'inf' is not finite"),
        ("params,tokens,estimate,released,source_key\n", "has a header but no rows"),
        ("", "the file is empty"),
        ("\n\n", "the file is empty"),
        # one extra field used to shift every value one column right and be blamed on another column
        (CSV.replace("false,", "false,extra,"), "line 2 (data row 1): 6 fields, the header has 5 (an extra field"),
        (CSV.replace(",hoffmann2022training\n", "\n", 1), "line 2 (data row 1): 4 fields, the header has 5 (a missing field"),
        # blank lines are skipped but counted: the error names the file's own line
        (CSV.replace("\n6.7e10", "\n\n\n6.7e10").replace("true", "maybe"), "line 5 (data row 2), column 'estimate'"),
        # a quoted value spanning two lines counts both
        (CSV.replace(",hoffmann2022training\n6.7e10", ',"hoffmann2022\ntraining"\n6.7e10').replace("true", "maybe"),
         "line 4 (data row 2), column 'estimate'"),
        (CSV + CSV.splitlines(keepends=True)[1], "line 4 (data row 3) repeats line 2 exactly (a duplicated row)"),
        ("\ufeff" + CSV, "starts with a byte-order mark"),
        ('params,tokens,estimate,released,source_key\n4.0e8,"8.0e9\n', "line 2: malformed CSV"),
    ],
)
def test_malformed_csv(tmp_path, csv, needle):
    d = make(tmp_path, csv=csv)
    with pytest.raises(DataFileError) as err:
        datasets.load("t", d)
    assert needle in str(err.value)
    assert "t.csv" in str(err.value)


@pytest.mark.parametrize(
    ("side", "needle"),
    [
        (SIDE.replace("key: hoffmann2022training", "key: nobody2099"), "key 'nobody2099' is not in references.bib"),
        (SIDE.replace("    locator: Table 3\n", ""), "sources[0]: missing field 'locator'"),
        (SIDE.replace("date_read: 2026-11-23", "date_read: yesterday"), "date_read 'yesterday' is not a YYYY-MM-DD"),
        (SIDE.replace("{type: float, unit: tokens, min: 0}", "{type: float, min: 0}"), "column 'tokens': numeric columns need a 'unit'"),
        (SIDE.replace("{type: bool}", "{type: boolean}"), "column 'estimate': type 'boolean' is not one of"),
        (SIDE.replace("title: Test table\n", ""), "missing field 'title'"),
        (SIDE + "licence: none\n", "unknown field(s) ['licence']"),
        ("title: [unclosed\n", "not valid YAML"),
        # a bound that is not a number used to surface as a raw TypeError while loading
        (SIDE.replace("unit: parameters, min: 0", "unit: parameters, min: 'zero'"), "column 'params': 'min' must be a finite number, not 'zero'"),
        (SIDE.replace("unit: parameters, min: 0", "unit: parameters, min: 5, max: 1"), "column 'params': min 5 is above max 1"),
        (SIDE.replace("{type: bool}", "{type: bool, min: 0}"), "column 'estimate': 'min' applies to float and int columns only"),
        # the string 'false' is truthy: it used to make the column nullable
        (SIDE.replace("{type: date}", "{type: date, nullable: 'false'}"), "column 'released': 'nullable' must be true or false (unquoted), not 'false'"),
        (SIDE.replace("bibkey: true", "bibkey: 'yes'"), "column 'source_key': 'bibkey' must be true or false"),
        (SIDE.replace("{type: bool}", "{type: bool, allowed: true}"), "column 'estimate': 'allowed' must be a non-empty list"),
        (SIDE + "checks:\n  - {column: tokens, equals: nothing, times: 2}\n", "checks[0]: 'equals' must name a column of the sidecar, not 'nothing'"),
        (SIDE + "checks:\n  - {column: tokens, equals: params, times: half}\n", "checks[0]: 'times' must be a finite, non-zero number, not 'half'"),
        (SIDE + "checks:\n  - {column: tokens, equals: estimate}\n", "checks[0]: column 'estimate' is bool; checks compare float columns"),
        (SIDE + "checks:\n  - {column: tokens, equals: params, ratio: 2}\n", "checks[0]: unknown field(s) ['ratio']"),
    ],
)
def test_malformed_sidecar(tmp_path, side, needle):
    d = make(tmp_path, side=side)
    with pytest.raises(DataFileError) as err:
        datasets.load("t", d)
    assert needle in str(err.value)
    assert "t.yml" in str(err.value)


def test_missing_files(tmp_path):
    d = make(tmp_path)
    with pytest.raises(DataFileError, match="no such data file"):
        datasets.load("nope", d)
    (d / "t.yml").unlink()
    with pytest.raises(DataFileError, match="missing provenance sidecar"):
        datasets.load("t", d)


def test_provenance_table_covers_every_file(tmp_path):
    d = make(tmp_path)
    shutil.copy(d / "t.csv", d / "u.csv")
    shutil.copy(d / "t.yml", d / "u.yml")
    prov = datasets.provenance_table(d)
    assert sorted(prov["dataset"]) == ["t.csv", "u.csv"]
    assert set(prov["source"]) == {"hoffmann2022training"}


def test_above_rejects_the_bound_itself(tmp_path):
    side = SIDE.replace("unit: parameters, min: 0", "unit: parameters, above: 0")
    assert len(datasets.load("t", make(tmp_path, side=side))) == 2
    with pytest.raises(DataFileError, match=r"t.csv: line 2 \(data row 1\), column 'params': 0.0 must be above 0 \(parameters\)"):
        datasets.load("t", make(tmp_path, csv=CSV.replace("4.0e8", "0"), side=side))


def test_checks_between_columns(tmp_path):
    """tokens = 20 x params holds in both rows; a row that breaks it is named with its line."""
    side = SIDE + "checks:\n  - {column: tokens, equals: params, times: 20}\n"
    csv = CSV.replace("8.0e9", "8.0e9").replace("1.5e12", "1.34e12")
    df = datasets.load("t", make(tmp_path, csv=csv, side=side))
    assert df.attrs["meta"].checks == (datasets.Check("tokens", "params", 20.0),)
    with pytest.raises(DataFileError) as err:
        datasets.load("t", make(tmp_path, csv=CSV, side=side))
    msg = str(err.value)
    assert "t.csv: line 3 (data row 2), column 'tokens': 1500000000000.0 is not 20 x params" in msg
    assert "t.yml 'checks'" in msg


def test_checks_skip_empty_cells(tmp_path):
    side = SIDE.replace("unit: tokens, min: 0}", "unit: tokens, min: 0, nullable: true}")
    side += "checks:\n  - {column: tokens, equals: params, times: 20}\n"
    csv = CSV.replace("8.0e9", "").replace("1.5e12", "1.34e12")
    assert datasets.load("t", make(tmp_path, csv=csv, side=side))["tokens"].isna().tolist() == [True, False]


def test_not_utf8_names_the_line(tmp_path):
    d = make(tmp_path)
    (d / "t.csv").write_bytes(CSV.encode() + b"1e9,2e10,false,2022-03-29,caf\xe9\n")
    with pytest.raises(DataFileError, match=r"t.csv: line 4: not valid UTF-8"):
        datasets.load("t", d)


def test_gpus_dense_is_half_sparse_and_peaks_are_positive():
    """The sidecar states the rule; the loader enforces it on the real file."""
    ds = datasets.meta("gpus")
    assert {(c.column, c.equals, c.times) for c in ds.checks} == {
        ("tflops_fp8_dense", "tflops_fp8_sparse", 0.5), ("tflops_bf16_dense", "tflops_bf16_sparse", 0.5)}
    assert all(c.above == 0 for c in ds.columns if c.name.startswith("tflops_"))
