"""Test order: the long runs first, so that under pytest-xdist (``make test``) the short tests
fill the cores while they finish, instead of the cores waiting on one long run at the end."""

from __future__ import annotations

#: Files whose tests execute chapters (each kernel's chapter run, then the extremes' papermill runs).
FIRST = ("tests/test_chapters.py", "tests/test_extremes.py")


def pytest_collection_modifyitems(items):
    def rank(item):
        path = item.nodeid.split("::")[0]
        return FIRST.index(path) if path in FIRST else len(FIRST)

    items.sort(key=rank)  # stable: the order within each file is kept
