"""Test order: the long runs first, longest first, so that under pytest-xdist (``make test``: ``--dist
load --maxschedchunk 2``, each core takes the next test when it is free) the short tests fill the
cores while the long ones finish, instead of the cores waiting on one long run at the end."""

from __future__ import annotations

import pytest

#: Files whose tests are long (chapter executions, JupyterLab), in the order they start.
FIRST = ("tests/test_extremes.py", "tests/browser/test_lab.py", "tests/test_chapters.py")
#: Extremes scenarios, costliest first (the high ends set the largest sample counts).
SCENARIO_ORDER = ("high", "low")


def pytest_collection_modifyitems(items):
    def rank(item):
        path = item.nodeid.split("::")[0]
        scenario = item.nodeid.rsplit("--", 1)[-1].rstrip("]") if "under_scenario[" in item.nodeid else ""
        within = SCENARIO_ORDER.index(scenario) if scenario in SCENARIO_ORDER else len(SCENARIO_ORDER)
        return (FIRST.index(path) if path in FIRST else len(FIRST), within)

    items.sort(key=rank)  # stable: otherwise the order within each file is kept


@pytest.fixture(scope="session")
def runner():
    """One IPython kernel per test process, under the second BLAS kernel with one thread
    (``tools.execute.SECOND_KERNEL``): the extremes (tests/test_extremes.py) and that kernel's run of
    every chapter (tests/test_chapters.py) share it, which saves a kernel's start and the imports
    (about 3 s) a chapter. Its namespace is cleared before each run (``tools.extremes.Runner``)."""
    from tools import execute, extremes

    r = extremes.Runner(env=execute.SECOND_KERNEL)
    yield r
    r.close()
