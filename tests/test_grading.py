"""Grading a class (dlopt_helpers.classroom): nbgrader release, sandboxed autograde, gradebook and feedback.

One chapter is released into a fresh nbgrader course and a folder of varied submissions is graded the way a
teacher would (``python -m dlopt_helpers.classroom.grade``): a correct one, a partly done one, one that loops, one
that crashes its kernel, one that fills memory, one that edits and deletes its checks and tries to delete the
course, the other submissions and the home folder, a correct one graded after it, and a file that is not a
notebook. The gradebook must say exactly what each deserves, and nothing outside a submission's own folder may
change.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from dlopt_helpers.classroom import assignment, sandbox
from dlopt_helpers.exercises import EXERCISES

pytestmark = pytest.mark.slow

CHAPTER = "10_faq_references"  # the quickest chapter to run
CELL_TIMEOUT = 45  # s: the looping submission costs this much; an import under load stays well below it

needs_bwrap = pytest.mark.skipif(not sandbox.isolation_works(), reason="bubblewrap cannot run on this machine")


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return assignment.build_course(tmp_path_factory.mktemp("course"), [CHAPTER])


def test_release_has_learner_cells_and_locked_checks_and_no_solution(course):
    source = nbformat.read(str(course / "source" / CHAPTER / f"{CHAPTER}.ipynb"), 4)
    release = nbformat.read(str(course / "release" / CHAPTER / f"{CHAPTER}.ipynb"), 4)
    teacher = nbformat.read(str(assignment.NOTEBOOKS / f"{CHAPTER}.ipynb"), 4)
    ids = [e.id for e in EXERCISES.values() if e.notebook == CHAPTER]
    for exercise_id, learner, solution in assignment.exercise_cells(teacher):
        answer = next(c for c in release.cells if _grade_id(c) == assignment.grade_id(exercise_id, "answer"))
        check = next(c for c in release.cells if _grade_id(c) == assignment.grade_id(exercise_id, "check"))
        assert answer.source == teacher.cells[learner].source, "learners get the course's learner cell back"
        assert check.metadata["nbgrader"]["locked"] and check.metadata["nbgrader"]["points"] >= 1
        assert f'dh.exercises.grade("{exercise_id}"' in check.source
        solution_code = "\n".join(teacher.cells[solution].source.splitlines()[1:]).strip()
        assert solution_code not in "\n".join(c.source for c in release.cells)
        in_source = next(c for c in source.cells if _grade_id(c) == assignment.grade_id(exercise_id, "answer"))
        assert solution_code in in_source.source and assignment.BEGIN in in_source.source
    assert len(ids) >= 3 and sum(_grade_id(c).endswith("-check") for c in release.cells) == len(ids)
    assert not any(c.get("outputs") for c in release.cells)
    assert not any("solution" in c.metadata.get("tags", []) for c in release.cells)


def _solutions(course: Path) -> dict[str, str]:
    source = nbformat.read(str(course / "source" / CHAPTER / f"{CHAPTER}.ipynb"), 4)
    return {
        _grade_id(c): re.sub(r"### (BEGIN|END) SOLUTION\n?", "", c.source)
        for c in source.cells
        if _grade_id(c).endswith("-answer")
    }


def _submissions(course: Path, folder: Path, victims: list[Path]) -> dict[str, dict]:
    """Write the class's submissions; return what each must score ({exercise: points} and the status start)."""
    release = nbformat.read(str(course / "release" / CHAPTER / f"{CHAPTER}.ipynb"), 4)
    first_exercise = next(i for i, c in enumerate(release.cells) if "**Exercise" in c.source)
    first_code = next(i for i, c in enumerate(release.cells) if c.cell_type == "code")
    # a learner may delete cells that are not graded: these keep the set-up cell and the exercise section
    release.cells = [release.cells[first_code], *release.cells[first_exercise:]]
    solutions = _solutions(course)
    answers = [i for i, c in enumerate(release.cells) if _grade_id(c).endswith("-answer")]
    checks = [i for i, c in enumerate(release.cells) if _grade_id(c).endswith("-check")]
    points = {
        assignment.exercise_of(_grade_id(c)): c.metadata["nbgrader"]["points"]
        for c in release.cells
        if _grade_id(c).endswith("-check")
    }
    names = list(points)

    def variant(edit):
        notebook = copy.deepcopy(release)
        for k, i in enumerate(answers):
            notebook.cells[i].source = edit(k, notebook.cells[i].source, solutions[_grade_id(notebook.cells[i])])
        return notebook

    def save(learner, notebook):
        (folder / learner).mkdir(parents=True)
        nbformat.write(notebook, str(folder / learner / f"{CHAPTER}.ipynb"))

    full = dict(points)
    save("ada", variant(lambda k, stub, solution: solution))
    save("ben", variant(lambda k, stub, solution: solution if k == 0 else "answer = 12345.0" if k == 1 else stub))
    save("cy", variant(lambda k, stub, solution: "while True:\n    pass" if k == 1 else solution))
    save("dee", variant(lambda k, stub, solution: "import os\nos._exit(1)" if k == 1 else solution))
    hog = "import numpy as np\nblocks = [np.ones(2**27) for _ in range(10**4)]  # 1 GiB at a time"
    save("eve", variant(lambda k, stub, solution: hog if k == 0 else solution))
    tampered = variant(lambda k, stub, solution: stub)
    for i in checks[:-1]:
        tampered.cells[i].source = 'print("✅ correct")'
    del tampered.cells[checks[-1]]
    tampered.cells[answers[0]].source = (
        "import os, pathlib, shutil\n"
        f"for path in [*{[str(v) for v in victims]!r}, os.path.expanduser('~'), os.getcwd() + '/../..']:\n"
        "    shutil.rmtree(path, ignore_errors=True)\n"
        f"for folder in [pathlib.Path('/'), pathlib.Path({str(Path.home())!r}), *map(pathlib.Path, {[str(v) for v in victims]!r})]:\n"
        "    try:\n"
        "        (folder / 'pwned').write_text('x')\n"
        "    except OSError:\n"
        "        pass\n"
    )
    save("fay", tampered)
    save("gus", variant(lambda k, stub, solution: solution))
    (folder / "hal").mkdir()
    (folder / "hal" / f"{CHAPTER}.ipynb").write_text("{ not json", encoding="utf-8")
    zero = dict.fromkeys(names, 0)
    return {
        "ada": {"scores": full, "status": "graded"},
        "ben": {"scores": {**zero, names[0]: points[names[0]]}, "status": "graded"},
        "cy": {"scores": {**full, names[1]: 0}, "status": "graded (a cell ran over"},
        "dee": {"scores": zero, "status": "kernel died"},
        "eve": {"scores": {**full, names[0]: 0}, "status": "graded"},
        "fay": {"scores": zero, "status": "graded"},
        "gus": {"scores": full, "status": "graded"},
        "hal": {"scores": zero, "status": "not gradable: not a notebook"},
    }


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@needs_bwrap
def test_grading_a_class_gives_each_submission_exactly_its_grade(course, tmp_path):
    submissions = tmp_path / "submissions"
    expected = _submissions(course, submissions, victims=[course, submissions])
    before = _fingerprint(submissions)
    source_before = _fingerprint(course / "source") | _fingerprint(course / "release")
    out = tmp_path / "grades"
    done = subprocess.run(
        [sys.executable, "-m", "dlopt_helpers.classroom.grade", str(submissions), "--assignment", CHAPTER]
        + ["--course", str(course), "--out", str(out), "--cell-timeout", str(CELL_TIMEOUT), "--memory-gib", "4"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    rows = {row["learner"]: row for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert sorted(rows) == sorted(expected)
    for learner, want in expected.items():
        row = rows[learner]
        got = {name: float(row[name]) for name in want["scores"]}
        assert got == want["scores"], f"{learner}: {row}"
        assert row["status"].startswith(want["status"]), f"{learner}: {row['status']}"
        assert float(row["total"]) == sum(want["scores"].values())
        assert float(row["max"]) == sum(expected["ada"]["scores"].values())

    # nothing outside each submission's own folder changed: the submissions, the course, the home folder, /
    assert _fingerprint(submissions) == before
    assert _fingerprint(course / "source") | _fingerprint(course / "release") == source_before
    assert (course / "gradebook.db").is_file() and (course / "nbgrader_config.py").is_file()
    assert not any(p.exists() for p in (Path("/pwned"), Path.home() / "pwned", course / "pwned"))

    # feedback for every graded learner shows the checks' messages; nbgrader's own export is there too
    for learner, want in expected.items():
        page = out / "feedback" / f"{learner}.html"
        assert page.is_file() == want["status"].startswith("graded"), learner
    assert "✅" in (out / "feedback" / "ada.html").read_text(encoding="utf-8")
    assert "⏳" in (out / "feedback" / "ben.html").read_text(encoding="utf-8")
    assert (out / "grades.csv").is_file()
    print(done.stdout)


def test_sandbox_keeps_a_command_in_its_folder(tmp_path):
    if not sandbox.isolation_works():
        pytest.skip("bubblewrap cannot run on this machine")
    own, secret = tmp_path / "own", tmp_path / "secret"
    own.mkdir()
    secret.mkdir()
    (secret / "solution.txt").write_text("42", encoding="utf-8")
    probe = Path(sys.prefix) / "dlopt-sandbox-probe"  # the environment: read-only inside
    script = (
        "import os, pathlib\n"
        "pathlib.Path('mine.txt').write_text('ok')\n"
        f"print(sorted(os.listdir({str(secret)!r})))\n"
        f"pathlib.Path({str(tmp_path / 'outside.txt')!r}).write_text('x')  # lands in the sandbox's own /tmp\n"
        f"try:\n    pathlib.Path({str(probe)!r}).write_text('x')\nexcept OSError as e:\n    print(type(e).__name__)\n"
        "try:\n    bytearray(3 * 2**30)\nexcept MemoryError:\n    print('MemoryError')\n"
    )
    done = subprocess.run(
        [sys.executable, sandbox.__file__, "--writable", str(own), "--hide", str(secret), "--memory-gib", "2"]
        + ["--require-isolation", "--", sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
    )
    written = probe.exists()
    probe.unlink(missing_ok=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "OSError", "MemoryError"] and not written
    assert (own / "mine.txt").read_text() == "ok" and not (tmp_path / "outside.txt").exists()
    assert (secret / "solution.txt").read_text() == "42"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"assignment": "99_nothing"}, "assignment must be one of"),
        ({"cell_timeout": 0}, r"cell_timeout must be a number in \[1, 3600\]"),
        ({"memory_gib": 0.1}, r"memory_gib must be a number in \[1, 1024\]"),
    ],
)
def test_grade_class_validates_its_inputs(tmp_path, kwargs, match):
    from dlopt_helpers.classroom.grade import grade_class

    with pytest.raises(ValueError, match=match):
        grade_class(tmp_path, **{"assignment": CHAPTER, **kwargs})
    with pytest.raises(ValueError, match="submissions must be an existing folder"):
        grade_class(tmp_path / "none", CHAPTER)
