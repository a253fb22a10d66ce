"""Exercises of notebooks/03_gradient_descent.ipynb: stability, momentum, Adam, schedules.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it.
"""

from __future__ import annotations

import numpy as np

from .registry import close_to, register

NOTEBOOK = "03_gradient_descent"


@register(
    "03.stable_lr",
    NOTEBOOK,
    "Gradient descent on $f(x, y) = (x^2 + 20y^2)/2$: what is the largest learning rate that does not diverge?",
    "The Hessian is diag(1, 20); gradient descent is stable while η < 2 / λ_max.",
)
def _():
    from ..optim import get_surface

    return get_surface("quadratic").stable_learning_rate


@register(
    "03.momentum_step",
    NOTEBOOK,
    r"Keras SGD with momentum $\mu = 0.9$, learning rate 0.1, current velocity $v = 0.5$, gradient $g = 2$. "
    "What is the new velocity?",
    "Keras updates v ← μ v − η g, then θ ← θ + v.",
)
def _():
    from ..optim import Optimizer

    optimizer = Optimizer("momentum", 0.1, momentum=0.9)
    optimizer._slots["v"] = np.array([0.5])
    optimizer.step(np.zeros(1), np.array([2.0]))
    return float(optimizer._slots["v"][0])


@register(
    "03.adam_first_step",
    NOTEBOOK,
    "Adam with learning rate 0.01 takes its first step on a parameter whose gradient is 250. By how much "
    "does the parameter move (absolute value)? Then think about what this means for gradients of very "
    "different sizes.",
    "At step 1 the bias corrections make m̂ = g and v̂ = g², so the step is η g / (|g| + ε): about η, whatever g.",
    compare=close_to(rtol=1e-5),
)
def _():
    import keras
    import tensorflow as tf

    variable = tf.Variable([0.0])
    keras.optimizers.Adam(0.01).apply_gradients([(tf.constant([250.0]), variable)])
    return abs(float(variable.numpy()[0]))


@register(
    "03.cosine",
    NOTEBOOK,
    "`CosineDecay(initial_learning_rate=0.1, decay_steps=100)`: what is the learning rate at step 50?",
    "Halfway, cos(π / 2) = 0, so the rate is initial × (1 + 0) / 2.",
)
def _():
    import keras

    return float(keras.optimizers.schedules.CosineDecay(0.1, decay_steps=100)(50))
