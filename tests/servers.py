"""Start and stop local servers for tests: free ports, process groups, nothing left behind.

Used by ``test_make_lab.py`` and the browser tests in ``e2e/``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@contextlib.contextmanager
def server(command: list[str], ready_url: str, env: dict, timeout: float = 120):
    """Start a server in its own process group, wait for ``ready_url``, stop the whole group at the end."""
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
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
                    raise AssertionError(f"{command[0]} did not start:\n{log.read().decode()[-4000:]}")
                time.sleep(0.5)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        deadline = time.monotonic() + 20
        while group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
            raise AssertionError(f"{command[0]} left processes behind after SIGTERM")
        log.close()
