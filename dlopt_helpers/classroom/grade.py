"""Grade a class's notebooks with nbgrader: ``make grade`` (``python -m dlopt_helpers.classroom.grade``).

    python -m dlopt_helpers.classroom.grade SUBMISSIONS --assignment 04_regularization [--course build/classroom]
        [--out build/grades/04_regularization] [--cell-timeout 300] [--submission-timeout 1800] [--memory-gib 6]

``SUBMISSIONS`` holds one folder per learner, named by the learner's id, each with the notebook as handed out
(``SUBMISSIONS/ada/04_regularization.ipynb``; nbgrader's ``submitted/<id>/<assignment>/`` layout works too).
For each learner, in turn:

1. the notebook is *copied* into the course's ``submitted/<id>/<assignment>/`` (the files in ``SUBMISSIONS`` are
   only read, never changed);
2. ``nbgrader autograde`` runs it in a fresh kernel: every graded cell put back as released, a missing one
   re-added; each cell interrupted after ``--cell-timeout`` s; the kernel in ``sandbox.py`` (memory limit, only
   its own folder writable, the course folder and ``SUBMISSIONS`` hidden); the whole learner stopped after
   ``--submission-timeout`` s. A submission that loops, crashes or fills memory loses the points of what did
   not run, nothing else.

Then ``nbgrader generate_feedback`` writes one HTML page per learner. ``--out`` gets:

- ``gradebook.csv``: one row per learner, one column per exercise (points scored), ``total``, ``max`` and
  ``status`` (``graded``; or what went wrong: ``timed out``, ``no notebook``, ``grader error``);
- ``feedback/<id>.html``: the learner's notebook as graded, each check's ✅ / ❌ / ⏳ message shown;
- ``grades.csv``: ``nbgrader export`` (one row per learner and assignment), for an LMS.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .._validation import InvalidParameterError, short_repr
from . import sandbox
from .assignment import ROOT, build_course, chapters, exercise_of, nbgrader_db, tools_on_path

__all__ = ["grade_class", "Outcome", "LEARNER_ID"]

LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
KERNEL = "dlopt-sandbox"


@dataclass
class Outcome:
    """One learner's result: points per exercise, the status, and how long grading took."""

    learner: str
    scores: dict[str, float] = field(default_factory=dict)
    max_scores: dict[str, float] = field(default_factory=dict)
    status: str = "graded"
    seconds: float = 0.0

    @property
    def total(self) -> float:
        return float(sum(self.scores.values()))


def find_submissions(folder: Path, assignment: str) -> dict[str, Path | None]:
    """``{learner id: notebook path or None}`` for every learner folder in ``folder``."""
    found = {}
    for learner in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not LEARNER_ID.match(learner.name):
            raise InvalidParameterError(
                f"submissions must hold one folder per learner named by letters, digits, '_', '.' or '-' "
                f"(up to 64), got folder {short_repr(learner.name)}"
            )
        candidates = [learner / f"{assignment}.ipynb", learner / assignment / f"{assignment}.ipynb"]
        found[learner.name] = next((p for p in candidates if p.is_file()), None)
    return found


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kernel_spec(folder: Path, course: Path, submissions: Path, memory_gib: float) -> Path:
    """A Jupyter data folder holding the kernel spec ``dlopt-sandbox``: ipykernel inside ``sandbox.py``."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    hide = [str(course), str(submissions), str(ROOT / "notebooks")]
    argv = [sys.executable, str(Path(sandbox.__file__)), "--memory-gib", str(memory_gib), "--require-isolation"]
    argv += [a for path in hide for a in ("--hide", path)]
    argv += ["--", sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": argv,
                "display_name": "dlopt (sandboxed grading)",
                "language": "python",
                "interrupt_mode": "message",
            }
        ),
        encoding="utf-8",
    )
    return folder


def _autograde(course: Path, assignment: str, learner: str, env: dict, cell_timeout: int, timeout: float) -> str:
    """Run ``nbgrader autograde`` for one learner in its own process group; return the status."""
    command = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--student", learner, "--force"]
    command += [f"--Execute.kernel_name={KERNEL}", f"--Execute.timeout={cell_timeout}"]
    process = subprocess.Popen(
        command, cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        log, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the kernel dies with it (bwrap --die-with-parent)
        process.communicate()
        return f"timed out after {timeout:g} s"
    text = log.decode(errors="replace")
    (course / "logs").mkdir(exist_ok=True)
    (course / "logs" / f"{assignment}-{learner}.log").write_text(text, encoding="utf-8")
    graded = course / "autograded" / learner / assignment / f"{assignment}.ipynb"
    if "DeadKernelError" in text:
        return "kernel died (the notebook crashed its kernel; nothing after that ran)"
    if process.returncode != 0 or not graded.is_file():
        return f"grader error (see logs/{assignment}-{learner}.log)"
    if "Timeout waiting for execute reply" in text:
        return f"graded (a cell ran over {cell_timeout} s and was interrupted)"
    return "graded"


def gradable(path: Path, release: Path) -> str | None:
    """Why a submitted file cannot be graded (``None`` when it can): not a notebook, or answer cells missing."""
    import nbformat

    try:
        submitted = nbformat.read(str(path), as_version=4)
    except Exception as error:  # not JSON, not a notebook: the learner's file, so any error
        return f"not gradable: not a notebook ({type(error).__name__})"
    ids = lambda nb: {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells if "nbgrader" in c.metadata}  # noqa: E731
    answers = {i for i in ids(nbformat.read(str(release), as_version=4)) if i and i.endswith("-answer")}
    missing = sorted(exercise_of(i) for i in answers - ids(submitted))
    if missing:
        return f"not gradable: the answer cells of {', '.join(missing)} are missing (not the notebook handed out?)"
    return None


def grade_class(
    submissions,
    assignment: str,
    *,
    course=None,
    out=None,
    cell_timeout: int = 300,
    submission_timeout: float = 1800,
    memory_gib: float = 6.0,
    log=print,
) -> list[Outcome]:
    """Grade every learner in ``submissions`` on ``assignment``; write ``out``/gradebook.csv and feedback."""
    submissions = Path(submissions).resolve()
    if not submissions.is_dir():
        raise InvalidParameterError(f"submissions must be an existing folder, got {short_repr(str(submissions))}")
    if assignment not in chapters():
        raise InvalidParameterError(f"assignment must be one of {chapters()}, got {short_repr(assignment)}")
    for name, value, low, high in (
        ("cell_timeout", cell_timeout, 1, 3600),
        ("submission_timeout", submission_timeout, 10, 86400),
        ("memory_gib", memory_gib, 1, 1024),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise InvalidParameterError(f"{name} must be a number in [{low}, {high}], got {short_repr(value)}")
    if not sandbox.isolation_works():
        raise RuntimeError(
            "grading needs bubblewrap (bwrap) to keep each submission in its own folder, and it cannot run here: "
            "install the `classroom` extra on Linux, and allow unprivileged user namespaces"
        )
    course = Path(course or ROOT / "build" / "classroom").resolve()
    out = Path(out or ROOT / "build" / "grades" / assignment).resolve()
    if not (course / "release" / assignment / f"{assignment}.ipynb").is_file():
        log(f"releasing {assignment} into {course} (make student)")
        build_course(course, [assignment])
    found = find_submissions(submissions, assignment)
    if not found:
        raise InvalidParameterError(f"submissions must hold one folder per learner, {submissions} has none")
    before = {learner: _digest(path) for learner, path in found.items() if path}

    scratch = Path(tempfile.mkdtemp(prefix="dlopt-grade-"))
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["JUPYTER_PATH"] = str(_kernel_spec(scratch / "jupyter", course, submissions, memory_gib))
    env["JUPYTER_RUNTIME_DIR"] = str(scratch / "runtime")
    outcomes = []
    try:
        for learner, path in found.items():
            started = time.perf_counter()
            target = course / "submitted" / learner / assignment
            shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(course / "autograded" / learner / assignment, ignore_errors=True)
            if path is None:
                outcomes.append(Outcome(learner, status="no notebook"))
                continue
            status = gradable(path, course / "release" / assignment / f"{assignment}.ipynb")
            if status is None:
                target.mkdir(parents=True)
                shutil.copyfile(path, target / f"{assignment}.ipynb")
                status = _autograde(course, assignment, learner, env, cell_timeout, submission_timeout)
            outcomes.append(Outcome(learner, status=status, seconds=time.perf_counter() - started))
            log(f"{learner}: {status} in {outcomes[-1].seconds:.0f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    changed = [learner for learner, digest in before.items() if _digest(found[learner]) != digest]
    if changed:
        raise RuntimeError(f"submitted files changed during grading (a bug in the grader): {changed}")

    _fill_scores(course, assignment, outcomes)
    _feedback(course, assignment, outcomes, out, env)
    write_gradebook(out / "gradebook.csv", outcomes)
    return outcomes


def _fill_scores(course: Path, assignment: str, outcomes: list[Outcome]) -> None:
    """Each learner's points per exercise from nbgrader's gradebook (0 where grading did not finish)."""
    Gradebook, MissingEntry = nbgrader_db.Gradebook, nbgrader_db.MissingEntry

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        cells = gradebook.find_notebook(assignment, assignment).grade_cells
        maximum = {exercise_of(c.name): float(c.max_score) for c in cells}
        for outcome in outcomes:
            outcome.max_scores = dict(maximum)
            outcome.scores = dict.fromkeys(maximum, 0.0)
            if not outcome.status.startswith("graded"):
                continue
            try:
                notebook = gradebook.find_submission_notebook(assignment, assignment, outcome.learner)
            except MissingEntry:
                outcome.status = "grader error (no grades recorded)"
                continue
            for grade in notebook.grades:
                outcome.scores[exercise_of(grade.name)] = float(grade.score or 0.0)


def _feedback(course: Path, assignment: str, outcomes: list[Outcome], out: Path, env: dict) -> None:
    """nbgrader's HTML feedback per graded learner, copied to ``out/feedback/<id>.html``; nbgrader's export CSV."""
    graded = [o.learner for o in outcomes if o.status.startswith("graded")]
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    if not graded:
        return
    from .assignment import nbgrader_api

    api = nbgrader_api(course)
    with tools_on_path():
        for learner in graded:
            done = api.generate_feedback(assignment, learner, force=True)
            if not done["success"]:
                raise RuntimeError(f"nbgrader generate_feedback failed for {learner}:\n{done.get('error', '')[-2000:]}")
            page = course / "feedback" / learner / assignment / f"{assignment}.html"
            shutil.copyfile(page, out / "feedback" / f"{learner}.html")
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "export", "--to", str(out / "grades.csv"), "--assignment", assignment],
        cwd=course,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


def write_gradebook(path: Path, outcomes: list[Outcome]) -> None:
    """``gradebook.csv``: learner, one column per exercise (points), total, max, status, seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exercises = list(outcomes[0].max_scores) if outcomes else []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", *exercises, "total", "max", "status", "seconds"])
        for o in outcomes:
            scores = [f"{o.scores.get(e, 0.0):g}" for e in exercises]
            total, maximum = f"{o.total:g}", f"{sum(o.max_scores.values()):g}"
            writer.writerow([o.learner, *scores, total, maximum, o.status, f"{o.seconds:.0f}"])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", help="a folder with one folder per learner")
    parser.add_argument("--assignment", required=True, help="the chapter notebook, e.g. 04_regularization")
    parser.add_argument("--course", help="the nbgrader course folder (default build/classroom, made if missing)")
    parser.add_argument("--out", help="where gradebook.csv and feedback/ go (default build/grades/<assignment>)")
    parser.add_argument("--cell-timeout", type=int, default=300, help="seconds before a cell is interrupted")
    parser.add_argument("--submission-timeout", type=float, default=1800, help="seconds for one learner in all")
    parser.add_argument("--memory-gib", type=float, default=6.0, help="address-space limit of each kernel")
    args = parser.parse_args(argv)
    outcomes = grade_class(
        args.submissions,
        args.assignment,
        course=args.course,
        out=args.out,
        cell_timeout=args.cell_timeout,
        submission_timeout=args.submission_timeout,
        memory_gib=args.memory_gib,
    )
    out = Path(args.out or ROOT / "build" / "grades" / args.assignment)
    width = max(len(o.learner) for o in outcomes)
    for o in outcomes:
        print(f"{o.learner:<{width}}  {o.total:g} / {sum(o.max_scores.values()):g}  {o.status}")
    print(f"gradebook: {out / 'gradebook.csv'}; feedback: {out / 'feedback'}")


if __name__ == "__main__":
    main()
