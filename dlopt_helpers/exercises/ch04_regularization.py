"""Exercises of notebooks/04_regularization.ipynb: Lasso scaling, soft thresholding, L2 / elastic-net penalties.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it.
"""

from __future__ import annotations

import numpy as np

from .registry import register

NOTEBOOK = "04_regularization"


@register(
    "04.lasso_scaling",
    NOTEBOOK,
    r"scikit-learn's Lasso minimizes $\frac{1}{2n}\lVert y - Xw\rVert^2 + \alpha\lVert w\rVert_1$. A textbook "
    r"writes $\lVert y - Xw\rVert^2 + \lambda\lVert w\rVert_1$ with $\lambda = 40$. With $n = 200$ samples, "
    r"which $\alpha$ gives the same solution?",
    "Multiply sklearn's objective by 2n: it becomes ||y - Xw||² + 2nα·||w||₁, so λ = 2nα.",
)
def _():
    return 40 / (2 * 200)


@register(
    "04.soft_threshold",
    NOTEBOOK,
    r"$S(z, t) = \mathrm{sign}(z)\max(\lvert z\rvert - t, 0)$. What is $S(-1.2, 0.5)$?",
    "Shrink |z| by t towards 0, keep the sign; values with |z| <= t become exactly 0.",
)
def _():
    from ..regularization import soft_threshold

    return float(soft_threshold(np.array([-1.2]), 0.5)[0])


@register(
    "04.l2_gradient",
    NOTEBOOK,
    r"`keras.regularizers.L2(0.05)` adds $0.05\sum w^2$ to the loss. What is its gradient at $w = [1, -2]$?",
    "The derivative of α·w² is 2α·w, one entry per weight.",
)
def _():
    import keras
    import tensorflow as tf

    w = tf.Variable([1.0, -2.0])
    with tf.GradientTape() as tape:
        value = keras.regularizers.L2(0.05)(w)
    return tape.gradient(value, w).numpy()


@register(
    "04.elastic_penalty",
    NOTEBOOK,
    "What does `keras.regularizers.L1L2(l1=0.01, l2=0.02)` add to the loss for the weights `[1.0, -2.0, 0.5]`?",
    "l1·Σ|w| + l2·Σw²: here Σ|w| = 3.5 and Σw² = 5.25.",
)
def _():
    import keras

    return float(keras.regularizers.L1L2(l1=0.01, l2=0.02)(np.array([1.0, -2.0, 0.5], dtype=np.float32)))
