"""A real browser looks at the built book: Debian's chromium, driven by playwright.

Serves ``_build/html`` on 127.0.0.1 (the ``server`` and ``browser`` fixtures, which the other
browser tests reuse) and holds the checks of a loaded page that ``test_pages.py`` runs on every
page, in one visit at 1400x900 and one at 390x844; each returns its problems. No request leaves
127.0.0.1 (each is recorded and aborted) and no console error or page error at all, no allow-list
(:func:`strict_problems`); every image loads, the phone copies too (:func:`image_problems`); every
figure has a caption number (:func:`caption_problems`); every internal link and anchor resolves
(:func:`link_problems`); on every page with math MathJax (served by the site) has typeset it
(:func:`math_problems`); no table or image is wider than its column and no page is wider than the
screen, a phone's too (:func:`fit_problems`).
Also a page printed (:func:`print_problems`: tables fit an A4 page). Tested here: every
figure's PNG/SVG download exists, no page refers to another host, no emoji font is needed,
citations read as the bibliography lists them, and the footer gives the version and build date.
Run it without a network (``unshare -rn``) to prove the pages work offline.
"""

from __future__ import annotations

import functools
import html
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
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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


def load_images(tab, hidden: bool = False) -> None:
    """Wait until the page's images have loaded. Phone copies load lazily (a wide screen never
    fetches them): the shown ones, or with ``hidden`` all of them, are asked for first."""
    shown = "" if hidden else "if (i.getClientRects().length) "
    tab.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach("
                 f"i => {{ {shown}i.loading = 'eager'; }})")
    tab.wait_for_function("() => [...document.images].filter(i => " + ("true" if hidden else "i.getClientRects().length")
                          + ").every(i => i.complete)")


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
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


def test_site_has_pages():
    assert len(pages()) >= 5, pages()


def image_problems(tab) -> list[str]:
    """Every image of the page loads, the phone copies a wide screen never asks for too."""
    load_images(tab, hidden=True)
    broken = tab.eval_on_selector_all(
        "img", "els => els.filter(e => !(e.complete && e.naturalWidth > 0)).map(e => e.src)")
    return [f"images: images that did not load: {broken}"] if broken else []


def caption_problems(tab) -> list[str]:
    """Every figure has a caption number."""
    figures = tab.eval_on_selector_all(
        "figure", "els => els.map(f => [f.id, !!f.querySelector('.caption-number')])")
    unnumbered = [fid for fid, numbered in figures if not numbered]
    return [f"captions: figures without a caption number: {unnumbered}"] if unnumbered else []


def link_problems(tab, url: str, server: str) -> list[str]:
    """Every link of the page (at ``url``) to ``server`` names a file of the site, and its anchor an
    id in that file."""
    hrefs = tab.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    problems = []
    for href in sorted(set(hrefs)):
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
    return [f"links: broken internal links: {problems}"] if problems else []


def test_every_figure_is_downloadable():
    ids = set()
    for page in pages():
        ids |= set(re.findall(r'<figure[^>]*\bid="(fig-[a-z0-9-]+)"', (SITE / page).read_text()))
    for fid in sorted(ids):
        for ext in ("png", "svg"):
            assert (SITE / "figures" / f"{fid}.{ext}").exists(), f"figures/{fid}.{ext} missing from the site"


# --- offline and strict: nothing leaves 127.0.0.1, no console error, math typeset locally ---

LOCAL = re.compile(r"^(http://127\.0\.0\.1[:/]|data:|blob:|about:)")


def open_strict(browser, viewport: tuple[int, int] | None = None):
    """A new tab (of ``viewport``, width and height, if given) whose requests off 127.0.0.1 are
    recorded and aborted, and whose console errors and page errors are recorded: returns
    (context, tab, external_requests, errors)."""
    ctx = browser.new_context(**({"viewport": {"width": viewport[0], "height": viewport[1]}} if viewport else {}))
    external, errors = [], []

    def route(r):
        if LOCAL.match(r.request.url):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    tab = ctx.new_page()
    tab.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    return ctx, tab, external, errors


def strict_problems(external: list[str], errors: list[str]) -> list[str]:
    """What a strict tab recorded: requests that would have left 127.0.0.1, console and page errors."""
    problems = [f"strict: requests that leave 127.0.0.1: {external}"] if external else []
    return problems + ([f"strict: console or page errors: {errors}"] if errors else [])


def math_pages() -> list[str]:
    return [p for p in pages() if re.search(r'class="math[ "]', (SITE / p).read_text(errors="ignore"))]


def test_no_page_refers_to_another_host():
    """Static check of every built page: no script, stylesheet, font or image from another host
    (the strict tab of test_pages.py sees only what a page loads while it watches)."""
    asset = re.compile(r'<(?:script|link|img|source|iframe)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"')
    found = {}
    for page in pages():
        hits = [u for u in asset.findall((SITE / page).read_text(errors="ignore"))
                if not u.startswith("http://127.0.0.1")]
        if hits:
            found[page] = hits
    assert not found, f"pages that load assets from other hosts: {found}"


def test_site_has_math_pages():
    assert len(math_pages()) >= 5, math_pages()


def math_problems(tab) -> list[str]:
    """MathJax, served from the site, has typeset every formula: each math element holds an
    mjx-container and no raw TeX delimiter is left in the page's text (outside code)."""
    if not tab.evaluate("() => !!window.MathJax"):
        return ["math: MathJax did not load"]
    tab.evaluate("() => window.MathJax.startup.promise")
    result = tab.evaluate(r"""() => {
        const maths = [...document.querySelectorAll('.math')];
        const bare = maths.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 60));
        const skip = 'PRE, CODE, SCRIPT, STYLE, TEXTAREA, MJX-CONTAINER, MJX-ASSISTIVE-MML';
        const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
        const raw = [];
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (n.parentElement.closest(skip)) continue;
            const m = n.textContent.match(/\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{/);
            if (m) raw.push(n.textContent.trim().slice(0, 80));
        }
        return {count: maths.length, typeset: document.querySelectorAll('mjx-container').length, bare, raw};
    }""")
    problems = []
    if result["count"] == 0:
        problems.append("math: no math elements, yet the HTML has class=math")
    if result["bare"]:
        problems.append(f"math: math left untypeset: {result['bare'][:5]}")
    if result["raw"]:
        problems.append(f"math: raw TeX in the visible text: {result['raw'][:5]}")
    if result["typeset"] < result["count"]:
        problems.append(f"math: fewer typeset formulas than math elements: {result}")
    return problems


#: The text width of an A4 page with the browser's default margins, in CSS px.
PRINT_WIDTH = 718


def print_problems(tab) -> list[str]:
    """Printed as the browser prints a loaded page (its print stylesheet, laid out at an A4 page's
    text width): no table wider than its container or the page. Leaves the tab printing."""
    tab.set_viewport_size({"width": PRINT_WIDTH, "height": 1000})
    tab.emulate_media(media="print")
    wide = tab.evaluate("""() => [...document.querySelectorAll('table')]
        .map(t => [t.id || (t.querySelector('caption') || {}).innerText?.slice(0, 40) || 'table',
                   t.scrollWidth, t.parentElement.clientWidth, document.documentElement.clientWidth])
        .filter(([name, w, parent, page]) => w > parent + 1 || w > page + 1)""")
    return [f"print: tables wider than the printed page ([table, width, container, page] px): {wide}"] if wide else []


# Characters drawn only by an emoji font (empty boxes without one): the status page once used them.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\uFE0F\u2705\u274C\u274E\u2B50\u2B55\u231A\u231B"
                   "\u23E9-\u23F3\u2728\u2753-\u2755\u2757\u2795-\u2797]")


def test_no_page_needs_an_emoji_font():
    found = {}
    for page in pages():
        html = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", (SITE / page).read_text(errors="ignore"), flags=re.S)
        hits = sorted(set(EMOJI.findall(re.sub(r"<[^>]+>", "", html))))
        if hits:
            found[page] = hits
    assert not found, f"pages with emoji (write words or use CSS symbols): {found}"


#: Every table and image of a page, with every collapsed block opened: [what, its width
#: (scrollWidth: the content, not a scroll box around it), its column's content width].
TOO_WIDE = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const style = getComputedStyle(article);
  const column = article.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const name = el => el.id || (el.querySelector('caption') || {}).innerText?.slice(0, 40)
      || (el.closest('[id]') || {}).id || el.getAttribute('src') || el.tagName;
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).display !== 'none';
  const tables = [...article.querySelectorAll('table')].filter(shown)
      .map(t => ['table ' + name(t), t.scrollWidth, column]);
  const images = [...article.querySelectorAll('img')].filter(shown)
      .map(i => ['img ' + name(i), i.getBoundingClientRect().width, column]);
  return [...tables, ...images].filter(([, width, col]) => width > col + 0.5);
}"""


def fit_problems(tab) -> list[str]:
    """No table or image is wider than its column (a table's scrollWidth, so a table that scrolls
    inside its own box fails too), with every collapsed block open (they stay open); the page does
    not scroll sideways (long URLs and paths wrap)."""
    width, screen = tab.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    problems = [f"fit: the page is {width} px wide on a {screen} px screen"] if width > screen else []
    wide = tab.evaluate(TOO_WIDE)
    return problems + [f"fit: {what}: {w:.0f} px in a {col:.0f} px column" for what, w, col in wide]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def test_citations_read_as_the_bibliography_lists_them():
    """Author-year everywhere: each citation in the text reads as its bibliography label
    ("Kaplan et al., 2020", or the year alone after the names: "2024b")."""
    bib = (SITE / "book" / "bibliography.html").read_text()
    labels = {m[1]: _text(m[2]).strip("[]") for m in re.finditer(
        r'<div class="citation" id="([^"]+)"[^>]*>\s*<span class="label">(.*?)</span>\s*</span>', bib, re.S)}
    assert labels and all(re.search(r", (\d{4}|n\.d\.)[a-z]?$", lab) for lab in labels.values()), labels
    cited, wrong = 0, []
    for page in pages():
        for m in re.finditer(r'<a class="reference internal" href="(?:\.\./book/)?bibliography\.html#([^"]+)"[^>]*>(.*?)</a>',
                             (SITE / page).read_text(), re.S):
            cited += 1
            text, label = _text(m[2]), labels.get(m[1], "?")
            if not (text == label or label.endswith(", " + text)):
                wrong.append(f"{page}: {text!r} for [{label}]")
    assert cited > 20 and not wrong, wrong[:10]


def test_footer_gives_version_and_build_date():
    cff = (SITE.parents[1] / "CITATION.cff").read_text()
    version = re.search(r"^version:\s*\"?([^\s\"]+)", cff, re.M)[1]
    missing = [p for p in pages() if not re.search(
        rf'class="site-version">Version {re.escape(version)}, built \d{{4}}-\d{{2}}-\d{{2}}<', (SITE / p).read_text())]
    assert not missing, f"pages without 'Version {version}, built <date>' in the footer: {missing}"
