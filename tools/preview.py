"""Build one chapter alone, strictly, into ``_build/preview/<slug>/`` (for authors).

    python -m tools.preview data_wall

Uses a private table of contents (the chapter, then the bibliography) and a private execution
cache, so several authors can preview different chapters at the same time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def main(slug: str) -> int:
    nb = ROOT / "book" / f"{slug}.ipynb"
    if not nb.exists():
        sys.exit(f"preview: {nb} does not exist")
    out = ROOT / "_build" / "preview" / slug
    out.mkdir(parents=True, exist_ok=True)
    toc = {"format": "jb-book", "root": f"book/{slug}", "chapters": [{"file": "book/bibliography"}]}
    (out / "_toc.yml").write_text(yaml.safe_dump(toc))
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["cache"] = str(out / ".jupyter_cache")
    # local extensions are found relative to the config file: point at ours absolutely
    config["sphinx"]["local_extensions"] = {
        name: str((ROOT / path).resolve()) for name, path in config["sphinx"]["local_extensions"].items()}
    (out / "_config.yml").write_text(yaml.safe_dump(config))
    (ROOT / "_build" / "site-extra" / "figures").mkdir(parents=True, exist_ok=True)
    cmd = [str(ROOT / ".venv" / "bin" / "jupyter-book"), "build", str(ROOT), "--path-output", str(out),
           "--toc", str(out / "_toc.yml"), "--config", str(out / "_config.yml"),
           "-W", "-n", "--keep-going"]
    code = subprocess.call(cmd, cwd=ROOT)
    for log in sorted((out / "_build" / "html" / "reports").rglob("*.err.log")):
        print(f"==== {log}\n{log.read_text()}")
    html = out / "_build" / "html" / "book" / f"{slug}.html"
    print(f"preview: {'OK' if code == 0 else 'FAILED'}; HTML at {html}")
    return code


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tools.preview <chapter-slug>")
    sys.exit(main(sys.argv[1]))
