"""A class on the course's JupyterHub (make hub): three learners in headless Chromium, a teacher's update.

The hub serves a throw-away clone of this repository as the course. Each learner logs in with the class
password, gets their own copy (nbgitpuller), runs notebook 10 and sees its exercise checks; one learner edits a
notebook; the teacher commits an update to the course; after a restart the learner's edit is still there while
the teacher's other change arrived, and a learner who edited nothing gets both of the teacher's changes. Leaving
the ``server`` block stops the hub and checks that no process it started (proxy, learners' servers, kernels,
culler) is left.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import ROOT, PageProblems, free_port, kernel_tracebacks, server

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("hub")]  # one hub at a time (with the capacity benchmark)

PASSWORD = "class-password-for-the-test"
NOTEBOOK = "10_faq_references.ipynb"  # the quickest chapter to run (about 20 s)
BRANCH = "course"  # the teacher's course: a branch at this checkout's HEAD
PROXY = Path(ROOT / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy")


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def course(tmp_path):
    """The teacher's course repository: a clone of this checkout's HEAD (what learners get)."""
    folder = tmp_path / "course"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(folder)], check=True)
    _git(folder, "checkout", "--quiet", "-B", BRANCH, _git(ROOT, "rev-parse", "HEAD").strip())  # detached HEAD too
    _git(folder, "config", "user.email", "teacher@example.org")
    _git(folder, "config", "user.name", "Teacher")
    return folder


def _log_in(context, base: str, name: str):
    """Log ``name`` in through the hub's login form; returns the page, on the learner's JupyterLab."""
    page = context.new_page()
    for attempt in range(3):  # one learner at a time in this browser profile: the last one logs out first
        page.goto(f"{base}/hub/logout", timeout=60_000)
        context.clear_cookies()
        page.goto(f"{base}/hub/login", timeout=60_000)
        try:
            page.wait_for_selector("input[name=username]", timeout=15_000)
            break
        except Exception as error:  # a redirect of the previous session still under way
            if attempt == 2:
                body = page.inner_text("body")[:500]
                raise AssertionError(f"no login form for {name} at {page.url}: {body}") from error
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(f"**/user/{name}/lab**", timeout=180_000)  # spawned (course synced) and logged in
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=120_000)
    return page


def _run_notebook(page, base: str, name: str) -> str:
    """Open the learner's copy of NOTEBOOK, run every cell, return the text of its outputs; fails on any
    JavaScript error or failed request of that page (requests the navigation cut short on the last page aside)."""
    page.goto(f"{base}/user/{name}/lab/tree/dlopt/notebooks/{NOTEBOOK}", timeout=60_000)
    problems = PageProblems(page)
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext"
        " && window.jupyterapp.shell.currentWidget.sessionContext.session",
        timeout=120_000,
    )
    page.evaluate(
        "() => { window.dloptRunAll = undefined; window.jupyterapp.commands"
        ".execute('notebook:run-all-cells').then(ok => { window.dloptRunAll = ok; }); }"
    )
    page.wait_for_function("() => window.dloptRunAll !== undefined", timeout=240_000)
    assert page.evaluate("() => window.dloptRunAll") is True, f"{name}: a cell failed"
    assert kernel_tracebacks(page) == []
    problems.assert_none()
    return " ".join(page.locator(".jp-OutputArea-output").all_text_contents())


def _xsrf(page, path: str) -> str:
    """The XSRF cookie that the hub (``/hub/``) or a learner's server (``/user/<name>/``) set for its pages."""
    cookies = [c for c in page.context.cookies() if c["name"] == "_xsrf" and path.startswith(c.get("path", "/"))]
    return max(cookies, key=lambda c: len(c.get("path", "/")))["value"]


def _edit(page, base: str, name: str, path: str, marker: str) -> None:
    """The learner edits a notebook: a Markdown cell of their own at the top, saved (through Lab's API)."""
    url = f"{base}/user/{name}/api/contents/dlopt/{path}"
    xsrf = _xsrf(page, f"/user/{name}/")
    model = page.request.get(url, headers={"X-XSRFToken": xsrf}).json()
    model["content"]["cells"].insert(0, {"cell_type": "markdown", "id": "mine", "metadata": {}, "source": marker})
    response = page.request.put(
        url,
        data=json.dumps({"type": "notebook", "format": "json", "content": model["content"]}),
        headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"},
    )
    assert response.ok, response.text()


def _restart(page, base: str, name: str) -> None:
    """Stop the learner's server and start it again (a new session: the course syncs on start)."""
    page.goto(f"{base}/hub/home", timeout=60_000)  # the hub's own page sets its XSRF cookie
    headers = {"X-XSRFToken": _xsrf(page, "/hub/"), "Referer": f"{base}/hub/home"}
    assert page.request.delete(f"{base}/hub/api/users/{name}/server", headers=headers).status in (202, 204)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        user = page.request.get(f"{base}/hub/api/users/{name}", headers=headers).json()
        if not user.get("servers"):
            break
        time.sleep(1)
    assert page.request.post(f"{base}/hub/api/users/{name}/server", headers=headers).status in (201, 202)
    page.goto(f"{base}/user/{name}/lab", timeout=60_000)
    page.wait_for_url(f"**/user/{name}/lab**", timeout=180_000)


def test_a_class_on_the_hub(browser_context, jupyter_env, tmp_path, course):
    if not PROXY.exists():
        reason = "configurable-http-proxy is not installed (make installs it with npm)"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI must run it (.ci/run installs npm)
        pytest.skip(reason)
    hub_dir = tmp_path / "hub"
    port = free_port()
    env = {
        **jupyter_env,
        "DLOPT_HUB_PASSWORD": PASSWORD,
        "DLOPT_HUB_COURSE": str(course),
        "DLOPT_HUB_BRANCH": BRANCH,
        "DLOPT_HUB_API_PORT": str(free_port()),
        "DLOPT_HUB_PROXY_PORT": str(free_port()),
        "DLOPT_HUB_SERVER_ARGS": "--LabApp.expose_app_in_browser=True",  # the test drives Lab's commands
    }
    base = f"http://127.0.0.1:{port}"
    command = ["make", "--no-print-directory", "hub", f"HUB_DIR={hub_dir}", f"HUB_PORT={port}"]
    # stopping, the hub stops each learner's server (JupyterHub's SIGINT, SIGTERM, SIGKILL: up to 20 s) and its proxy
    with server(command, f"{base}/hub/api", env, settle=60):
        learners = ("ada", "bo", "cy")
        pages = {}
        for name in learners:
            page = _log_in(browser_context, base, name)
            outputs = _run_notebook(page, base, name)
            assert "✅ 10." in outputs and "⏳ 10." in outputs, f"{name}: no exercise check ran"
            if name != learners[-1]:  # the learner leaves (their open Lab would renew their cookies)
                page.close()
            pages[name] = page
        copies = {name: hub_dir / "users" / name / "dlopt" for name in learners}
        assert all((copy / "notebooks" / NOTEBOOK).exists() for copy in copies.values())
        assert len({copy.resolve() for copy in copies.values()}) == 3, "each learner has a copy of their own"

        # cy is the one logged in now: cy edits chapter 00; the teacher then changes chapter 00 and the README
        _edit(pages["cy"], base, "cy", "notebooks/00_background.ipynb", "my notes: *levers*")
        teacher_00 = course / "notebooks" / "00_background.ipynb"
        text = teacher_00.read_text(encoding="utf-8")
        teacher_00.write_text(text.replace("# 00 · Background", "# 00 · Background (updated by the teacher)", 1))
        (course / "README.md").write_text((course / "README.md").read_text() + "\nUpdated for Tuesday's class.\n")
        _git(course, "commit", "--quiet", "-am", "the teacher's update")

        _restart(pages["cy"], base, "cy")
        mine = json.loads((copies["cy"] / "notebooks" / "00_background.ipynb").read_text())
        assert "my notes: *levers*" in "".join(mine["cells"][0]["source"]), "the learner's edit was overwritten"
        assert "Updated for Tuesday's class." in (copies["cy"] / "README.md").read_text(), "no update arrived"

        pages["cy"].close()
        pages["ada"] = _log_in(browser_context, base, "ada")
        _restart(pages["ada"], base, "ada")
        theirs = json.loads((copies["ada"] / "notebooks" / "00_background.ipynb").read_text())
        assert "updated by the teacher" in "".join(theirs["cells"][0]["source"])
        assert "Updated for Tuesday's class." in (copies["ada"] / "README.md").read_text()
        pages["ada"].close()
    # the learners' servers and kernels run in sessions of their own: the hub must have stopped them on its way out
    deadline = time.monotonic() + 20
    while _processes_in(hub_dir) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _processes_in(hub_dir), f"left running after the hub stopped: {_processes_in(hub_dir)}"
    shutil.rmtree(hub_dir / "users", ignore_errors=True)


def _processes_in(folder: Path) -> list[str]:
    """Processes whose working directory is inside ``folder`` (a learner's server or kernel), as 'pid: command'."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and Path(os.readlink(proc / "cwd")).is_relative_to(folder):
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append(f"{proc.name}: {command[:120]}")
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found
