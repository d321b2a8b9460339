"""pytest plugin: hand nbval's notebook executions to the book's execution cache.

``make test`` runs nbval over every chapter, then builds the book. Rather than executing each
notebook twice, this plugin collects the outputs nbval produced for every code cell of a
notebook whose cells all passed, and stores that executed notebook in Jupyter Book's execution
cache (``_build/.jupyter_cache``, keyed on the notebook's code). The build that follows finds
every chapter cached and executes nothing. A notebook with any failing cell is not cached, so
the build executes it again and shows the error. Inputs outside the notebook (``analysis/``,
``data/``) are covered by ``tools/stamp.py``, which ``make test`` runs before nbval.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"

_runs: dict[Path, list] = defaultdict(list)
_failed: set[Path] = set()
_seconds: dict[Path, float] = defaultdict(float)


def _is_nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if not _is_nbval_cell(item):
        return
    report = outcome.get_result()
    path = Path(str(item.parent.path)).resolve()
    _seconds[path] += report.duration
    if report.when == "call":
        if report.failed:
            _failed.add(path)
        else:
            _runs[path].append((item.cell, copy.deepcopy(getattr(item, "test_outputs", None) or [])))
    elif report.failed:
        _failed.add(path)


def pytest_sessionfinish(session, exitstatus):
    if not _runs or session.config.getoption("collectonly", False):
        return
    try:
        from jupyter_cache import get_cache
        from jupyter_cache.base import CacheBundleIn
    except ImportError:  # pragma: no cover - the book toolchain is not installed
        return
    cached = []
    for path, runs in _runs.items():
        nb = nbformat.read(path, as_version=4)
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        if path in _failed or len(runs) != len(code_cells) or ROOT not in path.parents:
            continue
        for cell, (ran_cell, outputs) in zip(code_cells, runs, strict=True):
            if cell.source != ran_cell.source:
                break
            cell.outputs = [nbformat.from_dict(o) for o in outputs]
            cell.execution_count = None
        else:
            cache = get_cache(CACHE)
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, uri=str(path), data={"execution_seconds": round(_seconds[path], 2)}),
                check_validity=False, overwrite=True)
            cached.append(path.name)
    if cached:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"nbval: executions handed to the book cache: {', '.join(sorted(cached))}")
