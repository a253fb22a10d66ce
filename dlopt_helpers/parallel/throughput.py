"""Measuring parallel work: items per second (``Throughput``), speed-ups, Amdahl's law, a bar chart.

Measured numbers print as ``⏱ label: 1,234 images/s``: like every timing in the course they
start with ⏱, so the test suite can tell them from results.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .._validation import Instance, Integer, InvalidParameterError, Real, check, check_float, check_int
from .._validation import Sequence as Items

__all__ = ["Throughput", "measure_throughput", "report", "amdahl_speedup", "plot_throughputs"]


@dataclass(frozen=True)
class Throughput:
    """Items processed per second: the median of several timed repetitions, warm-up excluded."""

    label: str
    items: int
    seconds: tuple[float, ...]
    unit: str = "items"

    def __post_init__(self):
        check("items", self.items, Integer(1))
        seconds = check("seconds", self.seconds, Items(Real(0, None, closed="neither"), min_len=1))
        object.__setattr__(self, "seconds", seconds)

    @property
    def rate(self) -> float:
        """Median items per second."""
        return self.items / statistics.median(self.seconds)

    def speedup_over(self, baseline: Throughput) -> float:
        return self.rate / baseline.rate

    def __str__(self) -> str:
        return f"⏱ {self.label}: {_format_rate(self.rate)} {self.unit}/s"

    __repr__ = __str__


def _format_rate(rate: float) -> str:
    return f"{rate:,.0f}" if rate >= 100 else f"{rate:.3g}"


def measure_throughput(
    run: Callable[[], object], items: int, label: str = "", unit: str = "items", repeats: int = 5, warmup: int = 1
) -> Throughput:
    """Time ``run()`` (which processes ``items`` items) ``repeats`` times after ``warmup`` untimed calls.

    The median is reported: one slow run (another program, a garbage collection)
    does not move it. Warm-up runs absorb one-off costs: tracing a ``tf.function``,
    filling caches, tf.data's autotuner finding its settings.
    """
    if not callable(run):
        raise ValueError(f"run must be callable, got {type(run).__name__}")
    items = check_int("items", items, 1)
    repeats = check_int("repeats", repeats, 1, 1000)
    warmup = check_int("warmup", warmup, 0, 1000)
    for _ in range(warmup):
        run()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return Throughput(str(label), items, tuple(seconds), str(unit))


def _check_results(results) -> tuple:
    if isinstance(results, (list, tuple)) and not results:
        raise InvalidParameterError("results must contain at least one Throughput")
    return check(
        "results", results, Items(Instance(Throughput, what="a Throughput (from measure_throughput)"), min_len=1)
    )


def report(results: Sequence[Throughput], baseline: int = 0) -> None:
    """Print each throughput with its speed-up over ``results[baseline]``: ``⏱ label: 1,234 images/s (×1.85)``."""
    results = _check_results(results)
    baseline = check_int("baseline", baseline, 0, len(results) - 1)
    for result in results:
        print(f"{result} (×{result.speedup_over(results[baseline]):.2f})")


def amdahl_speedup(parallel_fraction: float, workers: int) -> float:
    """Amdahl's law: the speed-up of a job whose fraction ``p`` runs in parallel on ``n`` workers.

    ``S(n) = 1 / ((1 - p) + p / n)``; it never exceeds ``1 / (1 - p)``.
    """
    p = check_float("parallel_fraction", parallel_fraction, 0, 1)
    n = check_int("workers", workers, 1)
    return 1.0 / ((1.0 - p) + p / n)


def plot_throughputs(results: Sequence[Throughput], title: str = "", baseline: int = 0):
    """Bar chart of throughputs with the speed-up over ``results[baseline]`` written on each bar."""
    results = _check_results(results)
    baseline = check_int("baseline", baseline, 0, len(results) - 1)
    from ..plotting import new_figure

    figure, ax = new_figure(figsize=(7, 0.6 * len(results) + 1.2))
    rates = [r.rate for r in results]
    bars = ax.barh(range(len(results)), rates, color="#0072B2")
    bars[baseline].set_color("#999999")
    ax.set_yticks(range(len(results)), [r.label for r in results])
    ax.invert_yaxis()
    ax.set_xlabel(f"{results[0].unit} per second (median)")
    for i, r in enumerate(results):
        ax.text(rates[i], i, f" ×{r.speedup_over(results[baseline]):.2f}", va="center")
    ax.set_xlim(0, max(rates) * 1.2)
    if title:
        ax.set_title(title)
    return figure
