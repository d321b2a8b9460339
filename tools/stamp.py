"""Invalidate executed outputs when anything a chapter reads has changed.

Jupyter Book's cache keys only on a notebook's code cells, so a change in ``analysis/``,
``data/`` (including the assumptions) or the pinned requirements would otherwise leave stale
numbers in the book. This script hashes those inputs; when the hash differs from the one
stored in ``_build/.inputs-stamp`` (or the exported figures are missing) it deletes the
execution cache and Sphinx's saved state, so the next build re-executes every chapter.

    python -m tools.stamp check   # clear what is stale, then write the new stamp
    python -m tools.stamp hash    # print the current hash
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
STAMP = BUILD / ".inputs-stamp"
INPUTS = ["analysis", "data", "requirements.txt", "pyproject.toml", "references.bib", "_config.yml"]
#: What goes stale with the inputs: the execution cache, Sphinx's environment and outputs.
STALE = [BUILD / ".jupyter_cache", BUILD / ".doctrees", BUILD / "html", BUILD / "jupyter_execute",
         BUILD / "site-extra"]
FIGURES = BUILD / "site-extra" / "figures"


def input_files(root: Path = ROOT) -> list[Path]:
    files = []
    for entry in INPUTS:
        p = root / entry
        if p.is_dir():
            files += [f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
        elif p.exists():
            files.append(p)
    return sorted(files)


def inputs_hash(root: Path = ROOT) -> str:
    h = hashlib.sha256()
    for f in input_files(root):
        h.update(str(f.relative_to(root)).encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def check(build: Path = BUILD, root: Path = ROOT) -> bool:
    """Clear stale state if the inputs changed; return True if anything was cleared."""
    stamp = build / ".inputs-stamp"
    current = inputs_hash(root)
    previous = stamp.read_text().strip() if stamp.exists() else None
    cache = build / ".jupyter_cache"
    figures_lost = cache.exists() and not (build / "site-extra" / "figures").exists()
    cleared = False
    if previous != current or figures_lost:
        reason = ("no stamp yet" if previous is None else
                  "exported figures missing" if previous == current else
                  "analysis/, data/ or requirements changed")
        for p in [build / n.name for n in STALE]:
            if p.exists():
                shutil.rmtree(p)
                cleared = True
        if cleared:
            print(f"stamp: {reason}: cleared the execution cache; every chapter will re-execute")
    build.mkdir(parents=True, exist_ok=True)
    (build / "site-extra" / "figures").mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n")
    return cleared


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("check", "hash"):
        sys.exit("usage: python -m tools.stamp check|hash")
    if sys.argv[1] == "hash":
        print(inputs_hash())
    else:
        check()
