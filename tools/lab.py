"""Open a chapter in JupyterLab, in this project's environment, as your own copy.

    python -m tools.lab                 # JupyterLab on book/           (make lab)
    python -m tools.lab data_wall       # opens mine/data_wall.ipynb    (make lab CHAPTER=data_wall)

A chapter opens as your copy ``mine/<chapter>.ipynb`` (``mine/`` is ignored by git): it is made
from ``book/<chapter>.ipynb`` the first time and kept afterwards, so your edits and outputs
survive, the book's chapter is never modified (not even by JupyterLab's autosave), and
``make book`` never touches your copy. Delete the copy to start again from the book's version.

The server runs from this checkout's ``.venv`` with the repository as its root: the kernel is
this venv's Python (so ``analysis`` is this checkout's), and the chapters read their data by
absolute path, so they run the same from ``mine/`` as from ``book/``. Figures a chapter exports
go to ``reruns/lab/figures/``, never to the book's download folder. Nothing needs the network:
JupyterLab's news feed, update check and extension catalogue are switched off
(``tools/lab_settings/overrides.json`` and the options below).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
FIGURES = ROOT / "reruns" / "lab" / "figures"
MINE = ROOT / "mine"
#: overrides.json: never fetch Jupyter news; render every cell (chapters are short).
SETTINGS = Path(__file__).resolve().parent / "lab_settings"


def chapter_path(chapter: str) -> Path:
    """``book/<chapter>.ipynb``; ValueError listing the chapters if there is none."""
    name = Path(chapter.strip()).name.removesuffix(".ipynb")
    path = BOOK / f"{name}.ipynb"
    if not name or not path.is_file():
        known = ", ".join(p.stem for p in sorted(BOOK.glob("*.ipynb")))
        raise ValueError(f"no chapter {name!r}; chapters: {known}")
    return path


def copy_of(chapter: str, mine: Path = MINE) -> tuple[Path, bool]:
    """The reader's copy of a chapter, made from the book's version if missing; (path, made)."""
    src = chapter_path(chapter)
    dst = mine / src.name
    if dst.exists():
        return dst, False
    mine.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst, True


def command(notebook: Path | None = None, *, port: int | None = None, token: str | None = None,
            open_browser: bool = True) -> tuple[list[str], dict[str, str]]:
    """The ``jupyter lab`` command line and environment that open ``notebook`` (or ``book/``).

    ``notebook`` must lie inside the repository (the server's root).
    """
    rel = (notebook or BOOK).resolve().relative_to(ROOT).as_posix()
    url = f"/lab/tree/{rel}"
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}",
            f"--LabApp.default_url={url}", "--ServerApp.ip=127.0.0.1",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly", f"--LabApp.app_settings_dir={SETTINGS}",
            f"--ServerApp.open_browser={open_browser}"]
    if port is not None:
        argv += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if token is not None:
        argv.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--ServerApp.allow_root=True")
    env = dict(os.environ, REPORT_FIGURE_DIR=str(FIGURES))
    # This venv's kernel spec first, so no user-level "python3" kernel can stand in for it.
    share = str(Path(sys.prefix) / "share" / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, os.environ.get("JUPYTER_PATH", "")) if p)
    return argv, env


def main(argv: list[str]) -> int:
    chapter = argv[0].strip() if argv else ""
    notebook = None
    if chapter:
        try:
            notebook, made = copy_of(chapter)
        except ValueError as exc:
            print(f"lab: {exc}", file=sys.stderr)
            return 2
        rel = notebook.relative_to(ROOT)
        print(f"lab: made your copy {rel} from book/{notebook.name}" if made else
              f"lab: opening your copy {rel} (delete it to start again from book/{notebook.name})")
    FIGURES.mkdir(parents=True, exist_ok=True)
    cmd, env = command(notebook)
    print("lab: starting JupyterLab from .venv (Ctrl-C twice to stop); exported figures go to "
          f"{FIGURES.relative_to(ROOT)}/", flush=True)
    os.execve(cmd[0], cmd, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
