"""Time the author loop against the previous design, in the same run.

    .venv/bin/python benchmarks/bench_build.py [--write-readme]

Rows (wall-clock seconds on this machine; run it on an idle machine):

- clean ``make book``: stale chapters execute in parallel first (``tools.execute``), then the
  strict build; against the previous design, a clean ``jupyter-book build`` executing serially;
- no-change ``make book``;
- ``make book`` after a one-line change in the helper module read by the fewest chapters
  (from the recorded dependencies): only its readers re-execute; against the previous design,
  where any change under ``analysis/`` cleared the whole cache;

``make test`` is timed from a fresh clone by ``benchmarks/bench_test.py``.

``--write-readme`` replaces the table between the ``measured`` markers in README.md. The helper
file is restored afterwards, so the tree is left as it was.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
JB = [str(ROOT / ".venv" / "bin" / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]
MAKE_BOOK = ["make", "--no-print-directory", "book"]


def timed(cmd: list[str]) -> tuple[float, int]:
    """Seconds, and how many chapters were executed (by tools.execute or by the build)."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        print(out[-4000:])
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    executed = out.count("Executing notebook")
    m = re.search(r"execute: executed (\d+) chapter", out)
    return dt, executed + (int(m.group(1)) if m else 0)


def least_read_module() -> tuple[Path, list[str]]:
    deps = json.loads((BUILD / ".jupyter_cache.deps.json").read_text())
    readers: dict[str, list[str]] = {}
    for chapter, files in deps.items():
        for f in files:
            if f.startswith("analysis/") and not f.endswith("__init__.py"):
                readers.setdefault(f, []).append(Path(chapter).stem)
    module = min(readers, key=lambda f: (len(readers[f]), f))
    return ROOT / module, readers[module]


def main() -> None:
    rows = []

    def row(what, new, old=None):
        (t, n) = new
        ratio = f"{old[0] / t:.2f}× faster" if old else ""
        prev = f"{old[0]:.1f} s ({old[1]} executed)" if old else ""
        rows.append((what, f"{t:.1f} s ({n} executed)", prev, ratio))
        print(f"{what:<58} {t:7.1f} s  ({n} executed)  {prev}  {ratio}", flush=True)

    subprocess.run(["make", "--no-print-directory", "venv"], cwd=ROOT, check=True, capture_output=True)
    # previous design: a clean build where the build executes every chapter, one at a time
    shutil.rmtree(BUILD, ignore_errors=True)
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "tools.stamp", "check"], cwd=ROOT,
                   check=True, capture_output=True)
    old_clean = timed(JB)
    shutil.rmtree(BUILD, ignore_errors=True)
    row("clean `make book` (vs. serial execution by the build)", timed(MAKE_BOOK), old_clean)
    row("no-change `make book`", timed(MAKE_BOOK))

    module, readers = least_read_module()
    original = module.read_text()
    try:
        module.write_text(original + "# benchmark: a one-line change\n")
        new = timed(MAKE_BOOK)
        module.write_text(original)
        timed(MAKE_BOOK)  # back to the original, re-executing the same readers
        module.write_text(original + "# benchmark: a one-line change\n")
        for p in (BUILD / ".jupyter_cache", BUILD / ".doctrees"):  # previous design: clear all
            shutil.rmtree(p, ignore_errors=True)
        (BUILD / ".jupyter_cache.deps.json").unlink(missing_ok=True)
        old = timed(MAKE_BOOK)
    finally:
        module.write_text(original)
    timed(MAKE_BOOK)
    row(f"`make book` after a one-line change in `{module.relative_to(ROOT)}` "
        f"(read by {', '.join(readers)}; vs. clearing the whole cache)", new, old)

    table = ["| what | now | previous design, same run | ratio |", "|---|---|---|---|"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    stamp = f"Measured on {datetime.date.today()} ({os.cpu_count()} cores) by `benchmarks/bench_build.py`:"
    text = stamp + "\n\n" + "\n".join(table)
    print("\n" + text)
    if "--write-readme" in sys.argv:
        readme = ROOT / "README.md"
        s = readme.read_text()
        s = re.sub(r"(<!-- measured:start -->\n).*?(<!-- measured:end -->)", lambda m: m.group(1) + text + "\n" + m.group(2),
                   s, flags=re.S)
        readme.write_text(s)


if __name__ == "__main__":
    main()
