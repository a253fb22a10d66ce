"""Start and stop groups of processes the same way on Linux, macOS and Windows (not for direct use).

The course starts processes in two places: ``dlopt_helpers.parallel`` (TensorFlow workers, a
matmul timer) and the test suite (Jupyter servers in ``tests/servers.py``). Both need free ports
on 127.0.0.1, a command started in a group of its own, and a stop that ends the command *and
everything it started*, leaving nothing behind.

- POSIX (Linux, macOS): the command leads a new session (``start_new_session``); stopping sends
  SIGTERM to the whole group, SIGKILL after ``grace`` seconds, then waits until no process of
  the group is left.
- Elsewhere (Windows: no ``os.killpg``, no ``SIGKILL``): the command starts with
  ``CREATE_NEW_PROCESS_GROUP``; stopping sends CTRL_BREAK to that group, then kills the tree
  with ``taskkill /F /T`` (``process.kill()`` if that is missing). Descendants that outlive the
  command are found with ``psutil`` where it is installed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence

LOCALHOST = "127.0.0.1"


# --------------------------------------------------------------------------- ports
def free_port(host: str = LOCALHOST) -> int:
    """A TCP port nothing listens on now (the OS picks it; another program may take it later)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_in_use(port: int, host: str = LOCALHOST) -> bool:
    """Whether ``port`` on ``host`` cannot be bound (something holds it)."""
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


# --------------------------------------------------------------------------- platform
def has_process_groups() -> bool:
    """Whether this OS can signal a whole process group (POSIX: Linux, macOS; not Windows)."""
    return hasattr(os, "killpg") and hasattr(signal, "SIGKILL")


def _windows() -> bool:
    return sys.platform == "win32"


def _psutil():
    try:
        import psutil
    except ImportError:
        return None
    return psutil


# --------------------------------------------------------------------------- start
def group_options() -> dict:
    """``subprocess.Popen`` keyword arguments that start a command in a process group of its own."""
    if has_process_groups():
        return {"start_new_session": True}
    return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}


def start_group(command: Sequence[str], **popen_kwargs) -> subprocess.Popen:
    """``subprocess.Popen(command, ...)`` as the leader of a new process group (stop it with ``stop_group``)."""
    return subprocess.Popen(list(command), **popen_kwargs, **group_options())


# --------------------------------------------------------------------------- alive?
def group_alive(process: subprocess.Popen | int) -> bool:
    """Whether any process of the group led by ``process`` (a ``Popen`` or its pid) still runs.

    Without process groups (Windows) only the leader itself can be asked: ``Popen.poll`` for a
    ``Popen``, ``psutil`` for a bare pid (``RuntimeError`` if psutil is not installed: Windows'
    ``os.kill(pid, 0)`` would *terminate* the process, not test it).
    """
    pid = process.pid if isinstance(process, subprocess.Popen) else int(process)
    if has_process_groups():
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # the group exists, owned by someone else
            return True
        return True
    if isinstance(process, subprocess.Popen):
        return process.poll() is None
    psutil = _psutil()
    if psutil is None:
        raise RuntimeError(
            f"cannot tell whether process {pid} runs: this OS has no process groups and psutil is not installed"
        )
    return psutil.pid_exists(pid)


def _wait_group_gone(pgid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while group_alive(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# --------------------------------------------------------------------------- stop
def stop_group(process: subprocess.Popen, grace: float = 3.0, settle: float = 10.0) -> bool:
    """Stop ``process`` and everything it started; return once none of them is left.

    Asks politely first (SIGTERM; CTRL_BREAK on Windows), waits ``grace`` seconds for the
    leader, then kills (a worker blocked in a collective may never answer SIGTERM). Processes
    of the group still running ``settle`` seconds after the leader ended are killed too.

    Returns ``True`` if everything ended with the leader, ``False`` if stragglers had to be
    killed after it (a server that leaves children behind): either way nothing is left. Never
    raises, so a caller can stop several groups in a ``finally`` block.
    """
    if has_process_groups():
        return _stop_posix_group(process, grace, settle)
    return _stop_without_groups(process, grace, settle)


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # gone, or no longer ours
        os.killpg(pgid, sig)


def _stop_posix_group(process: subprocess.Popen, grace: float, settle: float) -> bool:
    _signal_group(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
    if _wait_group_gone(process.pid, settle):
        return True
    _signal_group(process.pid, signal.SIGKILL)
    _wait_group_gone(process.pid, 10)  # SIGKILL cannot be refused: only reaping can lag
    return False


def _descendants(pid: int) -> list:
    """The processes ``pid`` started, as psutil sees them now ([] without psutil)."""
    psutil = _psutil()
    if psutil is None:
        return []
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _ask_to_stop(process: subprocess.Popen) -> None:
    """CTRL_BREAK to the process's group on Windows (its SIGTERM); ``terminate()`` elsewhere."""
    with contextlib.suppress(OSError, ValueError):
        if _windows() and hasattr(signal, "CTRL_BREAK_EVENT"):
            process.send_signal(signal.CTRL_BREAK_EVENT)
        else:
            process.terminate()


def _kill_tree(process: subprocess.Popen) -> None:
    """Kill the process and its descendants: ``taskkill /F /T`` on Windows, then ``process.kill()``."""
    if _windows():
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, timeout=30)
    if process.poll() is None:
        with contextlib.suppress(OSError):
            process.kill()


def _stop_without_groups(process: subprocess.Popen, grace: float, settle: float) -> bool:
    descendants = _descendants(process.pid) if process.poll() is None else []
    if process.poll() is None:
        _ask_to_stop(process)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _kill_tree(process)
        process.wait()
    psutil = _psutil()
    if psutil is None or not descendants:
        return True
    _, alive = psutil.wait_procs(descendants, timeout=settle)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(alive, timeout=10)
    return not alive
