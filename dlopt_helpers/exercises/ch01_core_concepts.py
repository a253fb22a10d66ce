"""Exercises of notebooks/01_core_concepts.ipynb: parameters, a gradient step, L2, rotations, stability.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it.
"""

from __future__ import annotations

import numpy as np

from .registry import register

NOTEBOOK = "01_core_concepts"


@register(
    "01.params",
    NOTEBOOK,
    "How many trainable parameters has `dh.models.build_running_example(hidden_units=16)`? Count by hand, "
    "then verify with `model.count_params()`.",
    "Each Dense layer has inputs x units weights plus one bias per unit; Flatten has none. 8x8 = 64 inputs.",
)
def _():
    from ..models import build_running_example

    return build_running_example(hidden_units=16).count_params()


@register(
    "01.gd_step",
    NOTEBOOK,
    "$f(w) = (w - 3)^2$. One gradient-descent step from $w = 0$ with learning rate $0.1$ gives which $w$?",
    "w_new = w - learning_rate * f'(w), with f'(w) = 2 (w - 3).",
)
def _():
    import tensorflow as tf

    w = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        loss = (w - 3.0) ** 2
    return float(w - 0.1 * tape.gradient(loss, w))


@register(
    "01.l2_penalty",
    NOTEBOOK,
    "What does `keras.regularizers.L2(0.01)` add to the loss for the weights `[1.0, -2.0, 0.5]`? Compute it by hand.",
    "The L2 penalty is strength * sum(w**2): square, add up, multiply by 0.01.",
)
def _():
    import keras

    return float(keras.regularizers.L2(0.01)(np.array([1.0, -2.0, 0.5], dtype=np.float32)))


@register(
    "01.rotation_90",
    NOTEBOOK,
    r"Write the $2 \times 2$ matrix that rotates points $(x, y)$ by 90° counter-clockwise (with $y$ pointing "
    "up), as a nested list.",
    "R(θ) = [[cos θ, -sin θ], [sin θ, cos θ]]; cos 90° = 0, sin 90° = 1. Answer a 2 x 2 nested list or array.",
)
def _():
    from ..concepts import rotation_matrix

    return np.round(rotation_matrix(90)[:2, :2], 12)


@register(
    "01.stable_learning_rate",
    NOTEBOOK,
    "Gradient descent on $L(w) = a w^2$ with $a = 1.5$: what is the largest learning rate that does not "
    r"diverge? (Each step multiplies $w$ by $1 - \eta L''(w)$.) Then check your reasoning on the dashboard's "
    '"stable below" number.',
    "Each step multiplies w by (1 - η L''). It shrinks while |1 - 2aη| < 1, i.e. η < 2 / L''.",
)
def _():
    return 2 / (2 * 1.5)
