"""Exercises of notebooks/00_background.ipynb: the six levers, reading the baseline's curves, accuracy.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``00.read_baseline`` is a reading exercise (a choice about section 7's
figures and the claims asserted under them); ``00.accuracy`` a code exercise, checked against scikit-learn's
``accuracy_score`` on cases the notebook does not show (every prediction wrong, a single sample).
"""

from __future__ import annotations

import numpy as np

from .registry import case, choice, register, same_function, same_word

NOTEBOOK = "00_background"

LEVERS = (
    "data augmentation",
    "model choice",
    "optimizer",
    "hyper parameters",
    "regularization",
    "parallel computing",
)


@register(
    "00.lever_dropout",
    NOTEBOOK,
    "Dropout randomly silences hidden units during training. Which of the six levers is it? (answer with its "
    'name, e.g. `"optimizer"`)',
    f"One of: {', '.join(LEVERS)}. Section 2's table: dropout changes neither the data nor how θ moves; which "
    "lever's row is about keeping the model from fitting the training set too closely?",
    compare=same_word,
)
def _():
    return "regularization"


@register(
    "00.lever_flip",
    NOTEBOOK,
    "Training on mirrored copies of the images. Which lever is that?",
    f"One of: {', '.join(LEVERS)}. Section 2's table, column 'what it changes': the model stays the same.",
    compare=same_word,
)
def _():
    return "data augmentation"


@register(
    "00.read_baseline",
    NOTEBOOK,
    "Section 7's figures and the two claims asserted under them (the training loss is lower at epoch 20 than at "
    "epoch 15; validation accuracy is within 5 points of training accuracy) describe the baseline after 20 epochs. "
    "Which reading do they support? (a) it over-fits: stop earlier or regularize; (b) it is still learning and does "
    "not over-fit yet: more epochs or a faster optimizer should help; (c) it diverges: the learning rate is too "
    "large; (d) it has converged: nothing changes any more. Answer with the letter.",
    "Read each claim on its own: what would the training loss do if the model had converged or diverged, and how "
    "far apart would training and validation accuracy be if it over-fitted?",
    compare=choice("a", "b", "c", "d"),
)
def _():
    return "b"


def _labels(seed: int, n: int, errors: int):
    """``n`` true digit labels and predictions with ``errors`` of them wrong (at random places)."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 10, n)
    y_pred = y_true.copy()
    wrong = rng.choice(n, errors, replace=False)
    y_pred[wrong] = (y_pred[wrong] + rng.integers(1, 10, errors)) % 10
    return y_true, y_pred


@register(
    "00.accuracy",
    NOTEBOOK,
    "Write `accuracy(y_true, y_pred)`: the fraction of predictions that are right, for two 1-D NumPy arrays of "
    "class labels of the same length (a number between 0 and 1, as `keras.metrics.Accuracy` and scikit-learn's "
    "`accuracy_score` report it). Try it on section 7's seed-0 model first: `accuracy(digits.y_val, predicted)`. "
    "Pass the function itself to `dh.check`.",
    "Compare the two arrays element by element, then turn the matches into a fraction of all the labels (what "
    "does `np.mean` do to an array of booleans?).",
    compare=same_function(
        case(*_labels(0, 360, 18), why="360 test digits, 18 of them wrong"),
        case(*_labels(1, 50, 50), why="every prediction is wrong"),
        case(np.array([7]), np.array([7]), why="a single sample, predicted right"),
        case(np.array([3]), np.array([5]), why="a single sample, predicted wrong"),
        case(*_labels(2, 1000, 1), why="one mistake in a thousand"),
    ),
)
def _():
    from sklearn.metrics import accuracy_score

    return lambda y_true, y_pred: float(accuracy_score(y_true, y_pred))
