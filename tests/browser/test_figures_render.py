"""Figures as a reader sees them: text size, sharpness, alt text and themes, in chromium.

For every figure of every page at 1400x900, the smallest text as displayed is the smallest font
size in the figure's exported SVG (points; one SVG unit is 1 pt) times the image's displayed
width over its natural width at 96 CSS px per inch; it must be at least 8 pt. The image must be
2x (HiDPI), no wider than its column, with alt text from its caption. At 390x844 figures with a
phone copy (panels stacked, or drawn narrower) show it, and every figure, phone copy or not, shows no
text below 8 pt as displayed, except those in :data:`EXEMPT` (a list to empty); the figures in
:data:`PHONE_COPIES` must have a copy. The two checks are :func:`legible_problems` and
:func:`phone_figure_problems`, run by ``test_pages.py`` in its visit of each page with figures at
each width. In dark mode the plate is inverted, not dimmed (tested here). Screenshots go to
``_build/shots/figures-*.png``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_html  # noqa: E402

SITE, pages = test_html.SITE, test_html.pages
server, browser = test_html.server, test_html.browser  # the fixtures, reused

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from analysis.figures import MIN_FONT_PT, svg_text_sizes  # noqa: E402

SHOTS = SITE.parent / "shots"


def png_dpi(path: Path) -> float:
    """Pixels per inch from a PNG's pHYs chunk (matplotlib writes the savefig dpi there)."""
    data = path.read_bytes()
    i = data.find(b"pHYs")
    assert i > 0, f"{path}: no pHYs chunk"
    ppm = int.from_bytes(data[i + 4:i + 8], "big")
    assert data[i + 12] == 1, f"{path}: pHYs unit is not the metre"
    return ppm * 0.0254


def figure_pages() -> list[str]:
    return [p for p in pages() if 'class="figure-export' in (SITE / p).read_text(errors="ignore")
            or re.search(r'<figure[^>]*\bid="fig-', (SITE / p).read_text(errors="ignore"))]


MEASURE = """() => [...document.querySelectorAll('figure[id^="fig-"]')].map(f => {
  const img = f.querySelector('img.figure-image:not(.figure-narrow)') || f.querySelector('img');
  const narrow = f.querySelector('img.figure-narrow');
  const col = f.closest('article') || document.querySelector('main');
  const vis = el => !!el && getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().width > 0;
  const cap = f.querySelector('figcaption .caption-text') || f.querySelector('figcaption');
  return {id: f.id, shown: img.getBoundingClientRect().width, natural: img.naturalWidth,
          alt: img.getAttribute('alt') || '', caption: cap ? cap.textContent : '',
          column: col.getBoundingClientRect().width, wideVisible: vis(img),
          narrowVisible: vis(narrow), narrowShown: narrow ? narrow.getBoundingClientRect().width : 0,
          narrowNatural: narrow ? narrow.naturalWidth : 0, filter: getComputedStyle(img).filter,
          cite: (f.querySelector('.figure-cite') || {}).textContent || ''};
})"""


def open_page(browser, server, page, *, width, height, dark=False):
    ctx = browser.new_context(viewport={"width": width, "height": height},
                              color_scheme="dark" if dark else "light")
    ctx.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
    tab = ctx.new_page()
    tab.goto(server + page, wait_until="load")
    test_html.load_images(tab)
    return ctx, tab


def test_some_pages_have_figures():
    assert len(figure_pages()) >= 3, figure_pages()


def legible_problems(tab, site: Path = SITE) -> list[str]:
    """At 1400x900: each figure's smallest text as displayed is at least 8 pt (measured from its
    exported SVG in ``site``), its image is 2x and no wider than its column, its alt text is the
    caption's first sentence and its cite line is whole."""
    test_html.load_images(tab)  # the shown images, for their natural width
    figs = tab.evaluate(MEASURE)
    if not figs:
        return ["legible: no figures found"]
    problems = []
    for f in figs:
        name = f["id"]
        svg = site / "figures" / f"{name}.svg"
        _, sizes = svg_text_sizes(svg)  # the font sizes, in pt, of the figure as drawn
        # the image's width at 96 CSS px per inch (true size): its pixels over its dpi
        natural_css = f["natural"] / png_dpi(site / "figures" / f"{name}.png") * 96
        displayed_pt = min(sizes) * f["shown"] / natural_css
        if displayed_pt < MIN_FONT_PT - 0.05:
            problems.append(f"{name}: smallest text {displayed_pt:.2f} pt as displayed "
                            f"(font {min(sizes)} pt, shown {f['shown']:.0f} px of {natural_css:.0f})")
        if f["natural"] < 1.9 * f["shown"]:
            problems.append(f"{name}: not HiDPI ({f['natural']} px image shown at {f['shown']:.0f} px)")
        if f["shown"] > f["column"] + 0.5:
            problems.append(f"{name}: {f['shown']:.0f} px wide in a {f['column']:.0f} px column")
        alt = f["alt"]
        if not alt or re.search(r"_images|\.png|\.svg|/", alt) or not f["caption"].strip().startswith(alt[:40]):
            problems.append(f"{name}: alt text {alt!r} is not the caption's first sentence")
        if not re.match(rf"Cite: .+, Fig\. \d+ \({name}\), version \S+, \S+#{name}$", f["cite"].strip()):
            problems.append(f"{name}: cite line {f['cite']!r}")
    return [f"legible: {p}" for p in problems]


#: Figures that must have a copy for phones (two panels side by side, or too much text to shrink).
PHONE_COPIES = {"fig-inference-shift-optimum", "fig-inference-shift-verifiers", "fig-small-models-precision",
                "fig-smaller-models-multipliers", "fig-ledger-ratios", "fig-inference-shift-laptop",
                "fig-inference-shift-lifetime"}


#: Figures still allowed to show text below 8 pt on a phone, until they get a copy for phones
#: (``export(..., narrow=True)`` or a figure drawn for phones). Remove a name when its copy exists;
#: the aim is an empty set.
EXEMPT: set[str] = set()  # every figure of the book has a phone copy or fits a phone as it is


def test_exemptions_are_still_needed():
    """A figure that has its copy for phones leaves :data:`EXEMPT` (so the list only shrinks)."""
    done = sorted(n for n in EXEMPT if (SITE / "figures" / f"{n}-narrow.png").exists())
    assert not done, f"these figures have a copy for phones now: remove them from EXEMPT: {done}"


def test_the_phone_copies_exist():
    missing = sorted(n for n in PHONE_COPIES if not (SITE / "figures" / f"{n}-narrow.png").exists())
    assert not missing, f"figures without a copy for phones (<name>-narrow.png): {missing}"


def phone_figure_problems(tab, site: Path = SITE) -> list[str]:
    """At 390x844 a figure's phone copy replaces it, shown at least 90% size, and the smallest text
    of every figure as displayed (the copy's, or the wide figure's shrunk to the phone's column) is
    at least 8 pt, measured as at 1400 from the SVG in ``site``; figures in :data:`EXEMPT` may still
    be smaller. The figures in :data:`PHONE_COPIES` have a copy."""
    test_html.load_images(tab)  # the shown images, for their natural width
    problems = []
    for f in tab.evaluate(MEASURE):
        narrow = site / "figures" / f"{f['id']}-narrow.png"
        if f["id"] in PHONE_COPIES and not narrow.exists():
            problems.append(f"{f['id']}: no copy for phones")
        if narrow.exists():
            if f["wideVisible"] or not f["narrowVisible"]:
                problems.append(f"{f['id']}: the phone copy is not the one shown")
            elif f["narrowShown"] < 0.9 * f["narrowNatural"] / 2:
                problems.append(f"{f['id']}: phone copy shrunk to {f['narrowShown']:.0f} px "
                                f"of {f['narrowNatural'] / 2:.0f}")
            else:
                _, sizes = svg_text_sizes(narrow.with_suffix(".svg"))
                natural_css = f["narrowNatural"] / png_dpi(narrow) * 96
                displayed_pt = min(sizes) * f["narrowShown"] / natural_css
                if displayed_pt < MIN_FONT_PT - 0.05:
                    problems.append(f"{f['id']}: smallest text {displayed_pt:.2f} pt as displayed on a phone "
                                    f"(font {min(sizes)} pt, shown {f['narrowShown']:.0f} px of {natural_css:.0f})")
        elif f["id"] not in EXEMPT:
            _, sizes = svg_text_sizes(site / "figures" / f"{f['id']}.svg")
            natural_css = f["natural"] / png_dpi(site / "figures" / f"{f['id']}.png") * 96
            displayed_pt = min(sizes) * f["shown"] / natural_css
            if displayed_pt < MIN_FONT_PT - 0.05:
                problems.append(f"{f['id']}: smallest text {displayed_pt:.2f} pt as displayed on a phone, "
                                "with no copy for phones (export(..., narrow=True) or a figure drawn for phones)")
        if max(f["shown"], f["narrowShown"]) > f["column"] + 0.5:
            problems.append(f"{f['id']}: wider than its column")
    return [f"phone figures: {p}" for p in problems]


@pytest.mark.parametrize("page", figure_pages()[:2])
def test_dark_mode_inverts_the_plate(server, browser, page):
    ctx, tab = open_page(browser, server, page, width=1400, height=900, dark=True)
    assert tab.evaluate("document.documentElement.dataset.theme") == "dark"
    figs = tab.evaluate(MEASURE)
    tab.screenshot(path=str(SHOTS / f"figures-1400-dark-{Path(page).stem}.png"), full_page=False)
    ctx.close()
    bad = [f["id"] for f in figs if "invert" not in f["filter"]]
    assert not bad, f"{page}: figures not inverted in dark mode: {bad}"
