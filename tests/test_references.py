"""The bibliography (dlopt_helpers/references.bib, package data) parses and is complete for the notebooks;
links between notebooks land on real headings; the glossary is consistent."""

import re
from pathlib import Path

import nbformat
import pytest

import dlopt_helpers as dh
from dlopt_helpers import references

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
VENUE_FIELDS = ("journal", "booktitle", "publisher", "howpublished")


def test_bib_parses_and_every_entry_is_complete():
    database = references.load()
    assert len(database.entries) >= 30
    titles = {}
    for key, entry in database.entries.items():
        assert entry.persons.get("author"), f"{key}: no author"
        assert entry.fields.get("title"), f"{key}: no title"
        assert any(entry.fields.get(f) for f in VENUE_FIELDS), f"{key}: no venue"
        assert 1900 < int(entry.fields["year"]) <= 2026, f"{key}: year {entry.fields['year']}"
        if "doi" in entry.fields:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", entry.fields["doi"]), f"{key}: malformed DOI"
        # one work, one entry: the same title by the same first author (two works may share a title: the book
        # "Deep Learning" and the Nature review "Deep learning")
        title = (re.sub(r"[^a-z0-9]", "", entry.fields["title"].lower()), entry.persons["author"][0].last_names[-1])
        assert title not in titles, f"{key} duplicates {titles.get(title)}"
        titles[title] = key


def test_every_citation_in_the_notebooks_is_in_the_bib():
    keys = set(references.load().entries)
    cited = references.cited_keys(NOTEBOOKS)
    unknown = {name: sorted(found - keys) for name, found in cited.items() if found - keys}
    assert not unknown, f"cited but not in references.bib: {unknown}"
    for path in NOTEBOOKS:
        text = "".join(c.source for c in nbformat.read(str(path), 4).cells if c.cell_type == "markdown")
        if "**References.**" in text:
            assert cited[path.stem], f"{path.name} has a References paragraph without [@key] citations"
    assert sum(len(found) for found in cited.values()) >= 20
    uncited = set(references.load().entries) - set().union(*cited.values())
    assert not uncited, f"in references.bib but cited by no notebook: {sorted(uncited)}"


def test_rendered_list_has_every_entry():
    rendered = references.render()
    for key in references.load().entries:
        assert f"**[{key}]**" in rendered
    assert references.render(["amdahl1967"]).count("\n") == 0


def anchor(heading: str) -> str:
    """JupyterLab's anchor for a Markdown heading: the heading's text with spaces as dashes."""
    text = re.sub(r"`([^`]*)`", r"\1", heading.lstrip("#").strip())
    return text.replace(" ", "-")


@pytest.mark.parametrize("edition", ["notebooks", "notebooks/zh"])
def test_links_between_notebooks_land_on_headings(edition):
    """In both editions: the Chinese one's links follow its translated headings (tools/translate.py build)."""
    notebooks = sorted((ROOT / edition).glob("*.ipynb"))
    anchors = {}
    for path in notebooks:
        heads = set()
        for cell in nbformat.read(str(path), 4).cells:
            if cell.cell_type == "markdown":
                heads.update(anchor(line) for line in cell.source.splitlines() if re.match(r"#{1,6} ", line))
        anchors[path.name] = heads
    links = 0
    for path in notebooks:
        for cell in nbformat.read(str(path), 4).cells:
            if cell.cell_type != "markdown":
                continue
            for target, fragment in re.findall(r"\]\(([0-9]{2}[a-z]?_[a-z_]+\.ipynb)(?:#([^)]*))?\)", cell.source):
                links += 1
                assert target in anchors, f"{path.name} links to missing {target}"
                if fragment:
                    assert fragment in anchors[target], f"{path.name}: no heading #{fragment} in {target}"
    assert links >= 20  # notebook 10 points every answer at a section


def test_glossary_is_consistent_and_translates_both_ways():
    english = [row[0].lower() for row in references.GLOSSARY]
    chinese = [row[1] for row in references.GLOSSARY]
    assert len(set(english)) == len(english) and len(set(chinese)) == len(chinese)
    chapters = {p.stem.split("_")[0] for p in NOTEBOOKS if p.stem[:2].isdigit()}
    assert all(row[2] in chapters for row in references.GLOSSARY)
    for en, zh, _ in references.GLOSSARY:
        assert references.translate(en) == zh and references.translate(zh) == en
    assert len(references.GLOSSARY) >= 40 and references.glossary_markdown().count("\n") == len(references.GLOSSARY) + 1


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: references.load(ROOT / "missing.bib"), "must be an existing .bib file"),
        (lambda: references.render(["nosuchkey2020"]), "unknown"),
        (lambda: references.translate("banana"), "must be in the glossary"),
        (lambda: references.translate(""), "non-empty string"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_exercises_registered_for_the_chapter():
    assert len(dh.exercises.exercises_for("10_faq_references")) >= 3


def test_notebook_10_corrects_every_entry_of_the_source_article_list():
    """The errata table: the source's 33 references in order, each with what is wrong and a key of the bib."""
    notebook = nbformat.read(ROOT / "notebooks" / "10_faq_references.ipynb", as_version=4)
    text = next(c.source for c in notebook.cells if "**Errata of the source article's reference list.**" in c.source)
    rows = re.findall(r"^\| (\d+) \| (.+?) \| (.+?) \| (.+?) \|$", text, flags=re.MULTILINE)
    assert [int(r[0]) for r in rows] == list(range(1, 34))
    keys = set(references.load().entries)
    for number, printed, wrong, corrected in rows:
        assert re.search(r"\(\d{4}\)\.", printed), f"[{number}] the entry as printed, with its year"
        assert wrong.strip() and corrected.strip()
        cited = re.findall(r"\[@([\w-]+)\]", corrected)
        assert set(cited) <= keys and (cited or corrected.startswith("none")), f"[{number}]: {corrected}"
