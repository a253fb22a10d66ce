"""The command, environment and log tail of the processes ``parallel`` starts (``python -m dlopt_helpers._worker``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

#: the folder that holds the ``dlopt_helpers`` package: on a worker's ``PYTHONPATH``
PACKAGE_PARENT = Path(__file__).resolve().parents[2]


def worker_env() -> dict:
    """This process's environment for a worker: the package importable, TensorFlow quiet, on the CPU."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_PARENT), env.get("PYTHONPATH")) if p)
    env.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["CUDA_VISIBLE_DEVICES"] = ""  # local workers share one machine: on the CPU, not fighting over one GPU
    env.pop("TF_CONFIG", None)
    return env


def worker_command(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "dlopt_helpers._worker", *args]


def tail(text: str, lines: int = 15) -> str:
    """The last ``lines`` lines of a worker's output, TensorFlow's known start-up noise left out."""
    from .._tf import KNOWN_NOISE

    kept = [line for line in text.splitlines() if line.strip() and not KNOWN_NOISE.match(line)]
    return "\n".join(kept[-lines:]) or "(no output)"
