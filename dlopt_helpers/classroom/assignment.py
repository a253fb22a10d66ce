"""The course's notebooks as an nbgrader course: ``make student`` (``python -m dlopt_helpers.classroom.assignment``).

    python -m dlopt_helpers.classroom.assignment [COURSE_DIR] [--chapters 00_background 10_faq_references ...]

writes an nbgrader course directory (default ``build/classroom``):

- ``nbgrader_config.py``: the settings below (a teacher may edit it);
- ``source/<chapter>/<chapter>.ipynb``: the teacher version nbgrader reads. Each exercise of the repository's
  notebook (``**Exercise <id>.**``, the learner cell, the collapsed solution cell) becomes an nbgrader *answer*
  cell holding the solution between ``### BEGIN SOLUTION`` / ``### END SOLUTION``, followed by a locked *graded*
  cell ``dh.exercises.grade(...)`` worth 1 point (2 for code and experiment exercises);
- ``release/<chapter>/<chapter>.ipynb``: made by ``nbgrader generate_assignment``, what learners get. Each answer
  cell is the repository's learner cell again (``LearnerStubs`` puts it back instead of nbgrader's generic
  ``raise NotImplementedError()``), so a learner sees ⏳ / ❌ / ✅ with a hint while working, as in self-study;
- ``gradebook.db``: nbgrader's database (assignments, cells, checksums), which ``grade`` fills with scores.

Why nbgrader rather than otter-grader: it grades on the teacher's machine without Docker (otter's ``otter grade``
runs each submission in a Docker container, which classrooms and this course's machines often lack); on
``autograde`` it puts every graded cell back from its database (``OverwriteCells``), so a learner who edits or
deletes a check gains nothing; its gradebook, ``export`` and ``generate_feedback`` are what ``grade`` needs; and
it is JupyterHub's classroom tool (formgrader, exchange), which the class server builds on.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import os
import re
import sys
from pathlib import Path

import nbformat

try:  # the `classroom` extra (make installs it)
    from nbgrader import api as nbgrader_db  # noqa: F401 (grade.py reads the gradebook through it)
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import ClearSolutions
except ImportError as error:
    raise ImportError('the class edition needs nbgrader: pip install "dlopt-helpers[classroom]"') from error

from .._validation import InvalidParameterError, short_repr

__all__ = [
    "LearnerStubs",
    "source_notebook",
    "build_course",
    "exercise_cells",
    "grade_id",
    "exercise_of",
    "POINTS",
    "CONFIG",
]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
MARKER = re.compile(r"\*\*Exercise (?P<id>[0-9]{2}[a-z]?\.[a-z_0-9]+)\.\*\*")
POINTS = {"value": 1, "reading": 1, "code": 2, "experiment": 2}
STUB_KEY = "dlopt_learner_cell"  # cell metadata: the learner cell that replaces the solution in the release
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
# self-study's pointer to the collapsed solutions, and what learners of the class edition read instead
SELF_STUDY_NOTE = re.compile(
    r"The solutions? (?:is|are) in the collapsed cells?[^.]*?(?:\([^)]*\))?\.|;\s*the solutions are in the collapsed cells\."
)
CLASS_NOTE = " Your teacher has the solutions; the locked cell after each exercise is the one that is graded."

CONFIG = """\
# nbgrader settings of the dlopt class, written by `make student` (dlopt_helpers/classroom/assignment.py).
c = get_config()  # noqa: F821 (nbgrader defines it)

from nbgrader.converters import GenerateAssignment  # noqa: E402

c.CourseDirectory.course_id = "dlopt"
# the release's answer cells are the course's learner cells (answer = None / a function skeleton), not
# nbgrader's `raise NotImplementedError()`: LearnerStubs replaces ClearSolutions (named, so that only
# generate_assignment imports the course's package)
c.GenerateAssignment.preprocessors = [
    "dlopt_helpers.classroom.assignment.LearnerStubs" if p.__name__ == "ClearSolutions" else p
    for p in GenerateAssignment.preprocessors.default()
]
# a learner who deletes a graded cell gets it back (with a note) and is graded on it
c.OverwriteCells.add_missing_cells = True
# autograde: a cell that runs longer than this is interrupted, graded as an error, and the rest still runs
c.Execute.timeout = 300
# every output kept in the feedback is cut to this many lines
c.LimitOutput.max_lines = 200
"""


class LearnerStubs(ClearSolutions):
    """nbgrader's ``ClearSolutions``, except that a cell carrying the course's learner cell gets that cell back."""

    def preprocess_cell(self, cell, resources, cell_index):
        stub = cell.metadata.pop(STUB_KEY, None)
        if stub is not None:
            cell.source = stub
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)


def exercise_cells(notebook: nbformat.NotebookNode) -> list[tuple[str, int, int]]:
    """``[(exercise id, index of the learner cell, index of the solution cell), ...]`` in notebook order.

    Every ``**Exercise <id>.**`` paragraph must be followed by its learner cell and its solution cell (tagged
    ``solution``), each calling ``check`` on that id once; anything else is a ``ValueError`` naming the cell.
    """
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        for match in MARKER.finditer(cell.source):
            exercise_id = match["id"]
            learner, solution = index + 1, index + 2
            cells = notebook.cells
            if solution >= len(cells) or "solution" not in cells[solution].metadata.get("tags", []):
                raise ValueError(f"exercise {exercise_id}: cell {solution} must be its solution (tag 'solution')")
            for position in (learner, solution):
                calls = _check_calls(cells[position].source)
                if [i for i, _ in calls] != [exercise_id]:
                    raise ValueError(f"exercise {exercise_id}: cell {position} must call check({exercise_id!r}, ...)")
            found.append((exercise_id, learner, solution))
    return found


def _check_calls(source: str) -> list[tuple[str, str]]:
    """``[(exercise id, the call's arguments as source), ...]`` for each ``check("<id>", ...)`` call."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        func = getattr(node, "func", None)
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if isinstance(node, ast.Call) and name == "check" and node.args and isinstance(node.args[0], ast.Constant):
            arguments = ", ".join(ast.get_source_segment(source, a) for a in node.args)
            calls.append((node.args[0].value, arguments))
    return calls


def source_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The nbgrader source version of one of the course's notebooks (a copy; outputs cleared)."""
    from ..exercises import EXERCISES

    notebook = nbformat.from_dict(notebook)
    exercises = exercise_cells(notebook)
    by_solution = {solution: (exercise_id, learner) for exercise_id, learner, solution in exercises}
    cells = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if cell.cell_type == "markdown":
            cell.source = SELF_STUDY_NOTE.sub(
                lambda m: "." + CLASS_NOTE if m[0].startswith(";") else CLASS_NOTE[1:], cell.source
            )
        if index in by_solution:
            continue  # the learner cell at index - 1 became the answer cell
        if index + 1 in by_solution:  # the learner cell
            exercise_id, _ = by_solution[index + 1]
            solution = notebook.cells[index + 1]
            body = "\n".join(solution.source.splitlines()[1:]).strip("\n")  # without the "# Solution: ..." line
            points = POINTS[EXERCISES[exercise_id].kind]
            answer = nbformat.v4.new_code_cell(f"{BEGIN}\n{body}\n{END}")
            answer.metadata = {
                "nbgrader": _metadata(grade_id(exercise_id, "answer"), solution=True),
                STUB_KEY: cell.source,
            }
            [(_, arguments)] = _check_calls(cell.source)
            graded = nbformat.v4.new_code_cell(
                f"# Graded check of {exercise_id} ({points} point{'s' * (points > 1)}). Do not edit: the grader "
                f"restores this cell.\ndh.exercises.grade({arguments})"
            )
            graded.metadata = {"nbgrader": _metadata(grade_id(exercise_id, "check"), grade=True, points=points)}
            cells += [answer, graded]
            continue
        cells.append(cell)
    notebook.cells = cells
    return notebook


def grade_id(exercise_id: str, part: str) -> str:
    """nbgrader's id of an exercise's ``answer`` or ``check`` cell: ``01.gd_step`` -> ``01-gd_step-check``."""
    return f"{exercise_id.replace('.', '-')}-{part}"


def exercise_of(cell_grade_id: str) -> str:
    """The exercise id of a ``grade_id``: ``01-gd_step-check`` -> ``01.gd_step``."""
    chapter, name, _ = cell_grade_id.split("-")
    return f"{chapter}.{name}"


def _metadata(grade_id: str, *, solution: bool = False, grade: bool = False, points: int = 0) -> dict:
    metadata = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": grade, "schema_version": 3}
    if grade:
        metadata["points"] = points
    return metadata


def chapters() -> list[str]:
    """The chapter notebooks of the course, in order (``00_background``, ..., ``10_faq_references``)."""
    return [p.stem for p in sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))]


def build_course(course_dir: str | os.PathLike, chapter_names=None) -> Path:
    """Write an nbgrader course for ``chapter_names`` (default: every chapter) and release it; return its path."""
    known = chapters()
    chapter_names = known if chapter_names is None else list(chapter_names)
    unknown = [c for c in chapter_names if c not in known]
    if not chapter_names or unknown:
        raise InvalidParameterError(f"chapter_names must be chapters among {known}, got {short_repr(chapter_names)}")
    course = Path(course_dir).resolve()
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    for name in chapter_names:
        folder = course / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        notebook = nbformat.read(str(NOTEBOOKS / f"{name}.ipynb"), as_version=4)
        nbformat.write(source_notebook(notebook), str(folder / f"{name}.ipynb"))
    api = nbgrader_api(course)
    with tools_on_path():
        for name in chapter_names:
            done = api.generate_assignment(name, force=True)
            if not done["success"]:
                raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{done.get('error', '')[-3000:]}")
    return course


def nbgrader_api(course: Path):
    """nbgrader's Python API on ``course``, with its ``nbgrader_config.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    return NbGraderAPI(coursedir=CourseDirectory(config=config, root=str(course)), config=config)


@contextlib.contextmanager
def tools_on_path():
    """The interpreter's folder first on ``PATH`` while nbgrader runs: it calls its environment's ``alembic``."""
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), old])
    try:
        yield
    finally:
        os.environ["PATH"] = old


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course_dir", nargs="?", default=str(ROOT / "build" / "classroom"))
    parser.add_argument("--chapters", nargs="+", help="chapter notebooks (default: all), e.g. 00_background")
    args = parser.parse_args(argv)
    course = build_course(args.course_dir, args.chapters)
    released = sorted(course.glob("release/*/*.ipynb"))
    print(f"nbgrader course in {course}: {len(released)} assignments released to {course / 'release'}")


if __name__ == "__main__":
    main()
