"""The claims ledger page works in a real browser, offline: search, sort, sticky header, fit.

Uses the server and browser fixtures of ``test_html.py`` and its strict tab (every request off
127.0.0.1 is aborted and recorded, every console or page error recorded). The interactive table is
itables' offline bundle (DataTables); the expected rows come from ``data/claims.csv``, not from
the page.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_html  # noqa: E402

SITE = test_html.SITE
server, browser = test_html.server, test_html.browser  # the fixtures, reused
PAGE = "book/claims_ledger.html"
CLAIMS = Path(__file__).resolve().parents[2] / "data" / "claims.csv"
WORD = "Sutskever"  # a name that occurs in a few claims, not in any section or chapter title
E_NOTATION = re.compile(r"\d[eE][+-]?\d")


def claims() -> list[dict]:
    with CLAIMS.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def open_ledger(browser, viewport=(1400, 900)):
    ctx, tab, external, errors = test_html.open_strict(browser)
    tab.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    return ctx, tab, external, errors


def load(tab, server):
    tab.goto(urljoin(server, PAGE), wait_until="load")
    tab.wait_for_selector("#ledger-table.dataTable tbody tr", timeout=15_000)


#: Words of the shown cells that wrap inside themselves ("parameter|s"): a break after a hyphen,
#: a dash or a slash is a place a line may break, so those separate words here.
SPLIT_WORDS = """() => {
  const split = [];
  const walk = document.createTreeWalker(document.querySelector('#ledger-table tbody'), NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.parentElement.getClientRects().length) continue;
    for (const m of n.data.matchAll(/[^\\s\\-\\u2010-\\u2014\\/]+/g)) {
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      if (new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1) split.push(m[0]);
    }
  }
  return split;
}"""


def shown_ids(tab) -> list[str]:
    return tab.eval_on_selector_all("#ledger-table tbody tr", "rows => rows.map(r => r.cells[0].innerText.trim())")


pytestmark = pytest.mark.skipif(not (SITE / PAGE).exists(), reason="build the book first (make book)")


def test_search_filters_the_rows_offline(server, browser):
    ctx, tab, external, errors = open_ledger(browser)
    load(tab, server)
    everything = claims()
    first_page = shown_ids(tab)
    assert first_page == sorted(r["id"] for r in everything)[:len(first_page)], "rows are not in id order"
    assert len(first_page) > 10

    expected = sorted(r["id"] for r in everything
                      if WORD.lower() in (r["claim"] + " " + r["reason"]).lower())
    assert 0 < len(expected) < len(first_page)
    search = tab.locator("#ledger-table_wrapper .dt-search input, .dt-container:has(#ledger-table) .dt-search input")
    search.first.fill(WORD)
    tab.wait_for_function(f"() => document.querySelectorAll('#ledger-table tbody tr').length === {len(expected)}",
                          timeout=5_000)
    assert shown_ids(tab) == expected

    search.first.fill("")
    tab.wait_for_function(f"() => document.querySelectorAll('#ledger-table tbody tr').length === {len(first_page)}")
    assert not external, f"requests that leave 127.0.0.1: {external}"
    assert not errors, f"console or page errors: {errors}"
    ctx.close()


def test_the_verdict_filter_keeps_the_rows_with_that_verdict(server, browser):
    ctx, tab, external, errors = open_ledger(browser)
    load(tab, server)
    tab.select_option(".dt-length select", "-1")  # every row on one page
    tab.wait_for_function("() => document.querySelectorAll('#ledger-table tbody tr').length > 50")
    rows = tab.eval_on_selector_all("#ledger-table tbody tr", """rows => rows.map(r => [r.cells[0].innerText.trim(),
        r.querySelector('.ledger-verdict').innerText.trim()])""")
    assert len(rows) == len(claims())
    expected = sorted(i for i, v in rows if v.endswith("does not hold"))
    assert 0 < len(expected) < len(rows)

    tab.click(".dtsp-showAll")
    pane = tab.locator(".dtsp-searchPane", has=tab.locator("input[placeholder='Verdict']"))
    pane.locator("tbody td", has_text="does not hold").first.click()
    tab.wait_for_function(f"() => document.querySelectorAll('#ledger-table tbody tr').length === {len(expected)}",
                          timeout=5_000)
    assert shown_ids(tab) == expected
    assert not external and not errors, (external, errors)
    ctx.close()


def test_a_click_on_a_header_sorts(server, browser):
    ctx, tab, external, errors = open_ledger(browser)
    load(tab, server)
    tab.locator("#ledger-table thead th", has_text="Id").first.click()  # id order, reversed
    tab.wait_for_timeout(200)
    assert shown_ids(tab)[0] == max(r["id"] for r in claims())
    assert not errors, errors
    ctx.close()


@pytest.mark.parametrize("viewport", [(1400, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_table_fits_reads_and_keeps_its_header(server, browser, viewport):
    ctx, tab, external, errors = open_ledger(browser, viewport)
    load(tab, server)
    sizes = tab.evaluate("""() => { const t = document.querySelector('#ledger-table');
        return [t.getBoundingClientRect().width, t.closest('main, article, body').getBoundingClientRect().width,
                document.documentElement.scrollWidth, document.documentElement.clientWidth]; }""")
    table, column, page, screen = sizes
    assert table <= column + 1 and page <= screen, f"the ledger is wider than its column: {sizes}"

    tab.select_option("select[id^=dt-length]", "-1")  # every claim, not the first 25
    split = tab.evaluate(SPLIT_WORDS)
    assert not split, f"words broken across lines in the ledger at {viewport[0]} px: {split[:10]}"
    text = tab.inner_text("#ledger-table")
    assert not E_NOTATION.search(text), f"e-notation in the ledger: {E_NOTATION.findall(text)[:5]}"
    links = tab.eval_on_selector_all("#ledger-table a[href]", "els => els.map(e => e.innerText.trim())")
    assert links and not [t for t in links if t.lower() in ("section", "")], "links must name their section"
    verdicts = tab.eval_on_selector_all("#ledger-table .ledger-verdict", "els => els.map(e => e.innerText.trim())")
    assert verdicts and all(re.fullmatch(r"[✓≈✗–] (holds|roughly holds|does not hold|not checkable)", v)
                            for v in verdicts), set(verdicts)

    tab.evaluate("() => window.scrollTo(0, document.querySelector('#ledger-table tbody').getBoundingClientRect().top"
                 " + window.scrollY + 1500)")
    tab.wait_for_timeout(200)
    top = tab.evaluate("() => document.querySelector('#ledger-table thead th').getBoundingClientRect().top")
    assert 0 <= top <= 80, f"the header scrolled away (its top is at {top} px)"
    assert not external and not errors, (external, errors)
    ctx.close()
