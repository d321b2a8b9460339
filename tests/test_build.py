"""The build is strict: a bad citation, a broken reference or a failing cell fails it.

Each case builds a two-page book in a temporary folder with the report's own ``_config.yml``
and the flags the Makefile uses (``-W -n --keep-going``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
JB = ROOT / ".venv" / "bin" / "jupyter-book"


def build(tmp_path: Path, page: str, notebook_source: str | None = None) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["sphinx"]["local_extensions"] = {
        name: str((ROOT / path).resolve()) for name, path in config["sphinx"]["local_extensions"].items()}
    (tmp_path / "_build" / "site-extra").mkdir(parents=True)
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    chapters = [{"file": "page"}]
    (tmp_path / "page.md").write_text(page)
    if notebook_source is not None:
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
        code, _, prose = notebook_source.partition("\n#md:")  # optional Markdown after the code
        nb.cells = [nbformat.v4.new_markdown_cell("# A notebook"), nbformat.v4.new_code_cell(code)]
        if prose:
            nb.cells.append(nbformat.v4.new_markdown_cell(prose))
        nbformat.write(nb, tmp_path / "nb.ipynb")
        chapters.append({"file": "nb"})
    (tmp_path / "bib.md").write_text("# Bibliography\n\n```{bibliography}\n```\n")
    chapters.append({"file": "bib"})
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": "index", "chapters": chapters}))
    (tmp_path / "index.md").write_text("# Index\n\nA test book.\n")
    return subprocess.run([str(JB), "build", str(tmp_path), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)


pytestmark = pytest.mark.skipif(not JB.exists(), reason="the book toolchain is not installed (.venv)")


def test_a_clean_page_builds(tmp_path):
    out = build(tmp_path, "# Page\n\nSee {cite:p}`hoffmann2022training`.\n")
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert (tmp_path / "_build" / "html" / "index.html").exists()


@pytest.mark.parametrize(
    ("page", "code", "needle"),
    [
        ("# Page\n\nSee {cite:p}`nobody2099`.\n", None, "nobody2099"),
        ("# Page\n\nSee {numref}`fig-does-not-exist`.\n", None, "fig-does-not-exist"),
        ("# Page\n\nSee {doc}`missing_page`.\n", None, "missing_page"),
        ("# Page\n\nText.\n", "raise RuntimeError('boom in a cell')", "boom in a cell"),
        ("# Page\n\nThe run saturates near inf tokens per second.\n", None, "non-finite"),
        ("# Page\n\nText.\n",
         "from myst_nb import glue\nglue('x', float('nan'), display=False)\n#md:The loss is {glue:text}`x`.",
         "non-finite"),
    ],
    ids=["unknown-citation", "broken-numref", "broken-doc-link", "cell-error", "inf-in-text", "nan-glued"],
)
def test_strict_build_fails(tmp_path, page, code, needle):
    out = build(tmp_path, page, code)
    assert out.returncode != 0
    log = out.stdout + out.stderr
    for report in (tmp_path / "_build" / "html" / "reports").rglob("*.err.log"):
        log += report.read_text()
    assert needle in log
