"""Every chapter executes, and its outputs match the stored ones at a meaningful tolerance.

Twice: under this machine's BLAS kernel and thread count, from the book's execution cache (which
``make test`` fills first, with the build, unless ``make book`` already did); and under a second
BLAS kernel (``OPENBLAS_CORETYPE=Prescott``) with one thread, in the kernel each test process
shares with the extremes (``tests/conftest.py``). The stored outputs must hold under both: that is
what lets ``make test`` pass on a machine other than the one that recorded them. Under
pytest-xdist (``make test``) each kernel's chapters are separate tests, beside the other tests.
"""

from __future__ import annotations

import functools

import nbformat
import pytest

from tools import execute

CHAPTERS = execute.chapters()
SECOND_KERNEL = execute.SECOND_KERNEL
KERNELS = ("this-machine", "prescott-1-thread")


@functools.cache
def _blas_of(env_items: tuple = ()) -> str:
    """The BLAS kernel a fresh Python reports with ``env_items`` added (threadpoolctl's name for it)."""
    import json
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if k not in SECOND_KERNEL} | dict(env_items)
    out = subprocess.run([sys.executable, "-c", "import json, numpy, threadpoolctl; print(json.dumps(["
                          "i.get('architecture') for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas']))"],
                         env=clean, capture_output=True, text=True, check=True).stdout
    return json.loads(out)[0]


def test_the_second_kernel_differs_from_this_machines():
    assert _blas_of(tuple(SECOND_KERNEL.items())) != _blas_of(), "OPENBLAS_CORETYPE=Prescott is this machine's kernel already"


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_runs_and_matches_stored_outputs(kernel, path, request):
    """One chapter under one kernel. This machine's run is read from the book's cache (already there
    after ``make book``, which ``make test`` runs first; executed here if it is not). The second
    kernel's runs in the kernel this test process shares with the extremes (the ``runner`` fixture:
    ``SECOND_KERNEL``, its namespace cleared first), with its figures as drafts
    (``REPORT_FIGURE_DRAFT``: drawn without rendering, not fitted or saved; the text outputs compared
    here do not depend on them)."""
    if kernel == "this-machine":
        tb = execute.run([path])[path.resolve()]
        assert tb is None, f"{path.name} failed to execute under {kernel}:\n{tb}"
        new = execute.executed(path)
    else:
        runner = request.getfixturevalue("runner")
        new, problems = runner.execute(path, "second-kernel", {})
        assert not problems, f"{path.name} failed to execute under {kernel}:\n" + "\n".join(problems)
        assert runner.blas() == [(_blas_of(tuple(SECOND_KERNEL.items())), 1)], \
            f"{path.name} did not run under the second BLAS kernel, one thread: {runner.blas()}"
    problems = execute.compare(nbformat.read(path, as_version=4), new)
    assert not problems, f"{path.name} differs from its stored outputs under {kernel} (make outputs-one " \
        f"CHAPTER={path.stem} refreshes them if the change is intended):\n" + "\n".join(problems[:20])
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
