"""`make lab CHAPTER=data_wall` works: JupyterLab opens the chapter, runs every cell, offline.

Starts the server exactly as ``tools/lab.py`` does (headless, on 127.0.0.1, with a token), opens a
copy of the chapter with its outputs cleared in Debian's chromium, clicks Run > Run All Cells,
and checks: every code cell ran, no error output, the saved notebook holds the results, the
figures went to the folder ``$REPORT_FIGURE_DIR`` names (not the book's), no request left
127.0.0.1 and no console error. Then it shuts the server down. About 35 s on 2 cores.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tools import lab

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHAPTER = "data_wall"
TOKEN = "lab-test-token"

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
    pytest.mark.skipif(importlib.util.find_spec("jupyterlab") is None,
                       reason="JupyterLab is not installed (make venv installs it)"),
]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read() or b"null")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(tmp_path):
    pytest.importorskip("playwright")
    work = lab.ROOT / "reruns" / f"lab-test-{os.getpid()}"  # inside the server's root
    shutil.rmtree(work, ignore_errors=True)
    nb_path, made = lab.copy_of(CHAPTER, work)
    assert made
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:  # start from nothing, so every output below was made in the browser
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, nb_path)
    port = _free_port()
    cmd, env = lab.command(nb_path, port=port, token=TOKEN, open_browser=False)
    cmd.append(f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}")
    env.update(JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"), REPORT_FIGURE_DIR=str(tmp_path / "figures"))
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                _get(f"{base}/api/status?token={TOKEN}")
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {(tmp_path / 'server.log').read_text()[-2000:]}")
                time.sleep(0.3)
        yield {"base": base, "nb": nb_path, "rel": nb_path.relative_to(lab.ROOT).as_posix(),
               "figures": tmp_path / "figures"}
    finally:
        try:
            urllib.request.urlopen(urllib.request.Request(f"{base}/api/shutdown?token={TOKEN}", method="POST"),
                                   timeout=5)
            proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait(timeout=10)
        log.close()
        shutil.rmtree(work, ignore_errors=True)
        try:
            work.parent.rmdir()  # reruns/ itself, if the test made it
        except OSError:
            pass


def test_lab_runs_the_chapter(server):
    from playwright.sync_api import sync_playwright

    base, rel = server["base"], server["rel"]
    book_nb = lab.BOOK / f"{CHAPTER}.ipynb"
    book_hash = hashlib.sha256(book_nb.read_bytes()).hexdigest()
    n_code = sum(c.cell_type == "code" for c in nbformat.read(server["nb"], as_version=4).cells)
    outside, console = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})

            def refuse(route):
                outside.append(route.request.url)
                route.abort()

            ctx.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), refuse)
            page = ctx.new_page()
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            page.goto(f"{base}/lab/tree/{rel}?token={TOKEN}")
            page.wait_for_function(f"document.querySelectorAll('.jp-Notebook .jp-CodeCell').length === {n_code}",
                                   timeout=45_000)
            # The notebook's own kernel (python3 from this venv) is started and idle.
            for _ in range(150):
                sessions = [s for s in _get(f"{base}/api/sessions?token={TOKEN}") if s["path"] == rel]
                if sessions and sessions[0]["kernel"]["execution_state"] == "idle":
                    break
                time.sleep(0.2)
            assert sessions and sessions[0]["kernel"]["name"] == "python3", sessions
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            page.wait_for_function(
                "() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                ".map(e => e.textContent); return p.length > 0 && p.every(t => /\\[\\d+\\]/.test(t)); }",
                timeout=90_000)
            errors = page.eval_on_selector_all(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                "els => els.map(e => e.textContent.slice(0, 300))")
            assert not errors, errors
            page.keyboard.press("Control+s")
            saved = None
            for _ in range(100):  # the save lands on disk
                try:
                    saved = nbformat.read(server["nb"], as_version=4)
                except ValueError:  # caught mid-write
                    saved = None
                if saved and all(c.execution_count for c in saved.cells if c.cell_type == "code"):
                    break
                time.sleep(0.2)
        finally:
            browser.close()
    assert saved is not None, "the notebook was not saved"
    code = [c for c in saved.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, n_code + 1))
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert sum(len(c.outputs) for c in code) > n_code  # glue records, tables, figures
    assert {p.suffix for p in server["figures"].glob("fig-*")} == {".png", ".svg"}
    assert hashlib.sha256(book_nb.read_bytes()).hexdigest() == book_hash, "the book's chapter was modified"
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not console, console
