"""Exercises of notebooks/09_future_trends.ipynb: int8, integrated gradients, DP-SGD.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it.
"""

from __future__ import annotations

import numpy as np

from .registry import register

NOTEBOOK = "09_future_trends"


@register(
    "09.int8_bytes",
    NOTEBOOK,
    "A model has 5,130 float32 parameters. How many bytes do its weights take after int8 quantization (not "
    "counting the scales)?",
    "float32 takes 4 bytes per number, int8 one byte.",
)
def _():
    return np.zeros(5130, dtype=np.int8).nbytes


@register(
    "09.ig_sum",
    NOTEBOOK,
    "A model's logit is 12.5 for an image and 2.0 for the blank (all-zero) baseline. What do the image's "
    "integrated-gradients attributions add up to?",
    "Completeness: the attributions sum to F(x) − F(baseline).",
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
    "Noise N(0, σ²C²) is added to the *sum* of the clipped gradients, which is then divided by the batch size.",
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
