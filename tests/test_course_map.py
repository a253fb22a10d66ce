"""Every chapter notebook is listed, in course order, wherever the course is listed: the README's chapter table,
notebook 00's map of the course, and the instructor guide's run-time table. A new chapter (``NN_topic`` or
``NNa_topic``) fails here until all three name it."""

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [p.stem for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))]


def _linked(text: str, prefix: str = "") -> list[str]:
    return re.findall(rf"\]\({re.escape(prefix)}([0-9]{{2}}[a-z]?_[a-z_]+)\.ipynb\)", text)


def test_chapters_sort_in_course_order():
    assert CHAPTERS[0] == "00_background" and CHAPTERS[-1] == "10_faq_references"
    assert CHAPTERS.index("03a_deep_networks") == CHAPTERS.index("03_gradient_descent") + 1


def test_readme_table_lists_every_chapter_in_order():
    rows = [line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| [")]
    assert [name for row in rows for name in _linked(row, "notebooks/")[:1]] == CHAPTERS


def test_course_map_in_notebook_00_lists_every_chapter_in_order():
    notebook = nbformat.read(str(ROOT / "notebooks" / "00_background.ipynb"), as_version=4)
    (course_map,) = [c.source for c in notebook.cells if "## 3. Map of the course" in c.source]
    table = course_map.split("## 3. Map of the course", 1)[1]
    assert _linked(table) == CHAPTERS


def test_instructor_run_times_list_every_chapter():
    guide = (ROOT / "docs" / "instructor.md").read_text()
    numbers = re.findall(r"^\| ([0-9]{2}[a-z]?) [A-Z]", guide, flags=re.M)
    assert sorted(set(numbers)) == [name.split("_")[0] for name in CHAPTERS]
