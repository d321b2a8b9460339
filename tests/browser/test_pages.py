"""Every page of the built book, visited once at 1400x900 and once at 390x844 in chromium.

Each visit is a strict tab (``test_html.open_strict``): every request off 127.0.0.1 is recorded and
aborted, every console or page error recorded. The page is loaded, MathJax has typeset its math,
the claims ledger's DataTable is drawn and the images shown have loaded; then the visit runs every
check that applies to the page at that width. A check is a function of the tab that returns its
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
- ``strict``: no request left 127.0.0.1, no console or page error.

At 390x844: ``phone figures`` (pages with figures: the phone copies are shown, no text below 8 pt;
then a full-page screenshot into ``_build/shots/figures-390-<page>.png``), ``fit`` and ``strict``.
"""

from __future__ import annotations

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
    """A strict tab of ``size`` with ``page`` loaded, its math typeset, the claims ledger's table
    drawn and its shown images loaded: (context, tab, external requests, errors)."""
    ctx, tab, external, errors = test_html.open_strict(browser, size)
    tab.goto(urljoin(server, page), wait_until="load")
    tab.wait_for_load_state("networkidle")
    tab.evaluate("() => window.MathJax?.startup?.promise")
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
            figures.SHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(figures.SHOTS / f"figures-390-{Path(page).stem}.png"), full_page=True)
        problems += test_html.fit_problems(tab)
        problems += test_html.strict_problems(external, errors)
    finally:
        ctx.close()
    assert not problems, f"{page} at 390x844:\n" + "\n".join(problems)

