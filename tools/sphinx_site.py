"""Sphinx extension: the site's own assets and citation metadata, so pages work offline and cite well.

- **Math offline.** MathJax 3 comes from the npm package pinned in ``package.json`` /
  ``package-lock.json`` (``make venv`` runs ``npm ci``). ``mathjax_path`` in ``_config.yml`` names a
  file under ``_static/mathjax/``; after the build, this extension copies that component and
  MathJax's lazily loaded parts (fonts, TeX extensions, menu) there. A missing package, or a
  ``mathjax_path`` that points at the network, is a warning (so a failed ``-W`` build).
- **Citation metadata from one place.** ``CITATION.cff`` holds title, authors, version, date and URL;
  the footer shows its version and the build date, and the ``site-bibtex`` directive writes the
  cite page's BibTeX from it (``:figure:`` for a figure's entry).
- **Author-year, the same in the text and the bibliography.** A pybtex label style labels entries
  the way the text cites them ("Kaplan et al., 2020", with a/b for the same authors and year;
  ``bibtex_default_style: authoryear``), and the reference style ``author_year_label`` cites them
  with that same year ("OpenAI, 2024c"; ``bibtex_reference_style``).
- **No emoji.** myst-nb's execution table marks status with emoji, which show as empty boxes
  without an emoji font; they become the words "passed" and "failed".
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.fileutil import copy_asset
from sphinxcontrib.bibtex import plugin as bibtex_plugin
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.template import join, join2, node, post_text, pre_text, reference

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
CFF = ROOT / "CITATION.cff"
STATUS_WORDS = {"\u2705": "passed", "\u274c": "failed"}


# --- citation metadata -------------------------------------------------------------------------

@cache
def citation_metadata(path: Path = CFF) -> dict:
    """The CITATION.cff fields the site uses; a missing field names the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping of CFF fields")
    for key in ("title", "authors", "version", "date-released", "url"):
        if not data.get(key):
            raise ValueError(f"{path.name}: the field {key!r} is missing or empty")
    return data


def book_version() -> str:
    return str(citation_metadata()["version"])


def build_date() -> dt.date:
    """Today (UTC), or SOURCE_DATE_EPOCH's date for a reproducible build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return now.date()


def _authors(meta: dict) -> str:
    names = []
    for a in meta["authors"]:
        if "name" in a:
            names.append("{" + a["name"] + "}")  # an organisation: one brace-protected name
        else:
            names.append(f"{a['family-names']}, {a.get('given-names', '')}".strip(", "))
    return " and ".join(names)


def bibtex_entry(figure: str = "", page: str = "", title: str = "", meta: dict | None = None) -> str:
    """The BibTeX entry for the report, or for one of its figures (``figure`` = its stable name),
    from CITATION.cff (or from ``meta``, the fields of another CFF file)."""
    meta = meta or citation_metadata()
    year = str(meta["date-released"])[:4]
    url = str(meta["url"]).rstrip("/") + "/"
    fields = {"title": "", "author": "{" + _authors(meta) + "}", "year": year}
    if figure:
        key = f"llmreport{year}{figure.removeprefix('fig-').replace('-', '')}"
        fields["title"] = "{" + (f"{title} (figure {figure})" if title else f"Figure {figure}") + "}"
        fields["howpublished"] = "{In: " + meta["title"] + ", version " + str(meta["version"]) + "}"
        fields["url"] = "{" + url + (f"{page}.html" if page else "") + f"#{figure}" + "}"
        fields["note"] = "{Figure " + figure + "; cite the version and the date you read it}"
    else:
        key = f"llmreport{year}"
        fields["title"] = "{" + meta["title"] + "}"
        fields["howpublished"] = "{Executable research report (Jupyter Book)}"
        fields["version"] = "{" + str(meta["version"]) + "}"
        fields["url"] = "{" + url + "}"
        fields["note"] = "{Version " + str(meta["version"]) + "; cite the version and the date you read it}"
    width = max(map(len, fields))
    body = ",\n".join(textwrap.fill(v, 84, initial_indent=f"  {k.ljust(width)} = ",
                                     subsequent_indent=" " * (width + 6), break_long_words=False,
                                     break_on_hyphens=False)
                       for k, v in fields.items())
    return f"@misc{{{key},\n{body}\n}}"


class SiteBibtex(SphinxDirective):
    """``site-bibtex``: the report's BibTeX entry from CITATION.cff, or a figure's with ``:figure:``."""

    has_content = False
    option_spec = {"figure": directives.unchanged, "page": directives.unchanged,
                   "title": directives.unchanged}

    def run(self):
        self.env.note_dependency(str(CFF))
        try:
            text = bibtex_entry(self.options.get("figure", ""), self.options.get("page", ""),
                                self.options.get("title", ""))
        except (OSError, ValueError) as exc:
            logger.warning(f"site-bibtex: {exc}", location=self.get_location())
            return []
        block = nodes.literal_block(text, text, language="bibtex")
        self.set_source_info(block)
        return [block]


# --- author-year bibliography labels -----------------------------------------------------------

def _plain(latex: str) -> str:
    # the plain-text backend itself: render_as("text") looks the plugin up among every installed
    # package's entry points on each call (about 10 ms each, 200 calls a build)
    return Text.from_latex(latex).render(TextBackend())


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels as the text cites them: "Kaplan et al., 2020", "Muennighoff and Rush, 2023"."""

    def format_labels(self, sorted_entries):
        labels = [self.format_label(e) for e in sorted_entries]
        counts = {lab: labels.count(lab) for lab in labels}
        seen: dict[str, int] = {}
        for lab in labels:
            if counts[lab] > 1:  # same authors and year: 2024a, 2024b, like the alpha style
                seen[lab] = seen.get(lab, 0) + 1
                lab = lab + "abcdefghijklmnopqrstuvwxyz"[seen[lab] - 1]
            yield lab

    @staticmethod
    def format_label(entry) -> str:
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [_plain(" ".join(p.prelast_names + p.last_names)) for p in persons]
        if not last:
            who = _plain(entry.fields.get("title", entry.key))
        elif len(last) == 1:
            who = last[0]
        elif len(last) == 2:
            who = f"{last[0]} and {last[1]}"
        else:
            who = f"{last[0]} et al."
        return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearStyle(PlainStyle):
    """pybtex's plain style, sorted by author and year, labelled author-year."""

    default_label_style = "authoryear"
    default_sorting_style = "author_year_title"


@node
def label_year(children, data) -> Text:
    """The year part of the entry's author-year label, with its a/b suffix ("2024c")."""
    assert not children
    return Text(data["formatted_entry"].label.rsplit(", ", 1)[-1])


@dataclass
class _ParentheticalLabelYear(BasicAuthorYearParentheticalReferenceStyle):
    def inner(self, role_name: str):
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text,
            reference[join(sep=self.author_year_sep)[
                self.person.author_or_editor_or_title(full="s" in role_name), label_year]],
            post_text,
        ]


@dataclass
class _TextualLabelYear(BasicAuthorYearTextualReferenceStyle):
    def inner(self, role_name: str):
        return join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name),
            join[self.bracket.left,
                 join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[pre_text, reference[label_year], post_text],
                 self.bracket.right],
        ]


@dataclass
class AuthorYearLabelReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's author_year, with the year as in the bibliography's label, so
    two OpenAI 2024 entries are cited as "OpenAI, 2024a" and "OpenAI, 2024b", as listed."""

    def __post_init__(self):
        super().__post_init__()
        self.styles[0] = _ParentheticalLabelYear(
            bracket=self.bracket_parenthetical, person=self.person, author_year_sep=self.author_year_sep,
            pre_text_sep=self.pre_text_sep, post_text_sep=self.post_text_sep)
        self.styles[1] = _TextualLabelYear(
            bracket=self.bracket_textual, person=self.person, text_reference_sep=self.text_reference_sep,
            pre_text_sep=self.pre_text_sep, post_text_sep=self.post_text_sep)
        self.role_style.update((role, style) for style in self.styles[:2] for role in style.role_names())


# --- status words instead of emoji -------------------------------------------------------------

class PlainStatusWords(SphinxPostTransform):
    """Replace the execution table's emoji (run after myst-nb builds the table, priority 8)."""

    default_priority = 20

    def run(self, **kwargs) -> None:
        for text in list(self.document.findall(nodes.Text)):
            word = STATUS_WORDS.get(text.astext().strip())
            if word:
                text.parent.replace(text, nodes.Text(word))


# --- footer and MathJax ------------------------------------------------------------------------

def add_footer(app, config):
    try:
        version = book_version()
    except (OSError, ValueError) as exc:
        logger.warning(f"footer: cannot read the version from CITATION.cff: {exc}")
        return
    config.version = config.release = version
    if config.html_theme != "sphinx_book_theme":
        return  # extra_footer is that theme's option
    line = (f'<p class="site-version">Version {html.escape(version)}, '
            f"built {build_date().isoformat()}</p>")
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = (options.get("extra_footer") or "") + line
    config.html_theme_options = options


def _mathjax_source(app, warn: bool = True) -> tuple[Path, str] | None:
    """Where the MathJax component named by ``mathjax_path`` is installed; None (and a warning)
    when mathjax_path points at the network or the npm package is not installed."""
    log = logger.warning if warn else logger.debug
    path = app.config.mathjax_path or ""
    if re.match(r"^[a-z]+:|^//", path):
        log(f"mathjax_path {path!r} loads MathJax from the network, so pages show raw TeX "
            "offline; name a file under mathjax/ (served from the site)")
        return None
    if not path.startswith("mathjax/"):
        log(f"mathjax_path {path!r} must start with 'mathjax/' (the folder this extension fills)")
        return None
    source = (ROOT / app.config.site_mathjax_dir).resolve()  # relative to the repository
    component = path.removeprefix("mathjax/")
    if not (source / component).is_file():
        log(f"MathJax is not installed: {source / component} is missing; run `make venv` "
            "(it runs `npm ci`, which installs the version pinned in package-lock.json)")
        return None
    return source, component


def check_mathjax(app):
    if app.builder.format == "html":
        _mathjax_source(app)


def copy_mathjax(app, exception):
    if exception or app.builder.format != "html":
        return
    found = _mathjax_source(app, warn=False)  # check_mathjax already warned
    if not found:
        return
    source, component = found
    dest = Path(app.outdir) / "_static" / "mathjax"
    dest.mkdir(parents=True, exist_ok=True)
    # the component itself plus the folders it loads from (fonts, TeX extensions, menu, speech);
    # the other prebuilt combinations at the top of es5/ are not needed
    copy_asset(source / component, dest)
    for sub in sorted(p for p in source.iterdir() if p.is_dir()):
        copy_asset(sub, dest / sub.name)
    licence = source.parent / "LICENSE"
    if licence.exists():
        copy_asset(licence, dest)


def setup(app):
    register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabelStyle, force=True)
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle, force=True)
    bibtex_plugin.register_plugin("sphinxcontrib.bibtex.style.referencing", "author_year_label",
                                  AuthorYearLabelReferenceStyle, force=True)
    app.add_config_value("site_mathjax_dir", "node_modules/mathjax/es5", "html")
    app.add_directive("site-bibtex", SiteBibtex)
    app.add_post_transform(PlainStatusWords)
    app.connect("config-inited", add_footer)
    app.connect("builder-inited", check_mathjax)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
