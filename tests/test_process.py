"""dlopt_helpers._process: free ports, process groups started and stopped with nothing left behind,
on POSIX and (simulated here by hiding ``os.killpg``) on an OS without process groups such as Windows."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from dlopt_helpers import _process

# every test that starts a process is marked slow (make check leaves them out; make test runs them)
SLOW = pytest.mark.slow
POSIX_ONLY = pytest.mark.skipif(not _process.has_process_groups(), reason="process groups need POSIX (Linux, macOS)")

# a child that ignores SIGTERM (Windows: CTRL_BREAK) and says when it is ready
STUBBORN = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "if hasattr(signal, 'SIGBREAK'): signal.signal(signal.SIGBREAK, signal.SIG_IGN)\n"
    "print('ready', flush=True)\n"
    "time.sleep(120)\n"
)
# a leader that starts a stubborn grandchild, prints its pid, and itself ends on SIGTERM
LEADER = (
    "import subprocess, sys, time\n"
    f"child = subprocess.Popen([sys.executable, '-c', {STUBBORN!r}], stdout=subprocess.PIPE, text=True)\n"
    "assert child.stdout.readline().strip() == 'ready'\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(120)\n"
)


def start(script: str) -> tuple[subprocess.Popen, str]:
    process = _process.start_group([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    return process, process.stdout.readline().strip()


def pid_running(pid: int) -> bool:
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture()
def no_process_groups(monkeypatch):
    """This OS as Windows sees it: no os.killpg, so the fallback branch runs (signal.SIGKILL stays:
    Popen.kill and psutil need it on this POSIX machine; on Windows they use TerminateProcess)."""
    monkeypatch.delattr(os, "killpg")
    assert not _process.has_process_groups()


# --------------------------------------------------------------------------- ports
def test_a_free_port_can_be_bound_and_a_held_one_is_in_use():
    port = _process.free_port()
    assert 1024 <= port <= 65535 and not _process.port_in_use(port)
    with socket.socket() as sock:
        sock.bind((_process.LOCALHOST, port))  # bindable
        sock.listen()
        assert _process.port_in_use(port)
    assert not _process.port_in_use(port)


# --------------------------------------------------------------------------- POSIX: process groups
@SLOW
@POSIX_ONLY
def test_a_child_that_ignores_sigterm_is_killed():
    process, ready = start(STUBBORN)
    assert ready == "ready" and _process.group_alive(process)
    began = time.monotonic()
    assert _process.stop_group(process, grace=1, settle=5) is True
    assert process.returncode == -signal.SIGKILL
    assert time.monotonic() - began < 10
    assert not _process.group_alive(process) and not _process.group_alive(process.pid)


@SLOW
@POSIX_ONLY
def test_a_well_behaved_group_ends_with_sigterm():
    process, _ = start("import time; print('ready', flush=True); time.sleep(120)")
    assert _process.stop_group(process, grace=5) is True
    assert process.returncode == -signal.SIGTERM and not _process.group_alive(process)


@SLOW
@POSIX_ONLY
def test_stopping_a_group_leaves_nothing_behind():
    """The leader ends on SIGTERM, its grandchild ignores it: the straggler is killed and reported."""
    process, grandchild = start(LEADER)
    grandchild = int(grandchild)
    assert os.getpgid(grandchild) == process.pid  # in the leader's group
    assert _process.stop_group(process, grace=5, settle=1) is False
    assert not _process.group_alive(process.pid)
    assert not pid_running(grandchild)


@SLOW
@POSIX_ONLY
def test_stopping_a_group_that_already_ended_is_harmless():
    process = _process.start_group([sys.executable, "-c", "pass"])
    process.wait(timeout=60)
    assert _process.stop_group(process) is True


@POSIX_ONLY
def test_posix_group_options_start_a_new_session():
    assert _process.group_options() == {"start_new_session": True}


# --------------------------------------------------------------------------- without process groups (Windows)
def test_group_options_without_groups(no_process_groups):
    assert _process.group_options() == {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}


@SLOW
def test_without_groups_a_child_that_ignores_the_polite_signal_is_killed(no_process_groups):
    process, ready = start(STUBBORN)
    assert ready == "ready" and _process.group_alive(process)  # Popen.poll: only the leader can be asked
    assert _process.stop_group(process, grace=1, settle=5) is True
    assert process.returncode is not None and not _process.group_alive(process)


@SLOW
def test_without_groups_descendants_are_found_and_stopped(no_process_groups):
    pytest.importorskip("psutil")
    process, grandchild = start(LEADER)
    grandchild = int(grandchild)
    assert _process.stop_group(process, grace=5, settle=1) is False  # the grandchild had to be killed
    assert not pid_running(grandchild)
    assert not _process.group_alive(process.pid)  # a bare pid: asked through psutil


@SLOW
def test_windows_branch_tries_taskkill_then_kills(no_process_groups, monkeypatch):
    """On Windows: CTRL_BREAK (here: terminate, no CTRL_BREAK_EVENT), then `taskkill /F /T`, then kill()."""
    calls = []
    run = subprocess.run

    def fake_run(command, *args, **kwargs):
        if command[0] == "taskkill":
            calls.append(command)
            raise FileNotFoundError("taskkill")  # not on this machine: process.kill() must follow
        return run(command, *args, **kwargs)

    monkeypatch.setattr(_process, "_windows", lambda: True)
    monkeypatch.setattr(subprocess, "run", fake_run)
    process, _ = start(STUBBORN)
    assert _process.stop_group(process, grace=1) is True
    assert calls == [["taskkill", "/F", "/T", "/PID", str(process.pid)]]
    assert process.returncode is not None


@SLOW
def test_without_groups_or_psutil_a_bare_pid_is_a_clear_error(no_process_groups, monkeypatch):
    monkeypatch.setattr(_process, "_psutil", lambda: None)
    with pytest.raises(RuntimeError, match="no process groups and psutil is not installed"):
        _process.group_alive(os.getpid())
    process, _ = start(STUBBORN)
    assert _process.stop_group(process, grace=1) is True  # still stops: kill() needs nothing else
    assert process.returncode is not None
