"""A learner's first minutes: open the notebook, run it, drag the learning rate, watch it diverge.

Run with `make test-e2e` (also part of `make test`). Set DLOPT_UPDATE_DOCS=1 to copy the dashboard
screenshot into docs/ for the README.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import urllib.request
from pathlib import Path

import nbformat
import pytest

from .conftest import (
    ROOT,
    PageProblems,
    free_port,
    kernel_tracebacks,
    lab_settings_lock,
    lab_token_url,
    new_token,
    server,
    status_json,
)

pytestmark = pytest.mark.e2e


def _dashboard(page, index: int):
    """The index-th dashboard on the page: a box holding an image widget and its status line."""
    return page.locator(".widget-vbox:has(> .widget-image)").nth(index)


def _image_hash(dashboard) -> str:
    return hashlib.sha256(dashboard.locator(".widget-image").screenshot()).hexdigest()


def _wait_for_redraw(page, dashboard, old_src: str, what: str) -> str:
    """Wait until the figure widget shows a new image (the kernel recomputed and redrew)."""
    image = dashboard.locator(".widget-image")
    try:
        page.wait_for_function(
            "([element, old]) => element.getAttribute('src') !== old",
            arg=[image.element_handle(), old_src],
            timeout=20_000,
        )
    except Exception as error:  # a callback that raises in the kernel never sends a new image
        raise AssertionError(f"the figure did not redraw after {what}") from error
    return image.get_attribute("src")


def _drive_optimizer_dashboard(page, dashboard, screenshots, prefix: str) -> None:
    image = dashboard.locator(".widget-image")
    dashboard.scroll_into_view_if_needed()
    src = image.get_attribute("src")
    for select, value in zip(dashboard.locator("select").all(), ("sgd", "quadratic")):
        if select.input_value() != value:
            select.select_option(value)
            src = _wait_for_redraw(page, dashboard, src, f"choosing {value}")
    status = dashboard.locator(".dlopt-status")
    before_hash, before_status = _image_hash(dashboard), status.inner_text()
    dashboard.screenshot(path=screenshots / f"{prefix}-1-start.png")

    handle = dashboard.locator(".widget-slider", has_text="learning rate").locator(".noUi-handle")
    handle.focus()
    for _ in range(3):  # a small move: 10^0.15 = 1.4 times the rate
        handle.press("ArrowRight")
        src = _wait_for_redraw(page, dashboard, src, "moving the learning-rate slider")
    page.wait_for_timeout(300)  # let the last of the continuous updates land
    assert _image_hash(dashboard) != before_hash, "the dashboard's figure did not change"
    assert status.inner_text() != before_status
    dashboard.screenshot(path=screenshots / f"{prefix}-2-moved.png")

    for _ in range(40):  # push the rate up until the dashboard reports divergence
        if "diverged at step" in status.inner_text():
            break
        handle.press("ArrowRight")
        src = _wait_for_redraw(page, dashboard, src, "raising the learning rate")
    assert "diverged at step" in status.inner_text() and "too large" in status.inner_text()
    dashboard.screenshot(path=screenshots / f"{prefix}-3-diverged.png")


def _assert_dashboards_as_built(page) -> None:
    """After Run All, 03's dashboards show what their code says (the cells after them drive copies)."""
    optimizer, trainer = _dashboard(page, 0), _dashboard(page, 1)
    assert [select.input_value() for select in optimizer.locator("select").all()] == ["sgd", "quadratic"]
    # text_content: an off-screen cell is not rendered (content-visibility), so it has no inner text
    steps = optimizer.locator(".widget-slider", has_text="steps").locator(".widget-readout")
    assert float(steps.text_content()) == 60
    rate = trainer.locator(".widget-slider", has_text="learning rate").locator(".widget-readout")
    assert float(rate.text_content()) == 0.05
    assert trainer.locator(".dlopt-status").text_content().strip() == "press Start"  # not trained yet


def _assert_solutions_hidden(page, notebook: Path) -> None:
    """A collapsed solution shows its first line and its first output line: neither may give the answer away."""
    solutions = [c for c in nbformat.read(notebook, as_version=4).cells if "solution" in c.metadata.get("tags", [])]
    shown = page.locator(".jp-InputPlaceholder .jp-PlaceholderText").all_text_contents()
    assert shown == [c.source.splitlines()[0] for c in solutions], shown
    assert set(shown) == {"# Solution: try the exercise first, then click ••• to show it"}
    outputs = " ".join(page.locator(".jp-OutputPlaceholder .jp-PlaceholderText").all_text_contents())
    for cell in solutions:
        for line in (x.strip() for x in cell.source.splitlines()[1:]):
            assert len(line) < 8 or line not in outputs, f"a collapsed output shows the solution line {line!r}"


def _wait_for_kernel(page) -> None:
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
        "&& window.jupyterapp.shell.currentWidget.sessionContext "
        "&& window.jupyterapp.shell.currentWidget.sessionContext.session",
        timeout=60_000,
    )


def _reopen_the_next_day(page, port: int, token: str, saved: Path, screenshots) -> None:
    """Save, stop the kernel, reload: the dashboards come back from the saved widget state, not as errors."""
    page.evaluate("() => window.jupyterapp.shell.currentWidget.context.save()")
    assert "widgets" in nbformat.read(saved, as_version=4).metadata, "Lab saved no widget state (saveState)"
    for session in status_json(lab_token_url(port, token, "api/sessions")):
        request = urllib.request.Request(lab_token_url(port, token, f"api/sessions/{session['id']}"), method="DELETE")
        urllib.request.urlopen(request, timeout=10).close()
    page.reload(timeout=60_000)
    _wait_for_kernel(page)
    page.wait_for_selector(".widget-image", state="attached", timeout=30_000)
    page.wait_for_timeout(2_000)  # let every output area render
    text = page.locator(".jp-NotebookPanel").text_content()
    assert "Error displaying widget" not in text, "a dashboard shows an error after reopening"
    assert page.locator(".widget-image").count() >= 2
    restored = _dashboard(page, 0)
    for _ in range(2):  # cells above it render on the way and move it: scroll twice
        restored.scroll_into_view_if_needed()
        page.wait_for_timeout(1_000)
    restored.screenshot(path=screenshots / "lab-reopened-optimizer.png")  # the saved, static view


@contextlib.contextmanager
def _lab(browser_context, jupyter_env, notebook: Path, lang: str, lab_root: Path):
    """``make lab LANG=...`` on a copy of ``notebook`` (Lab saves what it runs, and notebooks/ must stay as
    committed); yields (page, port, token, problems) with the notebook open and its kernel connected."""
    port, token = free_port(), new_token()
    args = (
        f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 "
        f"--IdentityProvider.token={token} --LabApp.expose_app_in_browser=True"
        # its own workspace: Lab would restore the last test's open notebook, which is not in this root
        f" --LabApp.workspaces_dir={lab_root.parent / 'workspaces'}"
    )
    lab_root.mkdir()
    shutil.copy(notebook, lab_root)
    command = ["make", "--no-print-directory", "lab", f"LANG={lang}", f"LAB_ROOT={lab_root}", f"LAB_ARGS={args}"]
    with lab_settings_lock(), server(command, lab_token_url(port, token, "api/status"), jupyter_env):
        page = browser_context.new_page()
        problems = PageProblems(page)
        page.goto(lab_token_url(port, token, f"lab/tree/{notebook.name}"), timeout=60_000)
        _wait_for_kernel(page)
        yield page, port, token, problems


def test_gradient_descent_notebook_in_jupyterlab(browser_context, jupyter_env, screenshots, tmp_path):
    lab_root = tmp_path / "lab"
    notebook = ROOT / "notebooks" / "03_gradient_descent.ipynb"
    with _lab(browser_context, jupyter_env, notebook, "C.UTF-8", lab_root) as (page, port, token, problems):
        page.evaluate(
            "() => { window.dloptRunAll = undefined; window.jupyterapp.commands"
            ".execute('notebook:run-all-cells').then(ok => { window.dloptRunAll = ok; }); }"
        )
        page.wait_for_function("() => window.dloptRunAll !== undefined", timeout=240_000)  # all cells ran
        assert page.evaluate("() => window.dloptRunAll") is True, "a cell failed while running all cells"
        page.wait_for_selector(".widget-image", timeout=30_000)
        assert kernel_tracebacks(page) == []
        _assert_dashboards_as_built(page)
        _assert_solutions_hidden(page, lab_root / "03_gradient_descent.ipynb")
        _drive_optimizer_dashboard(page, _dashboard(page, 0), screenshots, "lab-optimizer")
        assert kernel_tracebacks(page) == []
        sessions = status_json(lab_token_url(port, token, "api/sessions"))
        assert [s["path"] for s in sessions] == ["03_gradient_descent.ipynb"]
        _reopen_the_next_day(page, port, token, lab_root / "03_gradient_descent.ipynb", screenshots)
        problems.assert_none()
        if os.environ.get("DLOPT_UPDATE_DOCS"):
            shutil.copy(screenshots / "lab-optimizer-2-moved.png", ROOT / "docs" / "learning_rate_dashboard.png")
        page.close()


@contextlib.contextmanager
def _voila_app(browser_context, jupyter_env, lang: str):
    """``make dashboards LANG=...`` on a free port, its page open; on leaving: no traceback, no page error."""
    port = free_port()
    args = f"--no-browser --port={port} --Voila.ip=127.0.0.1"
    command = ["make", "--no-print-directory", "dashboards", f"LANG={lang}", f"VOILA_ARGS={args}"]
    with server(command, f"http://127.0.0.1:{port}/api/status", jupyter_env):
        page = browser_context.new_page()
        problems = PageProblems(page)
        page.goto(f"http://127.0.0.1:{port}/", timeout=180_000)
        page.wait_for_selector(".dlopt-status", timeout=180_000)
        yield page
        assert kernel_tracebacks(page) == []
        problems.assert_none()
        page.close()


def _raise_the_rate_until(page, dashboard, label: str, word: str) -> str:
    """Press → on the slider labelled ``label`` until the status line says ``word``; returns the status."""
    dashboard.scroll_into_view_if_needed()
    src = dashboard.locator(".widget-image").get_attribute("src")
    handle = dashboard.locator(".widget-slider", has_text=label).locator(".noUi-handle")
    handle.focus()
    status = dashboard.locator(".dlopt-status")
    for _ in range(40):
        if word in status.inner_text():
            break
        handle.press("ArrowRight")
        src = _wait_for_redraw(page, dashboard, src, "raising the learning rate")
    return status.inner_text()


def test_dashboards_app_in_voila(browser_context, jupyter_env, screenshots):
    with _voila_app(browser_context, jupyter_env, "C.UTF-8") as page:
        # one status line per dashboard the app's notebook makes (names from the registry, not a fixed count)
        import json

        from dlopt_helpers.dashboards import DASHBOARDS

        calls = tuple(f"{d.__name__}(" for d in DASHBOARDS)
        cells = json.loads((ROOT / "notebooks" / "dashboards.ipynb").read_text())["cells"]
        sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        expected = sum(any(call in source for call in calls) for source in sources)
        assert expected >= 5, "the dashboards notebook must show the course's dashboards"
        page.wait_for_function(
            f"() => document.querySelectorAll('.dlopt-status').length === {expected}", timeout=60_000
        )
        assert "import dlopt_helpers" not in page.inner_text("body"), "Voila must not show code"
        assert "0" not in page.locator(".jp-OutputArea-output").all_inner_texts(), "a stray cell value"
        assert kernel_tracebacks(page) == []
        _drive_optimizer_dashboard(page, _dashboard(page, 1), screenshots, "voila-optimizer")

        gradient = _dashboard(page, 0)  # notebook 01's dashboard: learning rate 0.1, stable below 1
        assert "diverged at step" in _raise_the_rate_until(page, gradient, "learning rate", "diverged at step")
        gradient.screenshot(path=screenshots / "voila-gradient-diverged.png")


def _cjk_renders(page, screenshots, prefix: str) -> None:
    """Look at pixels, not the DOM: two different Chinese words drawn in the notebook's font must differ from
    each other and from characters no font has (which every browser draws as the same empty box)."""
    page.evaluate(
        """() => {
            const box = document.createElement('div');
            box.id = 'dlopt-glyphs';
            box.className = 'jp-RenderedHTMLCommon';
            box.style = 'position:fixed;top:0;left:0;z-index:99999;background:white;font-size:28px;padding:4px';
            for (const [id, text] of [['a', '梯度下降'], ['b', '正则化项'], ['none', '\ue000\ue001\ue002\ue003']]) {
                const span = document.createElement('span');
                span.id = 'dlopt-glyphs-' + id;
                span.textContent = text;
                span.style = 'display:inline-block;margin:4px';
                box.appendChild(span);
            }
            document.body.appendChild(box);
        }"""
    )
    shots = {k: page.locator(f"#dlopt-glyphs-{k}").screenshot() for k in ("a", "b", "none")}
    page.locator("#dlopt-glyphs").screenshot(path=screenshots / f"{prefix}-glyphs.png")
    assert shots["a"] != shots["b"], "two different Chinese words render the same: empty boxes (no CJK font)"
    assert shots["a"] != shots["none"] and shots["b"] != shots["none"], "Chinese renders as missing-glyph boxes"
    page.evaluate("() => document.getElementById('dlopt-glyphs').remove()")


def test_chinese_edition_in_jupyterlab(browser_context, jupyter_env, screenshots, tmp_path):
    """make lab LANG=zh: the Chinese notebook in JupyterLab's Chinese interface, Chinese drawn as Chinese."""
    notebook = ROOT / "notebooks" / "zh" / "00_background.ipynb"
    with _lab(browser_context, jupyter_env, notebook, "zh", tmp_path / "lab") as (page, _port, _token, problems):
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert "文件" in menus and "File" not in menus, f"JupyterLab's menus are not in Chinese: {menus}"
        heading = page.locator(".jp-RenderedMarkdown h1").first
        assert "背景" in heading.inner_text() or "背景" in page.locator(".jp-RenderedMarkdown").first.inner_text()
        _cjk_renders(page, screenshots, "lab-zh")
        page.screenshot(path=screenshots / "lab-zh-00.png")
        problems.assert_none()
        page.close()


def test_chinese_dashboards_app_in_voila(browser_context, jupyter_env, screenshots):
    """make dashboards LANG=zh: the dashboards app in Chinese (labels, status lines, divergence message)."""
    with _voila_app(browser_context, jupyter_env, "zh") as page:
        gradient = _dashboard(page, 0)
        assert gradient.locator(".widget-slider", has_text="学习率").count() == 1, "the slider's label is not Chinese"
        status = _raise_the_rate_until(page, gradient, "学习率", "发散")
        assert "发散" in status and "diverged" not in status, status
        _cjk_renders(page, screenshots, "voila-zh")
        gradient.screenshot(path=screenshots / "voila-zh-gradient-diverged.png")
