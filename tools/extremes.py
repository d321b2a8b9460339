"""Run every chapter with every assumption at an end of its declared range; report what breaks.

    python -m tools.extremes                    # every chapter, every scenario (see SCENARIOS)
    python -m tools.extremes data_wall --scenario low

A scenario sets **all** assumptions at once (papermill injects them after the parameters cell):

- ``low``: every number at its ``low``, every choice at its first allowed value;
- ``high``: every number at its ``high``, every choice at its last allowed value;
- ``choice-k``: every choice at its k-th allowed value (k = 2 .. the longest list minus one),
  numbers at their file values, so every allowed choice runs at least once.

A chapter passes a scenario when it executes without error and no glued value or printed
output is ``nan`` or ``inf``. Notebooks and figures are written under ``reruns/extremes/``,
never into ``book/`` or the book's download folder.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from analysis import assumptions
from tools import execute

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "reruns" / "extremes"


def scenarios(a: assumptions.Assumptions | None = None) -> dict[str, dict]:
    """Scenario name -> the papermill parameters it injects."""
    a = assumptions.load() if a is None else a
    specs = a.specs()
    low, high = {}, {}
    longest = 0
    for name, spec in specs.items():
        if spec.allowed:
            low[name], high[name] = spec.allowed[0], spec.allowed[-1]
            longest = max(longest, len(spec.allowed))
        else:
            low[name], high[name] = spec.low, spec.high
            if isinstance(spec.value, int):
                low[name], high[name] = int(spec.low), int(spec.high)
    out = {"low": low, "high": high}
    for k in range(1, longest - 1):
        out[f"choice-{k + 1}"] = {n: s.allowed[k] for n, s in specs.items() if s.allowed and k < len(s.allowed) - 1}
    return out


def parameters(path: Path) -> list[str]:
    """The assumptions a chapter's parameters cell binds (``name = A.name`` lines); [] if none."""
    from tools.chapters import parameters_cell

    cell = parameters_cell(json.loads(path.read_text(encoding="utf-8")))
    if cell is None:
        return []
    return re.findall(r"^(\w+)\s*=\s*A\.\1\b", "".join(cell["source"]), flags=re.M)


def jobs(paths: list[Path], chosen: list[str], all_scenarios: dict[str, dict]) -> list[tuple[Path, str, dict]]:
    """(chapter, scenario, parameters) for each chapter and each scenario that sets one of the
    assumptions its parameters cell binds."""
    out = []
    for path in paths:
        names = parameters(path)
        for scenario in chosen:
            params = {n: v for n, v in all_scenarios[scenario].items() if n in names}
            if params:
                out.append((path, scenario, params))
    return out


def nonfinite_outputs(nb) -> list[str]:
    """Glued values and printed text outputs that show nan or inf."""
    bad = execute.nonfinite_glue(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for label, text in execute._texts(cell):
            if not label.startswith("glue") and execute._NONFINITE.search(text):
                bad.append(f"cell {i}, {label}: {text[:160]!r}")
    return bad


def run_one(path: Path, scenario: str, params: dict) -> list[str]:
    """Execute one chapter under one scenario; return the problems (empty when it passed)."""
    import papermill

    out_dir = OUT / f"{path.stem}--{scenario}"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{path.stem}.ipynb"
    try:
        papermill.execute_notebook(str(path), str(out), parameters=params, cwd=str(path.parent),
                                   progress_bar=False, log_output=False, kernel_name="python3")
    except Exception as exc:  # papermill wraps the cell's error; its text names the cell
        return [f"execution failed: {type(exc).__name__}: {str(exc)[-1500:]}"]
    return nonfinite_outputs(nbformat.read(out, as_version=4))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("chapters", nargs="*", help="chapter slugs (default: every chapter in _toc.yml)")
    ap.add_argument("--scenario", action="append", help="low, high or choice-k (default: all)")
    args = ap.parse_args(argv)
    known = {p.stem: p for p in execute.chapters() if p.stem != "status"}
    unknown = [c for c in args.chapters if c not in known]
    if unknown:
        print(f"extremes: unknown chapter(s) {unknown}; chapters: {', '.join(known)}", file=sys.stderr)
        return 2
    all_scenarios = scenarios()
    chosen = args.scenario or list(all_scenarios)
    bad_names = [s for s in chosen if s not in all_scenarios]
    if bad_names:
        print(f"extremes: unknown scenario(s) {bad_names}; scenarios: {', '.join(all_scenarios)}", file=sys.stderr)
        return 2
    os.environ["REPORT_FIGURE_DIR"] = str(OUT / "figures")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    todo = jobs([known[c] for c in (args.chapters or list(known))], chosen, all_scenarios)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda job: (job, run_one(*job)), todo))
    status = 0
    for (path, scenario, _), problems in results:
        if problems:
            status = 1
            print(f"extremes: {path.stem} under '{scenario}' FAILED:", file=sys.stderr)
            for p in problems:
                print(f"  {p}", file=sys.stderr)
        else:
            print(f"extremes: {path.stem} under '{scenario}' ok")
    return status


if __name__ == "__main__":
    sys.exit(main())
