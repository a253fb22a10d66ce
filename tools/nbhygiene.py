#!/usr/bin/env python
"""Keep the course's notebooks valid, clean and reproducible.

    python tools/nbhygiene.py check    notebooks/*.ipynb   # report problems, exit 1 if any
    python tools/nbhygiene.py clean    notebooks/*.ipynb   # strip widget state and run metadata
    python tools/nbhygiene.py execute  notebooks/*.ipynb   # run in a fresh kernel, then clean

(`make nbcheck`, `make nbclean` and `make notebooks` call these.) ``tests/test_notebooks.py``
runs ``check`` on every notebook, so a notebook committed without cleaning fails the tests.

Exercise solutions (code cells tagged ``solution``) stay out of sight in JupyterLab: ``clean``
collapses their source and output (``jupyter.source_hidden`` / ``outputs_hidden``), and ``check``
wants their first line to be ``SOLUTION_FIRST_LINE`` (a collapsed cell still shows its first line).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# Cell metadata worth keeping: tags (nbval markers), collapsed solutions, editor view state.
KEEP_CELL_METADATA = {"tags", "jupyter", "collapsed", "scrolled", "editable", "deletable"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_PLACEHOLDER = "Live dashboard: run this cell (widgets need a running kernel)."
# what a collapsed solution cell shows in JupyterLab: not the answer
SOLUTION_FIRST_LINE = "# Solution: try the exercise first, then click ••• to show it"
# the Chinese edition (notebooks/zh/, metadata dlopt.language = "zh"; built by tools/translate.py)
SOLUTION_FIRST_LINE_ZH = "# 参考答案：请先自己做练习，再点击 ••• 展开"
WIDGET_PLACEHOLDER_ZH = "交互面板：运行本单元格即可显示（控件需要正在运行的内核）。"


def _language(nb) -> str:
    return nb.metadata.get("dlopt", {}).get("language", "en")


ABSOLUTE_PATH = re.compile(r"(?<![\w.])(/home/|/root/|/Users/|/tmp/|/private/var/|[A-Za-z]:\\\\?Users)")


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip what varies between runs or breaks viewers; keep sources and outputs."""
    nb.metadata.pop("widgets", None)  # widget state: large, and partial state breaks GitHub's renderer
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}  # no interpreter version
    for cell in nb.cells:
        for key in list(cell.metadata):
            if key not in KEEP_CELL_METADATA:
                del cell.metadata[key]  # e.g. 'execution' timestamps written by nbclient
        if _is_solution(cell):  # collapsed again, whatever the last editor left open
            cell.metadata.setdefault("jupyter", {}).update(source_hidden=True, outputs_hidden=True)
        if cell.cell_type == "code":
            for output in cell.outputs:
                output.pop("transient", None)
                if WIDGET_VIEW in output.get("data", {}):
                    # the widget's state is not stored, so a stored view only shows "model not found":
                    # keep a plain-text placeholder instead (what GitHub and a fresh JupyterLab show)
                    placeholder = WIDGET_PLACEHOLDER_ZH if _language(nb) == "zh" else WIDGET_PLACEHOLDER
                    output.data = {"text/plain": placeholder}
            cell.outputs = _coalesce_streams(cell.outputs)
    return nb


def _is_solution(cell) -> bool:
    return cell.cell_type == "code" and "solution" in cell.metadata.get("tags", [])


def _coalesce_streams(outputs):
    """Join consecutive stdout (or stderr) chunks: how a kernel splits a stream depends on timing."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """Everything that would make the notebook fail review, as readable strings."""
    found = []
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as error:
        found.append(f"invalid nbformat: {error.message}")
    if "widgets" in nb.metadata:
        found.append("metadata.widgets is present (run `make nbclean`)")
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        found.append("kernelspec must be python3")
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.get("execution_count") for c in code_cells]
    if any(counts) and counts != list(range(1, len(code_cells) + 1)):
        found.append(f"execution counts are not 1..{len(code_cells)} in order: {counts} (run `make notebooks`)")
    home = str(Path.home())
    for index, cell in enumerate(nb.cells):
        extra = set(cell.metadata) - KEEP_CELL_METADATA
        if extra:
            found.append(f"cell {index}: run metadata {sorted(extra)} (run `make nbclean`)")
        if _is_solution(cell):
            hidden = cell.metadata.get("jupyter", {})
            if not (hidden.get("source_hidden") and hidden.get("outputs_hidden")):
                found.append(f"cell {index}: solution not collapsed (source and outputs; run `make nbclean`)")
            first_line = SOLUTION_FIRST_LINE_ZH if _language(nb) == "zh" else SOLUTION_FIRST_LINE
            if cell.source.split("\n", 1)[0] != first_line:
                found.append(f"cell {index}: a solution's first line must be {first_line!r} (it stays visible)")
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                found.append(f"cell {index}: stored widget view without its state (run `make nbclean`)")
            if output.output_type == "error":
                found.append(f"cell {index}: error output {output.ename}: {output.evalue}")
            if output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {index}: stderr output {output.text[:80]!r}")
            text = output.get("text", "") + "".join(
                v for k, v in output.get("data", {}).items() if k.startswith("text/") and isinstance(v, str)
            )
            if ABSOLUTE_PATH.search(text) or (home not in ("/", "") and home in text):
                found.append(f"cell {index}: absolute path in output: {text[:80]!r}")
    return found


def execute(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel of this environment and clean it."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return clean(nb)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "clean", "execute"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    status = 0
    for path in args.notebooks:
        if args.command == "check":
            found = problems(nbformat.read(path, as_version=4))
            for problem in found:
                print(f"{path}: {problem}")
            status |= bool(found)
            continue
        if args.command == "execute":
            print(f"executing {path} ...", flush=True)
            nb = execute(path)
        else:
            nb = clean(nbformat.read(path, as_version=4))
        nbformat.write(nb, path)
        found = problems(nb)
        for problem in found:
            print(f"{path}: {problem}")
        status |= bool(found)
    return status


if __name__ == "__main__":
    sys.exit(main())
