"""What a reader sees in the built book: one judge, findings first, one number style, numbered tables.

- Every verdict a page states for a claim id is the ledger's verdict for that id, and no page uses a
  verdict word outside the ledger's vocabulary (the book never contradicts itself).
- Each chapter's first screen (1400x900) shows its title and its "In brief" box.
- No page's visible text shows a number in e-notation (``2e+27``, ``7e25``) outside code.
- Every table shown as a result in a chapter is numbered ("Table N").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest

from analysis import ledger
from tests.browser.test_html import SITE, browser, open_strict, pages, server  # noqa: F401 (fixtures)

VERDICT_WORDS = sorted(ledger.VERDICTS, key=len, reverse=True)
#: Words chapters used before there was one judge; none may come back.
FOREIGN_VERDICTS = re.compile(r"\b(overstated|understated|holds in substance|partly holds|approximately holds|"
                              r"broadly holds|mostly holds|does not quite hold|roughly right|half right)\b", re.I)
CLAIM_ID = re.compile(r"\b([AB]\d{2})\b")
E_NOTATION = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][+-]?\d+\b")


class _Text(HTMLParser):
    """Visible text of a page's article, in blocks (table rows, list items, paragraphs), code left out."""

    BLOCKS = {"tr", "li", "p", "dt", "dd", "h1", "h2", "h3", "h4", "caption", "figcaption", "div"}
    SKIP = {"script", "style", "pre", "code", "kbd", "samp", "noscript", "svg", "math"}

    def __init__(self):
        super().__init__()
        self.blocks, self._buf, self._skip, self._in_article = [], [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag in ("article", "main"):
            self._in_article += 1
        if tag in self.SKIP:
            self._skip += 1
        if tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in self.BLOCKS:
            self._flush()
        if tag in ("article", "main") and self._in_article:
            self._in_article -= 1

    def handle_data(self, data):
        if self._in_article and not self._skip:
            self._buf.append(data)

    def _flush(self):
        text = " ".join("".join(self._buf).split())
        if text:
            self.blocks.append(text)
        self._buf = []


def blocks(page: str) -> list[str]:
    parser = _Text()
    parser.feed((SITE / page).read_text(errors="ignore"))
    parser._flush()
    return parser.blocks


def chapter_pages() -> list[str]:
    return [p for p in pages() if p.startswith("book/") and (SITE.parent.parent / p.replace(".html", ".ipynb")).exists()
            and p not in ("book/status.html", "book/data_sources.html")]


@pytest.fixture(scope="module")
def verdicts():
    df = ledger.ledger()
    return dict(zip(df["id"], df["verdict"], strict=True))


@pytest.mark.parametrize("page", pages())
def test_every_stated_verdict_is_the_ledgers(page, verdicts):
    wrong, foreign = [], []
    for text in blocks(page):
        for m in FOREIGN_VERDICTS.finditer(text):
            foreign.append(f"{m.group(0)!r} in {text[:160]!r}")
        ids = [i for i in CLAIM_ID.findall(text) if i in verdicts]
        stated = [w for w in VERDICT_WORDS if re.search(rf"\b{w}\b", text, re.I)]
        if len(set(ids)) == 1 and stated:
            # a block about one claim: the verdict it states must be the ledger's
            cid = ids[0]
            said = [w for w in stated if not any(w != o and w in o for o in stated)]
            if verdicts[cid] not in said:
                wrong.append(f"{cid}: page says {said}, ledger says {verdicts[cid]!r}: {text[:200]!r}")
    assert not foreign, f"{page}: verdict words outside the ledger's vocabulary:\n" + "\n".join(foreign)
    assert not wrong, f"{page}: verdicts that differ from the ledger:\n" + "\n".join(wrong)


@pytest.mark.parametrize("page", pages())
def test_no_e_notation_in_visible_text(page):
    found = [f"{m.group(0)!r} in {t[:160]!r}" for t in blocks(page) for m in E_NOTATION.finditer(t)]
    assert not found, f"{page}: numbers in e-notation outside code:\n" + "\n".join(found[:10])


@pytest.mark.parametrize("page", chapter_pages())
def test_result_tables_are_numbered(page):
    html = (SITE / page).read_text(errors="ignore")
    unnumbered = []
    for m in re.finditer(r"<table\b[^>]*>(.*?)</table>", html, re.S):
        head = m.group(1)[:600]
        if "caption-number" not in head and "Table" not in head:
            unnumbered.append(re.sub(r"<[^>]+>", " ", head)[:120])
    assert not unnumbered, f"{page}: tables without a number and caption:\n" + "\n".join(unnumbered)


@pytest.mark.parametrize("page", chapter_pages())
def test_first_screen_shows_title_and_findings(server, browser, page):  # noqa: F811
    ctx, tab, _, _ = open_strict(browser)
    tab.set_viewport_size({"width": 1400, "height": 900})
    tab.goto(urljoin(server, page), wait_until="load")
    title = tab.locator("article h1").first
    box = tab.locator("article .admonition").filter(has_text=re.compile("In brief", re.I)).first
    try:
        assert title.count() and title.bounding_box()["y"] < 900, f"{page}: no title on the first screen"
        assert box.count(), f"{page}: no 'In brief' box"
        assert box.bounding_box()["y"] < 900, f"{page}: the 'In brief' box starts below the first screen"
    finally:
        ctx.close()
