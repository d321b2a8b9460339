"""Every chapter executes, and its outputs match the stored ones at a meaningful tolerance.

The chapters are executed once, in parallel, into the book's execution cache (``tools.execute``),
so the strict build that follows ``make test`` executes nothing. Set ``CHAPTER_CACHE`` to execute
into another cache instead (``make test-blas`` does, under a second BLAS kernel and one thread).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from tools import execute

CACHE = Path(os.environ.get("CHAPTER_CACHE", execute.CACHE))
CHAPTERS = execute.chapters()


@pytest.fixture(scope="session")
def runs():
    return execute.run(CHAPTERS, CACHE)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_runs_and_matches_stored_outputs(runs, path):
    tb = runs[path.resolve()]
    assert tb is None, f"{path.name} failed to execute:\n{tb}"
    new = execute.executed(path, CACHE)
    problems = execute.compare(nbformat.read(path, as_version=4), new)
    assert not problems, f"{path.name} differs from its stored outputs (make outputs-one CHAPTER=" \
        f"{path.stem} refreshes them if the change is intended):\n" + "\n".join(problems[:20])
    bad = execute.nonfinite_glue(new)
    assert not bad, f"{path.name} glues non-finite values:\n" + "\n".join(bad)


@pytest.mark.parametrize(("stored", "new"), [
    ("71.998179", "71.998180"),            # the last digit moved (seen on another CPU)
    ("x = 1.4", "x = 1.5"),                # a rounding boundary: one unit of the printed digit
    ("3.2e+27 FLOP", "3.2000001e+27 FLOP"),
    ("0.30000000000000004", "0.3"),
    ("<Styler at 0x7f67>", "<Styler at 0x7fe9>"),
])
def test_numbers_compare_at_a_tolerance(stored, new):
    assert execute.same_text(stored, new)


@pytest.mark.parametrize(("stored", "new"), [
    ("x = 1.4", "x = 1.6"),                # two units of the printed digit
    ("71.998179", "72.01"),                # beyond the relative tolerance
    ("holds", "does not hold"),
    ("3 of 5", "3 of 5 and 6"),
    ("2.5", "nan"),
])
def test_real_differences_are_caught(stored, new):
    assert not execute.same_text(stored, new)


def test_nonfinite_glue_is_found():
    cell = nbformat.v4.new_code_cell("glue('x', float('nan'))")
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"application/papermill.record/text/plain": "nan"},
        metadata={"scrapbook": {"name": "x", "mime_prefix": "application/papermill.record/"}})]
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert execute.nonfinite_glue(nb) == ["cell 0: glue 'x' = 'nan'"]
