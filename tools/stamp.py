"""Re-execute exactly the chapters whose inputs changed; clear everything on toolchain changes.

Jupyter Book's cache keys only on a notebook's code, so a change in ``analysis/`` or ``data/``
would otherwise leave stale numbers in the book. ``tools/execute.py`` records, at each chapter's
execution, the ``analysis`` modules it imported (directly or through another module) and the
``data/`` files it opened, with their hashes. This script compares them with the files now:

- a chapter whose recorded files changed (or that has no record) loses its cache entry and its
  notebook is touched, so Sphinx re-reads it and the next build or test executes it again;
- a change to the toolchain (``requirements.txt``, ``pyproject.toml``, ``_config.yml``) clears
  the whole cache and Sphinx's saved state, as do missing exported figures;
- a change to the book's own Sphinx extensions (``tools/sphinx_*.py``), which shape every page
  but not a chapter's numbers, drops Sphinx's saved state only: every page is written again and
  no chapter re-executes.

    python -m tools.stamp check   # invalidate what is stale, then write the new stamp
    python -m tools.stamp hash    # print the current hashes
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
STAMP = BUILD / ".inputs-stamp"
#: The toolchain: a change here re-executes every chapter.
GLOBAL = ["requirements.txt", "pyproject.toml", "_config.yml"]
#: What chapters read: a change here re-executes the chapters that read the changed file.
INPUTS = ["analysis", "data"]
#: The book's Sphinx extensions: a change here rewrites every page (Sphinx does not notice it).
SITE = "tools"
SITE_GLOB = "sphinx_*.py"
#: Sphinx's saved state and output, dropped when an extension changes.
SPHINX_STATE = [".doctrees", "html"]
#: What goes stale with the toolchain: the execution cache, Sphinx's environment and outputs.
STALE = [BUILD / ".jupyter_cache", BUILD / ".jupyter_cache.deps.json", BUILD / ".doctrees",
         BUILD / "html", BUILD / "jupyter_execute", BUILD / "site-extra"]


def _files(root: Path, entries: list[str]) -> list[Path]:
    files = []
    for entry in entries:
        p = root / entry
        if p.is_dir():
            files += [f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
        elif p.exists():
            files.append(p)
    return sorted(files)


def input_files(root: Path = ROOT) -> list[Path]:
    """Every file a chapter may read or that the toolchain consists of."""
    return _files(root, GLOBAL + INPUTS)


def _hash(root: Path, files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(str(f.relative_to(root)).encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def inputs_hash(root: Path = ROOT) -> str:
    return _hash(root, input_files(root))


def _file_hash(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def stale_chapters(build: Path = BUILD, root: Path = ROOT) -> list[str]:
    """Cached chapters (paths relative to root) whose recorded inputs changed or are unknown."""
    from jupyter_cache import get_cache

    deps_file = build / ".jupyter_cache.deps.json"
    deps = json.loads(deps_file.read_text()) if deps_file.exists() else {}
    stale = []
    for record in get_cache(str(build / ".jupyter_cache")).list_cache_records():
        path = Path(record.uri)
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        files = deps.get(rel)
        if files is None or any(_file_hash(root / f) != h for f, h in files.items()):
            stale.append(rel)
    return sorted(set(stale))


def invalidate(chapters: list[str], build: Path = BUILD, root: Path = ROOT) -> None:
    """Drop the chapters' cache entries and touch their notebooks (Sphinx then re-reads them)."""
    from jupyter_cache import get_cache

    cache = get_cache(str(build / ".jupyter_cache"))
    for record in cache.list_cache_records():
        path = Path(record.uri)
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        if rel in chapters:
            cache.remove_cache(record.pk)
    for rel in chapters:
        if (root / rel).exists():
            os.utime(root / rel)


def check(build: Path = BUILD, root: Path = ROOT) -> bool:
    """Invalidate what is stale; return True if anything was cleared or invalidated."""
    stamp = build / ".inputs-stamp"
    previous = json.loads(stamp.read_text()) if stamp.exists() and stamp.read_text().startswith("{") else {}
    current = {"toolchain": _hash(root, _files(root, GLOBAL)), "inputs": _hash(root, _files(root, INPUTS)),
               "site": _hash(root, sorted((root / SITE).glob(SITE_GLOB)))}
    cache = build / ".jupyter_cache"
    figures_lost = cache.exists() and not (build / "site-extra" / "figures").exists()
    cleared = False
    toolchain_changed = previous.get("toolchain") != current["toolchain"] or figures_lost
    if toolchain_changed:
        reason = ("no stamp yet" if not previous else
                  "exported figures missing" if figures_lost else
                  "requirements, pyproject or _config.yml changed")
        for p in [build / n.name for n in STALE]:
            if p.exists():
                shutil.rmtree(p) if p.is_dir() else p.unlink()
                cleared = True
        if cleared:
            print(f"stamp: {reason}: cleared the execution cache; every chapter will re-execute")
    elif previous.get("inputs") != current["inputs"] and cache.exists():
        stale = stale_chapters(build, root)
        if stale:
            invalidate(stale, build, root)
            cleared = True
            print(f"stamp: analysis/ or data/ changed; re-executing only {', '.join(stale)}")
        else:
            print("stamp: analysis/ or data/ changed, but no chapter reads the changed files")
    if previous and not toolchain_changed and previous.get("site") != current["site"]:
        for name in SPHINX_STATE:
            shutil.rmtree(build / name, ignore_errors=True)
        cleared = True
        print("stamp: the book's Sphinx extensions changed: every page is written again "
              "(no chapter re-executes)")
    build.mkdir(parents=True, exist_ok=True)
    (build / "site-extra" / "figures").mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps(current) + "\n")
    return cleared


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("check", "hash"):
        sys.exit("usage: python -m tools.stamp check|hash")
    if sys.argv[1] == "hash":
        print(inputs_hash())
    else:
        check()
