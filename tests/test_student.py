"""`make student` (tools/student.py): no solutions, every check kept, no outputs, and a student notebook runs."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from dlopt_helpers.exercises import EXERCISES

pytestmark = pytest.mark.slow  # `make check` leaves these out; `make test` runs them

ROOT = Path(__file__).resolve().parents[1]


def test_student_edition_removes_solutions_and_keeps_checks(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "student.py"), str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    teacher = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in teacher]
    for path in teacher:
        original = nbformat.read(str(path), 4)
        student = nbformat.read(str(tmp_path / path.name), 4)
        solutions = [c for c in original.cells if "solution" in c.metadata.get("tags", [])]
        assert len(student.cells) == len(original.cells) - len(solutions)
        assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
        assert all(not c.outputs for c in student.cells if c.cell_type == "code")
        learner = [c.source for c in student.cells if c.cell_type == "code" and c.source.startswith("answer = None")]
        registered = [e for e in EXERCISES.values() if e.notebook == path.stem]
        assert len(learner) == len(registered)
        for exercise in registered:
            assert any(f'dh.check("{exercise.id}", answer)' in source for source in learner)
    assert (tmp_path / "references.bib").is_file()


def test_a_student_notebook_runs_and_shows_pending_checks(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "student.py"), str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    notebook = nbformat.read(str(tmp_path / "10_faq_references.ipynb"), 4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute()
    shown = [
        o.get("data", {}).get("text/plain", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
    ]
    pending = [s for s in shown if s.startswith("⏳ 10.")]
    assert len(pending) == 3 and not any(s.startswith("✅") for s in shown)
