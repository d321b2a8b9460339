"""The build is strict: a bad citation, a broken reference or a failing cell fails it.

Each test builds a small book in a temporary folder with the report's own ``_config.yml`` and the
flags the Makefile uses (``-W -n --keep-going``): a clean page must build; a book with one fault
per page must fail, each fault reported on its own page (one build for all of them: each build
costs seconds).
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


def build(tmp_path: Path, pages: dict[str, str], notebooks: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Build a book of ``pages`` (name -> Markdown) and ``notebooks`` (name -> code, optionally
    followed by ``#md:`` and Markdown) in ``tmp_path``, with a bibliography page."""
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["sphinx"]["local_extensions"] = {
        name: str((ROOT / path).resolve()) for name, path in config["sphinx"]["local_extensions"].items()}
    (tmp_path / "_build" / "site-extra").mkdir(parents=True)
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    chapters = []
    for name, page in pages.items():
        (tmp_path / f"{name}.md").write_text(page)
        chapters.append({"file": name})
    for name, source in (notebooks or {}).items():
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
        code, _, prose = source.partition("\n#md:")  # optional Markdown after the code
        nb.cells = [nbformat.v4.new_markdown_cell(f"# Notebook {name}"), nbformat.v4.new_code_cell(code)]
        if prose:
            nb.cells.append(nbformat.v4.new_markdown_cell(prose))
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
        chapters.append({"file": name})
    (tmp_path / "bib.md").write_text("# Bibliography\n\n```{bibliography}\n```\n")
    chapters.append({"file": "bib"})
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": "index", "chapters": chapters}))
    (tmp_path / "index.md").write_text("# Index\n\nA test book.\n")
    return subprocess.run([str(JB), "build", str(tmp_path), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)


pytestmark = pytest.mark.skipif(not JB.exists(), reason="the book toolchain is not installed (.venv)")


def test_a_clean_page_builds(tmp_path):
    out = build(tmp_path, {"page": "# Page\n\nSee {cite:p}`hoffmann2022training`.\n"})
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert (tmp_path / "_build" / "html" / "index.html").exists()


#: Each fault on a page of its own (name -> Markdown, or code for a notebook) and the text the
#: build's log must show for it, on a line that names that page. One build holds them all.
FAULTS = {
    "unknown_citation": ("# Page\n\nSee {cite:p}`nobody2099`.\n", "nobody2099"),
    "broken_numref": ("# Page\n\nSee {numref}`fig-does-not-exist`.\n", "fig-does-not-exist"),
    "broken_doc_link": ("# Page\n\nSee {doc}`missing_page`.\n", "missing_page"),
    "inf_in_text": ("# Page\n\nThe run saturates near inf tokens per second.\n", "non-finite"),
}
NOTEBOOK_FAULTS = {
    "cell_error": ("raise RuntimeError('boom in a cell')", "boom in a cell"),
    "nan_glued": ("from myst_nb import glue\nglue('x', float('nan'), display=False)\n#md:The loss is {glue:text}`x`.",
                  "non-finite"),
}


def test_strict_build_fails_on_each_fault(tmp_path):
    out = build(tmp_path, {k: v[0] for k, v in FAULTS.items()}, {k: v[0] for k, v in NOTEBOOK_FAULTS.items()})
    assert out.returncode != 0
    lines = (out.stdout + out.stderr).splitlines()
    for report in (tmp_path / "_build" / "html" / "reports").rglob("*.err.log"):
        lines += [f"{report.name}: {line}" for line in report.read_text().splitlines()]
    def reported(name, text):
        return any(name in line and text in line for line in lines)

    # each fault is a warning on its page (which -W makes an error) and its log says what went wrong
    missed = [name for name, (_, needle) in (FAULTS | NOTEBOOK_FAULTS).items()
              if not (reported(name, "WARNING") and reported(name, needle))]
    assert not missed, f"faults the strict build did not report on their page: {missed}\n" + "\n".join(lines[-60:])
