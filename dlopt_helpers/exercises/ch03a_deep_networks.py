"""Exercises of notebooks/03a_deep_networks.ipynb: the variance argument, clipping by global norm, layer norm.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. Two are code exercises: the learner passes a function, which
``same_function`` calls on cases the notebook does not show (a norm below the threshold, a constant row).
"""

from __future__ import annotations

import numpy as np

from .registry import close_to, register, same_function

NOTEBOOK = "03a_deep_networks"


@register(
    "03a.relu_glorot_shrink",
    NOTEBOOK,
    "A ReLU network of 30 layers, each 100 units wide, is initialized with Glorot (fan_in = fan_out = 100). By the "
    "variance argument, by what factor has Var[z] shrunk from layer 1 to layer 30 (the number Var[z_30] / Var[z_1])?",
    "Each layer multiplies Var[z] by n_in · Var[w] · ½ (ReLU keeps half of E[z²]); Glorot's Var[w] is "
    "2 / (fan_in + fan_out). From layer 1 to layer 30 there are 29 such factors.",
    compare=close_to(rtol=1e-3, atol=0.0),  # the answer is ~2e-9: no absolute tolerance, or 0 would pass
)
def _():
    from ..deep import predicted_variances

    variances = predicted_variances(30, 100, "relu", "glorot_uniform")
    return float(variances[-1] / variances[0])


def _gradients(*shapes_and_scales):
    rng = np.random.default_rng(3)
    return [scale * rng.normal(size=shape) for shape, scale in shapes_and_scales]


@register(
    "03a.clip_global",
    NOTEBOOK,
    "Write a function `clip_by_global_norm(gradients, clip_norm)` that takes a list of NumPy arrays and returns the "
    "list scaled as Keras' `global_clipnorm` scales it (unchanged when the global norm is at most `clip_norm`). Pass "
    "the function itself to `dh.check`.",
    "The global norm is sqrt of the sum of every entry squared, over all the arrays together; every array is "
    "multiplied by the same factor clip_norm / max(global norm, clip_norm). Return a list.",
    compare=same_function(
        ([np.array([3.0, 4.0])], 1.0),  # norm 5, clipped to 1
        (_gradients(((4, 3), 1.0), ((3,), 0.1), ((3, 2), 2.0)), 2.0),  # several arrays, one factor
        (_gradients(((2, 2), 0.01), ((5,), 0.01)), 1.0),  # below the threshold: unchanged
    ),
)
def _():
    from ..deep import clip_by_global_norm

    return lambda gradients, clip_norm: clip_by_global_norm(gradients, clip_norm)[0]


@register(
    "03a.layer_norm",
    NOTEBOOK,
    "Write `layer_norm(x)` for a 2-D array `x` (examples × features): what `keras.layers.LayerNormalization()` "
    "returns before training (γ = 1, β = 0, ε = 0.001). Pass the function to `dh.check`.",
    "Each row on its own: subtract the row's mean, divide by sqrt(the row's variance + 0.001), the variance "
    "without Bessel's correction (np.var's default).",
    compare=same_function(
        (np.random.default_rng(0).normal(2.0, 3.0, (4, 6)),),
        (np.array([[1.0, 1.0, 1.0], [0.0, 0.1, -0.1]]),),  # a constant row: ε keeps it finite
        (np.random.default_rng(1).normal(size=(1, 64)),),
    ),
)
def _():
    from ..deep import layer_norm

    return layer_norm
