"""Browser end-to-end tests: the dashboards as a learner meets them, in JupyterLab and in Voila.

Headless Debian Chromium driven by Playwright (no browser download: `executable_path`). Servers run
from the project's environment on 127.0.0.1 with throw-away runtime / config folders and are stopped
whatever happens; a final check asserts that no server or browser process outlives the tests.
Screenshots go to a temporary folder whose path is printed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from servers import ROOT, free_port, group_alive, lab_settings_lock, server  # noqa: F401  (re-exported for the tests)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
# flags for a closed network and no sandbox as root (see the env notes): no background connections at all
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# Voila's page template links Font Awesome from a CDN; offline that request fails. The dashboards use
# no icon font (plain-text button labels), so this one failure is expected and harmless.
ALLOWED_FAILED_URLS = ("https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free",)


@pytest.fixture(scope="session")
def jupyter_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jupyter")
    return {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "JUPYTER_CONFIG_DIR": str(folder / "config"),
        "DLOPT_CACHE_DIR": str(folder / "cache"),
    }


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screenshots")
    yield folder
    print(f"\nbrowser screenshots: {folder}")


@pytest.fixture(scope="module")  # not session: Playwright's loop must be gone before other tests use asyncio
def browser_context(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        reason = (
            f"Chromium not found at {CHROMIUM}: install it (Debian: apt-get install chromium) for the browser tests"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI must run them (.ci/run installs Chromium)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            env={**os.environ, "FONTCONFIG_FILE": str(_fonts_with_cjk(tmp_path_factory.mktemp("fonts")))},
        )
        try:
            yield context
        finally:
            context.close()
    deadline = time.monotonic() + 15
    while _chromium_running(profile) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _chromium_running(profile), "Chromium outlived the tests"


def _fonts_with_cjk(folder: Path) -> Path:
    """A fontconfig file: the system's fonts plus the CJK font the course installs (mplfonts), so Chinese
    renders even where no CJK font package is installed (.ci/run also installs Debian's fonts-noto-cjk)."""
    from dlopt_helpers.i18n import cjk_font_path

    font = cjk_font_path()
    extra = f"<dir>{font.parent}</dir>" if font else ""
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include>{extra}'
        f"<cachedir>{folder / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return config


def _chromium_running(profile: Path) -> bool:
    found = subprocess.run(["pgrep", "-f", f"user-data-dir={profile}"], capture_output=True, text=True)
    return bool(found.stdout.strip())


class PageProblems:
    """Collects JavaScript errors and failed requests of a page; ``assert_none`` fails the test on any."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("requestfailed", self._request_failed)

    def _console(self, message):
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if "Failed to load resource" in message.text and (not url or url.startswith(ALLOWED_FAILED_URLS)):
            return  # reported (or allowed) through requestfailed with its URL
        self.errors.append(f"console error: {message.text[:300]} at {url}")

    def _request_failed(self, request):
        if not request.url.startswith(ALLOWED_FAILED_URLS):
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def assert_none(self):
        assert not self.errors, "\n".join(self.errors)


def lab_token_url(port: int, token: str, path: str = "") -> str:
    return f"http://127.0.0.1:{port}/{path}?token={token}"


def new_token() -> str:
    return secrets.token_hex(16)


def kernel_tracebacks(page) -> list[str]:
    """Text of every stderr / error output rendered on the page (our notebooks have none)."""
    return page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()


def status_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read().decode())
