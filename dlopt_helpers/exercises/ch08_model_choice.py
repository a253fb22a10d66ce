"""Exercises of notebooks/08_model_choice.ipynb: counting parameters, strided convolutions.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it.
"""

from __future__ import annotations

import numpy as np

from .registry import register

NOTEBOOK = "08_model_choice"


def _count(layer, input_shape) -> int:
    import keras

    return keras.Sequential([keras.Input(input_shape), layer]).count_params()


@register(
    "08.dense_params",
    NOTEBOOK,
    "How many parameters has `Dense(10)` on 64 inputs?",
    "n_in · n_out weights plus one bias per output.",
)
def _():
    import keras

    return _count(keras.layers.Dense(10), (64,))


@register(
    "08.conv_params",
    NOTEBOOK,
    "How many parameters has `Conv2D(32, 3)` on 16-channel inputs?",
    "k · k · c_in · c_out weights plus one bias per output channel; the image size does not count.",
)
def _():
    import keras

    return _count(keras.layers.Conv2D(32, 3), (16, 16, 16))


@register(
    "08.gru_params",
    NOTEBOOK,
    "How many parameters has a Keras `GRU(8)` reading 11 features per step?",
    "3 (d·n + n² + 2n): three gates, each with input weights, recurrent weights and (reset_after=True) two biases.",
)
def _():
    import keras

    return _count(keras.layers.GRU(8), (30, 11))


@register(
    "08.stride_shift",
    NOTEBOOK,
    r"A `Conv2D(..., strides=2)` reads an image shifted to the right by $k = 1, 2, \dots, 8$ pixels. For how "
    "many of these eight shifts is its output an exact shifted copy of its output for the unshifted image "
    "(away from the border)? Section 2 checked the same question for the CNN's pooling.",
    "With stride s the layer keeps every s-th position: a shift of k pixels moves the output by k / s positions only "
    "when s divides k; for other k the kept positions fall between the old ones (aliasing, Zhang 2019).",
)
def _():
    import keras

    # a random image and kernel: an exact copy cannot happen by accident, only by the structure
    conv = keras.layers.Conv2D(
        1, 3, strides=2, kernel_initializer=keras.initializers.RandomNormal(seed=0), use_bias=False
    )
    image = np.random.default_rng(0).random((1, 32, 32, 1)).astype(np.float32)
    out = conv(image).numpy()

    def is_shifted_copy(k: int) -> bool:
        moved = conv(np.roll(image, shift=k, axis=2)).numpy()
        return any(np.abs(np.roll(out, shift=m, axis=2) - moved)[:, :, 5:-1].max() < 1e-5 for m in range(k + 1))

    return sum(is_shifted_copy(k) for k in range(1, 9))
