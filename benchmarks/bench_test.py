"""Time the README's two commands as a new reader runs them: a fresh clone, then ``make book``,
then ``make test``; with the CPU-seconds each used, so the time can be read against the cores.

    .venv/bin/python benchmarks/bench_test.py [--write-readme]

The clone is made from this repository's HEAD (commit first) into a temporary folder, which is
removed afterwards. ``make book`` includes the install (venv, MathJax); ``make test`` comes after
it, as in the README. Run it on an idle machine: it takes about 10 minutes on 2 cores.
``--write-readme`` replaces the text between the ``test-measured`` markers in README.md.
"""

from __future__ import annotations

import datetime
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine_cpu_seconds() -> float:
    """CPU-seconds the whole machine has spent busy (Linux ``/proc/stat``; nan elsewhere). Unlike
    the children's rusage it also counts processes no child waits for (browser helpers)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, float, int, str]:
    """(wall seconds, CPU-seconds of the command and its children, CPU-seconds of the whole
    machine meanwhile, exit status, last output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = machine_cpu_seconds()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    machine = machine_cpu_seconds() - machine
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, machine, proc.returncode, (proc.stdout + proc.stderr)[-3000:]


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-test-"))
    clone = tmp / "clone"
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        ref = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "reference.py")], capture_output=True,
                             text=True, check=True).stdout.strip()
        print(f"host speed: benchmarks/reference.py {ref} s", flush=True)
        env_note = f"{os.cpu_count()} cores; `benchmarks/reference.py` took {ref} s"
        rows = []
        for name, cmd in (("make book (fresh clone, with the install)", ["make", "--no-print-directory", "book"]),
                          ("make test (after make book)", ["make", "--no-print-directory", "test"])):
            wall, cpu, machine, status, tail = timed(cmd, clone)
            print(f"{name}: {wall:.0f} s, {cpu:.0f} CPU-s ({machine:.0f} for the whole machine), exit {status}",
                  flush=True)
            if status != 0:
                print(tail)
                return 1
            rows.append((name, wall, cpu, machine))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if "--write-readme" in sys.argv:
        text = (f"Measured on {datetime.date.today()} ({env_note}) by `benchmarks/bench_test.py`, "
                "from a fresh clone\n(CPU-seconds of the command's processes, and of the whole machine meanwhile, which also\n"
                "counts browser helpers the rusage of children misses):\n\n"
                "| command | wall | CPU-seconds | whole machine |\n|---|---|---|---|\n"
                + "".join(f"| `{n.split(' (')[0]}` ({n.split(' (', 1)[1]} | {w:.0f} s | {c:.0f} | {m:.0f} |\n"
                          for n, w, c, m in rows))
        readme = ROOT / "README.md"
        new, n = re.subn(r"(<!-- test-measured:start -->\n).*?(<!-- test-measured:end -->)",
                         lambda m: m.group(1) + text + m.group(2), readme.read_text(), flags=re.S)
        if n != 1:
            print("README.md has no test-measured markers", file=sys.stderr)
            return 1
        readme.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
