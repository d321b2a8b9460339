"""House style and export of the report's figures.

Figures are readable on light and dark pages (opaque white background, Okabe-Ito colours that
survive colour blindness and greyscale) and are saved under a stable name, derived from their
label, as PNG and SVG, so a reader can download and cite them:
``<site>/figures/<name>.png`` and ``.svg``.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from analysis.figures import use_style, export
>>> use_style()
>>> fig, ax = plt.subplots()
>>> export(fig, "fig-example")  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import matplotlib as mpl

__all__ = ["PALETTE", "FIGURE_DIR", "use_style", "export", "figure_dir"]

#: Okabe-Ito colour-blind-safe palette (black first is left out: it vanishes in dark mode
#: captions only, not in our white-backed figures, but stays reserved for reference lines).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

_ROOT = Path(__file__).resolve().parent.parent
#: Where figures go for the book build: copied into the site as ``figures/`` (html_extra_path).
FIGURE_DIR = _ROOT / "_build" / "site-extra" / "figures"
_NAME = re.compile(r"^fig-[a-z0-9]+(-[a-z0-9]+)*$")


def figure_dir() -> Path:
    """The export folder: ``$REPORT_FIGURE_DIR`` if set (reruns), else :data:`FIGURE_DIR`."""
    env = os.environ.get("REPORT_FIGURE_DIR")
    return Path(env) if env else FIGURE_DIR


def use_style() -> None:
    """Apply the house matplotlib style (opaque backgrounds, readable in dark mode)."""
    mpl.rcParams.update({
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.transparent": False,
        "savefig.bbox": "tight",
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 110,
        "savefig.dpi": 200,
        "font.size": 10,
        "axes.titlesize": 10,
        "axes.labelsize": 10,
        "legend.fontsize": 8.5,
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


def export(fig, name: str, *, show: bool = True) -> None:
    """Save ``fig`` as ``<name>.png`` and ``<name>.svg``, display it once, and close it.

    In the built book, a Sphinx extension (``tools/sphinx_figure_downloads.py``) adds the PNG
    and SVG download links under the caption of the figure labelled ``name``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        The figure's label, the same as the ``name`` in the cell's ``mystnb.figure`` metadata:
        ``fig-`` followed by lowercase words joined by hyphens (``fig-data-wall-tokens``).
    show : bool
        Display the figure (in a notebook). Default True.

    Returns
    -------
    None
        Nothing, so that a cell ending in ``export(...)`` shows the figure only once (the
        files are ``figure_dir() / f"{name}.png"`` and ``.svg``).

    Raises
    ------
    ValueError
        If ``name`` is not a lowercase-hyphen ``fig-...`` label.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"name={name!r} is not a figure label: use 'fig-' followed by lowercase words "
            "joined by hyphens, e.g. 'fig-data-wall-tokens'"
        )
    out = figure_dir()
    out.mkdir(parents=True, exist_ok=True)
    paths = {"png": out / f"{name}.png", "svg": out / f"{name}.svg"}
    fig.savefig(paths["png"], format="png", metadata={"Software": None})
    fig.savefig(paths["svg"], format="svg", metadata={"Date": None, "Creator": None})
    if show:
        from IPython.display import display

        display(fig)
    import matplotlib.pyplot as plt

    plt.close(fig)
