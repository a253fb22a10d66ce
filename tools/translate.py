#!/usr/bin/env python
"""The Chinese edition: gettext catalogs from the English source, and ``notebooks/zh/`` built from them.

    python tools/translate.py update      # refresh every catalog from the English (new entries empty,
                                          # changed ones fuzzy with the old English kept as #| msgid)
    python tools/translate.py check       # list untranslated, fuzzy and stale entries; exit 1 if any
    python tools/translate.py build       # write notebooks/zh/*.ipynb (then: make notebooks-zh executes them)
    python tools/translate.py worksheet translations/zh/notebooks/00_background.po > 00.txt
    python tools/translate.py fill translations/zh/notebooks/00_background.po 00.zh.txt

Catalogs (standard PO files, editable with Poedit, Weblate, Lokalize, ... or by hand):

- ``translations/zh/notebooks/<notebook>.po``: one entry per markdown cell (context: the cell id) and one per
  comment block of a code cell (context: ``<cell id> comment``). Exercise paragraphs are not here: their text is
  the exercise's question, translated once in the package catalog.
- ``dlopt_helpers/locale/zh/LC_MESSAGES/dlopt_helpers.po``: every ``_()`` / ``N_()`` / ``pgettext()`` text of the
  package (extracted with Babel) and each exercise's question, hint and hidden-case reasons (context: its id).

An entry is current when its English (msgid) is today's English, its translation is not empty and it is not
fuzzy. ``tests/test_translations.py`` runs ``check``: changing one English sentence makes CI name the entry.
The built notebooks keep the English code cells token for token (comments aside) plus one line in the first
code cell, ``dh.set_language("zh")``; ``tests/test_translations.py`` proves it.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import io
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LANGUAGE = "zh"
EDITION = NOTEBOOKS / LANGUAGE
CATALOGS = ROOT / "translations" / LANGUAGE / "notebooks"
PACKAGE = ROOT / "dlopt_helpers"
PACKAGE_CATALOG = PACKAGE / "locale" / LANGUAGE / "LC_MESSAGES" / "dlopt_helpers.po"
EXERCISE = re.compile(r"\A\*\*Exercise (?P<id>\d\d[a-z]?\.\w+)\.\*\* (?P<question>.*)\Z", re.S)
EXERCISE_ZH = "**练习 {id}.** {question}"
SET_LANGUAGE = 'dh.set_language("zh")'
IMPORT_DH = re.compile(r"^import dlopt_helpers as dh\b.*$", re.M)
# the Markdown documents with a Chinese edition: English source -> Chinese file (built, committed)
DOCS = {"README.md": "README.zh-CN.md", "docs/instructor.md": "docs/instructor.zh-CN.md"}
DOC_CATALOGS = ROOT / "translations" / LANGUAGE / "docs"
# links that lead to the Chinese edition of their target, in the Chinese documents
DOC_LINKS = [
    (re.compile(r"\]\((\.\./)?notebooks/(?!zh/)([\w.-]+\.ipynb)"), r"](\1notebooks/zh/\2"),
    (re.compile(r"\]\((\.\./)?README\.md"), r"](\1README.zh-CN.md"),
    (re.compile(r"\]\((docs/)?instructor\.md"), r"](\1instructor.zh-CN.md"),
]
HEADER = """# Chinese (Simplified) translation of the dlopt course.
# The English is the source: python tools/translate.py update refreshes this file from it.
# Glossary: notebooks/10_faq_references.ipynb (dh.references.GLOSSARY) and the source article's terms.
#"""


def english_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def catalog_for(notebook: Path) -> Path:
    return CATALOGS / f"{notebook.stem}.po"


# --- comments of a code cell ------------------------------------------------------------------------


@dataclass
class CommentBlock:
    """Consecutive comment lines at the same column (one entry), or one comment after code on its line."""

    first_row: int  # 0-based line index
    last_row: int
    column: int
    text: str  # the comment without its "# ", lines joined by "\n"
    whole_lines: bool


def comment_blocks(source: str) -> list[CommentBlock]:
    """The comments of a code cell, grouped; a cell Python's tokenizer cannot read has none (left as is)."""
    lines = source.split("\n")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    blocks: list[CommentBlock] = []
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        row, column = token.start[0] - 1, token.start[1]
        text = re.sub(r"^#+ ?", "", token.string).rstrip()
        whole = lines[row][:column].strip() == ""
        if token.string.startswith("#!") or not text or text.startswith(("noqa", "type:", "fmt:", "ruff:")):
            continue
        previous = blocks[-1] if blocks else None
        if whole and previous and previous.whole_lines and previous.last_row == row - 1 and previous.column == column:
            previous.last_row, previous.text = row, previous.text + "\n" + text
        else:
            blocks.append(CommentBlock(row, row, column, text, whole))
    return blocks


def replace_comments(source: str, translate) -> str:
    """``source`` with each comment block replaced by ``translate(text)`` (``None``: keep the English)."""
    lines = source.split("\n")
    for block in reversed(comment_blocks(source)):
        new = translate(block.text)
        if new is None:
            continue
        if block.whole_lines:
            indent = " " * block.column
            lines[block.first_row : block.last_row + 1] = [f"{indent}# {line}".rstrip() for line in new.split("\n")]
        else:
            row = lines[block.first_row]
            lines[block.first_row] = row[: block.column] + "# " + new.replace("\n", " ")
    return "\n".join(lines)


def code_tokens(source: str) -> list[tuple[int, str]]:
    """A code cell's tokens without comments and line layout: what must match between the two editions."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    try:
        return [
            (t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in skip
        ]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [(0, source)]


# --- templates: what needs a translation, from the English -------------------------------------------


def notebook_template(notebook: Path) -> list[Message]:
    nb = nbformat.read(notebook, as_version=4)
    messages = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            if EXERCISE.match(cell.source.strip()) or not cell.source.strip():
                continue
            messages.append(Message(cell.source, context=cell.id, flags=()))
        elif cell.cell_type == "code":
            seen = set()
            for block in comment_blocks(cell.source):
                if block.text not in seen:
                    seen.add(block.text)
                    messages.append(Message(block.text, context=f"{cell.id} comment"))
    return messages


# figure and widget texts, found in the code itself (no marking needed): what dh.i18n.translate_figure and the
# dashboards' controls translate when they are shown
TEXT_CALLS = {
    "set_xlabel": 0,
    "set_ylabel": 0,
    "set_title": 0,
    "suptitle": 0,
    "supxlabel": 0,
    "supylabel": 0,
    "annotate": 0,
    "text": 2,
    "set_text": 0,
}
TEXT_KEYWORDS = {"label", "title", "xlabel", "ylabel", "description"}


def shown_texts(source: str) -> list[str]:
    """Literal strings a figure or widget shows: labels, titles, legend entries, ``ax.text``, descriptions."""
    import ast

    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    found = []

    def literal(node) -> None:
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.search(r"[A-Za-z]{2}", node.value)
            and not node.value.startswith("_")
        ):
            found.append(node.value)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        position = TEXT_CALLS.get(name)
        if position is not None and len(node.args) > position:
            literal(node.args[position])
        for keyword in node.keywords:
            if keyword.arg in TEXT_KEYWORDS:
                literal(keyword.value)
    return found


def package_template() -> list[Message]:
    """Babel's extraction of the package's marked texts, then each exercise's texts (context: its id)."""
    from babel.messages.extract import extract_from_dir

    keywords = {"_": None, "N_": None, "gettext": None, "pgettext": ((1, "c"), 2)}
    messages: dict[tuple, Message] = {}

    def directory_filter(path: str) -> bool:  # Babel's default skips "_validation/": its messages are shown too
        return not Path(path).name.startswith((".", "__pycache__"))

    for filename, lineno, text, _comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=keywords, directory_filter=directory_filter
    ):
        if isinstance(text, str) and text:
            key = (context, text)
            if key in messages:
                messages[key].locations.append((f"dlopt_helpers/{filename}", lineno))
            else:
                messages[key] = Message(text, context=context, locations=[(f"dlopt_helpers/{filename}", lineno)])
    sources = [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))]
    for notebook in english_notebooks():
        cells = nbformat.read(notebook, as_version=4).cells
        sources += [(f"notebooks/{notebook.name}", c.source) for c in cells if c.cell_type == "code"]
    for where, source in sources:
        for text in shown_texts(source):
            message = messages.setdefault((None, text), Message(text))
            if where not in message.auto_comments:
                message.auto_comments.append(where)
    sys.path.insert(0, str(ROOT))
    from dlopt_helpers.exercises import registry

    for exercise in registry.EXERCISES.values():
        for text in (exercise.question, exercise.hint):  # shown with the exercise's id: its own entries
            messages.setdefault((exercise.id, text), Message(text, context=exercise.id))
        for text in registry.case_reasons(exercise):  # what a hidden case tests: shared wording
            messages.setdefault((None, text), Message(text, auto_comments=[f"a hidden case of {exercise.id}"]))
    return list(messages.values())


# --- Markdown documents (README, instructor guide): one entry per block -----------------------------


def doc_catalog(document: str) -> Path:
    return DOC_CATALOGS / f"{Path(document).stem}.po"


def blocks(text: str) -> list[str]:
    """A Markdown document's blocks: paragraphs, lists, tables, headings; a fenced block stays whole."""
    found, current, fenced = [], [], False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not line.strip() and not fenced:
            if current:
                found.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        found.append("\n".join(current))
    return found


# the English README's first line points to the Chinese one; the Chinese README's points back
LANGUAGE_SWITCH = (
    "**中文版：[README.zh-CN.md](README.zh-CN.md)**",
    "**English: [README.md](README.md)** · 中文版课程：`make lab LANG=zh`",
)


def doc_template(document: str) -> list[Message]:
    seen, messages = set(), []
    for block in blocks((ROOT / document).read_text(encoding="utf-8")):
        if block.startswith(LANGUAGE_SWITCH[0]):
            continue
        if block not in seen and re.search(r"[A-Za-z]", block):
            seen.add(block)
            messages.append(Message(block, auto_comments=[document]))
    return messages


def build_doc(document: str) -> str:
    table = {english: text for (_context, english), text in translations(doc_catalog(document)).items()}
    parts = []
    for block in blocks((ROOT / document).read_text(encoding="utf-8")):
        if block.startswith(LANGUAGE_SWITCH[0]):
            parts.append(LANGUAGE_SWITCH[1])
            continue
        translated = table.get(block, block)
        for pattern, replacement in DOC_LINKS:
            translated = pattern.sub(replacement, translated)
        parts.append(join_soft_breaks(translated))
    return "\n\n".join(parts) + "\n"


# --- catalogs --------------------------------------------------------------------------------------


def read_catalog(path: Path) -> Catalog:
    if not path.exists():
        return Catalog(locale=LANGUAGE, header_comment=HEADER, project="dlopt", fuzzy=False)
    with path.open("rb") as stream:
        return read_po(stream, locale=LANGUAGE)


def write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False, include_previous=True, include_lineno=False)
    text = buffer.getvalue().decode()
    # the header's dates change on every write: keep the file stable between runs
    text = re.sub(r'"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"\n', "", text)
    path.write_text(text, encoding="utf-8")


def merge(old: Catalog, template: list[Message]) -> Catalog:
    """gettext's msgmerge, keyed on the context: the same English keeps its translation; changed English keeps
    the old translation, marked fuzzy, with the old English as ``#| msgid``; new English starts empty."""
    new = Catalog(locale=LANGUAGE, header_comment=old.header_comment or HEADER, project="dlopt", fuzzy=False)
    translated = [m for m in old if m.id and m.string]
    current_by_id = {m.id: m for m in translated if not m.fuzzy}
    used: set[tuple] = set()
    for entry in template:
        message = Message(entry.id, context=entry.context, locations=entry.locations, auto_comments=entry.auto_comments)
        message.flags.discard("python-format")  # Babel's guess from a "%" in the text: not a format string here
        exact = old.get(entry.id, context=entry.context)
        if exact is not None and exact.string:
            message.string, message.flags = exact.string, set(exact.flags)
            message.previous_id, message.user_comments = exact.previous_id, exact.user_comments
            used.add((exact.context, exact.id))
        else:
            same_place = [m for m in translated if m.context == entry.context and (m.context, m.id) not in used]
            closest = difflib.get_close_matches(entry.id, [m.id for m in same_place], n=1, cutoff=0.3)
            similar = closest and difflib.SequenceMatcher(None, entry.id, closest[0]).ratio() >= 0.6
            if closest and (entry.context is not None or similar):  # the English changed: out of date
                before = next(m for m in same_place if m.id == closest[0])
                message.string, message.previous_id = before.string, before.id
                message.flags.add("fuzzy")
                used.add((before.context, before.id))
            elif entry.id in current_by_id:  # the same English elsewhere (a moved cell): still current
                message.string = current_by_id[entry.id].string
        new[entry.id] = message
    for message in translated:  # kept as #~ entries, for the translator's memory
        if (message.context, message.id) not in used and new.get(message.id, context=message.context) is None:
            new.obsolete[(message.id, message.context) if message.context else message.id] = message
    return new


# what a translation keeps exactly: formulas, code, citations, link targets and the course's result markers
KEPT = re.compile(
    r"\$\$.+?\$\$|(?<![\\$])\$[^$\n]+?\$|`(?:[^`\n]|\n(?!\n))+`|\[@[\w:-]+\]|\]\((?:[^()\s]|\([^()]*\))+\)|https?://[^\s)>\]]+|\{\w*(?:[.:!][^{}\s]*)?\}|[🎲⏱✔✅❌⏳]",
    re.S,
)


def kept(text: str) -> list[str]:
    """The parts of a Markdown text a translation must carry over unchanged (sorted, with repeats)."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)  # a fenced listing or diagram may carry translated comments
    return sorted(re.sub(r"\s+", " ", part) for part in KEPT.findall(text))


def fidelity(english: str, translation: str) -> str | None:
    """Why ``translation`` does not carry ``english``'s formulas, code, citations and links (``None``: it does)."""
    want, got = kept(english), kept(translation)
    if want == got:
        return None
    missing = [x for x in want if want.count(x) > got.count(x)]
    extra = [x for x in got if got.count(x) > want.count(x)]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(repr(x[:40]) for x in dict.fromkeys(missing)))
    if extra:
        parts.append("not in the English " + ", ".join(repr(x[:40]) for x in dict.fromkeys(extra)))
    return "; ".join(parts)


def problems(catalog: Catalog, template: list[Message], name: str) -> list[str]:
    """Every template entry without a current translation, as one readable line each."""
    found = []
    for entry in template:
        message = catalog.get(entry.id, context=entry.context)
        where = f"{name}: {entry.context or 'message'}"
        first = entry.id.strip().split("\n")[0][:70]
        if message is None:
            older = [m for m in catalog if m.id and m.context == entry.context and entry.context]
            reason = "the English changed since it was translated" if older else "no entry (run update)"
            found.append(f"{where}: {reason}: {first!r}")
        elif not message.string:
            found.append(f"{where}: untranslated: {first!r}")
        elif message.fuzzy:
            found.append(f"{where}: out of date (fuzzy: the English changed): {first!r}")
        elif reason := fidelity(entry.id, message.string):
            found.append(f"{where}: formulas, code or links differ from the English ({reason}): {first!r}")
    return found


def all_catalogs(names: list[str] | None = None):
    """(catalog path, template, display name) for every notebook and the package (or those ``names`` picks:
    notebook names and/or ``dlopt_helpers``)."""
    for notebook in english_notebooks():
        if not names or notebook.stem in names or notebook.name in names:
            yield catalog_for(notebook), notebook_template(notebook), f"notebooks/{notebook.name}"
    for document in DOCS:
        if not names or document in names or Path(document).stem in names:
            yield doc_catalog(document), doc_template(document), document
    if not names or "dlopt_helpers" in names:
        yield PACKAGE_CATALOG, package_template(), "dlopt_helpers"


def update(names: list[str] | None = None) -> None:
    for path, template, _name in all_catalogs(names):
        write_catalog(merge(read_catalog(path), template), path)
        print(f"updated {path.relative_to(ROOT)} ({len(template)} entries)")


def check() -> list[str]:
    found = []
    for path, template, name in all_catalogs():
        found += problems(read_catalog(path), template, name)
    return found


# --- the Chinese notebooks ---------------------------------------------------------------------------


def translations(path: Path) -> dict[tuple[str | None, str], str]:
    return {(m.context, m.id): m.string for m in read_catalog(path) if m.id and m.string and not m.fuzzy}


HEADING = re.compile(r"^#{1,6} +(.+?) *$", re.M)
EXERCISE_PARAGRAPH = re.compile(
    r"^\*\*(?:Exercise|练习) (?P<id>\d\d[a-z]?\.\w+)[.。]\*\* ?.*?(?=\n\s*\n|\Z)", re.M | re.S
)
CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
SOFT_BREAK = re.compile(rf"(?<=[{CJK}])\n[ \t]*(?=[{CJK}])")
SOLUTION_ZH = "# 参考答案：请先自己做练习，再点击 ••• 展开"  # = nbhygiene.SOLUTION_FIRST_LINE_ZH


def anchor(heading: str) -> str:
    """JupyterLab's id of a heading: its text (code marks removed) with spaces as dashes."""
    return re.sub(r"`([^`]*)`", r"\1", heading.strip()).replace(" ", "-")  # as tests/test_references.py


def headings(notebook: nbformat.NotebookNode) -> dict[tuple[str, int], str]:
    """(cell id, heading number in the cell) -> anchor, for every Markdown heading."""
    found = {}
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for number, match in enumerate(HEADING.finditer(cell.source)):
                found[(cell.id, number)] = anchor(match.group(1))
    return found


def anchor_map(english: nbformat.NotebookNode, chinese: nbformat.NotebookNode) -> dict[str, str]:
    """English anchor -> Chinese anchor, heading by heading (same cells, same order)."""
    zh = headings(chinese)
    return {a: zh[key] for key, a in headings(english).items() if key in zh and zh[key] != a}


def join_soft_breaks(text: str) -> str:
    """Join lines broken between two Chinese characters: Markdown would render the break as a space."""
    parts = re.split(r"(```.*?```|\$\$.*?\$\$)", text, flags=re.S)
    return "".join(p if i % 2 else SOFT_BREAK.sub("", p) for i, p in enumerate(parts))


def build_notebook(notebook: Path, table: dict, package: dict) -> nbformat.NotebookNode:
    """The Chinese notebook: translated markdown and comments, the same code, outputs cleared.

    Exercise paragraphs come from the package catalog (one translation of each question); a solution cell's
    first line is the Chinese ``SOLUTION_ZH``; links to a heading follow the heading's translation (done by
    ``build``, which knows every notebook).
    """
    nb = nbformat.read(notebook, as_version=4)
    set_language_added = False
    questions = {(context, " ".join(english.split())): text for (context, english), text in package.items() if context}
    english_questions: dict[str, str] = {}  # exercise id -> its English paragraph, read before the cell is translated

    def exercise_paragraph(match: re.Match) -> str:
        exercise_id = match["id"]
        english = " ".join(english_questions.get(exercise_id, "").split())  # as the registry has it
        translated = questions.get((exercise_id, english))
        return EXERCISE_ZH.format(id=exercise_id, question=translated) if translated else match.group(0)

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for match in EXERCISE_PARAGRAPH.finditer(cell.source):
                english_questions[match["id"]] = match.group(0).split(".**", 1)[1].strip()
            cell.source = table.get((cell.id, cell.source), cell.source)
            cell.source = EXERCISE_PARAGRAPH.sub(exercise_paragraph, join_soft_breaks(cell.source))
        elif cell.cell_type == "code":
            cell.source = replace_comments(cell.source, lambda text, cid=cell.id: table.get((f"{cid} comment", text)))
            if "solution" in cell.metadata.get("tags", []) and cell.source.startswith("#"):
                cell.source = SOLUTION_ZH + "\n" + cell.source.split("\n", 1)[1]
            cell.outputs, cell.execution_count = [], None
            if not set_language_added and IMPORT_DH.search(cell.source):
                cell.source = IMPORT_DH.sub(lambda m: m.group(0) + "\n" + SET_LANGUAGE, cell.source, count=1)
                set_language_added = True
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["dlopt"] = {"language": LANGUAGE, "source": f"../{notebook.name}"}
    return nb


def keep_outputs(nb: nbformat.NotebookNode, target: Path) -> None:
    """Carry the stored outputs of ``target`` over to the cells whose code did not change (a rebuilt prose
    translation needs no re-run; nbval still compares every output with a fresh run)."""
    if not target.exists():
        return
    old = {c.id: c for c in nbformat.read(target, as_version=4).cells if c.cell_type == "code"}
    for cell in nb.cells:
        before = old.get(cell.id)
        if cell.cell_type == "code" and before is not None and before.source == cell.source:
            cell.outputs, cell.execution_count = before.outputs, before.execution_count


LINK = re.compile(r"\]\((?P<file>[\w.-]+\.ipynb)?#(?P<anchor>[^)\s]+)\)")


def repoint_links(source: str, here: str, anchors: dict[str, dict[str, str]]) -> str:
    """Links to a heading (``03_gradient_descent.ipynb#4.-...`` or ``#4.-...``) re-pointed at its translation."""

    def repoint(match: re.Match) -> str:
        new = anchors.get(match["file"] or here, {}).get(match["anchor"])
        return match.group(0) if new is None else f"]({match['file'] or ''}#{new})"

    return LINK.sub(repoint, source)


def build(names: list[str] | None = None) -> list[Path]:
    """Write ``notebooks/zh/`` (or the ``names`` among them); links to headings are re-pointed in every one."""
    EDITION.mkdir(exist_ok=True)
    package = translations(PACKAGE_CATALOG)
    english = {nb.name: nbformat.read(nb, as_version=4) for nb in english_notebooks()}
    built = {nb.name: build_notebook(nb, translations(catalog_for(nb)), package) for nb in english_notebooks()}
    anchors = {name: anchor_map(english[name], built[name]) for name in english}
    written = []
    for document, chinese in DOCS.items():
        if not names or document in names:
            (ROOT / chinese).write_text(build_doc(document), encoding="utf-8")
            written.append(ROOT / chinese)
            print(f"built {chinese}")
    for name, nb in built.items():
        if names and Path(name).stem not in names and name not in names:
            continue
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = repoint_links(cell.source, name, anchors)
        target = EDITION / name
        keep_outputs(nb, target)
        nbformat.write(nb, target)
        written.append(target)
        print(f"built {target.relative_to(ROOT)}")
    return written


# --- translator's worksheets (plain text, for translating without a PO editor) -----------------------


def key_of(message: Message) -> str:
    digest = hashlib.sha1(message.id.encode()).hexdigest()[:8]
    return f"{message.context or '-'} {digest}"


def worksheet(path: Path, everything: bool = False) -> str:
    parts = []
    for message in read_catalog(path):
        if message.id and (everything or not message.string or message.fuzzy):
            parts.append(f"<<<< {key_of(message)}\n{message.id}\n")
    return "\n".join(parts)


def fill(path: Path, filled: Path) -> int:
    catalog = read_catalog(path)
    by_key = {key_of(m): m for m in catalog if m.id}
    by_digest: dict[str, list[Message]] = {}
    for message in catalog:
        if message.id:
            by_digest.setdefault(key_of(message).split()[-1], []).append(message)
    count = 0
    for block in re.split(r"^<<<< ", filled.read_text(encoding="utf-8"), flags=re.M)[1:]:
        key, _, text = block.partition("\n")
        key = key.strip()
        # an entry that moved to another context (same English) is found by the English's digest
        targets = [by_key[key]] if key in by_key else by_digest.get(key.split()[-1], [])
        if not targets:
            print(f"skipped {key!r}: no such entry in {path} any more (its English changed?)", file=sys.stderr)
        for message in targets:
            text = text.strip("\n")
            if message.id.endswith("\n") and not text.endswith("\n"):
                text += "\n"
            message.string = text
            message.flags.discard("fuzzy")
            message.previous_id = ()
            count += 1
    write_catalog(catalog, path)
    return count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    update_parser = sub.add_parser("update")
    update_parser.add_argument("catalogs", nargs="*", help="notebook names and/or dlopt_helpers (default: all)")
    sub.add_parser("check")
    build_parser = sub.add_parser("build")
    build_parser.add_argument("notebooks", nargs="*", help="notebook names (default: all)")
    sheet = sub.add_parser("worksheet")
    sheet.add_argument("catalog", type=Path)
    sheet.add_argument("--all", action="store_true", help="every entry, not only those needing work")
    fill_parser = sub.add_parser("fill")
    fill_parser.add_argument("catalog", type=Path)
    fill_parser.add_argument("translations", type=Path)
    args = parser.parse_args(argv)
    if args.command == "update":
        update(args.catalogs)
    elif args.command == "check":
        found = check()
        print("\n".join(found) or "every entry has a current translation")
        return 1 if found else 0
    elif args.command == "build":
        build(args.notebooks)
    elif args.command == "worksheet":
        print(worksheet(args.catalog, args.all))
    elif args.command == "fill":
        print(f"{fill(args.catalog, args.translations)} entries filled in {args.catalog}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
