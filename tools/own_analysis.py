"""Fail in one line unless ``import analysis`` gives this repository's own ``analysis/``.

    .venv/bin/python -P tools/own_analysis.py      # run by every make verb (the venv target)

A venv copied from another checkout, or a stray ``analysis`` earlier on the path, would
otherwise make the build and the tests silently run the other checkout's code (and write into
its ``_build``). ``-P`` keeps the current directory off ``sys.path``, so the check sees what the
book's kernels and papermill see.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def problem() -> str | None:
    """None if ``analysis`` is this checkout's; else the one-line complaint."""
    want = ROOT / "analysis"
    try:
        import analysis
    except ImportError as exc:
        return f"{sys.executable} cannot import analysis ({exc}); run `make venv`"
    got = Path(analysis.__file__).resolve().parent
    if got != want:
        return (f"{sys.executable} imports analysis from {got}, not this repository's {want}; "
                "recreate the venv: rm -rf .venv && make venv")
    return None


if __name__ == "__main__":
    msg = problem()
    if msg:
        print(f"venv: {msg}", file=sys.stderr)
        sys.exit(1)
