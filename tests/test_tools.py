"""The build tools: input stamp (no stale numbers), chapter list, output stripping, figures."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import nbformat
import pytest

from analysis import figures
from tools import chapters, outputs, stamp


def fake_repo(tmp_path):
    (tmp_path / "analysis").mkdir()
    (tmp_path / "analysis" / "m.py").write_text("X = 1\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "d.csv").write_text("a\n1\n")
    (tmp_path / "requirements.txt").write_text("numpy\n")
    build = tmp_path / "_build"
    for sub in (".jupyter_cache", ".doctrees", "html"):
        (build / sub).mkdir(parents=True)
    return build


def test_stamp_clears_everything_when_the_toolchain_changes(tmp_path):
    build = fake_repo(tmp_path)
    assert stamp.check(build, tmp_path) is True  # first build: no stamp
    (build / ".jupyter_cache").mkdir()
    (build / "html").mkdir()
    assert stamp.check(build, tmp_path) is False  # nothing changed: keep the cache
    assert (build / ".jupyter_cache").exists()
    (tmp_path / "requirements.txt").write_text("numpy==2\n")
    assert stamp.check(build, tmp_path) is True
    assert not (build / ".jupyter_cache").exists() and not (build / "html").exists()


@pytest.mark.parametrize("path", ["analysis/m.py", "data/d.csv"])
def test_stamp_keeps_the_cache_when_no_chapter_reads_the_change(tmp_path, path):
    build = fake_repo(tmp_path)
    stamp.check(build, tmp_path)
    (build / ".jupyter_cache").mkdir()
    (tmp_path / path).write_text("changed\n")
    assert stamp.check(build, tmp_path) is False  # the cache holds no chapter
    assert (build / ".jupyter_cache").exists()


def test_stamp_clears_cache_if_exported_figures_vanished(tmp_path):
    build = fake_repo(tmp_path)
    stamp.check(build, tmp_path)
    (build / ".jupyter_cache").mkdir()
    (build / "site-extra" / "figures").rmdir()
    assert stamp.check(build, tmp_path) is True


def test_real_inputs_include_assumptions_file():
    files = {p.relative_to(stamp.ROOT).as_posix() for p in stamp.input_files()}
    assert "data/assumptions.toml" in files
    assert any(f.startswith("analysis/") for f in files)


def test_chapters_are_the_notebooks_with_a_parameters_cell(tmp_path):
    for name, tags in (("a", ["parameters"]), ("b", []), ("c", None)):
        nb = nbformat.v4.new_notebook()
        if tags is not None:
            nb.cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell("x = 1")]
            nb.cells[1].metadata["tags"] = tags
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    assert [p.stem for p in chapters.chapter_notebooks(tmp_path)] == ["a"]
    assert chapters.chapter_notebooks()  # the real book has chapters


def test_no_tool_rewrites_notebook_sources():
    # A reader's hand edit of a parameters cell must survive make book / make test / make rerun:
    # no tool writes a notebook except tools/outputs.py, which writes outputs only (checked below)
    # and tools/rerun.py and tools/extremes.py, which write papermill copies under reruns/.
    root = Path(chapters.__file__).parent
    writers = {p.name for p in root.glob("*.py")
               if re.search(r"nbformat\.write\(|json\.dump\(|execute_notebook|ipynb.*write_text", p.read_text())}
    assert writers <= {"outputs.py", "rerun.py", "extremes.py"}, writers
    assert not (root / "params.py").exists()
    make = (root.parent / "Makefile").read_text()
    assert "tools.params" not in make and "sync" not in make


def test_outputs_refresh_leaves_sources_unchanged(tmp_path):
    nb = nbformat.v4.new_notebook()
    src = "# a reader's edit\nmfu = 0.55  # hand-edited\n"
    cell = nbformat.v4.new_code_cell(src)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("y = mfu * 2\ny")]
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    outputs.main(["--strip-only", str(path)])  # what make outputs writes back (after nbclient runs it)
    after = nbformat.read(path, as_version=4)
    assert [c.source for c in after.cells] == [src, "y = mfu * 2\ny"]


def test_strip_removes_blobs_and_timings_but_keeps_text_and_glue():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00.1Z"}
    png = base64.b64encode(b"\x89PNG...").decode()
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("display_data", data={"image/svg+xml": "<svg/>"}),
        nbformat.v4.new_output("display_data", data={"application/papermill.record/text/plain": "42"},
                               metadata={"scrapbook": {"name": "k"}}),
        nbformat.v4.new_output("stream", name="stdout", text="result 42\n"),
    ]
    nb.cells = [cell]
    assert outputs.blobs(nb)
    outputs.strip(nb)
    assert outputs.blobs(nb) == []
    assert [o.get("data", {}).get("text/plain") for o in cell.outputs][0] == "<Figure>"
    assert cell.outputs[1].metadata["scrapbook"]["name"] == "k"
    assert cell.outputs[2].text == "result 42\n"


def test_stored_notebooks_have_no_blobs():
    for path in sorted(chapters.BOOK.glob("*.ipynb")):
        assert outputs.blobs(nbformat.read(path, as_version=4)) == [], path.name


def test_figure_export_stable_names(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORT_FIGURE_DIR", str(tmp_path))
    figures.use_style()
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    assert figures.export(fig, "fig-test-line", show=False) is None
    assert (tmp_path / "fig-test-line.png").read_bytes()[:4] == b"\x89PNG"
    svg = (tmp_path / "fig-test-line.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<dc:date>" not in svg
    assert matplotlib.colors.to_hex(matplotlib.rcParams["savefig.facecolor"]) == "#ffffff"


@pytest.mark.parametrize("bad", ["Fig-x", "fig_x", "fig-", "figure-x", "fig-x--y", "fig-X"])
def test_figure_export_rejects_bad_names(bad):
    fig = plt.figure()
    with pytest.raises(ValueError, match="is not a figure label"):
        figures.export(fig, bad, show=False)
    plt.close(fig)


def test_the_bibliography_parses_entry_by_entry():
    # a lost closing brace swallows the next entry silently in some readers and fails the build in others
    import pybtex.database

    bib = Path(stamp.ROOT / "references.bib")
    entries = pybtex.database.parse_file(str(bib)).entries
    assert len(entries) == sum(line.startswith("@") for line in bib.read_text().splitlines())


def test_strip_fixes_the_run_specific_ids_and_addresses():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("styler")
    cell.outputs = [nbformat.v4.new_output("execute_result", execution_count=1, data={
        "text/html": '<style>#T_3fa1c td {}</style><table id="T_3fa1c">',
        "text/plain": "<pandas.io.formats.style.Styler at 0x7f6306def210>"})]
    nb.cells = [cell]
    outputs.strip(nb)
    data = cell.outputs[0]["data"]
    assert data["text/html"] == '<style>#T_table td {}</style><table id="T_table">'
    assert data["text/plain"] == "<pandas.io.formats.style.Styler at 0x0>"
