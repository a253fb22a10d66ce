"""Exercises of notebooks/02_loss_functions.ipynb: MSE, cross-entropy, log-sum-exp.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it.
"""

from __future__ import annotations

import numpy as np

from .registry import register

NOTEBOOK = "02_loss_functions"


@register(
    "02.mse",
    NOTEBOOK,
    "Targets `[1, 2, 3]`, predictions `[1.5, 2, 2]`. What is the mean squared error?",
    "Square each difference (0.5, 0, 1), then average over the 3 values.",
)
def _():
    import keras

    return float(keras.losses.MeanSquaredError()(np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 2.0])))


@register(
    "02.bce",
    NOTEBOOK,
    "A binary classifier says $p = 0.9$ for an example whose label is 0. What is its binary cross-entropy?",
    "For y = 0 the loss is -log(1 - p).",
)
def _():
    import keras

    return float(keras.losses.BinaryCrossentropy()(np.array([[0.0]]), np.array([[0.9]])))


@register(
    "02.logsumexp",
    NOTEBOOK,
    r"What is $\log(e^{1000} + e^{1000})$? Computing `np.log(np.exp(1000) + np.exp(1000))` gives `inf`: use "
    "the trick.",
    "Factor out the maximum: log(e^m (e^0 + e^0)) = m + log 2.",
)
def _():
    import tensorflow as tf

    return float(tf.reduce_logsumexp(tf.constant([1000.0, 1000.0], dtype=tf.float64)))


@register(
    "02.uniform_ce",
    NOTEBOOK,
    "A 10-class model outputs the same logit for every class. What is its cross-entropy, whatever the label? "
    "(This is why an untrained classifier starts near this loss: notebook 01 saw it.)",
    "Equal logits give p = 1/10 for every class, and the loss is -log p.",
)
def _():
    import keras

    return float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(np.array([3]), np.zeros((1, 10))))
