"""The exercise registry and the notebooks agree: ids, chapters and the question a learner reads.

Rules (dlopt_helpers/exercises/):
- every exercise id a notebook checks (``dh.check("NN.name", ...)``, any call form) is registered;
- every registered exercise is checked in the notebook of its chapter, and in no other notebook;
- ``ch<NN>_<topic>.py`` registers only exercises of ``notebooks/<NN>_<topic>.ipynb``, ids ``NN.*``;
- the registered question is the notebook's exercise paragraph: the text after ``**Exercise <id>.**`` up to
  the next blank line or the end of the cell, compared with runs of whitespace made one space; that cell is
  followed directly by the learner's cell (``answer = None``, or a function skeleton for a code exercise) and its
  ``dh.check(...)``, then by the collapsed solution cell.
"""

from __future__ import annotations

import ast
import io
import itertools
import re
import tokenize
from pathlib import Path

import nbformat
import pytest

from dlopt_helpers import exercises
from dlopt_helpers.exercises import EXERCISES

ROOT = Path(__file__).resolve().parents[1]
# every edition (notebooks/zh/ too), not Jupyter's .ipynb_checkpoints/
NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").rglob("*.ipynb") if not any(s.startswith(".") for s in p.relative_to(ROOT).parts)
)
# chapter notebooks: NN_topic (a chapter of the source article) and NNa_topic (one it lacks, placed after NN)
CHAPTER_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
MARKER = re.compile(r"\*\*Exercise (?P<id>[^*\s]+?)\.\*\*")
LINE_MAGIC = re.compile(r"^(?P<indent>\s*)%(?!%)\w+\s*")  # `%time check(...)` -> `check(...)`


def _normalized(text: str) -> str:
    return " ".join(text.split())


def check_calls(code: str) -> list[str]:
    """The exercise ids of every ``check(...)`` call in a code cell; a call whose id is not a literal fails."""
    code = "\n".join(_python_line(line) for line in code.splitlines())
    tree = ast.parse(code)
    ids = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not _is_check(node.func):
            continue
        argument = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "exercise_id"), None)
        if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
            raise AssertionError(f"check(...) needs the exercise id as a string literal: {ast.unparse(node)}")
        ids.append(argument.value)
    # a call form the walk above does not know (an alias, getattr, ...) would otherwise go unseen
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type in (tokenize.NAME, tokenize.OP)]
    calls = sum(a.string == "check" and b.string == "(" for a, b in itertools.pairwise(tokens))
    assert len(ids) == calls, f"a check call this test cannot read:\n{code}"
    return ids


def _python_line(line: str) -> str:
    """IPython syntax made Python: a line magic keeps its argument, cell magics and shell lines go."""
    if line.lstrip().startswith(("%%", "!")):
        return ""
    return LINE_MAGIC.sub(r"\g<indent>", line)


def _is_check(func: ast.expr) -> bool:
    """``check``, ``dh.check``, ``exercises.check``, ``dh.exercises.check``, ``dlopt_helpers.check`` ..."""
    if isinstance(func, ast.Name):
        return func.id == "check"
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "check"
        and ast.unparse(func.value).split(".")[-1]
        in {
            "dh",
            "dlopt_helpers",
            "exercises",
        }
    )


def _checked(path: Path) -> list[str]:
    notebook = nbformat.read(str(path), as_version=4)
    return [i for cell in notebook.cells if cell.cell_type == "code" for i in check_calls(cell.source)]


USED = {path: _checked(path) for path in NOTEBOOKS}


def exercise_paragraphs(notebook: nbformat.NotebookNode) -> dict[str, list[tuple[str, int]]]:
    """``{id: [(question text, index of its markdown cell), ...]}`` for every ``**Exercise <id>.**``."""
    found: dict[str, list[tuple[str, int]]] = {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        for match in MARKER.finditer(cell.source):
            paragraph = re.split(r"\n[ \t]*\n", cell.source[match.end() :], maxsplit=1)[0]
            found.setdefault(match["id"], []).append((_normalized(paragraph), index))
    return found


def test_every_checked_id_is_registered_and_belongs_to_that_notebook():
    assert sum(len(ids) for ids in USED.values()) >= len(EXERCISES)
    for path, ids in USED.items():
        for exercise_id in ids:
            assert exercise_id in EXERCISES, f"{path.name} checks {exercise_id!r}, which is not registered"
            assert EXERCISES[exercise_id].notebook == path.stem, (
                f"{path.name} checks {exercise_id!r} of {EXERCISES[exercise_id].notebook}.ipynb"
            )


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_registered_exercise_is_used_by_exactly_its_chapter_notebook(exercise_id):
    exercise = EXERCISES[exercise_id]
    assert exercise_id.split(".")[0] == exercise.notebook.split("_")[0], "the id starts with the chapter number"
    users = {path.stem for path, ids in USED.items() if exercise_id in ids}
    assert users == {exercise.notebook}, f"{exercise_id} is checked in {sorted(users)}"
    # the learner's cell and the solution's cell (tests/test_exercises.py checks the solutions pass)
    chapter = ROOT / "notebooks" / f"{exercise.notebook}.ipynb"
    assert USED[chapter].count(exercise_id) >= 2


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_registered_question_is_the_text_the_notebook_shows(exercise_id):
    exercise = EXERCISES[exercise_id]
    notebook = nbformat.read(str(ROOT / "notebooks" / f"{exercise.notebook}.ipynb"), as_version=4)
    shown = exercise_paragraphs(notebook).get(exercise_id, [])
    assert len(shown) == 1, f"**Exercise {exercise_id}.** appears {len(shown)} times in {exercise.notebook}.ipynb"
    text, index = shown[0]
    assert _normalized(exercise.question) == text, (
        f"{exercise_id}: the registry's question differs from the notebook's; copy the notebook's text into "
        f"dlopt_helpers/exercises/ (the notebook is what learners read)\n registry: "
        f"{_normalized(exercise.question)}\n notebook: {text}"
    )
    learner = notebook.cells[index + 1]
    # `answer = None` (a value, a choice, an experiment's settings) or a function skeleton (a code exercise)
    stub = "def " if exercise.kind == "code" else "answer = None"
    assert learner.cell_type == "code" and learner.source.startswith(stub), f"{exercise_id}: {learner.source[:80]}"
    assert check_calls(learner.source) == [exercise_id], "the learner's cell follows the question directly"


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_paragraph_in_a_notebook_is_registered(path):
    for exercise_id in exercise_paragraphs(nbformat.read(str(path), as_version=4)):
        assert exercise_id in EXERCISES, f"{path.name} asks **Exercise {exercise_id}.** with no answer key"


def test_one_module_per_chapter_registers_only_its_chapter():
    package = Path(exercises.__file__).parent
    modules = {m.__name__.rsplit(".", 1)[1]: m for m in exercises.CHAPTERS}
    assert sorted(modules) == sorted(p.stem for p in package.glob("ch*.py")), "every ch*.py is in CHAPTERS"
    assert sorted(m.NOTEBOOK for m in modules.values()) == [p.stem for p in CHAPTER_NOTEBOOKS]
    for name, module in modules.items():
        assert name == f"ch{module.NOTEBOOK}", "ch<NN>_<topic>.py holds the exercises of <NN>_<topic>.ipynb"
        mine = [e for e in EXERCISES.values() if e.expected.__module__ == module.__name__]
        assert mine and all(e.notebook == module.NOTEBOOK for e in mine)
    assert all(e.expected.__module__ in {m.__name__ for m in modules.values()} for e in EXERCISES.values())


@pytest.mark.parametrize(
    ("code", "ids"),
    [
        ('dh.check("01.a", answer)', ["01.a"]),
        ('dh.check(\n    "07.b",\n    len(x),\n)', ["07.b"]),
        ("dh.exercises.check(exercise_id='02.c', answer=1)", ["02.c"]),
        ('%time check("03.d", 1)\n!ls\nx = "check(...) in a string"', ["03.d"]),
        ('from dlopt_helpers import check\ncheck("04.e", 2)  # check(...) in a comment', ["04.e"]),
        ('ex = dh.exercises.registry\nex.check("05.f", 1)', None),
    ],
)
def test_check_calls_reads_every_call_form_or_says_it_cannot(code, ids):
    if ids is None:
        with pytest.raises(AssertionError, match="cannot read"):
            check_calls(code)
    else:
        assert check_calls(code) == ids
