"""Exercises of notebooks/06_parallel_computing.ipynb: Amdahl's law, replicas, the linear scaling rule.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it.
"""

from __future__ import annotations

from .registry import register

NOTEBOOK = "06_parallel_computing"


@register(
    "06.amdahl",
    NOTEBOOK,
    "90 % of a training step parallelizes perfectly, 10 % does not. What speed-up do 8 cores give?",
    "S(n) = 1 / ((1 - p) + p / n) with p = 0.9 and n = 8.",
)
def _():
    from ..parallel import amdahl_speedup

    return amdahl_speedup(0.9, 8)


@register(
    "06.amdahl_limit",
    NOTEBOOK,
    "With 95 % of the work parallel, what speed-up can no number of cores exceed?",
    "Let n grow without bound in S(n) = 1 / ((1 - p) + p / n): the p / n term vanishes.",
)
def _():
    from ..parallel import amdahl_speedup

    return round(amdahl_speedup(0.95, 10**12), 6)


@register(
    "06.per_replica_batch",
    NOTEBOOK,
    "`MirroredStrategy` on 4 GPUs with a global batch of 256: how many examples does each replica see per step?",
    "The global batch is split evenly: per-replica batch = global batch / replicas "
    "(tf.distribute.InputContext.get_per_replica_batch_size computes it).",
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
    "Linear scaling: multiply the rate by the factor the global batch grew (Goyal et al. 2017), with a warm-up.",
)
def _():
    return 0.1 * (8 * 256) / 256
