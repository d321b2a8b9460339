"""A change re-executes exactly the chapters that read it, and no page keeps a stale number.

Two tiny chapters run against a copy of ``analysis/`` and ``data/`` in a temporary folder (the
copy is what their kernels import, through ``PYTHONPATH``): one imports ``analysis.fmt``, the
other reads a data file through ``analysis.datasets``. Editing one helper or one data file must
invalidate only the chapter that read it, and re-executing must show the new value.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from tools import execute, stamp

ROOT = Path(__file__).resolve().parent.parent


def chapter(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell("# A chapter"), nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)
    return path


def printed(path: Path, cache: Path) -> str:
    return "".join(o.get("text", "") for c in execute.executed(path, cache).cells if c.cell_type == "code"
                   for o in c.outputs)


@pytest.fixture()
def book(tmp_path, monkeypatch):
    for folder in ("analysis", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("requirements.txt", "pyproject.toml", "_config.yml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "book").mkdir()
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # the kernels import the copy
    a = chapter(tmp_path / "book" / "a.ipynb", "from analysis import fmt\nprint('max', fmt.PLAIN_MAX)")
    b = chapter(tmp_path / "book" / "b.ipynb",
                "from analysis import datasets\nprint('rows', len(datasets.load('gpus')))")
    return tmp_path, a, b


def test_only_the_chapters_that_read_a_change_re_execute(book):
    root, a, b = book
    build = root / "_build"
    cache = build / ".jupyter_cache"
    stamp.check(build, root)
    assert execute.run([a, b], cache, root=root) == {a: None, b: None}
    assert "max 1000000.0" in printed(a, cache) and "rows" in printed(b, cache)
    deps = execute.json.loads(execute.deps_path(cache).read_text())
    assert "analysis/fmt.py" in deps["book/a.ipynb"] and "analysis/fmt.py" not in deps["book/b.ipynb"]
    assert "data/gpus.csv" in deps["book/b.ipynb"] and "data/gpus.csv" not in deps["book/a.ipynb"]

    assert stamp.check(build, root) is False  # nothing changed

    fmt_py = root / "analysis" / "fmt.py"  # one line of one helper
    fmt_py.write_text(fmt_py.read_text().replace("PLAIN_MIN, PLAIN_MAX = 1e-3, 1e6", "PLAIN_MIN, PLAIN_MAX = 1e-3, 2e6"))
    assert stamp.stale_chapters(build, root) == ["book/a.ipynb"]
    assert stamp.check(build, root) is True
    with pytest.raises(KeyError):
        execute.executed(a, cache)           # a is no longer cached ...
    assert "rows" in printed(b, cache)       # ... b still is
    execute.run([a, b], cache, root=root)
    assert "max 2000000.0" in printed(a, cache)  # no stale number

    yml = root / "data" / "gpus.yml"         # one data file's sidecar
    yml.write_text(yml.read_text() + "\n")
    assert stamp.stale_chapters(build, root) == ["book/b.ipynb"]


def test_an_extension_change_rewrites_every_page_and_executes_nothing(tmp_path):
    """A change to tools/sphinx_*.py drops Sphinx's saved state, not the execution cache."""
    root, build = tmp_path / "book", tmp_path / "book" / "_build"
    (root / "tools").mkdir(parents=True)
    ext = root / "tools" / "sphinx_example.py"
    ext.write_text("def setup(app):\n    return {}\n")
    for name in (".jupyter_cache", ".doctrees", "html", "site-extra/figures"):
        (build / name).mkdir(parents=True)
    stamp.check(build, root)  # the first stamp (which clears everything: nothing is known yet)
    for name in (".jupyter_cache", ".doctrees", "html"):
        (build / name).mkdir(exist_ok=True)
    assert not stamp.check(build, root)  # nothing changed: nothing dropped
    assert (build / ".doctrees").exists()
    ext.write_text("def setup(app):\n    return {'parallel_read_safe': True}\n")
    assert stamp.check(build, root)
    assert not (build / ".doctrees").exists() and not (build / "html").exists()
    assert (build / ".jupyter_cache").exists()
