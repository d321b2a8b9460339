"""Rerun one chapter with your own assumptions (papermill) and list which numbers moved.

    python -m tools.rerun data_wall usd_per_gpu_hour=3.0 mfu=0.5
    python -m tools.rerun data_wall "gpu=HGX B200 mfu=0.5"     # as `make rerun SET="..."` passes it
    python -m tools.rerun --all data_wall mfu=0.5              # also glued values the text does not show

The chapter runs twice with papermill, side by side: once with the values in
``data/assumptions.toml`` (the baseline) and once with yours injected after its ``parameters``
cell. Every glued number that differs between the two runs *as the page displays it* is listed
(numbers equal to a relative 1e-9 are the same; then they are compared with the format the
chapter's text uses, e.g. ``:.1f``). So a value already changed in the assumptions file is never
credited to your override, and float noise is never listed. Exported figures that differ are
named too.

Everything is written under ``reruns/<chapter>--<name=value>.../`` (replacing an earlier run
with the same settings): ``<chapter>.ipynb`` and ``figures/`` for your values, ``baseline/`` for
the file's values. Nothing is written under
``book/`` or ``_build/`` (figures go where ``$REPORT_FIGURE_DIR`` says, see analysis.figures).
Bad arguments get a one-line answer and exit status 2; a chapter that fails with your values
exits 1 and names the error and the notebook that holds it.
"""

from __future__ import annotations

import ast
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
RERUNS = ROOT / "reruns"
GLUE_MIME = "application/papermill.record/text/plain"
_ROLE = re.compile(r"\{glue(?::(text|any|md|math))?\}`([^`]+)`")
_SLUG = re.compile(r"^[A-Za-z0-9_-]+$")
USAGE = 'make rerun CHAPTER=<chapter> SET="name=value ..."'


class BadArgument(Exception):
    """A one-line complaint about the command line (exit status 2)."""


# ---------------------------------------------------------------- arguments

def parse_settings(args: list[str]) -> dict:
    """``["gpu=HGX", "B200", "mfu=0.5"]`` or ``["gpu=HGX B200 mfu=0.5"]`` -> ``{"gpu": "HGX B200", "mfu": 0.5}``.

    Values are read as TOML literals (``3.0``, ``3e14``, ``16``, ``'fp8'``); anything else is
    text. A word without ``=`` continues the previous value, so names with spaces need no quotes.
    """
    try:
        words = shlex.split(" ".join(args))
    except ValueError as exc:
        raise BadArgument(f"cannot read the settings {' '.join(args)!r}: {exc}") from None
    pairs: list[list[str]] = []
    for word in words:
        if "=" in word and re.match(r"^[A-Za-z_]\w*=", word):
            pairs.append(word.split("=", 1))
        elif pairs:
            pairs[-1][1] += " " + word
        else:
            raise BadArgument(f"{word!r} is not name=value")
    out = {}
    for name, raw in pairs:
        raw = raw.strip()
        if not raw:
            raise BadArgument(f"{name}= has no value")
        try:
            val = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            val = raw  # text, such as gpu=HGX B200
        if name in out:
            raise BadArgument(f"{name} is set twice")
        out[name] = val
    return out


def chapters(book: Path | None = None) -> dict[str, list[str]]:
    """Every chapter with a ``parameters`` cell, and the names that cell assigns."""
    out = {}
    for path in sorted((book or BOOK).glob("*.ipynb")):
        names = parameter_names(nbformat.read(path, as_version=4))
        if names is not None:
            out[path.stem] = names
    return out


def parameter_names(nb) -> list[str] | None:
    """The names assigned at top level in the notebook's ``parameters`` cell (None if it has none)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                return []
            return [t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                    if isinstance(t, ast.Name)]
    return None


def check_arguments(chapter: str, settings: dict, book: Path | None = None) -> dict:
    """Validate the chapter and the settings; return the settings with their checked values."""
    from analysis import assumptions

    known = chapters(book)
    listing = ", ".join(known)
    if not chapter:
        raise BadArgument(f"no chapter given ({USAGE}); chapters: {listing}")
    chapter = Path(chapter).name.removesuffix(".ipynb")
    if not _SLUG.match(chapter) or not ((book or BOOK) / f"{chapter}.ipynb").exists():
        raise BadArgument(f"no chapter {chapter!r}; chapters: {listing}")
    if chapter not in known:
        raise BadArgument(f"{chapter!r} has no parameters cell, so nothing to set; chapters: {listing}")
    file_names = assumptions.names()
    usable = [n for n in known[chapter] if n in file_names]
    for name in settings:
        if name not in file_names:
            raise BadArgument(f"no assumption named {name!r}; {chapter} uses: {', '.join(usable)}")
        if name not in usable:
            raise BadArgument(f"{chapter} does not use the assumption {name!r}; it uses: {', '.join(usable)}")
    try:
        checked = assumptions.check(**settings)
    except (assumptions.AssumptionsError, KeyError, TypeError, ValueError) as exc:
        raise BadArgument(str(exc).strip("\"'")) from None
    file_values = tomllib.loads(assumptions.ASSUMPTIONS_FILE.read_text(encoding="utf-8"))
    for name, val in checked.items():
        if val == file_values[name]["value"]:
            print(f"rerun: note: {name}={val} is already the value in {assumptions.ASSUMPTIONS_FILE.name}")
    return checked


# ---------------------------------------------------------------- comparing

def glued(path: Path) -> dict[str, str]:
    """The text of every glued value in an executed notebook, by key."""
    nb = nbformat.read(path, as_version=4)
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            key = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if key and GLUE_MIME in data:
                found[key] = data[GLUE_MIME]
    return found


def display_formats(nb) -> dict[str, list[str]]:
    """For each glued key the chapter's text shows, the format specs it is shown with."""
    fmts: dict[str, list[str]] = {}
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for role, content in _ROLE.findall(cell.source):
            if role == "text":
                key, _, spec = content.rpartition(":") if ":" in content else (content, "", "s")
            else:
                key, spec = content, ""
            key = key.split("::")[-1].strip()
            if spec not in fmts.setdefault(key, []):
                fmts[key].append(spec)
    return fmts


def _number(text: str) -> float | None:
    try:
        v = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _shown(text: str, spec: str) -> str:
    from myst_nb.core.variables import format_plain_text

    try:
        return format_plain_text(text, spec)
    except Exception:  # noqa: BLE001 - the book would warn; compare the raw text instead
        return text


def _short(text: str, *, raw: bool = True) -> str:
    """A raw glued text with numbers to 6 significant digits (or a displayed one), in one short line."""
    n = _number(text) if raw else None
    if n is not None:
        text = f"{n:.6g}"
    elif raw:
        text = _shown(text, "")  # a glued string without its quotes
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def changes(before: dict[str, str], after: dict[str, str], fmts: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """``(key, before, after)`` for every glued value that differs as the page would show it.

    Numbers equal to a relative tolerance of 1e-9 are equal (``2.2500000000000004`` is ``2.25``).
    A key the text shows with format specs is listed only if one of those renderings differs,
    and is listed as rendered; other keys are listed with six significant digits.
    """
    out = []
    for key in list(after) + [k for k in before if k not in after]:
        b, a = before.get(key), after.get(key)
        if b is None or a is None:
            out.append((key, "(absent)" if b is None else _short(b), "(absent)" if a is None else _short(a)))
            continue
        if a == b:
            continue
        nb, na = _number(b), _number(a)
        if nb is not None and na is not None and math.isclose(nb, na, rel_tol=1e-9, abs_tol=0.0):
            continue
        specs = fmts.get(key)
        if specs:
            shown = [(_shown(b, s), _shown(a, s)) for s in specs]
            diff = [(sb, sa) for sb, sa in shown if sb != sa]
            if not diff:
                continue
            out.append((key, _short(diff[0][0], raw=False), _short(diff[0][1], raw=False)))
        else:
            out.append((key, _short(b), _short(a)))
    return out


# ---------------------------------------------------------------- running

# Runs in a child interpreter (two at once). Parameters travel as JSON: papermill's -y reads
# YAML 1.1, where 1e+16 is a string.
_RUNNER = """
import json, sys
import papermill as pm
from papermill.exceptions import PapermillExecutionError
src, out, cwd, params = sys.argv[1:5]
try:
    pm.execute_notebook(src, out, parameters=json.loads(params), cwd=cwd, kernel_name="python3",
                        progress_bar=False)
except PapermillExecutionError as exc:
    sys.exit(f"{exc.ename}: {exc.evalue}")
"""


def _start(src: Path, out_dir: Path, settings: dict) -> subprocess.Popen:
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, REPORT_FIGURE_DIR=str(out_dir / "figures"))
    venv_share = Path(sys.prefix) / "share" / "jupyter"  # this interpreter's kernel before any user-level one
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(venv_share), env.get("JUPYTER_PATH", "")) if p)
    cmd = [sys.executable, "-c", _RUNNER, str(src), str(out_dir / src.name), str(src.parent), json.dumps(settings)]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _error_line(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    return lines[-1] if lines else "papermill failed without a message"


def run(chapter: str, settings: dict, *, book: Path | None = None, reruns: Path | None = None,
        show_all: bool = False) -> int:
    src = (book or BOOK) / f"{chapter}.ipynb"
    tag = "--".join(f"{k}={v}" for k, v in settings.items()) or "defaults"
    out_dir = (reruns or RERUNS) / f"{chapter}--{re.sub(r'[^A-Za-z0-9._=+-]+', '_', tag)}"
    jobs = {"yours": (out_dir, settings)}
    if settings:
        jobs["baseline"] = (out_dir / "baseline", {})
    what = " ".join(f"{k}={v}" for k, v in settings.items()) or "the assumptions file's values"
    print(f"rerun: {chapter} with {what}" + (" and, to compare, with the file's values" if settings else ""),
          flush=True)
    if out_dir.exists():  # no stale notebook or figure from an earlier run with the same settings
        print(f"rerun: replacing the earlier run in {out_dir}")
        shutil.rmtree(out_dir)
    procs = {name: _start(src, d, s) for name, (d, s) in jobs.items()}
    failed = False
    for name, proc in procs.items():
        _, err = proc.communicate()
        if proc.returncode:
            who = "your settings" if name == "yours" else "the file's values"
            print(f"rerun: {chapter} failed with {who}: {_error_line(err)}\n"
                  f"rerun: the executed notebook, with the error: {jobs[name][0] / src.name}", file=sys.stderr)
            failed = True
    if failed:
        return 1
    mine = out_dir / src.name
    if settings:
        before, after = glued(out_dir / "baseline" / src.name), glued(mine)
        fmts = display_formats(nbformat.read(src, as_version=4))
        diff = changes(before, after, fmts)
        shown = [d for d in diff if d[0] in fmts]
        listed = diff if show_all else shown
        print(f"rerun: {len(shown)} of {sum(k in fmts for k in after)} values the page shows change"
              + ("" if show_all else f" ({len(diff) - len(shown)} more glued values the text does not show"
                                     " change; --all lists them)"))
        width = max((len(k) for k, _, _ in listed), default=0)
        bwidth = max((len(b) for _, b, _ in listed), default=0)
        for key, b, a in listed:
            print(f"  {key:<{width}}  {b:>{bwidth}} -> {a}")
        figs = changed_figures(out_dir / "baseline" / "figures", out_dir / "figures")
        print(f"rerun: figures that change: {', '.join(figs) if figs else 'none'}")
        print(f"rerun: the file's values: {out_dir / 'baseline' / src.name}")
    print(f"rerun: your run:          {mine}\nrerun: its figures:       {out_dir / 'figures'}")
    return 0


def changed_figures(before: Path, after: Path) -> list[str]:
    """Names of exported figures whose PNG or SVG differs (or exists in only one run)."""
    names = {p.stem for d in (before, after) for p in d.glob("*.*") if p.suffix in (".png", ".svg")}
    out = []
    for name in sorted(names):
        for ext in (".png", ".svg"):
            a, b = before / (name + ext), after / (name + ext)
            if a.exists() != b.exists() or (a.exists() and a.read_bytes() != b.read_bytes()):
                out.append(name)
                break
    return out


def main(argv: list[str], *, book: Path | None = None, reruns: Path | None = None) -> int:
    show_all = "--all" in argv
    argv = [a for a in argv if a != "--all"]
    try:
        chapter = Path(argv[0].strip()).name.removesuffix(".ipynb") if argv and argv[0].strip() else ""
        settings = check_arguments(chapter, parse_settings(argv[1:]), book)
    except BadArgument as exc:
        print(f"rerun: {exc}", file=sys.stderr)
        return 2
    return run(chapter, settings, book=book, reruns=reruns, show_all=show_all)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
