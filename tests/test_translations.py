"""The Chinese edition cannot drift: every text has a current translation, and notebooks/zh is the English code.

The catalogs (``translations/zh/notebooks/*.po``, ``dlopt_helpers/locale/zh/LC_MESSAGES/dlopt_helpers.po``) are
standard gettext files; ``tools/translate.py`` extracts, checks and builds. A changed English sentence makes
``test_every_text_has_a_current_translation`` name its entry; ``make translations`` marks it fuzzy for the
translator, ``make notebooks-zh`` rebuilds and re-executes the Chinese notebooks.
"""

from __future__ import annotations

import io
import re
import sys
import warnings
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import translate  # noqa: E402

ENGLISH = translate.english_notebooks()
CHINESE = ROOT / "notebooks" / "zh"


@pytest.fixture
def chinese():
    """The helpers in Chinese for one test, English again afterwards."""
    import dlopt_helpers as dh

    dh.set_language("zh")
    yield dh
    dh.set_language("en")


def test_every_text_has_a_current_translation():
    found = translate.check()
    assert not found, "translations missing or out of date (translate them, see CONTRIBUTING.md):\n" + "\n".join(found)


def test_a_changed_english_sentence_is_named():
    notebook = ROOT / "notebooks" / "04_regularization.ipynb"
    template = translate.notebook_template(notebook)
    catalog = translate.read_catalog(translate.catalog_for(notebook))
    assert translate.problems(catalog, template, "04") == []
    first = template[0]
    changed = [translate.Message(first.id.replace("Regularization", "Regularisation"), context=first.context)]
    assert changed[0].id != first.id
    (line,) = translate.problems(catalog, changed, "04")
    assert first.context in line and "the English changed since it was translated" in line
    merged = translate.merge(catalog, changed)  # what `make translations` does: fuzzy, old English kept
    message = merged.get(changed[0].id, context=first.context)
    assert message.fuzzy
    assert first.id in (message.previous_id, *message.previous_id)
    (line,) = translate.problems(merged, changed, "04")
    assert "out of date" in line


def test_a_translation_keeps_formulas_code_and_links():
    english = "The step $w - \\eta g$ in `keras.optimizers.SGD` [@ruder2016] ([docs](03_gradient_descent.ipynb#4))."
    assert (
        translate.fidelity(
            english,
            "步骤 $w - \\eta g$，见 `keras.optimizers.SGD` [@ruder2016]（[文档](03_gradient_descent.ipynb#4)）。",
        )
        is None
    )
    assert "missing" in translate.fidelity(english, "步骤 $w - \\eta\\, g$，见 `keras.optimizers.SGD` [@ruder2016]。")
    assert "{name}" in translate.fidelity("{name} must be set", "必须设置")


def test_the_chinese_notebooks_are_built_from_the_current_catalogs():
    package = translate.translations(translate.PACKAGE_CATALOG)
    stored = sorted(p.name for p in CHINESE.glob("*.ipynb"))
    assert stored == sorted(p.name for p in ENGLISH), "notebooks/zh must hold one notebook per English notebook"
    english = {p.name: nbformat.read(p, as_version=4) for p in ENGLISH}
    fresh = {
        p.name: translate.build_notebook(p, translate.translations(translate.catalog_for(p)), package) for p in ENGLISH
    }
    anchors = {name: translate.anchor_map(english[name], fresh[name]) for name in english}
    for name in stored:
        zh = nbformat.read(CHINESE / name, as_version=4)
        expected = [
            translate.repoint_links(c.source, name, anchors) if c.cell_type == "markdown" else c.source
            for c in fresh[name].cells
        ]
        assert [c.source for c in zh.cells] == expected, f"notebooks/zh/{name} is stale: run make notebooks-zh"


@pytest.mark.parametrize("document", sorted(translate.DOCS))
def test_the_chinese_documents_are_built_from_the_current_catalogs(document):
    chinese = ROOT / translate.DOCS[document]
    assert chinese.read_text(encoding="utf-8") == translate.build_doc(document), (
        f"{chinese.name}: run make notebooks-zh"
    )
    assert "](notebooks/zh/" in chinese.read_text(encoding="utf-8") or document != "README.md"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_chinese_code_cells_are_the_english_code(english):
    """Same cells, tags and code tokens; only comments differ, and the first code cell says set_language."""
    en = nbformat.read(english, as_version=4)
    zh = nbformat.read(CHINESE / english.name, as_version=4)
    assert [c.cell_type for c in zh.cells] == [c.cell_type for c in en.cells]
    assert [c.id for c in zh.cells] == [c.id for c in en.cells]
    assert [c.metadata.get("tags", []) for c in zh.cells] == [c.metadata.get("tags", []) for c in en.cells]
    code_en = [c.source for c in en.cells if c.cell_type == "code"]
    code_zh = [c.source for c in zh.cells if c.cell_type == "code"]
    first = next(i for i, source in enumerate(code_en) if translate.IMPORT_DH.search(source))
    assert translate.SET_LANGUAGE in code_zh[first]
    code_zh[first] = code_zh[first].replace("\n" + translate.SET_LANGUAGE, "", 1)
    for index, (a, b) in enumerate(zip(code_en, code_zh, strict=True)):
        assert translate.code_tokens(a) == translate.code_tokens(b), f"code cell {index} differs from the English"
        markers = [line.strip() for line in a.splitlines() if line.strip().startswith("# NBVAL_")]
        assert markers == [line.strip() for line in b.splitlines() if line.strip().startswith("# NBVAL_")]


# what may stay English in a Chinese Markdown cell: code, formulas, links, citations, names and titles
KEPT_ENGLISH = [  # removed in this order (code first: a `*` or `$` inside code is not markup)
    re.compile(r"```.*?```", re.S),
    re.compile(r"`[^`]*`"),
    re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S),
    re.compile(r"\]\([^)]*\)|https?://\S+|\[@[\w:-]+\]|<[^>]+>"),
    re.compile(r"\*\*|“[^”]{0,300}”|\"[^\"]{0,300}\"|《[^》]*》|\*[^*\n]+\*|\|[^|\n]*\|"),
]
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’.-]*(?:[ ,:;/()-]+[A-Za-z][A-Za-z'’.-]*){5,}")
# cells whose English is quoted on purpose: the bibliography, and the source article's reference list as printed
QUOTED_CELLS = {"10_faq_references": ("References", "参考文献", "勘误", "Errata")}


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_chinese_markdown_is_chinese(english):
    """Every Markdown cell has Chinese, and no run of six or more English words outside code, formulas,
    links, quotations, italics (titles) and table cells (names, bib keys) -- English prose would be one."""
    zh = nbformat.read(CHINESE / english.name, as_version=4)
    problems = []
    for index, cell in enumerate(zh.cells):
        if cell.cell_type != "markdown":
            continue
        # a reference (authors, title, venue, year) is cited as published: lines with a year are not prose
        text = cell.source
        for pattern in KEPT_ENGLISH:
            text = pattern.sub(" ", text)
        text = "\n".join(line for line in text.split("\n") if not re.search(r"\b(19|20)\d\d\b", line))
        if not re.search(r"[\u4e00-\u9fff]", cell.source):
            problems.append(f"cell {index} has no Chinese: {cell.source[:60]!r}")
        if any(word in cell.source for word in QUOTED_CELLS.get(english.stem, ())):
            continue
        for run in ENGLISH_RUN.findall(text):
            problems.append(f"cell {index}: English prose {run[:80]!r}")
    assert not problems, "\n".join(problems)


def test_exercise_questions_in_the_chinese_notebooks_are_the_registrys(chinese):
    from dlopt_helpers.exercises.registry import EXERCISES, question

    shown = {}
    for path in CHINESE.glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for match in re.finditer(
                r"^\*\*练习 (\d\d[a-z]?\.\w+)\.\*\* (.*?)(?=\n\s*\n|\Z)", cell.source, re.M | re.S
            ):
                shown[match.group(1)] = match.group(2)
    assert sorted(shown) == sorted(EXERCISES)
    for exercise_id, exercise in EXERCISES.items():
        assert shown[exercise_id] == question(exercise), exercise_id
        assert re.search(r"[\u4e00-\u9fff]", question(exercise)), exercise_id


def test_checks_speak_chinese(chinese):
    dh = chinese
    assert dh.get_language() == "zh"
    pending = dh.check("00.accuracy", None).message
    assert pending.startswith("⏳ 00.accuracy") and re.search(r"[\u4e00-\u9fff]", pending)

    def accuracy(y_true, y_pred):
        return 0.5

    wrong = dh.check("00.accuracy", accuracy).message
    assert wrong.startswith("❌ 00.accuracy") and re.search(r"[\u4e00-\u9fff]", wrong.split("accuracy", 1)[1])
    assert dh.check("00.lever_flip", "数据增强").correct  # a lever's Chinese name is an answer too
    dh.set_language("en")
    assert "Hint:" in dh.check("00.accuracy", None).message


def test_figures_draw_chinese_with_the_course_font(chinese):
    """Every translated figure text, drawn: matplotlib warns "Glyph ... missing" for a character it would
    draw as an empty box (tofu); with the course's CJK font there is none."""
    from dlopt_helpers.plotting import new_figure

    catalog = translate.read_catalog(translate.PACKAGE_CATALOG)
    drawn = [m for m in catalog if m.id and any("/" in where for where in m.auto_comments)]  # texts found in code
    texts = [m.string for m in drawn]
    assert len(texts) > 100
    fig, ax = new_figure(figsize=(12, 40))
    for row, text in enumerate(texts):
        ax.text(0, row, text)
    ax.set_ylim(0, len(texts))
    ax.set_xlabel("validation accuracy")  # a label of the notebooks' code: translated when drawn
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")  # drawn by Agg, as Jupyter shows it
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:5]
    assert re.search(r"[\u4e00-\u9fff]", ax.get_xlabel())


def test_the_language_is_checked():
    import dlopt_helpers as dh

    with pytest.raises(ValueError, match="language must be one of 'en', 'zh'"):
        dh.set_language("fr")
    assert dh.get_language() == "en"
