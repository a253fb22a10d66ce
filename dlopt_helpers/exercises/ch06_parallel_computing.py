"""Exercises of notebooks/06_parallel_computing.ipynb: Amdahl's law, reading its figure, replicas, the linear scaling
rule.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``06.amdahl`` is a code exercise (``same_function``, compared with
``parallel.amdahl_speedup``); ``06.amdahl_figure`` a reading question on section 1's figure.
"""

from __future__ import annotations

from .registry import case, choice, register, same_function

NOTEBOOK = "06_parallel_computing"


@register(
    "06.amdahl",
    NOTEBOOK,
    "Write `amdahl_speedup(parallel_fraction, workers)`: the speed-up that Amdahl's law of section 1 predicts for a "
    "job whose fraction `parallel_fraction` (between 0 and 1) parallelizes perfectly, run on `workers` workers (1 "
    "or more). Pass the function itself to `dh.check`; it is compared with `dh.parallel.amdahl_speedup` on cases "
    "you do not see.",
    "Section 1 derives it from the time on one worker: split that time into the part that shares out over the "
    "workers and the part that does not, and compare the total with the time on one worker.",
    compare=same_function(
        case(0.9, 8, why="a typical job on a handful of workers"),
        case(0.5, 2, why="half the job parallel, 2 workers"),
        case(0.7, 1, why="a single worker"),
        case(0.0, 16, why="a job with no parallel part"),
        case(1.0, 16, why="a job that is all parallel"),
        case(0.99, 100_000, why="very many workers"),
    ),
)
def _():
    from ..parallel import amdahl_speedup

    return amdahl_speedup


@register(
    "06.amdahl_figure",
    NOTEBOOK,
    "A reading question on section 1's figure. Going from 16 to 256 workers (16 times as many), what happens to "
    "the speed-up of the job with $p = 0.9$? (a) it grows about 16 times, along the dotted line; (b) it grows "
    "about 4 times; (c) it grows from about 6 to under 10, close to the limit the legend gives; (d) it falls, "
    "because the gradient exchange grows with the number of workers.",
    "Find the p = 0.9 curve and read it at 16 and at 256 workers; the axes are logarithmic, and the legend gives "
    "each curve's limit.",
    compare=choice("a", "b", "c", "d"),
)
def _():
    from ..parallel import amdahl_speedup

    at_16, at_256, limit = amdahl_speedup(0.9, 16), amdahl_speedup(0.9, 256), 1 / (1 - 0.9)
    return "c" if 5 < at_16 < 7 and at_16 < at_256 < limit and at_256 > 0.9 * limit else "?"


@register(
    "06.amdahl_limit",
    NOTEBOOK,
    "With 95 % of the work parallel, what speed-up can no number of cores exceed?",
    "Section 1: let the number of workers grow without bound. Which part of the time shrinks to nothing, and which "
    "part stays?",
)
def _():
    from ..parallel import amdahl_speedup

    return round(amdahl_speedup(0.95, 10**12), 6)


@register(
    "06.per_replica_batch",
    NOTEBOOK,
    "`MirroredStrategy` on 4 GPUs with a global batch of 256: how many examples does each replica see per step?",
    "Section 4: every step, the strategy splits the global batch evenly over the replicas in sync "
    "(tf.distribute.InputContext.get_per_replica_batch_size says how many each gets).",
)
def _():
    import tensorflow as tf

    context = tf.distribute.InputContext(num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=4)
    return context.get_per_replica_batch_size(256)


@register(
    "06.linear_scaling",
    NOTEBOOK,
    "A model trains well with batch 256 and learning rate 0.1. You move to 8 workers with 256 examples each. "
    "Which learning rate does the linear scaling rule suggest?",
    "The linear scaling rule (Goyal et al. 2017) ties the rate to the global batch, the examples of all workers "
    "together: first work out by what factor that batch grew.",
)
def _():
    return 0.1 * (8 * 256) / 256
