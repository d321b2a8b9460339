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
        (CSV.replace("8.0e9", "lots"), "row 2 (line 2), column 'tokens': 'lots' is not a valid float"),
        (CSV.replace("6.7e10", "-6.7e10"), "row 3 (line 3), column 'params': -67000000000.0 is below the minimum 0"),
        (CSV.replace("true", "maybe"), "row 3 (line 3), column 'estimate': 'maybe' is not a valid bool"),
        (CSV.replace("2022-03-29,hoff", "29/03/2022,hoff", 1), "column 'released': '29/03/2022' is not a valid date"),
        (CSV.replace("true,2022-03-29,hoffmann2022training", "true,2022-03-29,nobody2099"),
         "column 'source_key': source key 'nobody2099' is not in references.bib"),
        (CSV.replace("4.0e8,", ",", 1), "row 2 (line 2), column 'params': empty, and the column is not nullable"),
        (CSV.replace("params,tokens", "params,tokens_b"), "missing column(s) ['tokens']; undeclared column(s) ['tokens_b']"),
        (CSV.replace("params,tokens", "tokens,params"), "columns are in the order"),
        (CSV.replace("8.0e9", "inf"), "'inf' is not finite"),
        ("params,tokens,estimate,released,source_key\n", "has a header but no rows"),
        ("", "the file is empty"),
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
