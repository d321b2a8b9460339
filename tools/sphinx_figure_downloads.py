"""Sphinx extension: alt text, download links, a narrow variant and a citation for every figure.

Chapters save each figure with ``analysis.figures.export(fig, name)`` into the folder that the
build copies to ``<site>/figures/``. For every figure whose label is ``fig-...``, this extension

* sets the image's ``alt`` to the caption's first sentence (never the file path);
* appends "Download: PNG · SVG" links to the caption;
* appends a "Cite:" line with the book's title, the figure's number and stable name, the book's
  version (``CITATION.cff``) and the figure's address (``CITATION.cff`` ``url`` or Sphinx's
  ``html_baseurl``, followed by ``<page>.html#<name>``; the page-relative address if neither is set);
* adds the stacked ``<name>-narrow.png`` (if ``export`` wrote one) that ``_static/figures.css``
  shows instead of the wide image on narrow screens (``loading="lazy"``: a wide screen, where
  it is hidden, never downloads it);

A labelled figure with no exported file is a warning (and so, under ``-W``, a failed build),
because a reader could not download it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
FIGURE_DIR = ROOT / "_build" / "site-extra" / "figures"
CITATION = ROOT / "CITATION.cff"

_ABBREVIATIONS = {"al", "e.g", "i.e", "vs", "fig", "figs", "eq", "cf", "approx", "resp", "no", "ca"}
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(\"'])")


def first_sentence(text: str, *, min_words: int = 4) -> str:
    """The first sentence of a caption, for alt text.

    A sentence ends at ``.``, ``!`` or ``?`` followed by a space and a capital or ``(``, except
    after an abbreviation (``et al.``, ``e.g.``, ``Fig.``); a first sentence shorter than
    ``min_words`` words (a run-in title such as "Distillation.") takes the next one with it.
    """
    text = " ".join(text.split())
    start = 0
    for m in _SENTENCE_END.finditer(text):
        word = re.split(r"[\s(]", text[: m.start()])[-1].lower()
        if word in _ABBREVIATIONS:
            continue
        candidate = text[: m.end()]
        if len(candidate[start:].split()) >= min_words or len(candidate.split()) >= min_words:
            return candidate.strip()
        start = m.end()
    return text.strip()


def citation_metadata(path: Path = CITATION) -> dict:
    """``title``, ``version`` and ``url`` from ``CITATION.cff`` (missing keys are left out)."""
    import yaml

    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from exc
    return {k: str(data[k]) for k in ("title", "version", "url") if data.get(k)}


def _book_info(app) -> dict:
    meta = citation_metadata()
    base = meta.get("url") or app.config.html_baseurl or ""
    return {
        "title": meta.get("title") or app.config.project,
        "version": meta.get("version") or app.config.release or app.config.version or "unversioned",
        "base": base.rstrip("/"),
    }


def cite_text(title: str, number: str | None, name: str, version: str, url: str = "") -> str:
    """``Cite: <title>, Fig. N (<name>), version X, <url>`` (the text before the link if no url)."""
    fig = f"Fig. {number} ({name})" if number else f"figure {name}"
    return f"Cite: {title}, {fig}, version {version}, {url}"


def add_figure_extras(app, doctree, docname):
    prefix = "../" * docname.count("/")
    info = _book_info(app)
    numbers = app.env.toc_fignumbers.get(docname, {}).get("figure", {})
    for fig in doctree.findall(nodes.figure):
        names = [i for i in fig.get("ids", []) if i.startswith("fig-")]
        if not names:
            continue
        name = names[0]
        captions = list(fig.findall(nodes.caption))
        alt = first_sentence(captions[0].astext()) if captions else name
        images = list(fig.findall(nodes.image))
        for img in images:
            img["alt"] = alt
            img["classes"] = [*img.get("classes", []), "figure-image"]
        fig["classes"] = [*fig.get("classes", []), "figure-export"]

        if not (FIGURE_DIR / f"{name}.png").exists() or not (FIGURE_DIR / f"{name}.svg").exists():
            logger.warning(f"figure {name!r} has no exported PNG/SVG in {FIGURE_DIR} "
                           "(call analysis.figures.export(fig, name) in its cell)", location=fig)
            continue
        narrow = FIGURE_DIR / f"{name}-narrow.png"
        if images and narrow.exists():
            img = images[0]
            width = _png_width(narrow) // 2
            raw = nodes.raw("", (
                f'<img src="{prefix}figures/{name}-narrow.png" class="figure-image figure-narrow" '
                f'alt="{html.escape(alt)}" width="{width}" loading="lazy" />'), format="html")
            img.parent.insert(img.parent.index(img) + 1, raw)
            fig["classes"].append("figure-has-narrow")

        target = captions[0] if captions else fig
        para = nodes.inline(classes=["figure-downloads"])
        para += nodes.Text(" Download: ")
        para += nodes.reference("", "PNG", refuri=f"{prefix}figures/{name}.png", internal=False)
        para += nodes.Text(" · ")
        para += nodes.reference("", "SVG", refuri=f"{prefix}figures/{name}.svg", internal=False)
        target += para

        number = ".".join(map(str, numbers[name])) if name in numbers else None
        page = app.builder.get_target_uri(docname)
        shown = f"{info['base']}/{page}#{name}" if info["base"] else f"{page}#{name}"
        href = shown if info["base"] else f"#{name}"
        cite = nodes.inline(classes=["figure-cite"])
        cite += nodes.Text(cite_text(info["title"], number, name, info["version"]))
        cite += nodes.reference("", shown, refuri=href, internal=not info["base"])
        target += cite


def _png_width(path: Path) -> int:
    with open(path, "rb") as f:
        head = f.read(24)
    return int.from_bytes(head[16:20], "big")


def setup(app):
    app.connect("doctree-resolved", add_figure_extras)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
