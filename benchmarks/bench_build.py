"""Time the book build: clean, no-change, after a helper change; and the test suite.

    .venv/bin/python benchmarks/bench_build.py [--skip-tests]

Prints wall-clock seconds. The "helper change" touches a comment in analysis/__init__.py and
restores it afterwards, so the tree is left as it was. Run it on an idle machine: the numbers
are for this 2-core machine kind.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, cmd: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit(f"{label}: command failed: {' '.join(cmd)}")
    executed = proc.stdout.count("Executing notebook")
    print(f"{label:<42} {dt:7.1f} s   ({executed} notebook(s) executed)", flush=True)
    return dt


def main() -> None:
    make = ["make", "--no-print-directory", "book"]
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    timed("clean build (make book)", make)
    timed("no-change rebuild", make)
    init = ROOT / "analysis" / "__init__.py"
    original = init.read_text()
    try:
        init.write_text(original + "# benchmark touch\n")
        timed("rebuild after a helper change", make)
    finally:
        init.write_text(original)
    timed("rebuild after restoring the helper", make)
    if "--skip-tests" not in sys.argv:
        timed("make test (includes its own build)", ["make", "--no-print-directory", "test"])


if __name__ == "__main__":
    main()
