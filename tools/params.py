"""Keep every chapter's papermill ``parameters`` cell in step with ``data/assumptions.toml``.

    python -m tools.params sync   # rewrite the literals from the assumptions file
    python -m tools.params check  # exit 1 and list every mismatch (used by the tests)
    python -m tools.params list   # print the chapter notebooks (those with a parameters cell)

A parameters cell holds only lines ``name = literal  # comment`` whose names are assumptions.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from analysis import assumptions

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
_LINE = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<value>[^#]*?)\s*(?P<comment>#.*)?$")


def chapter_notebooks() -> list[Path]:
    """Every chapter notebook (``book/*.ipynb`` with a parameters cell), sorted."""
    out = []
    for path in sorted(BOOK.glob("*.ipynb")):
        if parameters_cell(nbformat.read(path, as_version=4)) is not None:
            out.append(path)
    return out


def parameters_cell(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            return cell if "parameters" in cell.metadata.get("tags", []) else None
    return None


def _literal(value) -> str:
    if isinstance(value, float) and (abs(value) >= 1e5 or (value != 0 and abs(value) < 1e-3)):
        return f"{value:.6g}".replace("e+", "e")
    return repr(value)


def sync_source(source: str, table: dict, path: Path) -> tuple[str, list[str]]:
    """Return the cell source with every assumption literal replaced, and the problems found."""
    lines, problems = [], []
    for i, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            lines.append(line)
            continue
        m = _LINE.match(line)
        if not m:
            problems.append(f"{path.name}: parameters line {i} is not 'name = literal': {line!r}")
            lines.append(line)
            continue
        name = m["name"]
        if name not in table:
            problems.append(f"{path.name}: parameter {name!r} is not in {assumptions.ASSUMPTIONS_FILE.name}")
            lines.append(line)
            continue
        new = f"{name} = {_literal(table[name].value)}"
        comment = m["comment"] or f"# {table[name].unit}"
        lines.append(f"{new}  {comment}")
    return "\n".join(lines), problems


def run(mode: str, only: list[Path] | None = None) -> int:
    table = assumptions.load()
    mismatches, problems = [], []
    for path in only or chapter_notebooks():
        nb = nbformat.read(path, as_version=4)
        cell = parameters_cell(nb)
        new, probs = sync_source(cell.source, table, path)
        problems += probs
        if new != cell.source:
            mismatches.append(path)
            if mode == "sync":
                cell.source = new
                nbformat.write(nb, path)
    for p in problems:
        print(p, file=sys.stderr)
    if mode == "sync":
        for p in mismatches:
            print(f"params: synced {p.relative_to(ROOT)} from {assumptions.ASSUMPTIONS_FILE.name}")
        return 1 if problems else 0
    for p in mismatches:
        print(f"params: {p.relative_to(ROOT)} is out of step with the assumptions file; run `make params`",
              file=sys.stderr)
    return 1 if (problems or mismatches) else 0


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("sync", "check", "list"):
        sys.exit("usage: python -m tools.params sync|check|list [book/<chapter>.ipynb ...]")
    if sys.argv[1] == "list":
        print(" ".join(str(p.relative_to(ROOT)) for p in chapter_notebooks()))
        sys.exit(0)
    sys.exit(run(sys.argv[1], [Path(a).resolve() for a in sys.argv[2:]] or None))
