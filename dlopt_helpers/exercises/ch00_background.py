"""Exercises of notebooks/00_background.ipynb: the six levers, accuracy.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it.
"""

from __future__ import annotations

import numpy as np

from .registry import register, same_word

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
    f"One of: {', '.join(LEVERS)}. Which lever fights over-fitting by constraining the model?",
    compare=same_word,
)
def _():
    return "regularization"


@register(
    "00.lever_flip",
    NOTEBOOK,
    "Training on mirrored copies of the images. Which lever is that?",
    f"One of: {', '.join(LEVERS)}. It changes the data, not the model.",
    compare=same_word,
)
def _():
    return "data augmentation"


@register(
    "00.accuracy",
    NOTEBOOK,
    "A model classifies 342 of the 360 test digits correctly. What is its accuracy, as a fraction?",
    "accuracy = correct predictions / all predictions, a number between 0 and 1.",
)
def _():
    import keras

    y_true = np.arange(360) % 10
    y_pred = y_true.copy()
    y_pred[:18] = (y_pred[:18] + 1) % 10  # 18 mistakes
    metric = keras.metrics.Accuracy()
    metric.update_state(y_true, y_pred)
    return float(metric.result())
