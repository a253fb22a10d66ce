"""Shared timing for the benchmark scripts (not part of the course package)."""

import os
import sys
import time

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# DLOPT_BENCH_QUICK=1 (set by tests/test_benchmarks.py): smaller workloads, to check that a script runs and
# prints its result line; its ratios are then not the ones `make bench` reports.
QUICK = os.environ.get("DLOPT_BENCH_QUICK") == "1"


def time_calls(function, arguments):
    """Seconds taken by ``function(a)`` for each ``a`` in ``arguments``."""
    seconds = []
    for argument in arguments:
        start = time.perf_counter()
        function(argument)
        seconds.append(time.perf_counter() - start)
    return seconds


def goal(name: str, value: float, target: float, *, at_least: bool = True, unit: str = "x") -> None:
    """Print ``GOAL <name>: met|missed (<value> vs >= <target>)``: the line ``make bench`` collects."""
    met = value >= target if at_least else value <= target
    sign = ">=" if at_least else "<="
    print(f"GOAL {name}: {'met' if met else 'missed'} ({value:.3g}{unit} vs {sign} {target:g}{unit})")
