"""`make student` (tools/student.py): the nbgrader class edition, no solutions, every check kept, and it runs."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from dlopt_helpers.exercises import EXERCISES

pytestmark = pytest.mark.slow  # `make check` leaves these out; `make test` runs them

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("classroom")
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "student.py"), str(folder)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return folder


def test_class_edition_releases_every_chapter_without_solutions(course):
    teacher = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
    released = sorted(course.glob("release/*/*.ipynb"))
    assert [p.name for p in released] == [p.name for p in teacher]
    assert (course / "gradebook.db").is_file() and (course / "nbgrader_config.py").is_file()
    for path in teacher:
        original = nbformat.read(str(path), 4)
        student = nbformat.read(str(course / "release" / path.stem / path.name), 4)
        registered = [e for e in EXERCISES.values() if e.notebook == path.stem]
        solutions = [c for c in original.cells if "solution" in c.metadata.get("tags", [])]
        # each solution cell became a locked graded cell; nothing of the solution is left
        assert len(student.cells) == len(original.cells)
        assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
        assert all(not c.outputs for c in student.cells if c.cell_type == "code")
        graded = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert len(graded) == len(registered) == len(solutions)
        released_code = "\n".join(c.source for c in student.cells)
        markdown = "\n".join(c.source for c in student.cells if c.cell_type == "markdown")
        assert "collapsed cell" not in markdown and "Your teacher has the solutions" in markdown
        for cell in solutions:
            assert "\n".join(cell.source.splitlines()[1:]).strip() not in released_code


def test_a_released_notebook_runs_and_shows_pending_checks(course):
    notebook = nbformat.read(str(course / "release" / "10_faq_references" / "10_faq_references.ipynb"), 4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        allow_errors=True,  # the graded cells raise until the exercise is done: nbgrader scores them 0
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    ).execute()
    shown = [
        o.get("data", {}).get("text/plain", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
    ]
    errors = [o.get("evalue", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    registered = [e.id for e in EXERCISES.values() if e.notebook == "10_faq_references"]
    pending = [s for s in shown if s.startswith("⏳ 10.")]
    assert len(pending) == len(registered) and not any(s.startswith("✅") for s in shown)
    assert sum(e.startswith("⏳ 10.") for e in errors) == len(registered), "each graded cell fails with the ⏳ line"
