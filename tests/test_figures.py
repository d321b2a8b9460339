"""House style and export: figures fit the column, no text below 8 pt as displayed, 2x PNGs.

The sizes are checked against closed forms (an SVG is written in points, 72 per inch; the book
shows figures at 96 CSS px per inch, at most the ~784 px column), not against export's own output.
The last test measures every figure of the built book from its exported SVG.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from analysis import figures  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import sphinx_figure_downloads as ext  # noqa: E402

COLUMN_PX = 784  # the content column at 1400x900 (measured in the browser)
PT_PER_CSS_PX = 72 / 96


def png_size(path):
    with open(path, "rb") as f:
        return png_size_of(f.read(24))


def png_size_of(head: bytes):
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def displayed_min_pt(svg, column_px=COLUMN_PX):
    """Smallest text as displayed: font size x (displayed width / natural width at 96 px/in)."""
    width_pt, sizes = figures.svg_text_sizes(svg)
    natural_px = width_pt / PT_PER_CSS_PX
    return min(sizes) * min(1.0, column_px / natural_px)


@pytest.fixture
def outdir(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORT_FIGURE_DIR", str(tmp_path))
    figures.use_style()
    plt.close("all")  # figures another test in this process left open
    return tmp_path


def wide_two_panel():
    """The kind of figure the issue saw: 9.6 in wide, 6.5 pt legends and labels."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(9.6, 3.8))
    x = np.linspace(1, 10, 30)
    a.plot(x, x**2, label="square")
    a.plot(x, x**1.5, label="power 1.5")
    a.legend(fontsize=6.5)
    a.set_xlabel("training compute (FLOP)")
    b.semilogy(x, np.exp(x))
    b.annotate("small note", (5, 100), fontsize=6)
    b.tick_params(labelsize=6)
    fig.legend(*a.get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=7)
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    return fig


def test_svg_text_sizes_reads_points(tmp_path):
    fig = plt.figure(figsize=(5.0, 2.0))
    fig.text(0.5, 0.5, "twelve", fontsize=12)
    fig.text(0.2, 0.2, "seven", fontsize=7)
    with plt.rc_context({"svg.fonttype": "none", "savefig.bbox": None}):
        fig.savefig(tmp_path / "s.svg")  # no tight bbox: the page is the figure, 5 in = 360 pt
    plt.close(fig)
    width_pt, sizes = figures.svg_text_sizes(tmp_path / "s.svg")
    assert width_pt == pytest.approx(5.0 * 72)
    assert sorted(sizes) == [7.0, 12.0]


def test_svg_text_sizes_rejects_text_as_paths(tmp_path):
    fig = plt.figure(figsize=(2, 1))
    fig.text(0.5, 0.5, "x")
    with plt.rc_context({"svg.fonttype": "path"}):
        fig.savefig(tmp_path / "p.svg")
    plt.close(fig)
    with pytest.raises(ValueError, match="no <text> with a font size"):
        figures.svg_text_sizes(tmp_path / "p.svg")


def test_wide_figure_fits_column_and_no_text_below_8pt(outdir):
    figures.export(wide_two_panel(), "fig-test-wide", show=False)
    svg = outdir / "fig-test-wide.svg"
    width_pt, sizes = figures.svg_text_sizes(svg)
    assert width_pt / PT_PER_CSS_PX <= COLUMN_PX  # shown 1:1, not shrunk
    assert min(sizes) >= 8.0
    assert displayed_min_pt(svg) >= 8.0
    # the PNG is 2x: twice as many pixels as CSS px at 96 px/in
    w, h = png_size(outdir / "fig-test-wide.png")
    assert w == pytest.approx(2 * width_pt / PT_PER_CSS_PX, abs=3)


def test_wide_figure_gets_stacked_narrow_copy(outdir):
    figures.export(wide_two_panel(), "fig-test-wide", show=False)
    wide_w, wide_h = png_size(outdir / "fig-test-wide.png")
    w, h = png_size(outdir / "fig-test-wide-narrow.png")
    assert w / 2 <= 360  # fits a 390 px phone's column at 1:1
    assert h > w and h > 1.5 * wide_h  # stacked: taller than wide, panels one under the other


def test_a_draft_saves_nothing_and_shows_a_placeholder(outdir, monkeypatch):
    monkeypatch.setenv("REPORT_FIGURE_DRAFT", "1")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    figures.export(wide_two_panel(), "fig-test-wide")
    assert list(outdir.iterdir()) == []
    [image] = shown  # the cell still has its one image output (the stored outputs have one)
    assert png_size_of(image.data) == (1, 1)
    monkeypatch.delenv("REPORT_FIGURE_DRAFT")
    figures.export(wide_two_panel(), "fig-test-wide", show=False)
    assert {p.suffix for p in outdir.iterdir()} == {".png", ".svg"} and len(list(outdir.iterdir())) == 4


def _far_label(ax):
    ax.text(1e7, 0.5, "far away")  # an absurd position makes the saved image impossibly large


def _bad_mathtext(ax):
    ax.set_title(r"$\frac{1$")  # fails only when the text is drawn


@pytest.mark.parametrize(("where", "fault"), [("figure", _far_label), ("figure", _bad_mathtext),
                                              ("phone-copy", _bad_mathtext)],
                         ids=["far-label", "bad-mathtext", "bad-mathtext-on-the-phone-copy"])
@pytest.mark.parametrize("draft", [False, True], ids=["saved", "draft"])
def test_a_figure_that_cannot_be_saved_fails_in_a_draft_too(outdir, monkeypatch, draft, fault, where):
    """A figure the book's build cannot save (a label far outside its axes, as an absurd value
    would put it; mathtext that does not parse) fails in a draft too, the copy for phones as well."""
    if draft:
        monkeypatch.setenv("REPORT_FIGURE_DRAFT", "1")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    phone, pax = plt.subplots(figsize=(3.5, 3.0))
    pax.plot([0, 1], [0, 1])
    fault(ax if where == "figure" else pax)
    with pytest.raises((ValueError, TypeError)):
        figures.export(fig, "fig-test-bad", show=False, narrow=phone)


def test_the_books_cache_refuses_draft_figures(monkeypatch):
    from tools import execute

    monkeypatch.setenv("REPORT_FIGURE_DRAFT", "1")
    with pytest.raises(ValueError, match="REPORT_FIGURE_DRAFT"):
        execute.run([], execute.CACHE)


def test_wide_figure_legend_is_reflowed_not_squeezing_the_panels(outdir):
    fig, axes = plt.subplots(1, 2, figsize=(9.6, 4.0))
    for i in range(6):
        axes[0].plot([0, 1], [i, i + 1], label=f"a fairly long legend label number {i}")
    axes[1].plot([0, 1], [0, 1])
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=7)
    fig.tight_layout(rect=(0, 0.2, 1, 1))
    figures.export(fig, "fig-test-legend", show=False)
    width_pt, sizes = figures.svg_text_sizes(outdir / "fig-test-legend.svg")
    assert width_pt / PT_PER_CSS_PX <= COLUMN_PX
    assert min(sizes) >= 8.0
    panel_in = [ax.get_position().width * fig.get_size_inches()[0] for ax in axes]
    assert min(panel_in) > 2.5  # panels keep a usable width


def test_no_stacked_copy_when_a_panel_would_be_crushed(outdir):
    fig, (a, b) = plt.subplots(1, 2, figsize=(9.0, 3.5))
    a.plot([0, 1], [0, 1])
    b.barh([0, 1], [1, 2])
    b.set_yticks([0, 1], ["a very long category label that takes most of a phone's width",
                          "another long category label"])
    fig.tight_layout()
    figures.export(fig, "fig-test-crushed", show=False)
    assert (outdir / "fig-test-crushed.png").exists()
    assert not (outdir / "fig-test-crushed-narrow.png").exists()


def test_single_panel_has_no_narrow_copy_and_stale_one_is_removed(outdir):
    (outdir / "fig-test-one-narrow.png").write_bytes(b"stale")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    figures.export(fig, "fig-test-one", show=False)
    assert (outdir / "fig-test-one.png").exists()
    assert not (outdir / "fig-test-one-narrow.png").exists()


def test_export_shows_the_saved_png_at_half_its_pixel_width(outdir, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    fig, ax = plt.subplots(figsize=(5.0, 3.0))
    ax.plot([0, 1], [0, 1])
    figures.export(fig, "fig-test-shown")
    (img,) = shown
    data = (outdir / "fig-test-shown.png").read_bytes()
    assert img.data == data
    assert img.width == round(png_size(outdir / "fig-test-shown.png")[0] / 2)
    assert not plt.get_fignums()  # closed


def test_good_figure_keeps_its_size(outdir):
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("x")
    figures.export(fig, "fig-test-small", show=False)
    width_pt, sizes = figures.svg_text_sizes(outdir / "fig-test-small.svg")
    assert width_pt < 6.4 * 72  # tight bbox: at most the figure
    assert tuple(fig.get_size_inches()) == (6.4, 4.0)  # not narrowed
    assert min(sizes) == 9.0  # house tick labels


def test_export_rejects_the_narrow_suffix(outdir):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="name='fig-a-narrow' ends in '-narrow'"):
        figures.export(fig, "fig-a-narrow", show=False)
    plt.close(fig)


@pytest.mark.parametrize("n", [0, 4, True, 2.0, "2"])
def test_panels_rejects_bad_counts(n):
    with pytest.raises(ValueError, match=r"n=.* is not a panel count"):
        figures.panels(n)


@pytest.mark.parametrize("height", [1.0, 9, False, "3"])
def test_panels_rejects_bad_heights(height):
    with pytest.raises(ValueError, match=r"height=.* is outside \[2, 8\]"):
        figures.panels(2, height=height)


def test_panels_fill_the_column(outdir):
    fig, axes = figures.panels(2)
    assert len(axes) == 2
    assert fig.get_size_inches()[0] * 96 <= COLUMN_PX
    plt.close(fig)


@pytest.mark.parametrize("caption, alt", [
    ("Value of repeated data under the Muennighoff et al. law. (a) Effective data.",
     "Value of repeated data under the Muennighoff et al. law."),
    ("Distillation. (a) The Gemma 2 ablation of its Table 7: perplexity of students. (b) More.",
     "Distillation. (a) The Gemma 2 ablation of its Table 7: perplexity of students."),
    ("Costs, e.g. GPU hours. Second sentence here.", "Costs, e.g. GPU hours."),
    ("A caption with no full stop", "A caption with no full stop"),
    ("Two\n  lines of caption text. Next.", "Two lines of caption text."),
])
def test_alt_text_is_the_captions_first_sentence(caption, alt):
    assert ext.first_sentence(caption) == alt


def test_cite_line():
    assert ext.cite_text("Book", "3", "fig-a-b", "0.2.0", "https://x.org/book/a.html#fig-a-b") == (
        "Cite: Book, Fig. 3 (fig-a-b), version 0.2.0, https://x.org/book/a.html#fig-a-b")


def test_citation_metadata(tmp_path):
    cff = tmp_path / "CITATION.cff"
    cff.write_text('title: "A book"\nversion: 1.2.3\nurl: "https://example.org/book/"\n')
    assert ext.citation_metadata(cff) == {"title": "A book", "version": "1.2.3", "url": "https://example.org/book/"}
    cff.write_text("title: [unclosed\n")
    with pytest.raises(ValueError, match="CITATION.cff: not valid YAML"):
        ext.citation_metadata(cff)


BUILT = sorted(figures.FIGURE_DIR.glob("fig-*.svg")) if figures.FIGURE_DIR.exists() else []


@pytest.mark.skipif(not BUILT, reason="no exported figures: build the book first (make book)")
@pytest.mark.xdist_group("this-machine")  # beside the chapter run that rewrites these files
def test_every_built_figure_is_legible_at_1400():
    """Every exported figure of the book: smallest text >= 8 pt as displayed in the 784 px column."""
    small = {svg.stem: round(displayed_min_pt(svg), 2) for svg in BUILT}
    small = {k: v for k, v in small.items() if v < figures.MIN_FONT_PT}
    assert not small, f"figures with text below {figures.MIN_FONT_PT} pt as displayed: {small}"


PHONE_COLUMN_PX = 342  # the content column at 390x844


def long_legend_figure():
    """One panel drawn for the wide column: a long legend beside the axes, a decade on every tick."""
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    c = np.logspace(18, 30, 50)
    for i, k in enumerate([0.1, 0.2, 0.3, 0.4, 0.5]):
        ax.plot(c, c**k, label=f"a scaling law with a long name, exponent {k} (number {i})")
    ax.set(xscale="log", yscale="log", xlabel="training compute of the run, in floating-point operations",
           ylabel="compute-optimal tokens per parameter, as fitted")
    ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(numticks=20))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.tight_layout()
    return fig


def test_narrow_true_redraws_a_single_panel_for_phones(outdir):
    fig = long_legend_figure()
    figures.export(fig, "fig-test-phone", show=False, narrow=True)
    svg = outdir / "fig-test-phone-narrow.svg"
    width_pt, sizes = figures.svg_text_sizes(svg)
    assert width_pt / PT_PER_CSS_PX <= PHONE_COLUMN_PX  # shown 1:1 in the phone's column
    assert displayed_min_pt(svg, column_px=PHONE_COLUMN_PX) >= 8.0
    w, h = png_size(outdir / "fig-test-phone-narrow.png")
    assert w / 2 <= PHONE_COLUMN_PX
    # the copy is `fig` itself: its legend is under the axes, in one column, and no tick labels collide
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    r = FigureCanvasAgg(fig).get_renderer()  # export closed it
    fig.draw(r)
    (ax,) = fig.axes
    (leg,) = fig.legends
    assert ax.get_legend() is None and leg._ncols == 1
    assert leg.get_window_extent(r).y1 < ax.get_window_extent(r).y0
    assert leg.get_window_extent(r).width / fig.dpi <= figures.NARROW_WIDTH_IN
    xt = sorted((t.get_window_extent(r) for t in ax.get_xticklabels() if t.get_visible() and t.get_text()),
                key=lambda b: b.x0)
    assert len(xt) >= 2 and all(a.x1 < b.x0 for a, b in zip(xt, xt[1:], strict=False))
    assert ax.get_position().width * fig.get_size_inches()[0] >= 1.5  # a usable plot, not a sliver


def test_narrow_true_wraps_long_axis_labels():
    assert figures._wrap("compute spent / $C_{opt}(U)$ in units", 12) == "compute\nspent /\n$C_{opt}(U)$\nin units"
    assert figures._wrap("short", 40) == "short"


def test_narrow_true_warns_when_the_figure_cannot_fit(outdir):
    fig, ax = plt.subplots(figsize=(7.0, 3.0))
    ax.barh([0, 1], [1, 2])
    ax.set_yticks([0, 1], ["a_category_name_with_no_spaces_is_not_wrapped_and_is_wider_than_a_phone", "another"])
    with pytest.warns(UserWarning, match="fig-test-nofit: no copy for phones"):
        figures.export(fig, "fig-test-nofit", show=False, narrow=True)
    assert (outdir / "fig-test-nofit.png").exists()
    assert not (outdir / "fig-test-nofit-narrow.png").exists()


def test_narrow_true_wraps_long_category_names(outdir):
    fig, ax = plt.subplots(figsize=(7.2, 4.0))
    names = [f"scenario {i}: two more decades of budgets, a wider window, no cap" for i in range(6)]
    ax.barh(range(6), np.arange(1, 7), tick_label=names)
    ax.set_xlabel("width of the band")
    figures.export(fig, "fig-test-bars", show=False, narrow=True)
    svg = outdir / "fig-test-bars-narrow.svg"
    width_pt, _ = figures.svg_text_sizes(svg)
    assert width_pt / PT_PER_CSS_PX <= PHONE_COLUMN_PX
    assert displayed_min_pt(svg, column_px=PHONE_COLUMN_PX) >= 8.0
    assert all("\n" in t.get_text() for t in fig.axes[0].get_yticklabels())


def test_narrow_true_moves_a_crowded_panel_legend_under_its_panel(outdir):
    fig, (a, b) = plt.subplots(1, 2, figsize=(7.6, 3.6))
    a.plot([0, 1], [0, 1])
    for i in range(4):
        b.plot([0, 1], [i, i + 1], label=f"a legend entry that is long, number {i}")
    b.legend(loc="upper left")  # on a stacked panel of the phone's width, it covers the curves
    fig.tight_layout()
    figures.export(fig, "fig-test-stacked", show=False, narrow=True)
    svg = outdir / "fig-test-stacked-narrow.svg"
    assert figures.svg_text_sizes(svg)[0] / PT_PER_CSS_PX <= PHONE_COLUMN_PX
    assert displayed_min_pt(svg, column_px=PHONE_COLUMN_PX) >= 8.0
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    r = FigureCanvasAgg(fig).get_renderer()
    fig.draw(r)
    leg = b.get_legend()
    assert leg.get_window_extent(r).y1 < b.get_window_extent(r).y0  # under its own panel
    assert b.get_window_extent(r).y1 < a.get_window_extent(r).y0  # panels stacked
