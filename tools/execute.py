"""Execute the chapters once, in parallel, into the book's execution cache; compare with stored.

    python -m tools.execute                       # execute stale chapters into _build/.jupyter_cache
    python -m tools.execute --cache DIR           # ... into another cache (e.g. a second BLAS kernel)
    python -m tools.execute --compare [--cache DIR]   # also compare every chapter with its stored outputs

Chapters execute in parallel (one kernel per core, jupyter-cache's execution function) into the
same cache Jupyter Book reads, so the strict build after ``make test`` executes nothing. A chapter
whose code is already cached is not executed again. Each execution records what the chapter read
(the ``analysis`` modules it imported, directly or not, and the ``data/`` files it opened);
``tools/stamp.py`` re-executes a chapter only when one of those files changed.

Comparison (``compare``) is what makes the stored outputs a test that holds on any machine: every
text output and glued value of the executed notebook must match the stored one with numbers
compared at a tolerance, never at their last digit (see :func:`same_text`), and no glued value may
be non-finite.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import re
import sys
from pathlib import Path

import nbformat
import yaml

from analysis.fmt import GLUE_PREFIX  # where a glued value's formats live in an output

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
TIMEOUT = 600
#: Numbers agree when within this relative tolerance, or one unit of their last printed digit.
REL_TOL = 1e-4
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
#: Output mime types that are compared as text (images and raw HTML ids are not).
TEXT_MIMES = ("text/plain", "text/markdown", "text/latex")
#: Object addresses (``<... at 0x7f...>``) differ on every run.
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]+\b")
_NONFINITE = re.compile(r"(?<![\w])[-+]?(?:nan|inf)(?![\w])", re.IGNORECASE)


def chapters(root: Path = ROOT) -> list[Path]:
    """The notebooks in the table of contents, in book order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc)
    return [root / f"{f}.ipynb" for f in files if (root / f"{f}.ipynb").exists()]


#: First probe cell: record every file the kernel opens (Python's audit hook), to learn which
#: data files a chapter reads. Last probe cell: print those and the analysis modules imported.
PROBE_FIRST = ("import sys as _report_sys\n_report_opened = set()\n"
               "_report_sys.addaudithook(lambda e, a: _report_opened.add(str(a[0])) "
               "if e == 'open' and isinstance(a[0], (str, bytes)) else None)")
PROBE_LAST = ("import json as _report_json\n"
              "print('__REPORT_DEPS__' + _report_json.dumps({"
              "'modules': sorted(m.__file__ for n, m in _report_sys.modules.items() "
              "if (n == 'analysis' or n.startswith('analysis.')) and getattr(m, '__file__', None)), "
              "'opened': sorted(_report_opened)}))")
#: The second BLAS kernel ``make test`` runs every chapter under (tests/test_chapters.py), one
#: thread: another machine's arithmetic, so that the stored outputs are shown to hold off this one.
SECOND_KERNEL = {"OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def deps_path(cache_path: Path = CACHE) -> Path:
    """Where the dependencies recorded at each chapter's execution are kept."""
    return Path(str(cache_path) + ".deps.json")


def _execute_one(path: str, timeout: int):
    """Execute one notebook with the probes (in a worker process); return what the parent caches."""
    import time

    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE_FIRST))
    nb.cells.append(nbformat.v4.new_code_cell(PROBE_LAST))
    start = time.perf_counter()
    result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=timeout, allow_errors=False)
    if result.err is not None:
        return path, None, None, result.exc_string or repr(result.err), 0.0
    last = nb.cells.pop()
    nb.cells.pop(0)
    deps = None
    for out in last.get("outputs", []):
        text = out.get("text", "")
        if "__REPORT_DEPS__" in text:
            deps = json.loads(text.split("__REPORT_DEPS__", 1)[1])
    return path, nbformat.writes(nb), deps, None, time.perf_counter() - start


def _record(found: dict, root: Path = ROOT) -> dict[str, str]:
    """The files a chapter read (analysis modules, data files), relative to root, with their hashes."""
    files = set()
    for f in found.get("modules", []) + found.get("opened", []):
        p = Path(f).resolve()
        if p.is_file() and p.is_relative_to(root) and p.relative_to(root).parts[0] in ("analysis", "data"):
            files.add(p.relative_to(root).as_posix())
    return {f: hashlib.sha256((root / f).read_bytes()).hexdigest() for f in sorted(files)}


@contextlib.contextmanager
def _locked(cache_path: Path):
    """Hold an exclusive lock on a cache while reading or writing it: test processes running in
    parallel (pytest-xdist) may execute chapters into the same cache."""
    import fcntl

    cache_path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(cache_path) + ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def run(paths: list[Path], cache_path: Path = CACHE, timeout: int = TIMEOUT,
        root: Path = ROOT) -> dict[Path, str | None]:
    """Execute the chapters not yet cached, in parallel; return each one's traceback (None: it ran).

    Each execution also records the ``analysis`` modules the chapter imported (directly or
    through another module) and the ``data/`` files it opened, with their hashes, in
    :func:`deps_path`; ``tools/stamp.py`` re-executes a chapter only when one of those changed.
    """
    from concurrent.futures import ProcessPoolExecutor

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    cache_path = Path(cache_path)
    if cache_path.resolve() == CACHE.resolve() and os.environ.get("REPORT_FIGURE_DRAFT"):
        raise ValueError("REPORT_FIGURE_DRAFT is set: the book's cache needs its figures whole (SVG, "
                         "copies for phones); unset it, or give a throwaway cache")
    paths = [Path(p).resolve() for p in paths]
    results: dict[Path, str | None] = {}
    todo = []
    with _locked(cache_path):
        cache = get_cache(str(cache_path))
        for path in paths:
            try:
                cache.match_cache_notebook(nbformat.read(path, as_version=4))
                results[path] = None
            except KeyError:
                todo.append(path)
    if todo:
        with ProcessPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1)) as pool:
            done = list(pool.map(_execute_one, map(str, todo), [timeout] * len(todo)))
        with _locked(cache_path):
            dfile = deps_path(cache_path)
            recorded = json.loads(dfile.read_text()) if dfile.exists() else {}
            for path, text, found, tb, seconds in done:
                path = Path(path)
                results[path] = tb
                if tb is None:
                    cache.cache_notebook_bundle(
                        CacheBundleIn(nbformat.reads(text, as_version=4), str(path),
                                      data={"execution_seconds": round(seconds, 2)}),
                        check_validity=False, overwrite=True)
                    key = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
                    recorded[key] = _record(found or {}, root)
            dfile.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
        print(f"execute: executed {len(todo)} chapter(s): {', '.join(p.stem for p in todo)}", flush=True)
    return {p: results[p] for p in paths}


def executed(path: Path, cache_path: Path = CACHE):
    """The executed notebook for ``path`` from the cache (KeyError if it is not cached)."""
    from jupyter_cache import get_cache

    nb = nbformat.read(path, as_version=4)
    _, merged = get_cache(str(cache_path)).merge_match_into_notebook(nb)
    return merged


def same_text(stored: str, new: str, rel_tol: float = REL_TOL) -> bool:
    """True when the texts agree outside numbers and every number agrees at a tolerance.

    Two numbers agree when they differ by at most ``rel_tol`` relative to the larger, or by one
    unit of the last digit printed in the stored text (so a value printed as ``1.4`` may be
    ``1.5`` on another machine when the true value sits on the rounding boundary).
    """
    stored, new = _ADDRESS.sub("0x?", stored), _ADDRESS.sub("0x?", new)
    if _NUMBER.sub("#", stored) != _NUMBER.sub("#", new):
        return False
    for a_txt, b_txt in zip(_NUMBER.findall(stored), _NUMBER.findall(new), strict=True):
        a, b = float(a_txt), float(b_txt)
        if a == b:
            continue
        mantissa = re.split(r"[eE]", a_txt)[0]
        exponent = int(re.split(r"[eE]", a_txt)[1]) if re.search(r"[eE]", a_txt) else 0
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        unit = 10.0 ** (exponent - decimals)
        if not (math.isfinite(a) and math.isfinite(b)):
            return False
        if abs(a - b) > max(rel_tol * max(abs(a), abs(b)), unit * (1 + 1e-9)):
            return False
    return True


def _texts(cell) -> list[tuple[str, str]]:
    """(label, text) for each comparable output of a code cell."""
    found = []
    for k, out in enumerate(cell.get("outputs", [])):
        if out.get("output_type") == "stream":
            if out.get("name") == "stdout":
                found.append((f"output {k} (printed)", out.get("text", "")))
            continue
        data = out.get("data", {})
        name = out.get("metadata", {}).get("scrapbook", {}).get("name")
        for mime, value in data.items():
            base = mime[len(GLUE_PREFIX):] if mime.startswith(GLUE_PREFIX) else mime
            if base in TEXT_MIMES:
                text = "".join(value) if isinstance(value, list) else str(value)
                label = f"glue {name!r}" if name else f"output {k} ({mime})"
                found.append((label, text))
    return found


def nonfinite_glue(nb) -> list[str]:
    """Names of glued values whose text is nan or inf (they would print on a page)."""
    bad = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            text = out.get("data", {}).get(GLUE_PREFIX + "text/plain")
            if name and text is not None and _NONFINITE.search("".join(text) if isinstance(text, list) else text):
                bad.append(f"cell {i}: glue {name!r} = {text!r}")
    return bad


def compare(stored_nb, new_nb, rel_tol: float = REL_TOL) -> list[str]:
    """Describe every difference between stored and executed outputs (empty when they agree)."""
    problems = []
    stored_cells = [c for c in stored_nb.cells if c.cell_type == "code"]
    new_cells = [c for c in new_nb.cells if c.cell_type == "code"]
    if len(stored_cells) != len(new_cells):
        return [f"{len(stored_cells)} stored code cells but {len(new_cells)} executed"]
    for i, (old, new) in enumerate(zip(stored_cells, new_cells, strict=True)):
        if old.get("execution_count") is None and not old.get("outputs"):
            continue  # never executed in the stored notebook: nothing to compare
        a, b = _texts(old), _texts(new)
        if [label for label, _ in a] != [label for label, _ in b]:
            problems.append(f"code cell {i}: outputs differ in kind: stored {[x for x, _ in a]}, "
                            f"now {[x for x, _ in b]}")
            continue
        for (label, s), (_, n) in zip(a, b, strict=True):
            if not same_text(s, n, rel_tol):
                problems.append(f"code cell {i}, {label}: stored {s[:300]!r}, now {n[:300]!r}")
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter in _toc.yml")
    ap.add_argument("--cache", type=Path, default=CACHE)
    ap.add_argument("--compare", action="store_true", help="compare with the stored outputs")
    ap.add_argument("--quiet", action="store_true", help="print failures only")
    args = ap.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or chapters()
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"execute: no such notebook: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    status = 0
    for path, tb in run(paths, args.cache).items():
        rel = path.relative_to(ROOT)
        if tb:
            status = 1
            print(f"execute: {rel} FAILED\n{tb}", file=sys.stderr)
            continue
        if args.compare:
            new = executed(path, args.cache)
            problems = compare(nbformat.read(path, as_version=4), new) + nonfinite_glue(new)
            if problems:
                status = 1
                print(f"execute: {rel} differs from its stored outputs:", file=sys.stderr)
                for p in problems:
                    print(f"  {p}", file=sys.stderr)
                continue
        if not args.quiet:
            print(f"execute: {rel} ok")
    return status


if __name__ == "__main__":
    sys.exit(main())
