"""Exercises of notebooks/07_hyperparameter_tuning.ipynb: grids, range tests, random search.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it.
"""

from __future__ import annotations

import numpy as np

from .registry import register

NOTEBOOK = "07_hyperparameter_tuning"


@register(
    "07.grid_size",
    NOTEBOOK,
    "How many trainings does a grid over 5 learning rates, 4 L2 strengths, 3 widths and 2 batch sizes cost "
    "(one training per setting)?",
    "A grid tries every combination: multiply the numbers of values (sklearn.model_selection.ParameterGrid counts them).",
)
def _():
    from sklearn.model_selection import ParameterGrid

    return len(ParameterGrid({"lr": range(5), "l2": range(4), "width": range(3), "batch": range(2)}))


@register(
    "07.range_factor",
    NOTEBOOK,
    "A range test goes from $10^{-4}$ to $1$ in 5 batches. By what factor does the learning rate grow from "
    "one batch to the next?",
    "η_i = η_min (η_max / η_min)^(i / (n - 1)): 4 steps cover a factor of 10^4.",
)
def _():
    from ..tuning import LearningRateRangeTest

    return LearningRateRangeTest(min_lr=1e-4, max_lr=1.0, steps=5).factor


@register(
    "07.loguniform",
    NOTEBOOK,
    "Random search draws the L2 strength from `loguniform(1e-4, 1e-1)`. What is the probability that a draw "
    "is below $10^{-3}$?",
    "Log-uniform means uniform in log10: from -4 to -1, and -4 to -3 is one of the three decades.",
)
def _():
    from scipy.stats import loguniform

    return float(loguniform(1e-4, 1e-1).cdf(1e-3))


@register(
    "07.random_hits",
    NOTEBOOK,
    "With 30 random trials, what is the probability that at least one lands in the best 5 % of the search space?",
    "Each trial misses the best 5 % with probability 0.95; all 30 miss with 0.95^30.",
)
def _():
    rng = np.random.default_rng(0)  # checked by simulation too: the formula is 1 - 0.95 ** 30
    exact = 1 - 0.95**30
    simulated = float(np.mean((rng.random((200_000, 30)) < 0.05).any(axis=1)))
    assert abs(simulated - exact) < 0.01
    return exact
