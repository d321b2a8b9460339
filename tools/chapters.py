"""List the chapter notebooks: ``book/*.ipynb`` whose first code cell is tagged ``parameters``.

    python -m tools.chapters   # print them, one per line (the notebook-rule tests use the list)

Read-only: nothing in tools/ rewrites a notebook's sources (tools/outputs.py writes outputs only).
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"


def parameters_cell(nb: dict):
    """The first code cell of a notebook (as JSON) if it is tagged ``parameters``, else None."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            return cell if "parameters" in cell.get("metadata", {}).get("tags", []) else None
    return None


def chapter_notebooks(book: Path = BOOK) -> list[Path]:
    """Every chapter notebook, sorted."""
    return [p for p in sorted(book.glob("*.ipynb"))
            if parameters_cell(json.loads(p.read_text(encoding="utf-8"))) is not None]


if __name__ == "__main__":
    print("\n".join(str(p.relative_to(Path.cwd()) if p.is_relative_to(Path.cwd()) else p)
                    for p in chapter_notebooks()))
