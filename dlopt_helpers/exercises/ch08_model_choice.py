"""Exercises of notebooks/08_model_choice.ipynb: counting parameters, strided convolutions, the marker task.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``08.conv_params`` is a code exercise checked against Keras'
``count_params()``; ``08.cnn_marker`` a reading question on section 4's split.
"""

from __future__ import annotations

import numpy as np

from .registry import case, choice, register, same_function

NOTEBOOK = "08_model_choice"


def _count(layer, input_shape) -> int:
    import keras

    return keras.Sequential([keras.Input(input_shape), layer]).count_params()


@register(
    "08.dense_params",
    NOTEBOOK,
    "How many parameters has `Dense(10)` on 64 inputs?",
    "Section 1's table: which inputs does each output see, and what does each output add of its own?",
)
def _():
    import keras

    return _count(keras.layers.Dense(10), (64,))


def _conv2d_params(kernel, in_channels, filters, bias=True):
    """What Keras counts for ``Conv2D(filters, kernel, use_bias=bias)`` on ``in_channels`` input channels."""
    import keras

    height, width = (kernel, kernel) if isinstance(kernel, int) else kernel
    return _count(keras.layers.Conv2D(filters, kernel, use_bias=bias), (height + 4, width + 4, in_channels))


@register(
    "08.conv_params",
    NOTEBOOK,
    "Write `conv2d_params(kernel, in_channels, filters, bias=True)`: the number of parameters of "
    "`Conv2D(filters, kernel, use_bias=bias)` on inputs with `in_channels` channels, where `kernel` is an int $k$ "
    "(a $k \\times k$ kernel) or a pair `(height, width)`. Pass the function to `dh.check` (it is compared with "
    "Keras' `count_params()`).",
    "Section 1's table, the convolution row: one kernel per output channel, each reading every input channel; "
    "the bias is optional, and a kernel need not be square. The image size does not enter.",
    compare=same_function(
        case(3, 16, 32, why="a square kernel with bias"),
        case(1, 64, 8, why="a 1 × 1 kernel: it still mixes the channels"),
        case(3, 3, 4, False, why="no bias"),
        case((3, 5), 2, 4, why="a kernel that is not square"),
        case((1, 7), 1, 1, False, why="one channel in, one filter out, no bias"),
    ),
)
def _():
    return _conv2d_params


@register(
    "08.gru_params",
    NOTEBOOK,
    "How many parameters has a Keras `GRU(8)` reading 11 features per step?",
    "Section 1's table, the GRU row: count one gate, then how many such blocks a GRU has; mind Keras' default "
    "reset_after=True (the table says what it adds).",
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
    "Section 2 ran this test for the pooling (also a stride of 2) with shifts 1 to 4: which shifts gave a copy, "
    "and why? The same reason holds for a strided convolution; or run the test yourself.",
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


@register(
    "08.cnn_marker",
    NOTEBOOK,
    "Section 4 splits the 1-D CNN's validation accuracy on the last-marked-digit task by where the last marker "
    "lies. What does the split show (the claim the notebook asserts), and why? (a) the CNN is right far more often "
    "when the last marker is among the final 5 steps: the zero padding at the end lets it locate the end, but it "
    "cannot tell that an earlier marker is the last one; (b) the CNN is equally good wherever the marker is, "
    "because convolution is translation-equivariant; (c) the CNN is better when the marker is earlier, because it "
    "then sees more steps after it; (d) the CNN and the GRU fail alike on early markers. Answer with a letter.",
    "Read the two 🎲 lines of the 1-D CNN in section 4 and the claim under them, then the paragraph after them.",
    compare=choice("a", "b", "c", "d"),
)
def _():
    return "a"
