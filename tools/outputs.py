"""Execute chapter notebooks in place and store them without image blobs or timings.

    python -m tools.outputs [book/data_wall.ipynb ...]   # execute (default: every chapter) and store
    python -m tools.outputs --strip-only book/*.ipynb     # only strip
    python -m tools.outputs --check book/*.ipynb          # exit 1 if any blob/timing is stored

Stored outputs are what ``tests/test_chapters.py`` compares against (at a tolerance), so a git
diff of a notebook shows exactly which printed numbers changed. Images are dropped: they
are regenerated at build time and would make every diff unreadable.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BLOB_MIME = ("image/", "application/pdf", "application/papermill.record/image/")
#: Pages whose outputs are not stored: the status page describes the machine (package versions).
#: (The data-wall chapter's what-if view, about 2 MB of HTML, is stored without it: see MAX_TEXT_BYTES.)
UNSTORED = {"status"}
VOLATILE_CELL_META = ("execution", "ExecuteTime", "collapsed", "scrolled")


#: A text output larger than this (an embedded JavaScript bundle, say) is a blob too: it is
#: regenerated at build time, and the stored text/plain beside it is what the tests compare.
MAX_TEXT_BYTES = 100_000


_STYLER_ID = re.compile(r"T_[0-9a-f]{5}(?![0-9a-f])")
#: An object's repr carries its memory address (``<... Styler at 0x7f63...>``), new on every run.
_ADDRESS = re.compile(r"(?<= at )0x[0-9a-f]+(?=>)")


def _is_blob(mime: str, value=None) -> bool:
    if mime.startswith(BLOB_MIME):
        return True
    size = len("".join(value)) if isinstance(value, list) else len(value) if isinstance(value, str) else 0
    return size > MAX_TEXT_BYTES


def strip(nb) -> int:
    """Remove image blobs and timing metadata in place; return how many items were removed."""
    removed = 0
    for key in ("widgets",):
        removed += nb.metadata.pop(key, None) is not None
    for cell in nb.cells:
        for key in VOLATILE_CELL_META:
            removed += cell.metadata.pop(key, None) is not None
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data is not None:
                if "text/html" in data:  # pandas Styler ids are random per run: fix them
                    html = data["text/html"]
                    html = "".join(html) if isinstance(html, list) else html
                    data["text/html"] = _STYLER_ID.sub("T_table", html)
                if "text/plain" in data:  # an object's address is new on every run: drop it
                    text = data["text/plain"]
                    text = "".join(text) if isinstance(text, list) else text
                    data["text/plain"] = _ADDRESS.sub("0x0", text)
                for mime in [m for m, v in data.items() if _is_blob(m, v)]:
                    del data[mime]
                    removed += 1
                if not data:
                    continue  # an output that was only an image
            kept.append(out)
        cell.outputs = kept
    return removed


def blobs(nb) -> list[str]:
    """Describe every stored blob or timing (empty when the notebook is clean)."""
    found = []
    for i, cell in enumerate(nb.cells):
        for key in VOLATILE_CELL_META:
            if key in cell.metadata:
                found.append(f"cell {i}: metadata '{key}'")
        for out in cell.get("outputs", []):
            for mime, value in out.get("data", {}).items():
                if _is_blob(mime, value):
                    found.append(f"cell {i}: output {mime}")
    return found


def execute(paths: list[Path]) -> int:
    """Execute the chapters (in parallel, into the book's execution cache) and store their outputs."""
    from tools import execute as ex

    status = 0
    for path, tb in ex.run(paths).items():
        if tb:
            status = 1
            print(f"outputs: {path.name} FAILED; its stored outputs are unchanged\n{tb}", file=sys.stderr)
            continue
        nb = ex.executed(path)
        strip(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream"
                                                                and o.get("name") == "stderr")]
        nbformat.write(nb, path)
        print(f"outputs: stored {path.relative_to(ROOT)} (no images, no timings)")
    return status


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in _toc.yml")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--strip-only", action="store_true")
    g.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    if not args.notebooks:
        from tools.execute import chapters
        args.notebooks = [p for p in chapters() if p.stem not in UNSTORED]
    if not (args.check or args.strip_only):
        return execute([p.resolve() for p in args.notebooks])
    status = 0
    for path in args.notebooks:
        if args.check:
            found = blobs(nbformat.read(path, as_version=4))
            if found:
                status = 1
                print(f"{path}: stored blobs or timings: {', '.join(found[:5])}", file=sys.stderr)
            continue
        if args.strip_only:
            nb = nbformat.read(path, as_version=4)
            n = strip(nb)
            nbformat.write(nb, path)
            print(f"outputs: stripped {n} item(s) from {path}")
    return status


if __name__ == "__main__":
    sys.exit(main())
