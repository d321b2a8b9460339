"""Sphinx extension: a page whose text shows ``nan`` or ``inf`` fails the strict build.

A glued value that became non-finite (an assumption at the end of its range, say) would
otherwise print "nan" in a sentence. Code, math and literal text are not checked.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)
NONFINITE = re.compile(r"(?<![\w.])[-+]?(?:nan|inf)(?![\w])", re.IGNORECASE)
SKIP = (nodes.literal_block, nodes.literal, nodes.math, nodes.math_block, nodes.raw, nodes.comment)


def check(app, doctree, docname):
    for text in doctree.findall(nodes.Text):
        parent = text.parent
        if any(isinstance(p, SKIP) for p in _ancestors(parent)):
            continue
        match = NONFINITE.search(text.astext())
        if match:
            logger.warning(f"page text shows a non-finite number {match.group(0)!r}: "
                           f"{text.astext()[:120]!r}", location=parent, type="nonfinite")


def _ancestors(node):
    while node is not None:
        yield node
        node = node.parent


def setup(app):
    app.connect("doctree-resolved", check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
