"""A real browser looks at the built book: Debian's chromium, driven by playwright.

Serves ``_build/html`` on 127.0.0.1 and opens every page: every image loads, no console errors
(apart from Jupyter Book 1's known ``THEBE_JS_URL`` redeclaration and resources the offline
machine cannot fetch from outside), every figure has a caption number, every internal link and
anchor resolves, and every figure's PNG/SVG download exists.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

SITE = Path(__file__).resolve().parents[2] / "_build" / "html"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SKIP_DIRS = {"_static", "_sources", "_images", "reports", "_downloads", "figures"}
BENIGN = [re.compile(r"THEBE_JS_URL"), re.compile(r"Failed to load resource: net::ERR_(NAME_NOT_RESOLVED|BLOCKED|FAILED|INTERNET_DISCONNECTED|CONNECTION)")]


def pages() -> list[str]:
    if not SITE.exists():
        return []
    out = []
    for p in sorted(SITE.rglob("*.html")):
        rel = p.relative_to(SITE)
        if rel.parts[0] in SKIP_DIRS or rel.name in ("genindex.html", "search.html"):
            continue
        if "http-equiv=\"Refresh\"" in p.read_text(errors="ignore")[:600]:
            continue  # the index.html redirect
        out.append(rel.as_posix())
    return out


@pytest.fixture(scope="module")
def server():
    if not (SITE / "index.html").exists():
        pytest.fail(f"{SITE} has no index.html: build the book first (make book)")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def test_site_has_pages():
    assert len(pages()) >= 5, pages()


@pytest.mark.parametrize("page", pages())
def test_page(server, browser, page):
    ctx = browser.new_context()
    # Offline machine: refuse anything not on our server at once instead of waiting.
    ctx.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
    tab = ctx.new_page()
    errors = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    url = urljoin(server, page)
    tab.goto(url, wait_until="load")
    real = [e for e in errors if not any(b.search(e) for b in BENIGN)]
    assert not real, f"{page}: console errors {real}"

    broken = tab.eval_on_selector_all(
        "img", "els => els.filter(e => !(e.complete && e.naturalWidth > 0)).map(e => e.src)")
    assert not broken, f"{page}: images that did not load: {broken}"

    figures = tab.eval_on_selector_all(
        "figure", "els => els.map(f => [f.id, !!f.querySelector('.caption-number')])")
    unnumbered = [fid for fid, numbered in figures if not numbered]
    assert not unnumbered, f"{page}: figures without a caption number: {unnumbered}"

    hrefs = tab.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    problems = []
    for href in set(hrefs):
        absolute = urljoin(url, href)
        if urlparse(absolute).netloc != urlparse(server).netloc:
            continue
        target, anchor = urldefrag(absolute)
        rel = unquote(urlparse(target).path).lstrip("/")
        file = SITE / rel
        if file.is_dir():
            file = file / "index.html"
        if not file.exists():
            problems.append(f"{href} -> missing {rel}")
            continue
        if anchor and file.suffix == ".html":
            html = file.read_text(errors="ignore")
            if f'id="{anchor}"' not in html:
                problems.append(f"{href} -> no anchor #{anchor} in {rel}")
    assert not problems, f"{page}: broken internal links: {problems}"
    ctx.close()


def test_every_figure_is_downloadable():
    ids = set()
    for page in pages():
        ids |= set(re.findall(r'<figure[^>]*\bid="(fig-[a-z0-9-]+)"', (SITE / page).read_text()))
    for fid in sorted(ids):
        for ext in ("png", "svg"):
            assert (SITE / "figures" / f"{fid}.{ext}").exists(), f"figures/{fid}.{ext} missing from the site"
