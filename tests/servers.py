"""Start and stop local servers for tests: free ports, process groups, nothing left behind.

Used by ``test_make_lab.py`` and the browser tests in ``e2e/``. Ports and process groups are
``dlopt_helpers._process`` (shared with ``dh.parallel``'s worker supervisor), so this works
wherever that does: process groups on Linux and macOS, CTRL_BREAK + ``taskkill /T`` on Windows.
"""

from __future__ import annotations

import contextlib
import importlib.util
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_process_module():
    """``dlopt_helpers/_process.py`` by its path: it imports nothing from the course, and importing the
    package would start TensorFlow (seconds) in test processes that only start servers."""
    spec = importlib.util.spec_from_file_location("dlopt_process", ROOT / "dlopt_helpers" / "_process.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_process = _load_process_module()
free_port, group_alive, start_group, stop_group = (
    _process.free_port,
    _process.group_alive,
    _process.start_group,
    _process.stop_group,
)

__all__ = ["ROOT", "free_port", "group_alive", "server"]


@contextlib.contextmanager
def server(command: list[str], ready_url: str, env: dict, timeout: float = 120, settle: float = 20):
    """Start a server in its own process group, wait for ``ready_url``, stop the whole group at the end.

    ``settle``: seconds the group may take to end after its leader (a hub stopping its learners' servers)."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 (kept open for the server's whole life, closed below)
    process = start_group(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(ready_url, timeout=5):
                    break
            except urllib.error.HTTPError:
                break  # the server answers, if only to say no: it is up
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise AssertionError(f"{command[0]} did not start:\n{log.read().decode()[-4000:]}") from None
                time.sleep(0.5)
        yield process
    finally:
        clean = stop_group(process, grace=30, settle=settle)
        log.close()
        if not clean:
            raise AssertionError(f"{command[0]} left processes behind after SIGTERM (they were killed)")


@contextlib.contextmanager
def lab_settings_lock():
    """``make lab`` writes the environment's one Lab settings file (its language): one Lab test at a time."""
    import fcntl
    import tempfile

    with open(Path(tempfile.gettempdir()) / "dlopt-lab-settings.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
