"""The site extension (tools/sphinx_site.py): author-year labels, BibTeX from CITATION.cff."""

from __future__ import annotations

import re

import pytest
import yaml
from pybtex.database import Entry, Person

from tools import sphinx_site


def entry(key: str, authors: list[str], year: str, title: str = "T") -> Entry:
    e = Entry("article", fields={"title": title, "year": year})
    e.key = key
    e.persons["author"] = [Person(a) for a in authors]
    return e


@pytest.mark.parametrize(("authors", "label"), [
    (["Kaplan, Jared"], "Kaplan, 2020"),
    (["Muennighoff, Niklas", "Rush, Alexander"], "Muennighoff and Rush, 2020"),
    (["Hoffmann, Jordan", "Borgeaud, Sebastian", "Mensch, Arthur"], "Hoffmann et al., 2020"),
    (["{Epoch AI}"], "Epoch AI, 2020"),
    (["de Vries, Harm"], "de Vries, 2020"),
])
def test_label_reads_like_the_citation(authors, label):
    assert list(sphinx_site.AuthorYearLabelStyle().format_labels([entry("k", authors, "2020")])) == [label]


def test_same_authors_and_year_get_letters_and_others_do_not():
    entries = [entry("a", ["{OpenAI}"], "2024"), entry("b", ["{OpenAI}"], "2024"),
               entry("c", ["{OpenAI}"], "2025"), entry("d", ["Kaplan, J."], "2024")]
    labels = list(sphinx_site.AuthorYearLabelStyle().format_labels(entries))
    assert labels == ["OpenAI, 2024a", "OpenAI, 2024b", "OpenAI, 2025", "Kaplan, 2024"]


CFF = ('cff-version: 1.2.0\ntitle: "A book"\nauthors:\n  - family-names: Doe\n    given-names: Jane\n'
       '  - name: "The Lab"\nversion: 2.3.4\ndate-released: 2031-05-06\nurl: "https://books.test/a/"\n')


def test_bibtex_comes_from_citation_cff(tmp_path):
    (tmp_path / "CITATION.cff").write_text(CFF)
    meta = sphinx_site.citation_metadata(tmp_path / "CITATION.cff")
    book = sphinx_site.bibtex_entry(meta=meta)
    assert book.startswith("@misc{llmreport2031,")
    for field in ("title        = {A book}", "author       = {Doe, Jane and {The Lab}}", "year         = 2031",
                  "version      = {2.3.4}", "url          = {https://books.test/a/}"):
        assert field in book
    fig = sphinx_site.bibtex_entry("fig-data-wall-tokens", "book/data_wall", "Tokens", meta=meta)
    assert "url          = {https://books.test/a/book/data_wall.html#fig-data-wall-tokens}" in fig
    assert re.search(r"title\s+= \{Tokens \(figure fig-data-wall-tokens\)\}", fig)
    assert all(len(line) <= 100 for line in fig.splitlines())


@pytest.mark.parametrize("missing", ["url", "version"])
def test_a_missing_cff_field_is_named(tmp_path, missing):
    text = "\n".join(line for line in CFF.splitlines() if not line.startswith(missing + ":"))
    (tmp_path / "CITATION.cff").write_text(text)
    with pytest.raises(ValueError, match=f"CITATION.cff: the field '{missing}'"):
        sphinx_site.citation_metadata(tmp_path / "CITATION.cff")


def test_the_repository_cff_has_what_the_site_needs():
    meta = sphinx_site.citation_metadata()
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(meta["version"]))
    assert str(meta["url"]).startswith("https://")


def test_no_extension_is_silently_dropped():
    """_config.yml lists the whole extension list (to leave out sphinx_thebe); that list replaces
    Jupyter Book's extra_extensions and local_extensions names, so each must be in it."""
    sphinx = yaml.safe_load((sphinx_site.ROOT / "_config.yml").read_text())["sphinx"]
    listed = sphinx["config"]["extensions"]
    assert "sphinx_thebe" not in listed
    wanted = list(sphinx.get("extra_extensions") or []) + list(sphinx.get("local_extensions") or {})
    assert not [e for e in wanted if e not in listed], "add these to sphinx.config.extensions in _config.yml"


# --- tables that fit a phone (tools/sphinx_tables.py) -------------------------------------------

def test_narrow_tables_stay_tables_and_wide_ones_stack():
    from tools.sphinx_tables import needs_stacking

    counts = [["Verdict", "holds", "roughly holds", "not checkable"], ["Essay B", "33"], ["Essay A", "5"], ["Both", "38"]]
    assert not needs_stacking(counts)
    assert not needs_stacking([["Claim", "a very long sentence " * 20], ["Verdict", "holds"]])  # two columns wrap
    fits = [["Parametric fit", "Hoffmann 2022 (Approach 3, as printed)"]] + [[f"Col {i}", "1.18 × 10²²"] for i in range(6)]
    assert needs_stacking(fits)


def test_html_tables_get_labels_from_their_header():
    from tools.sphinx_tables import label_html_tables

    html = ('<table id="T_1">\n<thead><tr><th>assumption</th><th>value</th><th>unit</th><th>plausible range</th>'
            '<th>rationale</th></tr></thead>\n<tbody><tr><td class="data">mfu</td><td>0.4</td><td>fraction of peak'
            '</td><td>0.2 to 0.6</td><td>measured utilisation of large training runs</td></tr></tbody></table>')
    out = label_html_tables(html)
    assert '<table id="T_1" class="table-stack">' in out
    assert '<td class="data" data-label="assumption">mfu</td>' in out
    assert '<td data-label="plausible range">0.2 to 0.6</td>' in out
    assert out.count("data-label") == 5
    # an interactive table's placeholder (a script fills it) and a table without a header are left alone
    assert label_html_tables(html + "<script>fill()</script>") == html + "<script>fill()</script>"
    bare = "<table><tr><td>1</td></tr></table>"
    assert label_html_tables(bare) == bare
