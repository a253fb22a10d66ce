"""A learner's first minutes: open the notebook, run it, drag the learning rate, watch it diverge.

Run with `make test-e2e` (also part of `make test`). Set DLOPT_UPDATE_DOCS=1 to copy the dashboard
screenshot into docs/ for the README.
"""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest

from .conftest import (ROOT, PageProblems, free_port, kernel_tracebacks, lab_token_url, new_token, server,
                       status_json)

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
        page.wait_for_function("([element, old]) => element.getAttribute('src') !== old",
                               arg=[image.element_handle(), old_src], timeout=20_000)
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


def test_gradient_descent_notebook_in_jupyterlab(browser_context, jupyter_env, screenshots):
    port, token = free_port(), new_token()
    args = (f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 "
            f"--IdentityProvider.token={token} --LabApp.expose_app_in_browser=True")
    command = ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"]
    with server(command, lab_token_url(port, token, "api/status"), jupyter_env):
        page = browser_context.new_page()
        problems = PageProblems(page)
        page.goto(lab_token_url(port, token, "lab/tree/03_gradient_descent.ipynb"), timeout=60_000)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                               "&& window.jupyterapp.shell.currentWidget.sessionContext "
                               "&& window.jupyterapp.shell.currentWidget.sessionContext.session", timeout=60_000)
        page.evaluate("() => { window.dloptRunAll = undefined; window.jupyterapp.commands"
                      ".execute('notebook:run-all-cells').then(ok => { window.dloptRunAll = ok; }); }")
        page.wait_for_function("() => window.dloptRunAll !== undefined", timeout=240_000)  # all cells ran
        assert page.evaluate("() => window.dloptRunAll") is True, "a cell failed while running all cells"
        page.wait_for_selector(".widget-image", timeout=30_000)
        assert kernel_tracebacks(page) == []
        _drive_optimizer_dashboard(page, _dashboard(page, 0), screenshots, "lab-optimizer")
        assert kernel_tracebacks(page) == []
        sessions = status_json(lab_token_url(port, token, "api/sessions"))
        assert [s["path"] for s in sessions] == ["03_gradient_descent.ipynb"]
        problems.assert_none()
        if os.environ.get("DLOPT_UPDATE_DOCS"):
            shutil.copy(screenshots / "lab-optimizer-2-moved.png", ROOT / "docs" / "learning_rate_dashboard.png")
        page.close()


def test_dashboards_app_in_voila(browser_context, jupyter_env, screenshots):
    port = free_port()
    args = f"--no-browser --port={port} --Voila.ip=127.0.0.1"
    command = ["make", "--no-print-directory", "dashboards", f"VOILA_ARGS={args}"]
    with server(command, f"http://127.0.0.1:{port}/api/status", jupyter_env):
        page = browser_context.new_page()
        problems = PageProblems(page)
        page.goto(f"http://127.0.0.1:{port}/", timeout=180_000)
        page.wait_for_selector(".dlopt-status", timeout=180_000)
        page.wait_for_function("() => document.querySelectorAll('.dlopt-status').length === 5", timeout=60_000)
        assert "import dlopt_helpers" not in page.inner_text("body"), "Voila must not show code"
        assert kernel_tracebacks(page) == []
        _drive_optimizer_dashboard(page, _dashboard(page, 1), screenshots, "voila-optimizer")

        gradient = _dashboard(page, 0)  # notebook 01's dashboard: learning rate 0.1, stable below 1
        gradient.scroll_into_view_if_needed()
        src = gradient.locator(".widget-image").get_attribute("src")
        handle = gradient.locator(".widget-slider", has_text="learning rate").locator(".noUi-handle")
        handle.focus()
        status = gradient.locator(".dlopt-status")
        for _ in range(40):
            if "diverged at step" in status.inner_text():
                break
            handle.press("ArrowRight")
            src = _wait_for_redraw(page, gradient, src, "raising the learning rate")
        assert "diverged at step" in status.inner_text()
        gradient.screenshot(path=screenshots / "voila-gradient-diverged.png")
        assert kernel_tracebacks(page) == []
        problems.assert_none()
        page.close()
