import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from dlopt_helpers import exercises
from dlopt_helpers.exercises import EXERCISES, check

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WRONG = {"str": "not a lever", "default": 12345.0}


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_expected_answer_passes_wrong_fails_none_pending(exercise_id):
    expected = EXERCISES[exercise_id].expected()
    assert check(exercise_id, expected).correct is True
    wrong = WRONG["str"] if isinstance(expected, str) else WRONG["default"]
    result = check(exercise_id, wrong)
    assert result.correct is False and "Hint:" in repr(result) and not result
    pending = check(exercise_id, None)
    assert pending.correct is None and "no answer yet" in repr(pending)
    assert check(exercise_id, ...).correct is None


def test_numeric_answers_within_tolerance_and_shapes():
    assert check("01.gd_step", 0.6 + 1e-7)
    assert not check("01.gd_step", 0.61)
    assert check("01.rotation_90", np.array([[0, -1], [1, 0]]))
    assert not check("01.rotation_90", [0, -1, 1, 0])  # same numbers, wrong shape
    assert not check("01.params", "1210 parameters")


def test_word_answers_ignore_case_and_hyphens():
    assert check("00.lever_dropout", "  Regularization ")
    assert check("00.lever_flip", "Data-Augmentation")


def test_result_renders_as_html_with_escaping():
    html = check("01.gd_step", "<b>").__class__._repr_html_(check("01.gd_step", "<b>"))
    assert "&lt;b&gt;" in html


def test_unknown_exercise_and_notebook():
    with pytest.raises(ValueError, match="exercise_id must be one of"):
        check("99.nothing", 1)
    with pytest.raises(ValueError, match="notebook must be one of"):
        exercises.exercises_for("99_none")


def test_package_keeps_the_public_api():
    import dlopt_helpers as dh

    assert dh.check is dh.exercises.check is exercises.registry.check
    chapters = sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))
    assert dh.exercises.EXERCISES is EXERCISES and len(EXERCISES) == sum(
        len(exercises.exercises_for(p.stem)) for p in chapters
    )
    assert len(EXERCISES) >= 3 * len(chapters) >= 39
    assert {"check", "Exercise", "CheckResult", "EXERCISES", "exercises_for", "register"} <= set(dir(dh.exercises))
    assert isinstance(EXERCISES["01.gd_step"], dh.exercises.Exercise)
    assert isinstance(dh.check("01.gd_step", 0.6), dh.exercises.CheckResult)
    assert "01.gd_step" in repr(EXERCISES["01.gd_step"])


def test_register_refuses_duplicates():
    with pytest.raises(ValueError, match="registered twice"):
        exercises.register("01.gd_step", "01_core_concepts", "q", "h")(lambda: 1)


def _checked_ids(path):
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return set(re.findall(r"""dh\.check\(\s*["']([\w.]+)["']""", source))


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb")), ids=lambda p: p.stem)
def test_every_chapter_notebook_has_three_checked_exercises_with_solutions(path):
    registered = {e.id for e in exercises.exercises_for(path.stem)}
    used = _checked_ids(path)
    assert len(registered) >= 3
    assert used == registered, "each registered exercise appears in its notebook, and only those"
    nb = nbformat.read(path, as_version=4)
    solutions = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("jupyter", {}).get("source_hidden")]
    assert len(solutions) >= len(registered)
    # the stored outputs show a pending learner cell and a passing solution for every exercise
    outputs = "\n".join(
        o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )
    for exercise_id in registered:
        assert f"✅ {exercise_id}: correct." in outputs
        assert f"⏳ {exercise_id}: " in outputs, "the learner cell (a stub) shows ⏳: not answered yet"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb")), ids=lambda p: p.stem)
def test_every_chapter_makes_learners_write_code_or_run_an_experiment(path):
    kinds = {e.kind for e in exercises.exercises_for(path.stem)}
    assert kinds & {"code", "experiment"}, f"{path.stem}: only {sorted(kinds)} exercises"


def test_the_course_has_every_kind_of_exercise():
    kinds = [e.kind for e in EXERCISES.values()]
    assert set(kinds) == set(exercises.KINDS)
    assert kinds.count("reading") >= 3 and kinds.count("experiment") >= 3


SOLUTION_FIRST_LINE = "# Solution: try the exercise first, then click ••• to show it"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb")), ids=lambda p: p.stem)
def test_a_collapsed_solution_shows_nothing_of_the_answer(path):
    """JupyterLab shows a collapsed cell's first line and its first output line: neither may hold the answer."""
    from dlopt_helpers.classroom.assignment import exercise_cells

    nb = nbformat.read(path, as_version=4)
    for exercise_id, _, solution in exercise_cells(nb):
        cell = nb.cells[solution]
        assert cell.source.splitlines()[0] == SOLUTION_FIRST_LINE, f"{exercise_id}: {cell.source.splitlines()[0]}"
        assert cell.metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
        shown = [o.get("data", {}).get("text/plain", o.get("text", "")) for o in cell.outputs]
        assert shown == [f"✅ {exercise_id}: correct."], f"{exercise_id}: the solution's only output is ✅"


def test_code_checks_name_the_failing_case_and_why():
    from dlopt_helpers.exercises.registry import Mismatch, Pending, case, choice, same_function

    compare = same_function(case(2.0, why="a positive number"), case(0.0, why="zero"), (-1.0,))
    reference = abs
    assert compare(abs, reference)
    with pytest.raises(Mismatch, match=r"case 2 of 3 \(zero\): raised ZeroDivisionError"):
        compare(lambda x: x / x * x, reference)
    with pytest.raises(Mismatch, match=r"case 3 of 3: returned values off by up to 2"):
        compare(lambda x: x, reference)
    with pytest.raises(Mismatch, match=r"returned shape \(2,\), expected shape \(\)"):
        compare(lambda x: [x, x], reference)
    with pytest.raises(Pending, match="write the body of your function"):
        compare(lambda x: None, reference)

    def skeleton(x):
        # your code
        ...

    with pytest.raises(Pending, match="write the body of your function"):
        compare(skeleton, reference)

    def forgot_return(x):
        abs(x)

    with pytest.raises(Pending, match="returns None on every case"):
        compare(forgot_return, reference)
    with pytest.raises(Mismatch, match="pass the function itself"):
        compare(2.0, reference)
    letters = choice("a", "b", "c")
    assert letters(" (B) ", "b") and not letters("a", "b")
    with pytest.raises(Mismatch, match="answer with one letter"):
        letters("d", "b")
    with pytest.raises(ValueError, match="letters must be single letters"):
        choice("ab")
    with pytest.raises(ValueError, match="why must be a non-empty string"):
        case(1, why="")


def test_grade_raises_with_the_message_unless_correct():
    assert exercises.grade("01.gd_step", 0.6)
    with pytest.raises(AssertionError, match=r"⏳ 01\.gd_step: no answer yet"):
        exercises.grade("01.gd_step", None)
    with pytest.raises(AssertionError, match=r"❌ 01\.gd_step"):
        exercises.grade("01.gd_step", 0.7)
