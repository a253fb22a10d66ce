#!/usr/bin/env python
"""Run a command pinned to one CPU core: the second machine setup of ``make test``.

    python tools/pinned.py COMMAND [ARGS...]     # e.g. tools/pinned.py .venv/bin/python -m pytest notebooks

TensorFlow sizes its thread pools from the cores it may use, and a reduction split over one
thread sums in another order than over two: a trained model's digits change. Running the
notebooks a second time on one core shows, on any single machine, that no stored output
depends on the machine (outputs of trained models go through the ``🎲`` convention of
``dlopt_helpers.experiments``; with one usable core its seeds also run in-process instead of
in worker processes, so both code paths are tested).

The affinity is inherited by every process the command starts (Jupyter kernels, workers).
Pinning needs Linux (``os.sched_setaffinity``); elsewhere the command runs unpinned and a line
says so.
"""

from __future__ import annotations

import os
import sys


def pin_to_one_core() -> int | None:
    """Restrict this process (and its future children) to its first allowed core; return it."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    core = pin_to_one_core()
    if core is None:
        print("pinned.py: this platform cannot pin processes to a core; running unpinned", file=sys.stderr)
    else:
        print(f"pinned.py: running on core {core} only: {' '.join(argv)}", flush=True)
    os.execvp(argv[0], argv)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
