"""The what-if controls on the data-wall page, in a real browser, offline: moving them changes
numbers, verdicts and figures to what ``analysis`` gives, and to what a papermill run of the chapter
(``make rerun``) glues and tabulates, for the same settings; and the page stays light.

Expected values are recomputed here from ``analysis`` (hardware, datawall, the ledger) for the
chosen settings, not read from the page's own grid; the grid itself is checked at a few points.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_html  # noqa: E402

SITE, open_strict = test_html.SITE, test_html.open_strict
server, browser = test_html.server, test_html.browser  # the fixtures, reused

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from analysis import assumptions, datawall, essays, fmt, hardware, ledger, whatif  # noqa: E402

PAGE = "book/data_wall.html"
MAX_BYTES = 3_000_000
# The settings the test moves to (each a grid value), and the button labels that choose them.
CHOSEN = {"usd_per_gpu_hour": 4.0, "mfu": 0.6, "flop_basis": "sparse", "text_stock_tokens": 1.0e15,
          "fit": "chinchilla_2", "max_epochs": 64.0, "distillation_multiplier": 1.0}
BUTTONS = ["$4.00", "60%", "sparse", "1,000T", "64", "1.0×"]
# A JS helper that turns BokehJS values (Maps, typed arrays) into plain JSON.
PLAIN = """(x) => { const f = (v) => v instanceof Map ? Object.fromEntries([...v].map(([k, w]) => [k, f(w)]))
  : (ArrayBuffer.isView(v) || Array.isArray(v)) ? Array.from(v, f)
  : (v && typeof v === 'object' && v.constructor === Object) ? Object.fromEntries(Object.entries(v).map(([k, w]) => [k, f(w)]))
  : v; return f(x); }"""


def model(tab, name: str, *path: str | int):
    """A property of the page's Bokeh model ``name`` (``path``: keys into it), as plain JSON."""
    return tab.evaluate(f"""(path) => {{ const plain = {PLAIN};
        let o = Bokeh.documents[0].get_model_by_name({name!r});
        for (const k of path) {{ o = (o instanceof Map) ? o.get(k) : o[k]; }}
        return plain(o); }}""", list(path))


def expected(settings: dict) -> dict:
    """The page's numbers for ``settings``, recomputed from analysis (not from the page's grid)."""
    a = assumptions.load().replace(**{k: v for k, v in settings.items() if k != "fit"})
    law = datawall.fits()[settings["fit"]]
    cost = dict(usd_per_gpu_hour=a.usd_per_gpu_hour, mfu=a.mfu, gpu=datawall.H100, precision="fp8",
                flop_basis=a.flop_basis)
    flops = hardware.usd_to_flops(essays.value("B33"), **cost)
    usable = datawall.usable_tokens(datawall.unique_stock_tokens(a.text_stock_tokens), a.max_epochs) \
        * a.distillation_multiplier
    wall = datawall.wall_flops(usable, law)
    return {"flops": flops, "usable": usable, "wall": wall,
            "wi-flops-1b": fmt.sci(flops), "wi-usable": fmt.tokens(usable), "wi-wall-flops": fmt.sci(wall),
            "wi-wall-usd": fmt.usd(hardware.flops_to_usd(wall, **cost)),
            "wi-tokens-1b": fmt.tokens(datawall.optimal_tokens(flops, law)),
            "wi-year": fmt.year(datawall.dataset_year(usable)),
            "verdicts": {cid: ledger.verdict_of(cid, a) for cid in ("B33", "B36", "B37", "B79")},
            "b79": ledger.row("B79", a)["recomputed"]}


def select_fit(tab, key: str):
    label = datawall.fits()[key].name + (" (book)" if key == whatif.DEFAULT_FIT else "")
    tab.locator(".bk-Select select, select").filter(has=tab.locator("option", has_text=label)).first \
        .select_option(label=label)


def move(tab, fit: str):
    """Click the chosen grid values (BUTTONS) and pick ``fit`` in the menu."""
    for label in BUTTONS:
        tab.get_by_role("button", name=label, exact=True).click()
    select_fit(tab, fit)
    tab.wait_for_timeout(300)


def read(tab) -> dict:
    out = {cls: tab.locator(f".{cls}").inner_text() for cls in
           ("wi-flops-1b", "wi-usable", "wi-wall-flops", "wi-wall-usd", "wi-tokens-1b", "wi-year")}
    out["verdicts"] = {cid: tab.locator(f".wi-verdict-{cid}").inner_text() for cid in ("B33", "B36", "B37", "B79")}
    return out


def check(tab, want: dict):
    got = read(tab)
    for key, text in got.items():
        assert text == want[key], f"{key}: page {text!r}, analysis {want[key]!r}"
    assert math.isclose(model(tab, "wi-budget-line", "location"), want["flops"], rel_tol=1e-9)
    assert math.isclose(model(tab, "wi-usable-line", "location"), want["usable"], rel_tol=1e-9)
    assert math.isclose(model(tab, "wi-wall-point", "data", "x", 0), want["wall"], rel_tol=1e-9)


@pytest.fixture()
def tab(server, browser):
    if not (SITE / PAGE).exists():
        pytest.fail(f"{SITE / PAGE} is missing: build the book first (make book)")
    ctx, t, external, errors = open_strict(browser)
    t.goto(urljoin(server, PAGE), wait_until="load")
    t.wait_for_function("() => window.Bokeh?.documents?.length > 0")
    t.locator(".wi-wall-usd").wait_for()
    yield t
    assert not external, f"requests that leave 127.0.0.1: {external}"
    assert not errors, f"console or page errors: {errors}"
    ctx.close()


def test_defaults_are_the_books_and_say_so(tab):
    a = assumptions.load()
    defaults = {k: (whatif.DEFAULT_FIT if k == "fit" else a[k]) for k in whatif.KNOBS}
    check(tab, expected(defaults))
    assert "book's defaults" in tab.locator(".wi-state").inner_text()
    assert tab.locator("a[href='rerun.html']").count() >= 1


def test_moving_the_controls_changes_number_verdict_and_figure(tab):
    before = read(tab)
    move(tab, CHOSEN["fit"])
    want = expected(CHOSEN)
    check(tab, want)
    after = read(tab)
    assert after["wi-wall-usd"] != before["wi-wall-usd"]
    assert after["verdicts"] != before["verdicts"], "no ledger verdict moved"
    assert model(tab, "wi-curve", "data", "y") == pytest.approx(
        list(datawall.optimal_tokens(whatif.CURVE_FLOPS, datawall.fits()[CHOSEN["fit"]])), rel=1e-9)
    ours = tab.locator(".wi-ours-B79").inner_text()
    assert ours == fmt.usd(want["b79"], 3)  # the ledger table's "Ours" (three digits)
    assert "Changed from the book's defaults" in tab.locator(".wi-state").inner_text()
    assert "usd_per_gpu_hour=4.0" in tab.locator(".wi-state").locator("xpath=..").inner_text()


def test_embedded_grid_matches_analysis(tab):
    """The grid the page carries (the callback's arguments) against analysis, at a few points."""
    tables = model(tab, "wi-callback", "args", "tables")
    claims = model(tab, "wi-callback", "args", "claims")
    g = whatif.grid()
    assert whatif.grid_size(g) == math.prod(len(v) for v in g.values())
    a = assumptions.load()
    points = [{k: (whatif.DEFAULT_FIT if k == "fit" else a[k]) for k in g}, CHOSEN,
              {k: v[0] for k, v in g.items()}, {k: v[-1] for k, v in g.items()}]
    for p in points:
        want = expected(p)
        for key, name in (("wi-flops-1b", "flops_1b"), ("wi-wall-usd", "wall_usd"), ("wi-year", "year"),
                          ("wi-tokens-1b", "tokens_1b")):
            assert whatif.lookup(tables[name], g, p) == want[key], (p, name)
        for c in claims:
            if c["id"] in want["verdicts"]:
                assert whatif.lookup(c["verdict"], g, p) == want["verdicts"][c["id"]], (p, c["id"])


def test_page_and_its_library_stay_under_3_mb(server, browser):
    """The data-wall page with its plotting library (inlined into it), grid and figures stays under
    3 MB. The theme's files under _static/ (fonts, icons, styles, MathJax) and the search index,
    which every page of the book loads and the browser caches, are counted apart and only reported."""
    ctx, t, external, errors = open_strict(browser)
    sizes = {}
    t.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if r.ok else None)
    t.goto(urljoin(server, PAGE), wait_until="networkidle")
    theme = {u: n for u, n in sizes.items() if "/_static/" in u or u.endswith("/searchindex.js")}
    own = {u: n for u, n in sizes.items() if u not in theme}
    assert sum(own.values()) < MAX_BYTES, f"the data-wall page and its library load {sum(own.values())} bytes: {own}"
    assert (SITE / PAGE).stat().st_size < MAX_BYTES
    assert not external and not errors, (external, errors)
    print(f"data-wall page with the what-if controls: {sum(own.values())} bytes (its figures included); "
          f"theme files and search index shared by every page: {sum(theme.values())} bytes")
    ctx.close()


def verdict_rows(nb) -> dict[str, list[str]]:
    """The chapter's verdicts table (tbl-data-wall-verdicts) in an executed notebook: id -> cells."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/markdown", "")
            if ":name: tbl-data-wall-verdicts" in text:
                return {cells[0]: cells for line in text.splitlines() if line.startswith("| B")
                        for cells in [[c.strip() for c in line.strip().strip("|").split(" | ")]]}
    raise AssertionError("no tbl-data-wall-verdicts table in the papermill run")


def test_same_settings_as_a_papermill_run_of_the_data_wall_chapter(tab, tmp_path, monkeypatch):
    """What ``make rerun CHAPTER=data_wall SET=...`` gives for the same settings: the verdicts the
    chapter glues, its verdicts table's rows, and the cost and compute of the wall under the fit
    whose wall comes first (the chapter's "unique, repeated" minimum, with distillation at 1, which
    the chapter's own tables do not apply); the figure's wall and usable text are those numbers."""
    import nbformat
    import papermill as pm

    from tools.rerun import glued

    settings = {k: v for k, v in CHOSEN.items() if k != "fit"}
    monkeypatch.setenv("REPORT_FIGURE_DIR", str(tmp_path / "figures"))
    monkeypatch.setenv("REPORT_FIGURE_DRAFT", "1")  # only the glued numbers and the table are compared
    src = Path(__file__).resolve().parents[2] / "book" / "data_wall.ipynb"
    out = tmp_path / "data_wall.ipynb"
    pm.execute_notebook(str(src), str(out), parameters={**settings, "mc_draws": 1000}, cwd=str(src.parent),
                        kernel_name="python3", progress_bar=False)
    run, table = glued(out), verdict_rows(nbformat.read(out, as_version=4))
    a = assumptions.load().replace(**settings)
    walls = datawall.wall_table(text_stock_tokens=a.text_stock_tokens, max_epochs=a.max_epochs,
                                overtrain_factor=a.overtrain_factor, usd_per_gpu_hour=a.usd_per_gpu_hour, mfu=a.mfu,
                                gpu=a.gpu, precision=a.precision, flop_basis=a.flop_basis)
    first = walls["flops_repeated"].idxmin()
    before = {cid: tab.locator(f".wi-verdict-{cid}").inner_text() for cid in ("B36", "B37", "B79")}
    move(tab, first)
    # glued numbers
    assert tab.locator(".wi-wall-usd").inner_text() == run["dw_wall_usd_repeated_min"]
    assert tab.locator(".wi-wall-flops").inner_text() == run["dw_wall_flops_repeated_min"]
    assert tab.locator(".wi-usable").inner_text() == run["dw_wall_tokens_repeated"]
    # ledger verdicts, glued and in the chapter's verdicts table (with our number as it prints it)
    after = {}
    for cid in ("B36", "B37", "B79"):
        after[cid] = tab.locator(f".wi-verdict-{cid}").inner_text()
        assert after[cid] == run[f"dw_verdict_{cid}"] == table[cid][5], cid
        assert tab.locator(f".wi-ours-{cid}").inner_text() == table[cid][3], cid
    assert after != before, "no ledger verdict moved"
    # the figure: the wall's dot and the usable-text line at the run's numbers
    assert fmt.sci(model(tab, "wi-wall-point", "data", "x", 0)) == run["dw_wall_flops_repeated_min"]
    assert fmt.tokens(model(tab, "wi-usable-line", "location")) == run["dw_wall_tokens_repeated"]
