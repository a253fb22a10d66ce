"""Exercises of notebooks/02_loss_functions.ipynb: MSE, cross-entropy, log-sum-exp.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``02.cross_entropy`` is a code exercise, compared with
``keras.losses.sparse_categorical_crossentropy(from_logits=True)`` on logits that overflow or underflow a literal
softmax (cases the notebook does not show).
"""

from __future__ import annotations

import numpy as np

from .registry import case, register, same_function

NOTEBOOK = "02_loss_functions"


@register(
    "02.mse",
    NOTEBOOK,
    "Targets `[1, 2, 3]`, predictions `[1.5, 2, 2]`. What is the mean squared error?",
    "Section 1's table, first row: one output per example here (d = 1), and the mean runs over the examples.",
)
def _():
    import keras

    return float(keras.losses.MeanSquaredError()(np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 2.0])))


@register(
    "02.bce",
    NOTEBOOK,
    "A binary classifier says $p = 0.9$ for an example whose label is 0. What is its binary cross-entropy?",
    "Section 1's table, binary cross-entropy for one example: with y = 0, which of its two terms is left?",
)
def _():
    import keras

    return float(keras.losses.BinaryCrossentropy()(np.array([[0.0]]), np.array([[0.9]])))


@register(
    "02.logsumexp",
    NOTEBOOK,
    r"What is $\log(e^{1000} + e^{1000})$? Computing `np.log(np.exp(1000) + np.exp(1000))` gives `inf`: use "
    "the trick.",
    "Section 3's identity with m the largest exponent: every term left inside the log is small, and you can "
    "add them up by hand.",
)
def _():
    import tensorflow as tf

    return float(tf.reduce_logsumexp(tf.constant([1000.0, 1000.0], dtype=tf.float64)))


@register(
    "02.uniform_ce",
    NOTEBOOK,
    "A 10-class model outputs the same logit for every class. What is its cross-entropy, whatever the label? "
    "(This is why an untrained classifier starts near this loss: notebook 01 saw it.)",
    "What probability does the softmax give each class when all 10 logits are equal? Then use section 1's sparse "
    "cross-entropy for one example.",
)
def _():
    import keras

    return float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(np.array([3]), np.zeros((1, 10))))


@register(
    "02.cross_entropy",
    NOTEBOOK,
    "Write `cross_entropy(logits, label)`: the cross-entropy of one example from its 1-D array of logits and its "
    "integer label (what `keras.losses.sparse_categorical_crossentropy(label, logits, from_logits=True)` returns). "
    "It must stay finite for any logits a network can output, however large. Pass the function itself to `dh.check`.",
    "Write the loss as −z_y plus a log-sum-exp, then use section 3's trick for the log-sum-exp. Test your function on "
    "logits in the thousands, positive and negative.",
    compare=same_function(
        case(np.array([2.0, 1.0, 0.1]), 0, why="ordinary logits"),
        case(np.array([-5.0, 800.0, 0.0]), 0, why="a confident mistake: one logit far above 709"),
        case(np.array([-1000.0, -1001.0, -1003.0]), 1, why="every logit very negative"),
        case(np.full(4, 7.0), 3, why="equal logits"),
        case(np.array([0.0, 3.0]), 1, why="two classes, the last one true"),
    ),
)
def _():
    import keras

    def cross_entropy(logits, label):
        loss = keras.losses.sparse_categorical_crossentropy(np.asarray(label), np.asarray(logits), from_logits=True)
        return float(loss)

    return cross_entropy
