"""Exercises of notebooks/01_core_concepts.ipynb: parameters, a gradient step, L2, rotations, stability.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``01.dense_params`` is a code exercise: the learner's function is
compared with what Keras counts for a built ``Dense`` layer, on layer sizes the notebook does not show.
"""

from __future__ import annotations

import numpy as np

from .registry import case, register, same_function

NOTEBOOK = "01_core_concepts"


@register(
    "01.params",
    NOTEBOOK,
    "How many trainable parameters has `dh.models.build_running_example(hidden_units=16)`? Count by hand, "
    "then verify with `model.count_params()`.",
    "Count layer by layer: what does a Dense layer store for each (input, unit) pair, and what for each unit? "
    "Flatten only reshapes. `model.summary()` shows each layer's count to compare with yours.",
)
def _():
    from ..models import build_running_example

    return build_running_example(hidden_units=16).count_params()


@register(
    "01.gd_step",
    NOTEBOOK,
    "$f(w) = (w - 3)^2$. One gradient-descent step from $w = 0$ with learning rate $0.1$ gives which $w$?",
    "Section 3's update rule, one step from w = 0: differentiate f first, then evaluate the derivative at the "
    "starting point.",
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
    "Section 4 writes the penalty Keras adds for `L2(λ)` as a formula of the weights; apply it to these three.",
)
def _():
    import keras

    return float(keras.regularizers.L2(0.01)(np.array([1.0, -2.0, 0.5], dtype=np.float32)))


@register(
    "01.rotation_90",
    NOTEBOOK,
    r"Write the $2 \times 2$ matrix that rotates points $(x, y)$ by 90° counter-clockwise (with $y$ pointing "
    "up), as a nested list.",
    "Section 5's rotation matrix at θ = 90°. Test your matrix on the point (1, 0): turned a quarter to the left it "
    "must land on (0, 1). Answer a 2 x 2 nested list or array.",
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
    "Compute L'' for this L, then ask for which η the factor each step multiplies w by stays between −1 and 1.",
)
def _():
    return 2 / (2 * 1.5)


@register(
    "01.dense_params",
    NOTEBOOK,
    "Write `dense_params(n_in, n_out)`: the number of trainable parameters of a `keras.layers.Dense(n_out)` layer "
    "that receives `n_in` inputs. Then use it to count the running example's parameters layer by layer, and compare "
    "with `model.count_params()`. Pass the function itself to `dh.check`.",
    "Section 3: a Dense layer computes z = x W + b. What shape must W have to turn n_in inputs into n_out "
    "outputs, and how many entries has b?",
    compare=same_function(
        case(64, 32, why="the running example's hidden layer"),
        case(32, 10, why="its output layer"),
        case(1, 1, why="one input, one unit: a line y = w x + b"),
        case(784, 1, why="many inputs, a single unit"),
        case(3, 500, why="more units than inputs"),
    ),
)
def _():
    import keras

    def dense_params(n_in, n_out):
        layer = keras.layers.Dense(n_out)
        layer.build((None, n_in))
        return layer.count_params()

    return dense_params
