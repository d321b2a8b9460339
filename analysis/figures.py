"""House style and export of the report's figures.

Figures are drawn for the width at which readers see them. The book's content column is about
784 CSS px wide at 1400x900, so a figure is at most :data:`MAX_WIDTH_IN` inches wide and is shown
at 96 CSS px per inch: a font size in points is then the size the reader sees, and no text is
smaller than :data:`MIN_FONT_PT`. :func:`export` enforces both (it raises smaller text to the
floor and narrows a figure that is too wide), saves the figure under a stable name derived from
its label as a 2x PNG and an SVG, ``<site>/figures/<name>.png`` and ``.svg``, and shows that same
PNG in the notebook at half its pixel width, so it is sharp on HiDPI screens. A figure with two or
more panels side by side also gets a stacked variant, ``<name>-narrow.png`` (and ``.svg``), which
the book shows instead on narrow screens (phones); ``export(..., narrow=...)`` asks for a narrowed
copy of any figure, or passes one drawn for phones. Colours are Okabe-Ito (safe for colour blindness and
greyscale) on a white plate; in dark mode the book's stylesheet (``_static/figures.css``) inverts
the plate's lightness and keeps the hues, and the downloads stay light.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from analysis.figures import use_style, export, panels
>>> use_style()
>>> fig, axes = panels(2)  # two panels, side by side, drawn to fit the column
>>> export(fig, "fig-example")  # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import re
import warnings
from pathlib import Path

import matplotlib as mpl

__all__ = [
    "PALETTE", "FIGURE_DIR", "MAX_WIDTH_IN", "NARROW_WIDTH_IN", "MIN_FONT_PT", "CSS_PX_PER_IN",
    "use_style", "export", "figure_dir", "panels", "svg_text_sizes",
]

#: Okabe-Ito colour-blind-safe palette (black last: reserved for reference lines).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

#: CSS pixels per inch (the CSS reference: 1 in = 96 px = 72 pt). Figures are shown at this scale.
CSS_PX_PER_IN = 96
#: The widest figure (after the tight bounding box), in inches: 760 CSS px, inside the ~784 px
#: content column at 1400x900, so figures are shown at 1:1 there and no text is shrunk.
MAX_WIDTH_IN = 760 / CSS_PX_PER_IN
#: Width of the stacked variant for narrow screens: the content column at 390 px is 342 px.
NARROW_WIDTH_IN = 340 / CSS_PX_PER_IN
#: The smallest font size, in points as displayed (1 pt = 4/3 CSS px).
MIN_FONT_PT = 8.0
#: Pixel density of the PNGs: 2x the display scale (sharp on HiDPI screens).
PNG_DPI = 2 * CSS_PX_PER_IN

_ROOT = Path(__file__).resolve().parent.parent
#: Where figures go for the book build: copied into the site as ``figures/`` (html_extra_path).
FIGURE_DIR = _ROOT / "_build" / "site-extra" / "figures"
_NAME = re.compile(r"^fig-[a-z0-9]+(-[a-z0-9]+)*$")


def draft() -> bool:
    """True in a throwaway run (``$REPORT_FIGURE_DRAFT`` set, by the tests that execute chapters
    only to check their numbers): :func:`export` then draws the figure without rendering and checks
    the size of the image it would save, but neither fits it to the column nor saves anything, and
    shows a 1 x 1 placeholder. The book's own execution refuses it (``tools/execute.py``)."""
    return bool(os.environ.get("REPORT_FIGURE_DRAFT"))


#: What a draft shows in place of the figure: a 1 x 1 white PNG (the cell keeps its image output).
_DRAFT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8ffff3f0005fe02fe"
    "0def46b80000000049454e44ae426082")


def _check_draft_size(fig, name: str) -> None:
    """A draft's stand-in for fitting and saving: every artist is drawn without rendering (so
    text, mathtext and layout errors still raise) and the PNG it would save must have a finite
    size that Agg can draw (under 2**16 pixels a side), the error a chapter would otherwise meet
    only in the book's own build. The fitting to the column (text raised to the minimum size,
    the figure narrowed) is skipped: it changes sizes, not the numbers a draft run checks."""
    fig.draw_without_rendering()
    bbox = fig.get_tightbbox(fig.canvas.get_renderer())
    pad = 2 * mpl.rcParams["savefig.pad_inches"]
    w, h = (bbox.width + pad) * PNG_DPI, (bbox.height + pad) * PNG_DPI
    if not (math.isfinite(w) and math.isfinite(h) and 0 < w < 2**16 and 0 < h < 2**16):
        raise ValueError(f"{name}: the saved image would be {w:.0f} x {h:.0f} pixels; it must be finite and "
                         "under 2**16 a side (an artist placed at nan, inf or far outside the axes?)")


def figure_dir() -> Path:
    """The export folder: ``$REPORT_FIGURE_DIR`` if set (reruns), else :data:`FIGURE_DIR`."""
    env = os.environ.get("REPORT_FIGURE_DIR")
    return Path(env) if env else FIGURE_DIR


def use_style() -> None:
    """Apply the house matplotlib style.

    Sizes are in points as the reader sees them (figures are shown at 96 CSS px per inch):
    10 pt labels, 9 pt ticks and legends, nothing below :data:`MIN_FONT_PT`. The default figure
    is 6.4 x 4.0 in (614 CSS px wide). In IPython, figures that are shown without
    :func:`export` are sent as 2x ("retina") PNGs.
    """
    mpl.rcParams.update({
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.transparent": False,
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.08,
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": CSS_PX_PER_IN,
        "savefig.dpi": PNG_DPI,
        "font.size": 10,
        "axes.titlesize": 10,
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 9,
        "legend.title_fontsize": 9,
        "figure.titlesize": 10,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#dddddd",
        "grid.linewidth": 0.6,
        "axes.prop_cycle": mpl.cycler(color=PALETTE),
        "lines.linewidth": 1.8,
        "svg.hashsalt": "llm-report",
        "svg.fonttype": "none",
        "path.simplify": True,
    })
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - plain Python
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def panels(n: int, *, height: float = 3.6, **kwargs):
    """A figure with ``n`` panels side by side, sized to the column (``plt.subplots(1, n)``).

    Prefer one panel per figure. Where panels must sit together, use this: the figure is
    :data:`MAX_WIDTH_IN` wide, and :func:`export` adds a stacked copy for narrow screens.

    Parameters
    ----------
    n : int
        Number of panels, 1 to 3 (more would be under 2.5 in each; split the figure instead).
    height : float
        Figure height in inches, 2 to 8. Default 3.6.
    **kwargs
        Passed to ``plt.subplots`` (for example ``sharey=True``).

    Returns
    -------
    fig, axes
        As ``plt.subplots``; ``axes`` is a single Axes when ``n == 1``.

    Raises
    ------
    ValueError
        If ``n`` is not an integer from 1 to 3, or ``height`` is outside [2, 8].
    """
    import matplotlib.pyplot as plt

    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 3:
        raise ValueError(f"n={n!r} is not a panel count: use an integer from 1 to 3")
    if isinstance(height, bool) or not isinstance(height, int | float) or not 2 <= height <= 8:
        raise ValueError(f"height={height!r} is outside [2, 8] inches")
    width = 6.4 if n == 1 else MAX_WIDTH_IN
    return plt.subplots(1, n, figsize=(width, height), **kwargs)


def _texts(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _raise_small_text(fig) -> bool:
    """Raise every text below :data:`MIN_FONT_PT` to it; True if anything changed."""
    fig.draw_without_rendering()  # creates the tick labels
    changed = False
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for which in ("major", "minor"):
                labels = [t for t in axis.get_ticklabels(which=which) if t.get_text().strip()]
                if labels and min(t.get_fontsize() for t in labels) < MIN_FONT_PT:
                    axis.set_tick_params(which=which, labelsize=MIN_FONT_PT)
                    changed = True
    for t in _texts(fig):
        if t.get_fontsize() < MIN_FONT_PT:
            t.set_fontsize(MIN_FONT_PT)
            changed = True
    return changed


def _relayout(fig) -> None:
    """Re-run tight_layout, keeping room for figure-level legends at the top or bottom."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        return  # constrained layout re-lays itself out at every draw
    if not any(ax.get_subplotspec() is not None for ax in fig.axes):
        return
    renderer = fig.canvas.get_renderer()
    bottom, top = 0.0, 1.0
    to_fig = fig.transFigure.inverted()
    for leg in fig.legends:
        bb = leg.get_window_extent(renderer).transformed(to_fig)
        if bb.y1 <= 0.5:
            bottom = max(bottom, bb.y1 + 0.01)
        elif bb.y0 >= 0.5:
            top = min(top, bb.y0 - 0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.tight_layout(rect=(0, bottom, 1, top))


def _saved_width_in(fig) -> float:
    bbox = fig.get_tightbbox(fig.canvas.get_renderer())
    return bbox.width + 2 * mpl.rcParams["savefig.pad_inches"]


def _plot_axes(fig):
    return [ax for ax in fig.axes
            if ax.get_visible() and ax.get_subplotspec() is not None and getattr(ax, "_colorbar", None) is None]


def _narrowest_axes_in(fig) -> float:
    w = fig.get_size_inches()[0]
    return min((ax.get_position().width * w for ax in _plot_axes(fig)), default=float("inf"))


def _reflow_figure_legends(fig, width_in: float) -> None:
    """Give a figure-level legend fewer columns until it is narrower than ``width_in``."""
    renderer = fig.canvas.get_renderer()
    for leg in list(fig.legends):
        ncols = leg._ncols
        while ncols > 1 and leg.get_window_extent(renderer).width / fig.dpi > width_in - 0.2:
            ncols -= 1
            handles, labels = leg.legend_handles, [t.get_text() for t in leg.get_texts()]
            size = leg.get_texts()[0].get_fontsize() if labels else MIN_FONT_PT
            anchor = leg._bbox_to_anchor
            leg.remove()
            leg = fig.legend(handles, labels, loc=leg._loc, ncols=ncols, fontsize=size,
                             frameon=leg.get_frame_on(), bbox_to_anchor=anchor)


def _fit_width(fig, width_in: float, *, force_layout: bool, min_axes_in: float) -> bool:
    """Narrow ``fig`` (text keeps its size) until its saved width is at most ``width_in``.

    Stops, and returns False, rather than make any panel narrower than ``min_axes_in``: text
    that does not shrink (a wide legend, long tick labels) then has to be fixed in the chapter.
    """
    _reflow_figure_legends(fig, width_in)
    if force_layout or fig.legends:
        _relayout(fig)
    for _ in range(8):
        overflow = _saved_width_in(fig) - (width_in - 0.05)  # the 2x PNG's text is a bit wider
        if overflow <= 0.01:
            return True
        w, h = fig.get_size_inches()
        fig.set_size_inches(max(w - overflow - 0.02, 1.5), h)
        _relayout(fig)
        if _narrowest_axes_in(fig) < min_axes_in:
            fig.set_size_inches(w, h)
            _relayout(fig)
            return False
    return _saved_width_in(fig) - width_in <= 0.01


def _stack_panels(fig, *, crowded: bool = False) -> bool:
    """Re-arrange a one-row grid of two or more panels into one column; False if not such a figure.

    A panel's legend nearly as wide as the panel goes under its x axis; with ``crowded``, also
    one that sticks out of the panel or covers much of it.
    """
    from matplotlib.gridspec import GridSpec

    gridded = [ax for ax in fig.axes if ax.get_subplotspec() is not None]
    if len(gridded) != len(fig.axes) or not gridded:
        return False  # colorbars or hand-placed axes: leave the figure alone
    grids = {id(ax.get_subplotspec().get_gridspec()) for ax in gridded}
    nrows, ncols = gridded[0].get_subplotspec().get_gridspec().get_geometry()
    if len(grids) != 1 or nrows != 1 or ncols < 2:
        return False
    stacked = GridSpec(ncols, 1, figure=fig)
    for ax in gridded:
        cols = ax.get_subplotspec().colspan
        ax.set_subplotspec(stacked[cols.start:cols.stop, 0])
    w, h = fig.get_size_inches()
    legend_room = 0.6 if fig.legends else 0.0
    panel_h = min(max(h * 0.8, 2.6), 3.4)
    fig.set_size_inches(NARROW_WIDTH_IN + 0.5, panel_h * ncols + legend_room)
    _move_wide_axes_legends_below(fig, crowded=crowded)
    for leg in list(fig.legends):  # a wide figure's legend: one column under the stacked panels
        handles, labels = leg.legend_handles, [t.get_text() for t in leg.get_texts()]
        size = leg.get_texts()[0].get_fontsize() if labels else MIN_FONT_PT
        leg.remove()
        fig.legend(handles, labels, loc="lower center", ncols=1, fontsize=size, frameon=False)
    return True


def _move_wide_axes_legends_below(fig, *, crowded: bool = False) -> None:
    """Move a panel's legend that is nearly as wide as the (narrow) panel under its x axis (with
    ``crowded``, also one that sticks out of the panel or covers much of it; the figure grows)."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    added = 0.0
    for ax in _plot_axes(fig):
        leg = ax.get_legend()
        if leg is None:
            continue
        wide = leg.get_window_extent(renderer).width >= 0.8 * ax.get_window_extent(renderer).width
        if not (wide or (crowded and _crowded(leg, ax, renderer))):
            continue
        if not wide:
            added += leg.get_window_extent(renderer).height / fig.dpi + 0.1
        handles, labels = leg.legend_handles, [t.get_text() for t in leg.get_texts()]
        size = leg.get_texts()[0].get_fontsize() if labels else MIN_FONT_PT
        below = ax.xaxis.get_tightbbox(renderer)
        y = ax.transAxes.inverted().transform((0, below.y0))[1] - 0.02 if below is not None else -0.2
        leg.remove()
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, y), ncols=1, fontsize=size,
                  frameon=False)
    if added:
        w, h = fig.get_size_inches()
        fig.set_size_inches(w, h + added)


def _wrap(text: str, width: int) -> str:
    """``text`` broken at spaces into lines of at most ``width`` characters (never inside ``$...$``)."""
    words, lines, line = [], [], ""
    for part in text.split(" "):  # re-join the words of a mathtext span split at its spaces
        if words and words[-1].count("$") % 2:
            words[-1] += " " + part
        else:
            words.append(part)
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line] if line else lines)


def _wrap_to(t, avail_px: float, renderer, *, vertical: bool = False) -> None:
    """Wrap the text artist ``t`` so that it is at most ``avail_px`` long (its height if ``vertical``)."""
    text = t.get_text()
    if not text.strip() or "\n" in text:
        return
    bb = t.get_window_extent(renderer)
    length = bb.height if vertical else bb.width
    if length <= avail_px:
        return
    t.set_text(_wrap(text, max(8, int(len(text) * avail_px / length * 0.95))))


def _legend_entries(leg):
    return leg.legend_handles, [t.get_text() for t in leg.get_texts()]


def _crowded(leg, ax, renderer) -> bool:
    """A legend beside or below the axes, or inside them and taking much of their room."""
    lb, ab = leg.get_window_extent(renderer), ax.get_window_extent(renderer)
    inside = lb.x0 >= ab.x0 - 2 and lb.x1 <= ab.x1 + 2 and lb.y0 >= ab.y0 - 2 and lb.y1 <= ab.y1 + 2
    return not inside or lb.width > 0.55 * ab.width or lb.width * lb.height > 0.2 * ab.width * ab.height


def _legends_below(fig, renderer) -> None:
    """Move the crowded axes legends (and any figure legend) into one column under the figure."""
    handles, labels, size = [], [], None
    for ax in _plot_axes(fig):
        leg = ax.get_legend()
        if leg is None or not leg.get_visible() or not _crowded(leg, ax, renderer):
            continue
        h, lab = _legend_entries(leg)
        size = size or (leg.get_texts()[0].get_fontsize() if lab else None)
        handles += h
        labels += lab
        leg.remove()
    for leg in list(fig.legends):
        h, lab = _legend_entries(leg)
        size = size or (leg.get_texts()[0].get_fontsize() if lab else None)
        handles += h
        labels += lab
        leg.remove()
    if not labels:
        return
    size = max(size or MIN_FONT_PT, MIN_FONT_PT)
    leg = fig.legend(handles, labels, loc="lower center", ncols=1, fontsize=size, frameon=False)
    avail = (NARROW_WIDTH_IN - 0.45) * fig.dpi  # the legend's handles take the rest
    for t in leg.get_texts():
        _wrap_to(t, avail, renderer)
    fig.draw_without_rendering()
    w, h = fig.get_size_inches()
    fig.set_size_inches(w, h + leg.get_window_extent(renderer).height / fig.dpi + 0.1)


def _names_ticks(axis) -> bool:
    """True if ``axis`` labels its ticks with names (``set_yticks(y, labels)``), not values."""
    from matplotlib.ticker import FixedFormatter, FixedLocator

    if isinstance(axis.get_major_formatter(), FixedFormatter):
        return True
    texts = [t.get_text() for t in axis.get_ticklabels()]
    return isinstance(axis.get_major_locator(), FixedLocator) and any(re.search(r"[A-Za-z]{2,}", t) for t in texts)


def _collide(boxes, vertical: bool, pad: float) -> bool:
    boxes = sorted(boxes, key=lambda b: b.y0 if vertical else b.x0)
    return any((b.y0 < a.y1 + pad) if vertical else (b.x0 < a.x1 + pad) for a, b in zip(boxes, boxes[1:], strict=False))


def _thin_ticks(fig) -> bool:
    """Drop every other major tick label of an axis whose labels collide; False if some still do."""
    from matplotlib.ticker import FixedLocator, NullFormatter

    renderer = fig.canvas.get_renderer()
    pads = {False: 0.04 * fig.dpi, True: 0.01 * fig.dpi}  # between labels side by side, or one above another
    ok = True
    for ax in _plot_axes(fig):
        for axis, vertical in ((ax.xaxis, False), (ax.yaxis, True)):
            for _ in range(4):
                fig.draw_without_rendering()
                majors = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text().strip()]
                minors = [t for t in axis.get_ticklabels(minor=True) if t.get_visible() and t.get_text().strip()]
                boxes = [t.get_window_extent(renderer) for t in majors]
                if minors and _collide(boxes + [t.get_window_extent(renderer) for t in minors], vertical, pads[vertical]):
                    axis.set_minor_formatter(NullFormatter())
                    continue
                if not _collide(boxes, vertical, pads[vertical]):
                    break
                lo, hi = sorted(axis.get_view_interval())
                locs = [v for v in axis.get_majorticklocs() if lo <= v <= hi]
                if len(locs) <= 2 or _names_ticks(axis):
                    ok = False  # categories, or too few ticks to thin: left to the chapter
                    break
                axis.set_major_locator(FixedLocator(locs[::2]))
            else:
                fig.draw_without_rendering()
                ok = ok and not _collide([t.get_window_extent(renderer) for t in axis.get_ticklabels()
                                          if t.get_visible() and t.get_text().strip()], vertical, pads[vertical])
    return ok


def _wrap_category_labels(fig) -> float:
    """Wrap long category labels of y axes (ticks named with ``set_yticks(y, labels)``) to at most
    40% of :data:`NARROW_WIDTH_IN`; returns the height (in) the wrapped labels need."""
    renderer = fig.canvas.get_renderer()
    need = 0.0
    for ax in _plot_axes(fig):
        axis = ax.yaxis
        labels = [t for t in axis.get_ticklabels() if t.get_text().strip()]
        if not labels or not _names_ticks(axis):
            continue
        avail = 0.4 * NARROW_WIDTH_IN * fig.dpi
        widest = max(t.get_window_extent(renderer).width for t in labels)
        size = labels[0].get_fontsize()
        if widest > avail:
            chars = max(8, int(max(len(t.get_text()) for t in labels) * avail / widest * 0.95))
            texts = [_wrap(t.get_text(), chars) for t in axis.get_ticklabels()]
            axis.set_ticks(axis.get_majorticklocs(), texts, fontsize=size)
        lines = max(t.get_text().count("\n") + 1 for t in axis.get_ticklabels() if t.get_text().strip())
        need += len(labels) * (lines * 1.25 + 0.6) * size / 72 + 1.2  # labels, gaps, x axis and margins
    return need


def _snug_legends(fig) -> None:
    """Lift a figure legend under the panels to just below their labels (the saved image is trimmed
    to its contents, so the gap that ``tight_layout`` leaves above the legend goes)."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    boxes = [ax.get_tightbbox(renderer) for ax in _plot_axes(fig)]
    if not boxes:
        return
    bottom = min(b.y0 for b in boxes if b is not None) - 0.06 * fig.dpi
    for leg in fig.legends:
        if leg.get_window_extent(renderer).y1 <= bottom:  # under the panels: move it up to them
            leg.set_loc("upper center")
            leg.set_bbox_to_anchor((0.5, bottom / fig.bbox.height), transform=fig.transFigure)


def _shape_for_phone(fig, *, stacked: bool) -> None:
    """Re-draw ``fig`` (one column of panels) for :data:`NARROW_WIDTH_IN`: legends below in one
    column, long axis labels, titles and category names wrapped, and a phone's proportions."""
    w, h = fig.get_size_inches()
    rows = max((ax.get_subplotspec().get_gridspec().get_geometry()[0] for ax in _plot_axes(fig)), default=1)
    if not stacked:
        fig.set_size_inches(NARROW_WIDTH_IN + 0.2, min(max(h, 2.8 * rows), 3.6 * rows))
        fig.draw_without_rendering()
        need = _wrap_category_labels(fig)
        if need > fig.get_size_inches()[1]:
            fig.set_size_inches(NARROW_WIDTH_IN + 0.2, min(need, 8.0))
        _relayout(fig)
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        _legends_below(fig, renderer)
    _relayout(fig)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    for ax in _plot_axes(fig):
        box = ax.get_window_extent(renderer)
        _wrap_to(ax.xaxis.label, box.width, renderer)
        _wrap_to(ax.yaxis.label, box.height, renderer, vertical=True)
        for title in (ax.title, ax._left_title, ax._right_title):
            _wrap_to(title, box.width, renderer)
    if fig._suptitle is not None:
        _wrap_to(fig._suptitle, (NARROW_WIDTH_IN - 0.2) * fig.dpi, renderer)
    _relayout(fig)


def export(fig, name: str, *, show: bool = True, narrow=None) -> None:
    """Fit ``fig`` to the column, save it as ``<name>.png`` (2x) and ``<name>.svg``, show it, close it.

    Before saving, text smaller than :data:`MIN_FONT_PT` is raised to it and a figure wider than
    :data:`MAX_WIDTH_IN` (after the tight bounding box) is narrowed, its text keeping its size;
    either change re-runs ``tight_layout``. A figure with two or more panels in one row also gets
    ``<name>-narrow.png``, the panels stacked in one column, for narrow screens. In the built
    book, a Sphinx extension (``tools/sphinx_figure_downloads.py``) adds the download and
    citation links under the caption of the figure labelled ``name``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        The figure's label, the same as the ``name`` in the cell's ``mystnb.figure`` metadata:
        ``fig-`` followed by lowercase words joined by hyphens (``fig-data-wall-tokens``).
    show : bool
        Display the saved PNG (in a notebook) at half its pixel width. Default True.
    narrow : None, True or matplotlib.figure.Figure
        The copy for narrow screens. None (default): the panels stacked, for a figure with two or
        more panels in one row, else none. True: ``fig`` itself redrawn at
        :data:`NARROW_WIDTH_IN`, its text keeping its size (at least :data:`MIN_FONT_PT`): one-row
        panels stacked; for a single column of panels, legends beside the axes or crowding them
        moved under the figure in one column, long axis labels, titles, legend entries and
        category names wrapped, and tick labels that collide thinned (every other value; named
        ticks are never dropped). Labels placed in data coordinates (annotations) are not moved:
        look at the copy, and where they crowd, pass a Figure instead. A Figure: that figure,
        drawn for phones (fewer or shorter labels, taller), fitted to :data:`NARROW_WIDTH_IN`.
        A narrow copy is saved as ``<name>-narrow.png`` and ``<name>-narrow.svg``.
        In a throwaway run (:func:`draft`), nothing is fitted or saved (the figure is drawn and measured).

    Returns
    -------
    None
        Nothing, so that a cell ending in ``export(...)`` shows the figure only once (the
        files are ``figure_dir() / f"{name}.png"`` and ``.svg``).

    Raises
    ------
    ValueError
        If ``name`` is not a lowercase-hyphen ``fig-...`` label, or ends in ``-narrow``; if
        ``narrow`` is not None, True or a Figure.

    Warns
    -----
    UserWarning
        If a requested narrow copy cannot be fitted to :data:`NARROW_WIDTH_IN` with axes at
        least 1.5 in wide (none is saved; phones show the wide figure), or if, with
        ``narrow=True``, some tick labels of the copy still overlap (the copy is saved).
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"name={name!r} is not a figure label: use 'fig-' followed by lowercase words "
            "joined by hyphens, e.g. 'fig-data-wall-tokens'"
        )
    if name.endswith("-narrow"):
        raise ValueError(f"name={name!r} ends in '-narrow', the suffix of stacked copies: rename it")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if not (narrow is None or narrow is True or isinstance(narrow, Figure)):
        raise ValueError(f"narrow={narrow!r} must be None, True or a matplotlib Figure drawn for phones")
    out = figure_dir()
    out.mkdir(parents=True, exist_ok=True)
    paths = {"png": out / f"{name}.png", "svg": out / f"{name}.svg", "narrow": out / f"{name}-narrow.png",
             "narrow_svg": out / f"{name}-narrow.svg"}
    save = {"bbox_inches": "tight", "pad_inches": mpl.rcParams["savefig.pad_inches"], "facecolor": "white"}
    try:
        if draft():  # a throwaway run (tests): drawn without rendering and measured, nothing saved
            _check_draft_size(fig, name)
            if isinstance(narrow, Figure):
                _check_draft_size(narrow, f"{name} (copy for phones)")
            small, fits = None, False
        else:
            changed = _raise_small_text(fig)
            _fit_width(fig, MAX_WIDTH_IN, force_layout=changed, min_axes_in=1.8)
            fig.savefig(paths["png"], format="png", dpi=PNG_DPI, metadata={"Software": None}, **save)
            fig.savefig(paths["svg"], format="svg", metadata={"Date": None, "Creator": None}, **save)
            if narrow is None:
                small = fig if _stack_panels(fig) else None
                fits = small is not None and _fit_width(small, NARROW_WIDTH_IN, force_layout=True, min_axes_in=2.0)
            else:
                small = fig if narrow is True else narrow
                if narrow is True:
                    _shape_for_phone(fig, stacked=_stack_panels(fig, crowded=True))
                _raise_small_text(small)
                fits = _fit_width(small, NARROW_WIDTH_IN, force_layout=True, min_axes_in=1.5)
                if fits and narrow is True:
                    clear = _thin_ticks(small)
                    for _ in range(3):  # names on a y axis that still touch: give them more height
                        w, h = small.get_size_inches()
                        if clear or h * 1.2 > 9.0:
                            break
                        small.set_size_inches(w, h * 1.2)
                        _relayout(small)
                        clear = _thin_ticks(small)
                    _relayout(small)
                    fits = _saved_width_in(small) <= NARROW_WIDTH_IN + 0.01 or _fit_width(
                        small, NARROW_WIDTH_IN, force_layout=True, min_axes_in=1.5)
                    if fits:
                        _snug_legends(small)
                    if fits and not clear:
                        warnings.warn(f"{name}: in the copy for phones some tick labels still overlap; "
                                      "draw a copy for phones (export(..., narrow=<Figure>))", stacklevel=2)
                if not fits:  # a warning, not an error: the page still works, with the wide figure on phones
                    warnings.warn(f"{name}: no copy for phones, as it does not fit {NARROW_WIDTH_IN:.2f} in with axes "
                                  "at least 1.5 in wide; draw it with shorter labels or a smaller legend", stacklevel=2)
        if fits:
            small.savefig(paths["narrow"], format="png", dpi=PNG_DPI, metadata={"Software": None}, **save)
            small.savefig(paths["narrow_svg"], format="svg", metadata={"Date": None, "Creator": None}, **save)
        elif not draft():
            paths["narrow"].unlink(missing_ok=True)
            paths["narrow_svg"].unlink(missing_ok=True)
    finally:
        plt.close(fig)
        if isinstance(narrow, Figure):
            plt.close(narrow)
    if show:
        from IPython.display import Image, display

        data = _DRAFT_PNG if draft() else paths["png"].read_bytes()
        width_px = int.from_bytes(data[16:20], "big")  # PNG IHDR width
        display(Image(data=data, format="png", width=round(width_px * CSS_PX_PER_IN / PNG_DPI)))


_FONT_SIZE = re.compile(r"font-size:\s*([0-9.]+)(px|pt)?")
_FONT_SHORT = re.compile(r"font:[^;\"]*?([0-9.]+)(px|pt)")
_SVG_WIDTH = re.compile(r"<svg[^>]*\bwidth=\"([0-9.]+)(pt|px)?\"")


def svg_text_sizes(path) -> tuple[float, list[float]]:
    """The width (pt) of a matplotlib SVG and the font sizes (pt) of its text elements.

    Matplotlib writes SVGs in points (``width="460.8pt"``, one user unit = 1 pt) and, with
    ``svg.fonttype: none``, real ``<text>`` elements whose style has a ``font-size`` or ``font``
    in user units. Displayed size in pt = font size x displayed width (CSS px) / (width x 4/3).

    Raises
    ------
    ValueError
        If the file has no ``<svg width>`` or no sized text (e.g. text drawn as paths).
    """
    from analysis import _validate

    p = _validate.path("path", path)
    if not p.is_file():
        raise ValueError(f"path={str(p)!r} does not exist or is not a file; give the path of an SVG file")
    text = p.read_text(encoding="utf-8")
    m = _SVG_WIDTH.search(text)
    if not m:
        raise ValueError(f"{path}: no <svg width=...> found")
    width_pt = float(m.group(1)) * (0.75 if m.group(2) == "px" else 1.0)
    sizes = []
    for style in re.findall(r"<text\b[^>]*\bstyle=\"([^\"]*)\"", text):
        s = _FONT_SIZE.search(style) or _FONT_SHORT.search(style)
        if s:
            sizes.append(float(s.group(1)))
    if not sizes:
        raise ValueError(f"{path}: no <text> with a font size (was svg.fonttype 'none'?)")
    return width_pt, sizes
