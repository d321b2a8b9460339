"""Sphinx extension: a PNG and an SVG download link under every exported figure's caption.

Chapters save each figure with ``analysis.figures.export(fig, name)`` into the folder that the
build copies to ``<site>/figures/``. For every figure whose label is ``fig-...``, this extension
appends "PNG · SVG" links to the caption; a labelled figure with no exported file is a warning
(and so, under ``-W``, a failed build), because a reader could not download it.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)
FIGURE_DIR = Path(__file__).resolve().parent.parent / "_build" / "site-extra" / "figures"


def add_download_links(app, doctree, docname):
    prefix = "../" * docname.count("/")
    for fig in doctree.findall(nodes.figure):
        names = [i for i in fig.get("ids", []) if i.startswith("fig-")]
        if not names:
            continue
        name = names[0]
        if not (FIGURE_DIR / f"{name}.png").exists() or not (FIGURE_DIR / f"{name}.svg").exists():
            logger.warning(f"figure {name!r} has no exported PNG/SVG in {FIGURE_DIR} "
                           "(call analysis.figures.export(fig, name) in its cell)", location=fig)
            continue
        captions = list(fig.findall(nodes.caption))
        target = captions[0] if captions else fig
        para = nodes.inline(classes=["figure-downloads"])
        para += nodes.Text(" Download: ")
        para += nodes.reference("", "PNG", refuri=f"{prefix}figures/{name}.png", internal=False)
        para += nodes.Text(" · ")
        para += nodes.reference("", "SVG", refuri=f"{prefix}figures/{name}.svg", internal=False)
        target += para


def setup(app):
    app.connect("doctree-resolved", add_download_links)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
