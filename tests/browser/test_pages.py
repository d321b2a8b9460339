"""Every page of the built book, visited once at 1400x900 and once at 390x844 in chromium.

Each visit is a strict tab (``test_html.open_strict``): every request off 127.0.0.1 is recorded and
aborted, every console or page error recorded. The page is loaded, MathJax has typeset its math,
its fonts have loaded, the claims ledger's DataTable is drawn and the images shown have loaded;
then the visit runs every check that applies to the page at that width. A check is a function of the tab that returns its
problems, each starting with the check's name; the visit fails with the page, the width and every
problem, so one failing check does not hide another. Layout is measured before every image (the
phone copies too) is asked for. In that order:

At 1400x900:

- ``first screen`` (chapters): the title and the "In brief" box are on the first screen
  (``test_reader.first_screen_problems``);
- ``legible`` (pages with figures): figure text at least 8 pt as displayed, 2x images no wider than
  the column, alt text from the caption, a whole cite line (``test_figures_render.legible_problems``);
- ``fit``: no table or image wider than its column, with every collapsed block open, and no
  sideways scroll (``test_html.fit_problems``);
- ``math`` (pages with math): MathJax, served by the site, has typeset every formula;
- ``images``: every image loads, the phone copies a wide screen never shows too;
- ``captions``: every figure has a caption number;
- ``links``: every internal link and anchor resolves;
- ``print``: printed (the print stylesheet, at an A4 page's text width), no table is wider than
  the page (``test_html.print_problems``);
- ``strict``: no request left 127.0.0.1, no console or page error.

At 390x844: ``phone figures`` (pages with figures: the phone copies are shown, no text below 8 pt),
``fit`` and ``strict``. (No screenshots here: ``make screenshots`` takes every page at both widths,
light and dark, for a person to look at.)

Each check also has a test here that feeds it a small made-up page on which it must report a
problem (no check that cannot fail).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_figures_render as figures  # noqa: E402
import test_html  # noqa: E402
import test_reader as reader  # noqa: E402

server, browser = test_html.server, test_html.browser  # the fixtures, reused
SITE = test_html.SITE
PAGES = test_html.pages()
CHAPTERS = set(reader.chapter_pages())
FIGURE_PAGES = set(figures.figure_pages())
MATH_PAGES = set(test_html.math_pages())
DESKTOP, PHONE = (1400, 900), (390, 844)


def visit(browser, server, page: str, size: tuple[int, int]):
    """A strict tab of ``size`` with ``page`` loaded, its math typeset, its fonts loaded, the claims
    ledger's table drawn and its shown images loaded: (context, tab, external requests, errors)."""
    ctx, tab, external, errors = test_html.open_strict(browser, size)
    tab.goto(urljoin(server, page), wait_until="load")
    tab.evaluate("() => window.MathJax?.startup?.promise")
    # the fonts the laid-out page uses (MathJax's too) have loaded, so widths are final. (Not
    # "networkidle": it waits for a quiet half second on every visit, and once, on a loaded
    # machine, it timed out after 30 s.)
    tab.evaluate("() => { void document.body.offsetHeight; return document.fonts.ready.then(() => null); }")
    if "claims_ledger" in page:  # the interactive table is drawn by a script after load
        tab.wait_for_selector("#ledger-table.dataTable tbody tr", timeout=15_000)
    test_html.load_images(tab)
    return ctx, tab, external, errors


@pytest.mark.parametrize("page", PAGES)
def test_page_at_1400(server, browser, page):
    ctx, tab, external, errors = visit(browser, server, page, DESKTOP)
    try:
        problems = []
        if page in CHAPTERS:
            problems += reader.first_screen_problems(tab)
        if page in FIGURE_PAGES:
            problems += figures.legible_problems(tab)
        problems += test_html.fit_problems(tab)
        if page in MATH_PAGES:
            problems += test_html.math_problems(tab)
        problems += test_html.image_problems(tab)  # asks for every image: after the layout checks
        problems += test_html.caption_problems(tab)
        problems += test_html.link_problems(tab, urljoin(server, page), server)
        problems += test_html.print_problems(tab)  # last: the tab is printing after it
        problems += test_html.strict_problems(external, errors)
    finally:
        ctx.close()
    assert not problems, f"{page} at 1400x900:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_page_at_390(server, browser, page):
    ctx, tab, external, errors = visit(browser, server, page, PHONE)
    try:
        problems = []
        if page in FIGURE_PAGES:
            problems += figures.phone_figure_problems(tab)
        problems += test_html.fit_problems(tab)
        problems += test_html.strict_problems(external, errors)
    finally:
        ctx.close()
    assert not problems, f"{page} at 390x844:\n" + "\n".join(problems)


# --- every check can fail: each is fed a small made-up page with the faults it must report ---

@pytest.fixture
def tab(browser):
    """A strict tab at 1400x900 with nothing loaded; its ``external`` and ``errors`` are attributes."""
    ctx, tab, external, errors = test_html.open_strict(browser, DESKTOP)
    tab.external, tab.errors = external, errors
    yield tab
    ctx.close()


def reports(problems: list[str], check: str, *phrases: str) -> bool:
    """Every problem names ``check``, and each of ``phrases`` occurs in one of them."""
    return bool(problems) and all(p.startswith(check + ": ") for p in problems) \
        and all(any(ph in p for p in problems) for ph in phrases)


def test_strict_check_can_fail(tab):
    tab.set_content('<img src="https://example.org/x.png"><script>console.error("boom")</script>'
                    '<script>throw new Error("bang")</script>')
    problems = test_html.strict_problems(tab.external, tab.errors)
    assert reports(problems, "strict", "requests that leave 127.0.0.1: ['https://example.org/x.png']",
                   "console.error: boom", "pageerror: bang"), problems


def test_math_check_can_fail(tab):
    tab.set_content(r'<main><span class="math">\(x^2\)</span></main>')
    assert test_html.math_problems(tab) == ["math: MathJax did not load"]
    stub = "<script>window.MathJax = {startup: {promise: Promise.resolve()}}</script>"
    tab.set_content(stub + r'<main><span class="math">\(x^2\)</span><p>left as \[ y \]</p></main>')
    problems = test_html.math_problems(tab)
    assert reports(problems, "math", "math left untypeset", "raw TeX in the visible text", "fewer typeset"), problems
    tab.set_content(stub + "<main><p>no formula</p></main>")
    assert reports(test_html.math_problems(tab), "math", "no math elements")


def test_first_screen_check_can_fail(tab):
    tab.set_content('<article><div style="height: 1000px"></div><h1>Title</h1></article>')
    problems = reader.first_screen_problems(tab)
    assert reports(problems, "first screen", "no title on the first screen", "no 'In brief' box"), problems
    tab.set_content('<article><h1>Title</h1><div style="height: 1000px"></div>'
                    '<div class="admonition"><p>In brief</p></div></article>')
    problems = reader.first_screen_problems(tab)
    assert reports(problems, "first screen", "starts below the first screen") and len(problems) == 1, problems


def test_fit_check_can_fail(tab):
    tab.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    svg = "data:image/svg+xml," + "%3Csvg xmlns='http://www.w3.org/2000/svg' width='600' height='10'/%3E"
    tab.set_content('<main><table id="wide"><tr><td style="white-space: nowrap">' + "word " * 100 + "</td></tr></table>"
                    f'<details><summary>more</summary><img id="big" src="{svg}" width="600"></details></main>')
    problems = test_html.fit_problems(tab)
    assert reports(problems, "fit", "on a 390 px screen", "table wide:", "img big: 600 px"), problems


def test_print_check_can_fail(tab):
    tab.set_content('<style>@media print { #narrow { white-space: nowrap } }</style><main>'
                    '<table id="narrow"><tr><td>' + "word " * 200 + "</td></tr></table>"
                    '<table id="fine"><tr><td>' + "word " * 200 + "</td></tr></table></main>")
    problems = test_html.print_problems(tab)
    assert reports(problems, "print", "'narrow'"), problems
    assert "'fine'" not in problems[0], problems


def test_image_check_can_fail(tab, server):
    tab.set_content(f'<img src="{server}no-such.png">'
                    f'<img loading="lazy" style="display: none" src="{server}figures/no-such-narrow.png">')
    problems = test_html.image_problems(tab)
    assert reports(problems, "images", "no-such.png", "no-such-narrow.png"), problems


def test_caption_check_can_fail(tab):
    tab.set_content('<figure id="fig-a"><figcaption>No number</figcaption></figure>'
                    '<figure id="fig-b"><figcaption><span class="caption-number">Fig. 1 </span>Numbered</figcaption></figure>')
    assert test_html.caption_problems(tab) == ["captions: figures without a caption number: ['fig-a']"]


def test_link_check_can_fail(tab, server):
    tab.set_content('<a href="no-such.html">a</a><a href="intro.html#no-such-anchor">b</a>'
                    '<a href="bibliography.html">fine</a><a href="https://example.org/">elsewhere</a>')
    problems = test_html.link_problems(tab, urljoin(server, "book/intro.html"), server)
    assert reports(problems, "links", "no-such.html -> missing book/no-such.html",
                   "intro.html#no-such-anchor -> no anchor #no-such-anchor in book/intro.html"), problems
    assert "bibliography" not in problems[0] and "example.org" not in problems[0], problems


#: A figure of the book with a phone copy, whose files the made-up pages borrow.
FIG = "fig-ledger-ratios"


def fake_site(tmp: Path, names: dict[str, str]) -> Path:
    """A site folder whose ``figures/`` holds :data:`FIG`'s files under other names: ``{name: kind}``,
    kind "wide" (the column figure), "narrow" (both) or "tiny" (both, the copy's text 3 pt)."""
    out = tmp / "figures"
    out.mkdir(parents=True)
    src = SITE / "figures"
    for name, kind in names.items():
        for ext in ("png", "svg"):
            shutil.copy(src / f"{FIG}.{ext}", out / f"{name}.{ext}")
        if kind in ("narrow", "tiny"):
            shutil.copy(src / f"{FIG}-narrow.png", out / f"{name}-narrow.png")
            svg = (src / f"{FIG}-narrow.svg").read_text()
            if kind == "tiny":
                svg = re.sub(r"font-size: [0-9.]+px", "font-size: 3px", svg)
            (out / f"{name}-narrow.svg").write_text(svg)
    return tmp


def figure(fid: str, server: str, wide: str, narrow: str | None = None, alt: str = "", cite: bool = False) -> str:
    """A figure as the book writes it, its images taken from :data:`FIG` on the site; ``wide``
    and ``narrow`` are the images' inline styles."""
    img = f'<img class="figure-image" src="{server}figures/{FIG}.png" alt="{alt}" style="{wide}">'
    if narrow is not None:
        img += f'<img class="figure-image figure-narrow" src="{server}figures/{FIG}-narrow.png" style="{narrow}">'
    line = f'<p class="figure-cite">Cite: Book, Fig. 1 ({fid}), version 1.0, https://x.org/p.html#{fid}</p>'
    return (f'<figure id="{fid}">{img}<figcaption><span class="caption-text">A caption. More.</span></figcaption>'
            + (line if cite else "") + "</figure>")


def test_legible_check_can_fail(tab, server, tmp_path):
    site = fake_site(tmp_path, {"fig-big": "wide", "fig-small": "wide"})
    tab.set_content('<article style="width: 600px">' + figure("fig-big", server, "width: 1000px")
                    + figure("fig-small", server, "width: 100px", alt="A caption.", cite=True) + "</article>")
    problems = figures.legible_problems(tab, site)
    assert reports(problems, "legible", "fig-small: smallest text", "fig-big: not HiDPI",
                   "fig-big: 1000 px wide in a 600 px column", "fig-big: alt text ''", "fig-big: cite line"), problems
    assert not [p for p in problems if "fig-small" in p and "smallest text" not in p], problems
    tab.set_content("<main><p>no figure</p></main>")
    assert figures.legible_problems(tab, site) == ["legible: no figures found"]


def test_phone_figure_check_can_fail(tab, server, tmp_path):
    assert FIG in figures.PHONE_COPIES
    site = fake_site(tmp_path, {FIG: "wide", "fig-hidden": "narrow", "fig-shrunk": "narrow", "fig-tiny": "tiny",
                                "fig-wide": "wide"})
    tab.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    tab.set_content("<main>" + figure(FIG, server, "width: 100px")
                    + figure("fig-hidden", server, "width: 300px", "display: none")
                    + figure("fig-shrunk", server, "display: none", "width: 60px")
                    + figure("fig-tiny", server, "display: none", "width: 327px")
                    + figure("fig-wide", server, "width: 600px") + "</main>")
    problems = figures.phone_figure_problems(tab, site)
    assert reports(problems, "phone figures", f"{FIG}: no copy for phones",
                   f"{FIG}: smallest text", "with no copy for phones (export",
                   "fig-hidden: the phone copy is not the one shown", "fig-shrunk: phone copy shrunk to 60 px",
                   "fig-tiny: smallest text", "fig-wide: wider than its column"), problems
