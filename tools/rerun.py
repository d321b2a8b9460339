"""Rerun one chapter with your own assumptions (papermill) and show which numbers moved.

    python -m tools.rerun data_wall usd_per_gpu_hour=3.0 mfu=0.5

Writes ``reruns/<chapter>--<k=v>.../<chapter>.ipynb`` and its figures next to it; never touches
``book/``. Values are checked against the plausible ranges in ``data/assumptions.toml`` before
anything runs. At the end, every glued number of the chapter is listed with its default and its
rerun value.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from pathlib import Path

import nbformat

from analysis import assumptions

ROOT = Path(__file__).resolve().parent.parent
GLUE_MIME = "application/papermill.record/text/plain"


def parse_settings(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise SystemExit(f"rerun: {pair!r} is not name=value")
        name, raw = pair.split("=", 1)
        try:
            val = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            val = raw  # a bare word: a text assumption such as gpu=HGX B200
        out[name.strip()] = val
    try:
        return assumptions.check(**out)
    except assumptions.AssumptionsError as exc:
        raise SystemExit(f"rerun: {exc}") from None


def glued(path: Path) -> dict[str, str]:
    nb = nbformat.read(path, as_version=4)
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if GLUE_MIME in data:
                key = out.get("metadata", {}).get("scrapbook", {}).get("name")
                if key:
                    found[key] = data[GLUE_MIME]
    return found


def main(argv: list[str]) -> int:
    if not argv:
        sys.exit("usage: python -m tools.rerun <chapter> name=value [name=value ...]")
    chapter, settings = argv[0], parse_settings(argv[1:])
    src = ROOT / "book" / f"{chapter}.ipynb"
    if not src.exists():
        sys.exit(f"rerun: no chapter {src}")
    tag = "--".join(f"{k}={v}" for k, v in settings.items()).replace(" ", "_") or "defaults"
    out_dir = ROOT / "reruns" / f"{chapter}--{tag}"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{chapter}.ipynb"
    os.environ["REPORT_FIGURE_DIR"] = str(out_dir / "figures")
    import papermill as pm

    print(f"rerun: {chapter} with {json.dumps(settings) if settings else 'the default assumptions'}")
    pm.execute_notebook(str(src), str(out), parameters=settings, cwd=str(src.parent),
                        progress_bar=False, kernel_name="python3")
    before, after = glued(src), glued(out)
    changed = [(k, before.get(k, "(new)"), v) for k, v in after.items() if before.get(k) != v]
    print(f"rerun: {len(changed)} of {len(after)} glued numbers changed")
    width = max((len(k) for k, _, _ in changed), default=10)
    for k, b, a in changed:
        print(f"  {k:<{width}}  {b:>16} -> {a}")
    print(f"rerun: notebook {out}\nrerun: figures  {out_dir / 'figures'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
