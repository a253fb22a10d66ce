"""The benchmark scripts run and end with the line `make bench` readers look for (no timing asserted here)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # `make check` leaves these out; `make test` runs them

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize(
    "script, last_line",
    [
        ("widget_latency.py", r"GOAL \S+: (met|missed) \(.*\)"),
        ("optimizer_throughput.py", r"optimizer_throughput ratio=[\d.]+"),
        ("augment_throughput.py", r"augment_throughput ratio=[\d.]+ vs_keras_layers=[\d.]+"),
        ("parallel_speedup.py", r"parallel_speedup ratio=[\d.]+ cores=\d+"),
        ("multiworker.py", r"multiworker ok loss_gap=[\d.e+-]+"),
        ("seeds_parallel.py", r"seeds_parallel ratio=[\d.]+ cores=\d+"),
        pytest.param(  # one hub at a time (with tests/e2e/test_hub.py): make test runs --dist loadgroup
            "hub_capacity.py",
            r"GOAL hub_two_learners_slowdown: (met|missed) \(.*\)",
            marks=pytest.mark.xdist_group("hub"),
        ),
    ],
)
def test_benchmark_prints_its_result_line(script, last_line):
    env = {**os.environ, "DLOPT_BENCH_QUICK": "1"}  # smaller workloads: this checks that it runs, not its speed
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script)], capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, result.stdout[-1000:] + result.stderr[-3000:]
    assert re.fullmatch(last_line, result.stdout.strip().splitlines()[-1])
    if script == "widget_latency.py":
        assert re.search(r"^widget_latency p50_ms=[\d.]+ p95_ms=[\d.]+$", result.stdout, re.M)
        assert re.search(r"^regularization_widget_latency p50_ms=[\d.]+ p95_ms=[\d.]+$", result.stdout, re.M)
    if script == "hub_capacity.py":  # one line per class size, every figure measured through the hub
        figures = (
            r"spawn_seconds=[\d.]+ seconds=[\d.]+ slowdown=[\d.]+ peak_mb_per_learner=\d+ idle_server_mb=\d+ hub_mb=\d+"
        )
        for learners in (1, 2):
            line = re.search(rf"^hub_capacity learners={learners} {figures}$", result.stdout, re.M)
            assert line, result.stdout
