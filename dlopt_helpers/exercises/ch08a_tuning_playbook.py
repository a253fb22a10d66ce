"""Exercises of notebooks/08a_tuning_playbook.ipynb: the initial loss, a search-space edge, a rate for a big batch.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``08a.at_edge`` is a code exercise (``same_function``);
``08a.big_batch_rate`` an experiment: the check re-runs the learner's rate over 3 seeds.
"""

from __future__ import annotations

import math

import numpy as np

from ..i18n import gettext
from .registry import Mismatch, case, close_to, register, same_function

NOTEBOOK = "08a_tuning_playbook"


@register(
    "08a.initial_loss",
    NOTEBOOK,
    "A classifier of handwritten letters has 26 classes. Right after initialization its predictions are about "
    "uniform. What cross-entropy loss (natural log) should its first batch show?",
    "Section 1's first check: what probability does a uniform prediction give the true class, and what does "
    "cross-entropy make of that probability?",
    compare=close_to(rtol=1e-3),
)
def _():
    return math.log(26)


@register(
    "08a.at_edge",
    NOTEBOOK,
    "Write `at_edge(value, low, high, margin=0.1)` for a hyper-parameter searched on a log scale between `low` and "
    '`high`: it returns `"low"` if `value` lies within `margin` of the range (measured in log space, as a fraction '
    'of its width) from `low`, `"high"` likewise for `high`, and `None` otherwise. Pass the function to `dh.check`.',
    "Section 3 flags edges on the log axis: place the value on that axis as a fraction of the range's width (0 at "
    "low, 1 at high), then compare with the margin at both ends.",
    compare=same_function(
        case(0.0011, 0.001, 1.0, why="just above low"),
        case(0.9, 0.001, 1.0, why="just below high"),
        case(0.03, 0.001, 1.0, why="the middle in log space, far from the middle in linear space"),
        case(0.5, 0.001, 1.0, why="near high in linear space, not in log space"),
        case(3e-4, 1e-4, 1e-2, 0.25, why="a margin other than the default"),
        case(100.0, 1.0, 100.0, 0.0, why="margin 0: only the ends themselves are edges"),
    ),
)
def _():
    from ..tuning import Dimension

    def at_edge(value, low, high, margin=0.1):
        position = Dimension("x", low, high, scale="log").position(value)
        return "low" if position <= margin else "high" if position >= 1 - margin else None

    return at_edge


TARGET_ACCURACY, SEEDS = 0.85, (0, 1, 2)


def _reaches_target(answer, expected) -> bool:
    """Re-run the chapter's trial at batch 256 with the learner's rate; the mean validation accuracy must reach it."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.floating)) or not 0 < answer < 100:
        raise Mismatch(gettext("give one learning rate, a number between 0 and 100"))
    from ..data import load_digits_images
    from ..deep import NumpyMLP

    digits = load_digits_images(seed=0)
    x = digits.x_train.reshape(len(digits.x_train), -1).astype(np.float64)
    x_val = digits.x_val.reshape(len(digits.x_val), -1).astype(np.float64)
    accuracies = []
    for seed in SEEDS:
        model = NumpyMLP(depth=2, width=64, activation="relu", initializer="he_normal", seed=seed)
        losses = model.fit(
            x, digits.y_train, epochs=5, batch_size=256, learning_rate=float(answer), momentum=0.9, seed=seed
        )
        ok = np.isfinite(losses[-1])
        accuracies.append(float(np.mean(model.predict(x_val).argmax(1) == digits.y_val)) if ok else 0.1)
    mean = float(np.mean(accuracies))
    if mean < TARGET_ACCURACY:
        diverged = sum(a == 0.1 for a in accuracies)
        raise Mismatch(
            gettext("mean validation accuracy {mean:.3f} over {seeds} seeds, the target is {target}").format(
                mean=mean, seeds=len(SEEDS), target=TARGET_ACCURACY
            )
            + (gettext(" ({diverged} diverged)").format(diverged=diverged) if diverged else "")
        )
    return True


@register(
    "08a.big_batch_rate",
    NOTEBOOK,
    "With batch size 256 and the chapter's `trial` settings otherwise (2 × 64 MLP, SGD + momentum 0.9, 5 epochs), find a "
    "learning rate that reaches a validation accuracy of at least 0.85 on average over 3 seeds. Pass the rate to "
    "`dh.check` (it re-runs the trials).",
    "Section 5: the best rate grows with the batch size. Try the rates of its grid from large to small.",
    compare=_reaches_target,
    kind="experiment",
)
def _():
    return 0.1  # one rate that reaches the target (section 5's grid); the check re-runs any rate the learner gives
