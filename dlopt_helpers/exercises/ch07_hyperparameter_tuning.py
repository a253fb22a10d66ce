"""Exercises of notebooks/07_hyperparameter_tuning.ipynb: grids, range tests, random search.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``07.trials_needed`` is a code exercise (``same_function``, checked
against scipy's geometric distribution); ``07.small_budget`` an experiment: the check re-runs the learner's
search space as 10 seeded random searches of 3 trials each.
"""

from __future__ import annotations

import numpy as np

from ..i18n import gettext
from .registry import Mismatch, case, register, same_function

NOTEBOOK = "07_hyperparameter_tuning"


@register(
    "07.grid_size",
    NOTEBOOK,
    "How many trainings does a grid over 5 learning rates, 4 L2 strengths, 3 widths and 2 batch sizes cost "
    "(one training per setting)?",
    "Section 4 says what a grid tries and what that costs for d hyper-parameters; here each has its own number "
    "of values (sklearn.model_selection.ParameterGrid can count them for you).",
)
def _():
    from sklearn.model_selection import ParameterGrid

    return len(ParameterGrid({"lr": range(5), "l2": range(4), "width": range(3), "batch": range(2)}))


@register(
    "07.range_factor",
    NOTEBOOK,
    "A range test goes from $10^{-4}$ to $1$ in 5 batches. By what factor does the learning rate grow from "
    "one batch to the next?",
    "Section 2: the rates are spaced evenly on a log scale, so every step multiplies the rate by the same factor; "
    "count the steps between the first and the last batch.",
)
def _():
    from ..tuning import LearningRateRangeTest

    return LearningRateRangeTest(min_lr=1e-4, max_lr=1.0, steps=5).factor


@register(
    "07.loguniform",
    NOTEBOOK,
    "Random search draws the L2 strength from `loguniform(1e-4, 1e-1)`. What is the probability that a draw "
    "is below $10^{-3}$?",
    "Log-uniform means uniform in the logarithm of the value: place 1e-3 on the log axis between the two ends.",
)
def _():
    from scipy.stats import loguniform

    return float(loguniform(1e-4, 1e-1).cdf(1e-3))


def _trials_needed(top_fraction, confidence):
    """The smallest n whose geometric CDF (a first hit within n trials) reaches ``confidence`` (scipy.stats.geom)."""
    from scipy.stats import geom

    n = 1
    with np.errstate(divide="ignore"):  # top_fraction = 1: log(0) inside scipy, and the CDF is 1 at n = 1
        while geom.cdf(n, top_fraction) < confidence:
            n += 1
    return n


@register(
    "07.trials_needed",
    NOTEBOOK,
    "Write `trials_needed(top_fraction, confidence)`: the smallest number of random-search trials for which the "
    "probability that at least one trial lands in the best `top_fraction` of the search space (0.05 for the best "
    "5 %) is at least `confidence`. Pass the function to `dh.check`.",
    "Section 4 gives the chance that n trials all miss the best fraction; find the first n at which a hit is likely "
    "enough (a loop, or a logarithm rounded the right way). A trial cannot be split.",
    compare=same_function(
        case(0.05, 0.9, why="the best 5 %, 90 % sure"),
        case(0.01, 0.5, why="a small target, even odds"),
        case(0.2, 0.5, why="a wide target: the answer is a whole number of trials, rounded the right way"),
        case(1.0, 0.99, why="the whole space counts as best: one trial always hits"),
        case(0.3, 0.1, why="a confidence below the chance of a single trial"),
    ),
)
def _():
    return _trials_needed


TARGET_ACCURACY, TRIALS, SEARCH_SEEDS = 0.975, 3, tuple(range(10))


def _search_space_reaches_target(answer, expected) -> bool:
    """Run 10 random searches (seeds 0–9) of 3 trials each in the learner's space; the mean best must reach 0.975."""
    from scipy.stats import loguniform
    from sklearn.model_selection import ParameterSampler
    from sklearn.svm import SVC

    from ..data import load_digits_images

    if not isinstance(answer, dict) or set(answer) != {"C", "gamma"}:
        raise Mismatch(gettext('give a dict like `{"C": (low, high), "gamma": (low, high)}`'))
    for name, bounds in answer.items():
        try:
            low, high = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise Mismatch(gettext("{name}: give two numbers (low, high)").format(name=name)) from None
        if not (low >= 1e-6 and high <= 1e4):
            raise Mismatch(gettext("{name}: keep the range within [1e-6, 1e4]").format(name=name))
        if not high >= 10 * low:
            raise Mismatch(
                gettext("{name}: a search space spans at least a factor of 10 (high ≥ 10 · low)").format(name=name)
            )
    digits = load_digits_images(seed=0)
    x = digits.x_train.reshape(len(digits.x_train), -1)
    x_val = digits.x_val.reshape(len(digits.x_val), -1)
    space = {name: loguniform(*map(float, bounds)) for name, bounds in answer.items()}
    best = [
        max(
            SVC(**params).fit(x, digits.y_train).score(x_val, digits.y_val)
            for params in ParameterSampler(space, TRIALS, random_state=seed)
        )
        for seed in SEARCH_SEEDS
    ]
    mean = float(np.mean(best))
    if mean < TARGET_ACCURACY:
        raise Mismatch(
            gettext(
                "mean best validation accuracy {mean:.3f} over {searches} searches (worst {worst:.3f}), "
                "the target is {target}"
            ).format(mean=mean, searches=len(best), worst=min(best), target=TARGET_ACCURACY)
        )
    return True


@register(
    "07.small_budget",
    NOTEBOOK,
    "An experiment. Section 4a searched `C` and `gamma` of an SVC with 25 trials. Now you have **3 trials**: choose "
    'log-uniform ranges `{"C": (low, high), "gamma": (low, high)}` (each spanning at least a factor of 10) such that '
    "a random search of 3 trials of `SVC(C=..., gamma=...)` on the raw digit pixels (no scaler), fitted on the "
    "training digits and scored on the validation digits, reaches a best validation accuracy of at least 0.975 on "
    "average over 10 searches (seeds 0 to 9). Pass the dict to `dh.check` (it re-runs the 10 searches, about 2 s).",
    "A small budget pays only in a small space: fit a few SVCs yourself first (a coarse line of gamma values at a "
    "fixed C, then C), and put the ranges around the good region; too wide and some searches miss it.",
    compare=_search_space_reaches_target,
    kind="experiment",
)
def _():
    return {"C": (3.0, 300.0), "gamma": (0.02, 0.2)}  # the check re-runs any space the learner gives
