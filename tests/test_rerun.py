"""`make rerun`: compares a rerun with a fresh run at the file's values, as the page shows them,
writes only under reruns/, and answers bad arguments in one line."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from analysis import figures
from tools import rerun
from tools.rerun import BadArgument, changes, display_formats, parse_settings

ROOT = rerun.ROOT


@pytest.mark.parametrize("args", [
    ["gpu=HGX", "B200", "mfu=0.5"],          # as a shell splits it
    ["gpu=HGX B200 mfu=0.5"],                # as `make rerun SET="..."` passes it
    ["gpu='HGX B200'  mfu=0.5"],
    ['gpu="HGX B200"', "mfu=0.5"],
])
def test_values_with_spaces(args):
    assert parse_settings(args) == {"gpu": "HGX B200", "mfu": 0.5}


def test_values_are_toml_literals():
    got = parse_settings(["text_stock_tokens=3e14 seed=7 precision='fp8' flop_basis=sparse"])
    assert got == {"text_stock_tokens": 3e14, "seed": 7, "precision": "fp8", "flop_basis": "sparse"}
    assert type(got["seed"]) is int


@pytest.mark.parametrize(("args", "needle"), [
    (["B200"], "'B200' is not name=value"),
    (["mfu=0.5 mfu=0.6"], "mfu is set twice"),
    (["mfu="], "mfu= has no value"),
    (["gpu='HGX B200"], "cannot read the settings"),
])
def test_bad_settings(args, needle):
    with pytest.raises(BadArgument, match=needle):
        parse_settings(args)


@pytest.mark.parametrize(("argv", "needle"), [
    ([], "no chapter given (make rerun CHAPTER=<chapter>"),
    ([""], "no chapter given"),
    (["nonexistent"], "no chapter 'nonexistent'; chapters: "),          # was a FileNotFoundError traceback
    (["status"], "'status' has no parameters cell, so nothing to set"),  # was an AttributeError
    (["../../etc/passwd"], "no chapter 'passwd'"),
    (["data_wall", "nosuch=1"], "no assumption named 'nosuch'; data_wall uses: usd_per_gpu_hour"),
    (["data_wall", "mfu=5"], "mfu=5 is outside its plausible range"),
    (["data_wall", "mfu=true"], "mfu=True is not a number"),
    (["data_wall", "gpu=HGX"], "gpu='HGX' is not one of"),
    (["small_models", "mfu=0.5"], "small_models does not use the assumption 'mfu'"),
])
def test_bad_arguments_get_one_line_and_status_2(argv, needle, capsys, tmp_path):
    assert rerun.main(argv, reruns=tmp_path) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("rerun: ") and needle in err, err
    assert not any(tmp_path.iterdir())  # nothing ran


def test_make_rerun_passes_values_with_spaces_intact():
    """Through make: gpu=HGX B200 arrives whole (it is accepted), so the complaint is about mfu."""
    proc = subprocess.run(["make", "-s", "--no-print-directory", "rerun", "CHAPTER=data_wall",
                           "SET=gpu=HGX B200 mfu=9"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2, proc.stderr
    assert "rerun: override: mfu=9 is outside its plausible range" in proc.stderr
    assert "Traceback" not in proc.stderr


def md(source):
    return nbformat.v4.new_markdown_cell(source)


def test_display_formats_read_the_chapters_glue_roles():
    nb = nbformat.v4.new_notebook(cells=[
        md("a {glue:text}`speed:.1f` b {glue:text}`speed:,.0f` c {glue}`raw` d {glue:text}`plain`"),
        md("e {glue:text}`other.ipynb::far:.2e` f {glue:any}`anything`"),
        nbformat.v4.new_code_cell("glue('notshown', 1)"),
    ])
    assert display_formats(nb) == {"speed": [".1f", ",.0f"], "raw": [""], "plain": ["s"],
                                   "far": [".2e"], "anything": [""]}


def test_changes_are_what_the_page_shows():
    fmts = {"speed": [".1f"], "rounded": [".0f"], "noise": ["s"], "label": ["s"]}
    before = {"speed": "4.0", "rounded": "1.004", "noise": "2.25", "label": "'H100 SXM'",
              "hidden": "1e+20", "same": "3", "gone": "1"}
    after = {"speed": "5.000000001", "rounded": "1.005", "noise": "2.2500000000000004",
             "label": "'HGX B200'", "hidden": "1.2e+20", "same": "3", "new": "7"}
    assert changes(before, after, fmts) == [
        ("speed", "4.0", "5.0"),
        ("label", "H100 SXM", "HGX B200"),
        ("hidden", "1e+20", "1.2e+20"),
        ("new", "(absent)", "7"),
        ("gone", "1", "(absent)"),
    ]


def test_relative_tolerance_only_for_numbers_that_are_equal():
    assert changes({"x": "1e-300"}, {"x": "2e-300"}, {}) == [("x", "1e-300", "2e-300")]
    assert changes({"x": "0.30000000000000004"}, {"x": "0.3"}, {}) == []


FAKE_PARAMETERS = """\
import tomllib
from analysis import assumptions
_file = tomllib.loads(assumptions.ASSUMPTIONS_FILE.read_text())
mfu = _file["mfu"]["value"]
gpu = _file["gpu"]["value"]
"""
FAKE_BODY = """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from myst_nb import glue
from analysis.figures import export
glue("speed", mfu * 10, display=False)
glue("noise", 2.25 + (4e-16 if mfu == 0.5 else 0.0), display=False)
glue("rounded", 1.0 + mfu / 100, display=False)
glue("label", gpu, display=False)
assert isinstance(mfu, float), type(mfu)
fig, ax = plt.subplots()
ax.plot([0, 1], [0, mfu])
export(fig, "fig-rerun-test-line", show=False)
"""


def fake_chapter(book):
    """A tiny chapter; its stored outputs are stale (label glued as another GPU)."""
    params = nbformat.v4.new_code_cell(FAKE_PARAMETERS, metadata={"tags": ["parameters"]})
    body = nbformat.v4.new_code_cell(FAKE_BODY, execution_count=1, outputs=[nbformat.v4.new_output(
        "display_data", data={rerun.GLUE_MIME: "'GB200 NVL72'"},
        metadata={"scrapbook": {"name": "label", "mime_prefix": "application/papermill.record/"}})])
    text = md("{glue:text}`speed:.1f` {glue:text}`noise` {glue:text}`rounded:.0f` {glue:text}`label`")
    nb = nbformat.v4.new_notebook(cells=[params, body, text],
                                  metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    book.mkdir()
    nbformat.write(nb, book / "fake.ipynb")


def test_rerun_end_to_end(tmp_path, capsys):
    book, out = tmp_path / "book", tmp_path / "reruns"
    fake_chapter(book)
    before_book = {p: p.read_bytes() for p in book.rglob("*")}
    book_figure = figures.FIGURE_DIR / "fig-rerun-test-line.png"
    assert not book_figure.exists()

    assert rerun.main(["fake", "mfu=0.5"], book=book, reruns=out) == 0
    report = capsys.readouterr().out
    listed = [ln.split()[0] for ln in report.splitlines() if ln.startswith("  ")]
    # speed moves at the page's precision; the float noise and the change hidden by :.0f do not
    # count; the label the stored outputs got wrong is not credited to the override.
    assert listed == ["speed"], report
    assert "4.0 -> 5.0" in report
    assert "rerun: 1 of 4 values the page shows change" in report
    assert "figures that change: fig-rerun-test-line" in report
    run_dir = out / "fake--mfu=0.5"
    assert (run_dir / "fake.ipynb").exists() and (run_dir / "baseline" / "fake.ipynb").exists()
    for d in (run_dir, run_dir / "baseline"):
        assert {p.suffix for p in (d / "figures").iterdir()} == {".png", ".svg"}
    # nothing was written into the book: not the chapter, not the book's figure folder
    assert {p: p.read_bytes() for p in book.rglob("*")} == before_book
    assert not book_figure.exists()


def test_a_failing_chapter_names_the_error(tmp_path, capsys):
    book = tmp_path / "book"
    fake_chapter(book)
    nb = nbformat.read(book / "fake.ipynb", as_version=4)
    nb.cells[1].source += "\nif mfu > 0.6:\n    raise ValueError('mfu too high for this fake chapter')\n"
    nbformat.write(nb, book / "fake.ipynb")
    assert rerun.main(["fake", "mfu=0.65"], book=book, reruns=tmp_path / "reruns") == 1
    err = capsys.readouterr().err
    assert "rerun: fake failed with your settings: ValueError: mfu too high for this fake chapter\n" in err
    assert str(tmp_path / "reruns" / "fake--mfu=0.65" / "fake.ipynb") in err


def test_own_analysis_check(tmp_path):
    """A venv whose `analysis` is another checkout's is refused in one line naming both paths."""
    script = ROOT / "tools" / "own_analysis.py"
    ok = subprocess.run([sys.executable, "-P", str(script)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    (tmp_path / "analysis").mkdir()
    (tmp_path / "analysis" / "__init__.py").write_text("")
    bad = subprocess.run([sys.executable, "-P", str(script)], capture_output=True, text=True,
                         env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1
    assert f"imports analysis from {tmp_path / 'analysis'}, not this repository's {ROOT / 'analysis'}" in bad.stderr


def test_an_override_equal_to_the_file_says_so(capsys):
    import tomllib

    from analysis import assumptions
    mfu = tomllib.loads(assumptions.ASSUMPTIONS_FILE.read_text())["mfu"]["value"]
    assert rerun.check_arguments("data_wall", {"mfu": mfu}) == {"mfu": mfu}
    assert f"rerun: note: mfu={mfu} is already the value in assumptions.toml" in capsys.readouterr().out
