"""Notebook hygiene: valid nbformat, no widget state, in-order counts, no paths or errors in outputs.

nbval (configured in pyproject.toml) re-runs every notebook and compares outputs; these tests check
what nbval does not: that the committed files are clean enough to render and diff well.
"""

import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import nbhygiene  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_course_has_its_first_two_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert "00_background.ipynb" in names and "01_core_concepts.ipynb" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_is_clean(path):
    nb = nbformat.read(path, as_version=4)
    assert nbhygiene.problems(nb) == []
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code"), "committed with outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_starts_with_title_and_imports_helpers_before_tensorflow(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    first = code[0]
    assert "import dlopt_helpers as dh" in first and "dh.set_seed(" in first
    if "import tensorflow" in first:
        assert first.index("import dlopt_helpers") < first.index("import tensorflow")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_nbval_ignore_output_only_on_widget_or_timing_cells(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "NBVAL_IGNORE_OUTPUT" in cell.source:
            assert "widget" in cell.source.lower() or "Stopwatch" in cell.source, cell.source
            assert "# NBVAL_IGNORE_OUTPUT" in cell.source.splitlines(), "nbval only sees the marker alone on its line"


def _executed(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = dict(nbhygiene.KERNELSPEC)
    return nb


def _cell(count, *outputs):
    cell = new_code_cell("x = 1", execution_count=count)
    cell.outputs = list(outputs)
    return cell


def test_checker_accepts_a_clean_notebook():
    assert nbhygiene.problems(_executed(_cell(1), _cell(2))) == []
    assert nbhygiene.problems(_executed(_cell(None), _cell(None))) == []  # never run is fine too


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda nb: nb.metadata.__setitem__("widgets", {"state": {}}), "metadata.widgets"),
        (lambda nb: setattr(nb.cells[1], "execution_count", 5), "execution counts are not 1..2"),
        (
            lambda nb: nb.cells[0].outputs.append(new_output("stream", name="stdout", text="saved to /home/ann/x")),
            "absolute path",
        ),
        (lambda nb: nb.cells[0].outputs.append(new_output("stream", name="stderr", text="Warning")), "stderr output"),
        (
            lambda nb: nb.cells[0].outputs.append(new_output("error", ename="ValueError", evalue="bad", traceback=[])),
            "error output ValueError",
        ),
        (lambda nb: nb.cells[0].metadata.__setitem__("execution", {"iopub.status.busy": "2026"}), "run metadata"),
        (lambda nb: nb.metadata.__setitem__("kernelspec", {"name": "conda-env-x", "display_name": "x"}), "python3"),
        (
            lambda nb: nb.cells[0].outputs.append(
                new_output(
                    "display_data",
                    data={
                        "application/vnd.jupyter.widget-view+json": {
                            "model_id": "x",
                            "version_major": 2,
                            "version_minor": 0,
                        },
                        "text/plain": "VBox()",
                    },
                )
            ),
            "stored widget view",
        ),
    ],
)
def test_checker_finds_each_problem_and_clean_fixes_metadata(make, expected):
    nb = _executed(_cell(1), _cell(2))
    make(nb)
    assert any(expected in p for p in nbhygiene.problems(nb))
    if expected in ("metadata.widgets", "run metadata", "python3", "stored widget view"):
        assert nbhygiene.problems(nbhygiene.clean(nb)) == []


def test_cli_check_exit_status(tmp_path, capsys):
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    nbformat.write(_executed(_cell(1)), good)
    broken = _executed(_cell(1))
    broken.metadata["widgets"] = {}
    nbformat.write(broken, bad)
    assert nbhygiene.main(["check", str(good)]) == 0
    assert nbhygiene.main(["check", str(good), str(bad)]) == 1
    assert "bad.ipynb: metadata.widgets" in capsys.readouterr().out
    assert nbhygiene.main(["clean", str(bad)]) == 0
    assert nbhygiene.main(["check", str(bad)]) == 0


def test_clean_joins_stream_chunks_split_by_timing():
    nb = _executed(
        _cell(
            1,
            new_output("stream", name="stdout", text="a\n"),
            new_output("stream", name="stdout", text="b\n"),
            new_output("stream", name="stderr", text="w\n"),
        )
    )
    outputs = nbhygiene.clean(nb).cells[0].outputs
    assert [(o.name, o.text) for o in outputs] == [("stdout", "a\nb\n"), ("stderr", "w\n")]
