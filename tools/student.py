#!/usr/bin/env python
"""Build the class edition of the course (``make student``): an nbgrader course with every chapter released.

    python tools/student.py [COURSE_DIR] [--chapters 00_background ...]   # default: build/classroom

``COURSE_DIR/release/<chapter>/<chapter>.ipynb`` is what learners get: the learner cells (``answer = None`` or a
function skeleton) with their ``dh.check`` kept, a locked graded cell after each, no solutions, no outputs.
``COURSE_DIR/source/`` holds the solutions for nbgrader, ``gradebook.db`` its database; ``make grade`` grades the
submissions against it. The work is done by ``dlopt_helpers.classroom.assignment``, which refuses a notebook whose
exercise cells are out of order; this script also checks that every release has as many checks as registered
exercises and no solution left.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
# the learner cells' form; tests/test_exercise_registry.py reads every call form in the notebooks
CHECK = re.compile(r"""dh\.check\(\s*["']([0-9]{2}[a-z]?\.[a-z_0-9]+)["']""")


def verify(course: Path) -> list[Path]:
    """Every released notebook: its checks are the registered exercises, and no solution survived."""
    from dlopt_helpers.exercises import EXERCISES

    released = sorted(course.glob("release/*/*.ipynb"))
    for path in released:
        notebook = nbformat.read(str(path), as_version=4)
        code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
        if "### BEGIN SOLUTION" in code or any("solution" in c.metadata.get("tags", []) for c in notebook.cells):
            raise SystemExit(f"{path.name}: a solution survived")
        registered = {e.id for e in EXERCISES.values() if e.notebook == path.stem}
        checked = set(CHECK.findall(code))
        if checked != registered:
            raise SystemExit(f"{path.name}: checks {sorted(checked)} do not match the exercises {sorted(registered)}")
    return released


def main(argv=None) -> None:
    sys.path.insert(0, str(ROOT))
    from dlopt_helpers.classroom import assignment

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course_dir", nargs="?", default=str(ROOT / "build" / "classroom"))
    parser.add_argument("--chapters", nargs="+", help="chapter notebooks (default: all), e.g. 00_background")
    args = parser.parse_args(argv)
    course = assignment.build_course(args.course_dir, args.chapters)
    released = verify(course)
    print(f"class edition: {len(released)} notebooks released to {course / 'release'} (nbgrader course {course})")


if __name__ == "__main__":
    main()
