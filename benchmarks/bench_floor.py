"""The floor under the author loop: what a clean ``make book`` must spend whatever the tools do.

    .venv/bin/python benchmarks/bench_floor.py      # after a make book (reads its execution cache)

Rows (wall-clock seconds, median of a few runs; CPU seconds where they say so):

- a kernel's start (until it answers) and its shutdown, paid once per chapter executed;
- a chapter's common set-up in a fresh kernel: the imports every chapter makes (numpy, pandas,
  matplotlib, myst_nb, analysis) and the claims ledger most chapters read;
- each chapter's own execution time, from the book's execution cache (recorded by tools.execute);
- the strict Sphinx build alone with every chapter cached (nothing executed): reading the cached
  notebooks and writing the HTML;
- the resulting floor of a clean build on this machine's cores: Sphinx plus the executions spread
  over the cores (no less than the longest chapter).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETUP = ("import numpy as np, pandas as pd, matplotlib.pyplot as plt\n"
         "from myst_nb import glue\n"
         "from analysis import assumptions, datasets, fmt, ledger\n"
         "from analysis.figures import PALETTE, export, use_style\n"
         "A = assumptions.load()\nrows = ledger.ledger(A)")


def kernel_costs(repeat: int = 5) -> tuple[float, float, float]:
    """Median seconds: start until ready, the common set-up, shutdown."""
    from jupyter_client.manager import start_new_kernel

    starts, setups, stops = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "book"))
        t1 = time.perf_counter()
        kc.execute_interactive(SETUP, timeout=120)
        t2 = time.perf_counter()
        kc.stop_channels()
        km.shutdown_kernel()
        t3 = time.perf_counter()
        starts.append(t1 - t0)
        setups.append(t2 - t1)
        stops.append(t3 - t2)
    return statistics.median(starts), statistics.median(setups), statistics.median(stops)


def chapter_seconds() -> dict[str, float]:
    """Each cached chapter's execution time (tools.execute records it)."""
    from jupyter_cache import get_cache

    from tools import execute

    cache = get_cache(str(execute.CACHE))
    return {Path(r.uri).stem: float(r.data.get("execution_seconds") or 0)
            for r in cache.list_cache_records() if r.data}


def sphinx_only() -> float:
    """The strict build with every chapter cached: Sphinx reads and writes, executes nothing."""
    from tools import execute

    execute.run(execute.chapters())  # any chapter not cached yet executes now, not in the timing
    for sub in ("html", ".doctrees", "jupyter_execute"):
        shutil.rmtree(ROOT / "_build" / sub, ignore_errors=True)
    t0 = time.perf_counter()
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "jupyter-book"), "build", ".", "-W", "-n",
                           "--keep-going"], cwd=ROOT, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0 or "Executing notebook" in proc.stdout:
        raise SystemExit("bench_floor: run `make book` first (the build executed or failed):\n"
                         + proc.stdout[-2000:])
    return dt


def main() -> None:
    cores = os.cpu_count() or 1
    secs = chapter_seconds()
    if not secs:
        raise SystemExit("bench_floor: no executed chapters in the cache; run `make book` first")
    start, setup, stop = kernel_costs()
    sphinx = sphinx_only()
    total = sum(secs.values())
    spread = max(total / cores, max(secs.values()))
    per_kernel = start + setup + stop
    print(f"Measured {time.strftime('%Y-%m-%d')} on {cores} cores (median of 5 kernels):")
    print("| what | seconds |")
    print("|---|---|")
    print(f"| kernel start until ready | {start:.2f} |")
    print(f"| common set-up (imports, assumptions, claims ledger) | {setup:.2f} |")
    print(f"| kernel shutdown | {stop:.2f} |")
    print(f"| per chapter, before its own work | {per_kernel:.2f} |")
    print(f"| {len(secs)} chapters' execution, summed (cache records) | {total:.1f} |")
    for name, s in sorted(secs.items(), key=lambda kv: -kv[1]):
        print(f"|   {name} | {s:.1f} |")
    print(f"| of which per-chapter overhead, summed | {per_kernel * len(secs):.1f} |")
    print(f"| strict Sphinx build alone, everything cached | {sphinx:.1f} |")
    print(f"| floor of a clean make book: Sphinx + executions over {cores} cores | {sphinx + spread:.1f} |")


if __name__ == "__main__":
    main()
