"""House rules every chapter notebook follows (CONTRIBUTING.md), checked statically.

nbval runs the notebooks; these tests check what running cannot: the parameters cell, figure
labels, captions and citations, seeded randomness, and that no number is typed into prose.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from analysis import assumptions
from tools.chapters import BOOK, chapter_notebooks

CHAPTERS = chapter_notebooks()
FIG_NAME = re.compile(r"^fig-[a-z0-9]+(-[a-z0-9]+)*$")


def book_text() -> str:
    parts = [p.read_text() for p in BOOK.glob("*.md")]
    for p in BOOK.glob("*.ipynb"):
        nb = nbformat.read(p, as_version=4)
        parts += [c.source for c in nb.cells if c.cell_type == "markdown"]
    return "\n".join(parts)


def figure_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "figure" in c.metadata.get("mystnb", {})]


def test_there_are_chapters():
    assert CHAPTERS, "no chapter notebook (a book/*.ipynb with a parameters cell) found"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_parameters_cell_first_and_only_assumptions(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell must be tagged 'parameters'"
    known = set(assumptions.names())
    assert "A = assumptions.load()" in code[0].source, "the parameters cell reads data/assumptions.toml"
    for line in code[0].source.splitlines():
        m = re.match(r"^(\w+) = (.*?)\s*(#.*)?$", line)
        if m and m[1] != "A":
            assert m[1] in known, f"parameter {m[1]!r} is not in data/assumptions.toml"
            assert m[2] == f"A.{m[1]}", f"parameter {m[1]!r} must read the file (A.{m[1]}), not a literal"
    assert "A = assumptions.current(globals())" in code[1].source, "second code cell: A = assumptions.current(globals())"
    assert "assumptions.in_use(A" in code[1].source, "second code cell must show assumptions.in_use(A, ...)"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_figures_are_labelled_captioned_exported_and_cited(path):
    nb = nbformat.read(path, as_version=4)
    text = book_text()
    cells = figure_cells(nb)
    assert cells, "a chapter has at least one numbered figure"
    for cell in cells:
        fig = cell.metadata["mystnb"]["figure"]
        name, caption = fig.get("name", ""), fig.get("caption", "")
        assert FIG_NAME.match(name), f"figure name {name!r} is not lowercase-hyphen 'fig-...'"
        assert caption.strip() and caption[0].isupper(), f"{name}: caption missing or not sentence case"
        # export(fig, name) or export(draw(...), name): the first argument may be a call
        assert re.search(rf"export\(\s*\w+(?:\([^()]*\))?\s*,\s*[\"']{re.escape(name)}[\"']", cell.source), \
            f"{name}: the cell must call export(fig, {name!r}) so the PNG/SVG keep the label's name"
        assert f"{{numref}}`{name}`" in text or re.search(rf"{{numref}}`[^`]*<{name}>`", text), \
            f"{name} is never cited with {{numref}}"


def test_figure_names_unique_across_book():
    names = []
    for path in CHAPTERS:
        names += [c.metadata["mystnb"]["figure"]["name"] for c in figure_cells(nbformat.read(path, as_version=4))]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes, f"figure names used twice: {dupes}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_randomness_is_seeded(path):
    src = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert not re.search(r"np\.random\.(rand|randn|normal|uniform|choice|seed)\(", src), \
        "use np.random.default_rng(seed) with the 'seed' assumption, not the global numpy RNG"
    assert not re.search(r"default_rng\(\s*\)", src), "default_rng() without a seed"


# A number typed into prose: decimals, numbers with units or multipliers, thousands. Names are
# not counted: model versions and sizes (Llama 3.1 8B, Gemini 1.5 Flash, Gemma 2 27B, GPT-4o),
# section and table numbers, years, and short quotations of the essays in double quotes.
_STRIP = [
    re.compile(r"\b(?:Llama|Gemini|Claude|GPT|Gemma|Mixtral|DeepSeek|Qwen|Mistral|Phi|section|Section|"
               r"Table|Figure|Fig\.|Appendix|§|version|v)\s*-?\d+(?:\.\d+)*"),
    re.compile(r"(?<![\w.])\d{1,3}[BM]\b"),  # model-size names (2B, 405B, 200M)
    re.compile(r"[\"“][^\"”\n]{1,80}[\"”]"),  # short quotations of the essays
    re.compile(r"```.*?```", re.S),           # code blocks and directives
    re.compile(r"\$\$.*?\$\$", re.S),          # display math
    re.compile(r"\$[^$\n]+\$"),                # inline math
    re.compile(r"\{[a-z:]+\}`[^`]*`"),         # roles: glue, cite, numref, doc, ref
    re.compile(r"`[^`]*`"),                    # inline code
    re.compile(r"\]\([^)]*\)"),                # link targets
    re.compile(r"^\(.*\)=\s*$", re.M),         # labels
    re.compile(r"^:[a-z-]+:.*$", re.M),        # directive options
]
_TYPED = re.compile(
    r"(?<![\w.\-/])(\d+\.\d+|\d{1,3}(,\d{3})+|\d+\s*(%|x\b|×|T\b|B\b|M\b|GW|kW|MW|W\b|FLOP|tokens|tok/s|GB)|\$\s?\d+)"
)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_number_typed_into_prose(path):
    nb = nbformat.read(path, as_version=4)
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        text = cell.source
        for pat in _STRIP:
            text = pat.sub(" ", text)
        for m in _TYPED.finditer(text):
            found.append(f"cell {i}: {m.group(0)!r} in …{text[max(0, m.start() - 40):m.end() + 20]!r}…")
    assert not found, "numbers typed into Markdown (glue them instead):\n" + "\n".join(found[:15])


def test_toc_lists_every_chapter():
    toc = (Path(BOOK).parent / "_toc.yml").read_text()
    missing = [p.stem for p in CHAPTERS if f"book/{p.stem}" not in toc]
    assert not missing, f"chapters missing from _toc.yml: {missing}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_title_comes_first(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown" and re.search(r"^# \S", first.source, re.M), \
        "a chapter opens with its title (a Markdown cell with the '# ' heading) before any code"
