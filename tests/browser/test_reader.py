"""What a reader sees in the built book: one judge, findings first, one number style, numbered tables.

- Every verdict a page states for a claim id is the ledger's verdict for that id, and no page uses a
  verdict word outside the ledger's vocabulary (the book never contradicts itself).
- Each chapter's first screen (1400x900) shows its title and its "In brief" box (checked in
  ``test_pages.py``'s visit of the chapter at 1400x900).
- No page's visible text shows a number in e-notation (``2e+27``, ``7e25``) outside code.
- Every table shown as a result in a chapter is numbered ("Table N").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from analysis import ledger
from tests.browser.test_html import SITE, pages

VERDICT_WORDS = sorted(ledger.VERDICTS, key=len, reverse=True)
#: Words chapters used before there was one judge; none may come back.
FOREIGN_VERDICTS = re.compile(r"\b(overstated|understated|holds in substance|partly holds|approximately holds|"
                              r"broadly holds|mostly holds|does not quite hold|roughly right|half right)\b", re.I)
CLAIM_ID = re.compile(r"\b([AB]\d{2})\b")
E_NOTATION = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][+-]?\d+\b")


class _Text(HTMLParser):
    """A page's article: its prose blocks (paragraphs, list items) and its tables (rows of cells),
    with code, scripts and hidden outputs left out."""

    SKIP = {"script", "style", "pre", "code", "kbd", "samp", "noscript", "svg", "math", "details"}
    PROSE = {"p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "caption", "figcaption"}

    def __init__(self):
        super().__init__()
        self.prose, self.tables = [], []
        self._buf, self._cell, self._row, self._skip, self._in = [], None, None, 0, 0

    def handle_starttag(self, tag, attrs):
        if tag in ("article", "main"):
            self._in += 1
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in self.PROSE and self._cell is None:
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append(self._row)
            self._row = None
        elif tag in self.PROSE and self._cell is None:
            self._flush()
        if tag in ("article", "main") and self._in:
            self._in -= 1

    def handle_data(self, data):
        if not self._in or self._skip:
            return
        (self._cell if self._cell is not None else self._buf).append(data)

    def _flush(self):
        text = " ".join("".join(self._buf).split())
        if text:
            self.prose.append(text)
        self._buf = []


def parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    parser._flush()
    return parser


def parsed(page: str) -> _Text:
    return parse((SITE / page).read_text(errors="ignore"))


def blocks(page: str) -> list[str]:
    p = parsed(page)
    return p.prose + [" ".join(row) for table in p.tables for row in table]


def chapter_pages() -> list[str]:
    return [p for p in pages() if p.startswith("book/") and (SITE.parent.parent / p.replace(".html", ".ipynb")).exists()
            and p not in ("book/status.html", "book/data_sources.html")]


@pytest.fixture(scope="module")
def verdicts():
    df = ledger.ledger()
    return dict(zip(df["id"], df["verdict"], strict=True))


def _said(text: str) -> list[str]:
    """The vocabulary verdicts a text states (the longest match: "roughly holds", not also "holds")."""
    stated = [w for w in VERDICT_WORDS if re.search(rf"\b{w}\b", text, re.I)]
    return [w for w in stated if not any(w != o and w in o for o in stated)]


def verdict_problems(doc: _Text, verdicts: dict) -> tuple[list[str], list[str]]:
    """(verdicts that differ from the ledger, verdict words outside its vocabulary) in a page."""
    wrong, foreign = [], []
    for text in doc.prose + [c for t in doc.tables for r in t for c in r]:
        foreign += [f"{m.group(0)!r} in {text[:160]!r}" for m in FOREIGN_VERDICTS.finditer(text)]
    # tables with a verdict column: the verdict in each row is the ledger's for the row's claim id
    for table in doc.tables:
        header = next((r for r in table if any(re.fullmatch(r"verdict.*", c, re.I) for c in r)), None)
        if header is None:
            continue
        col = next(i for i, c in enumerate(header) if re.fullmatch(r"verdict.*", c, re.I))
        for row in table:
            if row is header or len(row) != len(header):
                continue
            ids = [i for i in CLAIM_ID.findall(row[0] if CLAIM_ID.search(row[0]) else " ".join(row[:2])) if i in verdicts]
            said = _said(row[col])
            if len(set(ids)) == 1 and said and verdicts[ids[0]] not in said:
                wrong.append(f"{ids[0]}: table says {said}, ledger says {verdicts[ids[0]]!r}")
    # prose: "(B37: does not hold)", and any sentence about one claim id that states a verdict
    pair = re.compile(r"\b([AB]\d{2})\b\s*[:,]?\s*(" + "|".join(VERDICT_WORDS) + r")\b", re.I)
    for text in doc.prose:
        for m in pair.finditer(text):
            if m.group(1) in verdicts and _said(m.group(2)) != [verdicts[m.group(1)]]:
                wrong.append(f"{m.group(1)}: text says {m.group(2)!r}, ledger says {verdicts[m.group(1)]!r}")
        for sentence in re.split(r"(?<=[.;])\s+", text):
            ids = {i for i in CLAIM_ID.findall(sentence) if i in verdicts}
            said = _said(sentence)
            if len(ids) == 1 and said and verdicts[next(iter(ids))] not in said:
                cid = next(iter(ids))
                wrong.append(f"{cid}: text says {said}, ledger says {verdicts[cid]!r}: {sentence[:200]!r}")
    return wrong, foreign


def test_verdict_check_can_fail():
    page = ("<article><table><tr><th>Claim id</th><th>Verdict</th></tr><tr><td>B01</td><td>holds</td></tr></table>"
            "<p>The price claim (B02: roughly holds) is fine.</p><p>B03 is overstated.</p></article>")
    wrong, foreign = verdict_problems(parse(page), {"B01": "does not hold", "B02": "holds", "B03": "holds"})
    assert {w[:3] for w in wrong} == {"B01", "B02"} and len(foreign) == 1, (wrong, foreign)


@pytest.mark.parametrize("page", pages())
def test_every_stated_verdict_is_the_ledgers(page, verdicts):
    wrong, foreign = verdict_problems(parsed(page), verdicts)
    assert not foreign, f"{page}: verdict words outside the ledger's vocabulary:\n" + "\n".join(foreign)
    assert not wrong, f"{page}: verdicts that differ from the ledger:\n" + "\n".join(wrong)


@pytest.mark.parametrize("page", pages())
def test_no_e_notation_in_visible_text(page):
    found = [f"{m.group(0)!r} in {t[:160]!r}" for t in blocks(page) for m in E_NOTATION.finditer(t)]
    assert not found, f"{page}: numbers in e-notation outside code:\n" + "\n".join(found[:10])


def _numbered_blocks(html: str) -> list[tuple[int, int]]:
    """The spans of the numbered interactive tables (``<div class="numbered-table">``, whose
    caption carries the table's number) in ``html``."""
    spans = []
    for m in re.finditer(r'<div\b[^>]*\bclass="[^"]*\bnumbered-table\b[^"]*"[^>]*>', html):
        depth, end = 0, len(html)
        for t in re.finditer(r"<(/?)div\b", html[m.start():]):
            depth += -1 if t.group(1) else 1
            if depth == 0:
                end = m.start() + t.end()
                break
        caption = re.search(r'<p class="caption[^"]*">(.*?)</p>', html[m.start():end], re.S)
        if caption and "caption-number" in caption.group(1):
            spans.append((m.start(), end))
    return spans


def unnumbered_tables(html: str) -> list[str]:
    """The tables of a page's HTML that carry no number: neither a numbered caption of their own
    nor one of a numbered interactive table around them. Collapsed blocks (the assumptions in
    use) and scripts are left out: they are not results."""
    html = re.sub(r"<details\b.*?</details>|<script\b.*?</script>", "", html, flags=re.S)
    inside = _numbered_blocks(html)
    found = []
    for m in re.finditer(r"<table\b[^>]*>(.*?)</table>", html, re.S):
        head = m.group(1)[:600]
        if "caption-number" in head or "Table" in head or any(a < m.start() < b for a, b in inside):
            continue
        found.append(re.sub(r"<[^>]+>", " ", head)[:120])
    return found


def test_numbered_table_check_can_fail():
    numbered = ('<div class="numbered-table" id="tbl-x"><p class="caption numbered-table-caption">'
                '<span class="caption-number">Table 3 </span>Claims</p><div><table id="t"><tr><td>A01</td></tr>'
                '</table></div></div>')
    bare = '<div class="numbered-table" id="tbl-y"><p class="caption">Claims</p><table><tr><td>1</td></tr></table></div>'
    assert unnumbered_tables(numbered) == []
    assert len(unnumbered_tables(bare)) == 1
    assert len(unnumbered_tables('<table hidden="hidden"><tr><td>1</td></tr></table>')) == 1


@pytest.mark.parametrize("page", chapter_pages())
def test_result_tables_are_numbered(page):
    unnumbered = unnumbered_tables((SITE / page).read_text(errors="ignore"))
    assert not unnumbered, f"{page}: tables without a number and caption:\n" + "\n".join(unnumbered)


def first_screen_problems(tab) -> list[str]:
    """The page's first screen (its viewport, 1400x900 for a chapter) shows its title and the top
    of its "In brief" box."""
    screen = tab.viewport_size["height"]
    title = tab.locator("article h1").first
    box = tab.locator("article .admonition").filter(has_text=re.compile("In brief", re.I)).first
    problems = []
    if not (title.count() and title.bounding_box()["y"] < screen):
        problems.append("no title on the first screen")
    if not box.count():
        problems.append("no 'In brief' box")
    elif box.bounding_box()["y"] >= screen:
        problems.append("the 'In brief' box starts below the first screen")
    return [f"first screen: {p}" for p in problems]
