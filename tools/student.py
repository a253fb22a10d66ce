#!/usr/bin/env python
"""Build the student edition of the notebooks: solutions removed, checks kept, outputs cleared.

    python tools/student.py [OUT_DIR]          # default: build/student (ignored by git)

Markers (our own, nbgrader-like but without nbgrader): a code cell tagged ``solution``
(hidden in the teacher edition with ``jupyter.source_hidden``) is removed; the learner cell
before it (``answer = None`` + ``dh.check(...)``) stays, so students still get ✅ / ❌ / ⏳
with a hint. All outputs are cleared (students run the notebooks themselves), and the
instructions "the solutions are in the collapsed cells" are reworded. Every notebook is
checked: no solution left, as many checks as registered exercises.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
# the learner cells' form; tests/test_exercise_registry.py reads every call form in the notebooks
CHECK = re.compile(r"""dh\.check\(\s*["']([0-9]{2}[a-z]?\.[a-z_0-9]+)["']""")
SOLUTION_NOTE = "the solutions are in the collapsed cells"


def student_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without solution cells and outputs; the learner cells and their checks kept."""
    notebook = nbformat.from_dict(notebook)
    kept = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if cell.cell_type == "markdown" and SOLUTION_NOTE in cell.source:
            cell.source = cell.source.replace(SOLUTION_NOTE, "your teacher has the solutions")
        kept.append(cell)
    notebook.cells = kept
    return notebook


def build(out_dir: Path) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from dlopt_helpers.exercises import EXERCISES
    from dlopt_helpers.references import BIB_PATH

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = student_notebook(nbformat.read(str(path), as_version=4))
        code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
        if any("solution" in c.metadata.get("tags", []) for c in notebook.cells):
            raise SystemExit(f"{path.name}: a solution cell survived")
        registered = {e.id for e in EXERCISES.values() if e.notebook == path.stem}
        checked = set(CHECK.findall(code))
        if checked != registered:
            raise SystemExit(f"{path.name}: checks {sorted(checked)} do not match the exercises {sorted(registered)}")
        target = out_dir / path.name
        nbformat.write(notebook, str(target))
        written.append(target)
    shutil.copy(BIB_PATH, out_dir / "references.bib")
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "build" / "student"))
    args = parser.parse_args(argv)
    written = build(Path(args.out_dir))
    print(f"student edition: {len(written)} notebooks in {args.out_dir}")


if __name__ == "__main__":
    main()
