"""Exercises of notebooks/03a_deep_networks.ipynb: the variance argument, clipping by global norm, layer norm.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. Two are code exercises: the learner passes a function, which
``same_function`` calls on cases the notebook does not show (a norm below the threshold, all-zero gradients, a
constant row, a single example).
"""

from __future__ import annotations

import numpy as np

from .registry import case, close_to, register, same_function

NOTEBOOK = "03a_deep_networks"


@register(
    "03a.linear_he_growth",
    NOTEBOOK,
    "A network of 30 layers, each 100 units wide, has no activation function (every layer is linear) but is "
    "initialized with He (Var[w] = 2 / fan_in, the choice for ReLU). By the variance argument, by what factor has "
    "Var[z] changed from layer 1 to layer 30 (the number Var[z_30] / Var[z_1])?",
    "Section 2's variance argument: find the factor by which one layer multiplies Var[z] (He's Var[w], and what a "
    "linear activation does to E[a²]), then count how many such factors lie between layer 1 and layer 30.",
    compare=close_to(rtol=1e-3, atol=0.0),  # the answer is large: a relative tolerance only
)
def _():
    from ..deep import predicted_variances

    variances = predicted_variances(30, 100, "linear", "he_normal")
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
    "Section 6: the global norm G is one number for all the arrays together, as if they were one long vector. Every "
    "array is then scaled by the same factor, chosen so that the clipped G is at most clip_norm. Return a list.",
    compare=same_function(
        case([np.array([3.0, 4.0])], 1.0, why="one array whose norm is above clip_norm"),
        case(
            _gradients(((4, 3), 1.0), ((3,), 0.1), ((3, 2), 2.0)),
            2.0,
            why="arrays of different shapes and sizes: one factor for all of them",
        ),
        case(_gradients(((2, 2), 0.01), ((5,), 0.01)), 1.0, why="a global norm below clip_norm"),
        case([np.zeros((2, 3)), np.zeros(4)], 1.0, why="all gradients zero"),
    ),
)
def _():
    import tensorflow as tf

    def clip_by_global_norm(gradients, clip_norm):  # what Keras' global_clipnorm applies
        clipped, _ = tf.clip_by_global_norm([tf.constant(g) for g in gradients], clip_norm)
        return [g.numpy() for g in clipped]

    return clip_by_global_norm


@register(
    "03a.layer_norm",
    NOTEBOOK,
    "Write `layer_norm(x)` for a 2-D array `x` (examples × features): what `keras.layers.LayerNormalization()` "
    "returns before training (γ = 1, β = 0, ε = 0.001). Pass the function to `dh.check`.",
    "Section 4: layer norm takes its statistics per example (along which axis?), not per feature; ε goes where it "
    "keeps a division finite. Compare with the layer itself on a random array before you check.",
    compare=same_function(
        case(np.random.default_rng(0).normal(2.0, 3.0, (4, 6)), why="a batch with mean 2 and spread 3"),
        case(np.array([[1.0, 1.0, 1.0], [0.0, 0.1, -0.1]]), why="a constant row"),
        case(np.random.default_rng(1).normal(size=(1, 64)), why="a single example"),
        case(np.random.default_rng(2).normal(size=(5, 2)), why="only two features per example"),
    ),
)
def _():
    from ..deep import layer_norm

    return layer_norm
