"""Exercises of notebooks/09_future_trends.ipynb: int8, integrated gradients, DP-SGD.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``09.int8_roundtrip`` is a code exercise checked against
TensorFlow's ``fake_quant_with_min_max_vars`` (narrow range: the symmetric int8 of section 1).
"""

from __future__ import annotations

import numpy as np

from .registry import case, register, same_function

NOTEBOOK = "09_future_trends"


@register(
    "09.int8_bytes",
    NOTEBOOK,
    "A model has 5,130 float32 parameters. How many bytes do its weights take after int8 quantization (not "
    "counting the scales)?",
    "Section 1 says how many bytes a float32 weight takes and what an int8 one takes instead (numpy's .nbytes "
    "can tell you too).",
)
def _():
    return np.zeros(5130, dtype=np.int8).nbytes


@register(
    "09.ig_sum",
    NOTEBOOK,
    "A model's logit is 12.5 for an image and 2.0 for the blank (all-zero) baseline. What do the image's "
    "integrated-gradients attributions add up to?",
    "Section 3 checks a property of integrated gradients that answers this without any model: which two outputs "
    "does it compare?",
)
def _():
    import keras

    from ..trends import integrated_gradients

    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(1, kernel_initializer="ones", bias_initializer=keras.initializers.Constant(2.0)),
        ]
    )
    return round(integrated_gradients(model, np.array([4.0, 6.5]), target=0, steps=8).attributions.sum(), 6)


@register(
    "09.dp_noise",
    NOTEBOOK,
    r"DP-SGD with clipping norm $C = 1$, noise multiplier $\sigma = 1.1$ and batch 64: what is the standard "
    "deviation of the noise in each coordinate of the *averaged* gradient?",
    "Section 4's step, in order: is the noise added before or after the per-example gradients are averaged, and "
    "what does the averaging do to its standard deviation?",
)
def _():
    import tensorflow as tf

    from ..trends import dp_sgd_step_gradient

    class Zero:  # a "model" whose per-example gradients are all zero: only the noise is left
        trainable_variables = [tf.Variable(tf.zeros(20_000))]  # noqa: RUF012 (a stand-in model, made once)

        def __call__(self, x, training=False):
            return tf.zeros((tf.shape(x)[0], 2)) + 0.0 * tf.reduce_sum(self.trainable_variables[0])

    gradients, _ = dp_sgd_step_gradient(
        Zero(), tf.zeros((64, 1)), tf.zeros(64, tf.int64), 1.0, 1.1, tf.constant([0, 0], tf.int64)
    )
    measured = float(tf.math.reduce_std(gradients[0]))
    assert abs(measured - 1.1 / 64) < 0.03 * 1.1 / 64  # the code does what the formula says
    return 1.1 * 1.0 / 64


def _int8_roundtrip(w):
    """Symmetric per-tensor int8 and back, by TensorFlow: levels s·q, q in [-127, 127], s = max|w| / 127."""
    import tensorflow as tf

    w = np.asarray(w, dtype=np.float32)
    top = float(np.abs(w).max()) if w.size else 0.0
    if top == 0.0:  # no range to quantize: every weight is already the level 0
        return np.zeros_like(w)
    return tf.quantization.fake_quant_with_min_max_vars(
        tf.constant(w), -top, top, num_bits=8, narrow_range=True
    ).numpy()


def _weights(seed, shape, scale=1.0):
    return (scale * np.random.default_rng(seed).normal(size=shape)).astype(np.float32)


@register(
    "09.int8_roundtrip",
    NOTEBOOK,
    "Write `int8_roundtrip(w)`: quantize a float32 array `w` to symmetric int8 with one scale for the whole tensor, "
    r"as section 1 does by hand, and return the dequantized weights $\hat w = s\,q$ (a float array of `w`'s "
    "shape). Pass the function to `dh.check` (compared with TensorFlow's "
    "`tf.quantization.fake_quant_with_min_max_vars`, narrow range).",
    "Section 1's formula: the scale comes from the largest magnitude in the tensor, every weight is rounded to a "
    "whole number of scales. Ask what that formula does with a tensor in which nothing is large.",
    compare=same_function(
        case(_weights(0, (3, 3, 2, 4)), why="a convolution kernel"),
        case(np.array([0.5, -2.0, 1.0, 0.01], np.float32), why="the largest magnitude is a negative weight"),
        case(np.r_[_weights(1, 20, 0.01), np.float32(5.0)], why="one outlier: most weights fall to the level 0"),
        case(np.zeros((4, 4), np.float32), why="an all-zero tensor (a pruned layer)"),
        case(np.array([[3.0]], np.float32), why="a single weight"),
    ),
)
def _():
    return _int8_roundtrip
