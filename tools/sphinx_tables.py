"""Sphinx extension: tables that fit their column on every screen, and numbered interactive tables.

- **Each cell knows its column.** A post-transform gives every body cell of every table the text
  of its column's header, written as a ``data-label`` attribute, and marks a table that would be
  wider than a phone's column (:func:`needs_stacking`) ``table-stack``. On a narrow screen
  (``_static/tables.css``) such a table shows each row as a block, each cell under its header's
  name, instead of a grid wider than the column. Tables written as raw HTML (a pandas Styler in a
  cell's output) get the same attributes.
- **Numbered interactive tables.** The ``numbered-table`` directive gives HTML content (an
  interactive table from itables) a caption and a label in the table sequence, so it reads
  "Table N" and ``{numref}`` cites it like any other table. Its content is what it holds or,
  when it holds nothing, the cell output that follows it (a raw HTML output): that is how
  ``analysis.fmt.interactive_table`` writes it from a notebook cell.
"""

from __future__ import annotations

import html
import itertools
import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

#: Characters that fit across the narrowest column (342 CSS px at 390 px, table text at 0.85 em).
PHONE_CHARS = 46
#: A cell's text wraps at about this many characters, so a long cell needs no more than this.
WRAP_CHARS = 14


def _label(text: str) -> str:
    return " ".join(text.split())


def needs_stacking(columns: list[list[str]]) -> bool:
    """Whether a table whose columns hold these texts (header first) is too wide for a phone.

    Each column needs its longest cell, up to :data:`WRAP_CHARS` characters (longer text wraps;
    a single longer word counts whole), plus two for padding; a table needing more than
    :data:`PHONE_CHARS` is shown one row per block on narrow screens. Two columns always wrap.
    """
    if len(columns) < 3:
        return False
    need = 0
    for cells in columns:
        longest = max((len(c) for c in cells), default=0)
        word = max((len(w) for c in cells for w in c.split()), default=0)
        need += max(min(longest, WRAP_CHARS), word) + 2
    return need > PHONE_CHARS


# --- docutils tables ---------------------------------------------------------------------------

class TableLabels(SphinxPostTransform):
    """``data-label`` on each body cell (its column's header) and ``table-stack`` on wide tables."""

    default_priority = 500
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for table in self.document.findall(nodes.table):
            tgroup = next((c for c in table.children if isinstance(c, nodes.tgroup)), None)
            if tgroup is None:
                continue
            thead = next((c for c in tgroup.children if isinstance(c, nodes.thead)), None)
            tbody = next((c for c in tgroup.children if isinstance(c, nodes.tbody)), None)
            if thead is None or tbody is None or not thead.children:
                continue
            labels = []
            for entry in thead.children[-1].children:  # the last header row names the columns
                labels += [_label(entry.astext())] * (1 + entry.get("morecols", 0))
            columns = [[label] for label in labels]
            for row in tbody.children:
                col = 0
                for entry in row.children:
                    if col < len(labels):
                        columns[col].append(_label(entry.astext()))
                        if labels[col]:
                            entry["data-label"] = labels[col]
                    col += 1 + entry.get("morecols", 0)
            if needs_stacking(columns):
                table["classes"] = [*table.get("classes", []), "table-stack"]
        for table in list(self.document.findall(numbered_table)):
            _take_next_html(table)
        for raw in self.document.findall(nodes.raw):
            if "html" in raw.get("format", "").split() and "<table" in raw.astext():
                text = label_html_tables(raw.astext())
                if text != raw.astext() and raw.children:
                    raw.replace(raw.children[0], nodes.Text(text))


def _take_next_html(table) -> None:
    """Move the raw HTML output after an empty numbered table into it (myst-nb puts a cell's
    outputs side by side in its output container)."""
    if any(not isinstance(c, numbered_table_caption) for c in table.children) or table.parent is None:
        return
    siblings = table.parent.children
    i = siblings.index(table)
    if i + 1 < len(siblings) and isinstance(siblings[i + 1], nodes.raw) and "html" in siblings[i + 1].get("format", ""):
        raw = siblings[i + 1]
        table.parent.remove(raw)
        table += raw


def visit_entry(self, node) -> None:
    """The translator's own ``visit_entry``, with the cell's ``data-label`` in its start tag."""
    start = len(self.body)
    type(self).visit_entry(self, node)
    label = node.get("data-label")
    if not label:
        return
    for i in range(start, len(self.body)):
        m = re.match(r"<t[dh]\b", self.body[i])
        if m:
            self.body[i] = f'{self.body[i][:m.end()]} data-label="{html.escape(label)}"{self.body[i][m.end():]}'
            return


# --- raw HTML tables (a pandas Styler in a cell's output) ---------------------------------------

_TABLE = re.compile(r"(<table\b[^>]*>)(.*?)(</table>)", re.S | re.I)
_CELL = re.compile(r"<(t[dh])\b([^>]*)>(.*?)</\1>", re.S | re.I)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S | re.I)


def _text(fragment: str) -> str:
    return _label(html.unescape(re.sub(r"<[^>]+>", "", fragment)))


def label_html_tables(text: str) -> str:
    """``text`` with each simple HTML table's body cells labelled by their column header.

    Only tables with a ``<thead>`` and a ``<tbody>``, no nested table and no script are changed
    (an interactive table's placeholder, filled by JavaScript, is left alone); cells that already
    have a ``data-label`` keep it. A table too wide for a phone (:func:`needs_stacking`) gets the
    class ``table-stack``.
    """
    if "<script" in text.lower():
        return text

    def one(m: re.Match) -> str:
        start, body, end = m.groups()
        head = re.search(r"<thead\b[^>]*>(.*?)</thead>", body, re.S | re.I)
        tbody = re.search(r"<tbody\b[^>]*>(.*?)</tbody>", body, re.S | re.I)
        if not head or not tbody or "<table" in body.lower():
            return m.group(0)
        rows = _ROW.findall(head.group(1))
        if not rows:
            return m.group(0)
        labels = [_text(c[2]) for c in _CELL.findall(rows[-1])]
        columns = [[label] for label in labels]

        def row(r: re.Match) -> str:
            cells = itertools.count()

            def cell(c: re.Match) -> str:
                i = next(cells)
                tag, attrs, inner = c.groups()
                if i < len(columns):
                    columns[i].append(_text(inner))
                if i >= len(labels) or not labels[i] or "data-label" in attrs:
                    return c.group(0)
                return f'<{tag}{attrs} data-label="{html.escape(labels[i])}">{inner}</{tag}>'

            return _CELL.sub(cell, r.group(0))

        new_body = body[:tbody.start(1)] + _ROW.sub(row, tbody.group(1)) + body[tbody.end(1):]
        if needs_stacking(columns):
            if re.search(r'\bclass="', start):
                start = re.sub(r'\bclass="', 'class="table-stack ', start, count=1)
            else:
                start = start[:-1] + ' class="table-stack">'
        return start + new_body + end

    return _TABLE.sub(one, text)


# --- a numbered table around HTML content --------------------------------------------------------

class numbered_table(nodes.General, nodes.Element):
    """A caption and HTML content, numbered in the table sequence (``Table N``)."""


class numbered_table_caption(nodes.Part, nodes.TextElement):
    """The caption of a :class:`numbered_table`."""


class NumberedTable(SphinxDirective):
    """``numbered-table``: the argument is the caption, ``:name:`` the label (required), the
    content the table (typically a ``raw`` HTML block)."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"name": directives.unchanged_required, "class": directives.class_option}

    def run(self):
        if not self.options.get("name"):
            raise self.error("numbered-table: give the table a :name: (tbl-<chapter>-<what>) to cite it")
        node = numbered_table(classes=["numbered-table", *self.options.get("class", [])])
        self.set_source_info(node)
        inline, messages = self.state.inline_text(self.arguments[0], self.lineno)
        node += numbered_table_caption(self.arguments[0], "", *inline)
        self.state.nested_parse(self.content, self.content_offset, node)
        self.add_name(node)
        return [node, *messages]


def _caption_text(node) -> str:
    caption = next((c for c in node.children if isinstance(c, numbered_table_caption)), None)
    return caption.astext() if caption else ""


def visit_numbered_table(self, node) -> None:
    self.body.append(self.starttag(node, "div"))


def depart_numbered_table(self, node) -> None:
    self.body.append("</div>\n")


def visit_caption(self, node) -> None:
    """As the theme writes a table's caption: the number, the text, then a link to the table."""
    self.body.append('<p class="caption numbered-table-caption">')
    self.add_fignumber(node.parent)
    self.body.append('<span class="caption-text">')


def depart_caption(self, node) -> None:
    self.body.append("</span>")
    self.add_permalink_ref(node.parent, "Link to this table")
    self.body.append("</p>\n")


def _skip(self, node):
    raise nodes.SkipNode


def _text_only(self, node):
    """Other builders write nothing for the wrapper (they skip the caption and drop raw HTML)."""


def setup(app):
    app.add_post_transform(TableLabels)
    app.add_node(nodes.entry, override=True, html=(visit_entry, None))
    app.add_enumerable_node(numbered_table, "table", _caption_text,
                            html=(visit_numbered_table, depart_numbered_table),
                            latex=(_text_only, _text_only), text=(_text_only, _text_only),
                            man=(_text_only, _text_only), texinfo=(_text_only, _text_only))
    app.add_node(numbered_table_caption, html=(visit_caption, depart_caption),
                 latex=(_skip, None), text=(_skip, None), man=(_skip, None), texinfo=(_skip, None))
    app.add_directive("numbered-table", NumberedTable)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
