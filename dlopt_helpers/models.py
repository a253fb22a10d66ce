"""The course's running example model.

Introduced in ``notebooks/00_background.ipynb``: a small multilayer perceptron on
the 8 x 8 digits. Later chapters change one lever at a time (optimizer,
regularization, augmentation, devices) and compare with this baseline.
"""

from __future__ import annotations

from ._validation import check_float, check_int

__all__ = ["build_running_example"]


def build_running_example(
    input_shape: tuple[int, ...] = (8, 8, 1),
    num_classes: int = 10,
    hidden_units: int = 32,
    l2: float = 0.0,
    dropout: float = 0.0,
    l1: float = 0.0,
    seed: int = 0,
):
    """Flatten -> Dense(hidden_units, relu) [-> Dropout] -> Dense(num_classes) logits.

    The model outputs **logits**; compile it with
    ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)`` (chapter 02
    explains why logits are the numerically safe choice).

    Parameters
    ----------
    input_shape : tuple of positive ints
        Shape of one input, ``(8, 8, 1)`` for the digits.
    num_classes : int in [2, 1000]
    hidden_units : int in [1, 4096]
    l2 : float >= 0
        Strength of the L2 penalty ``l2 * sum(w**2)`` on both kernels (chapter 04).
    l1 : float >= 0
        Strength of the L1 penalty ``l1 * sum(|w|)`` on both kernels (chapter 04).
    dropout : float in [0, 1)
        Dropout rate after the hidden layer (0 disables it).
    seed : int
        Seed of the weight initializers: the same seed gives the same initial weights.

    Returns
    -------
    keras.Sequential, not compiled.

    Examples
    --------
    >>> model = build_running_example()
    >>> model.count_params()
    2410
    """
    if not isinstance(input_shape, tuple) or not input_shape or any(
        isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in input_shape
    ):
        raise ValueError(f"input_shape must be a tuple of positive ints, got {input_shape!r}")
    num_classes = check_int("num_classes", num_classes, 2, 1000)
    hidden_units = check_int("hidden_units", hidden_units, 1, 4096)
    l2 = check_float("l2", l2, 0)
    l1 = check_float("l1", l1, 0)
    dropout = check_float("dropout", dropout, 0, 1, high_inclusive=False)
    seed = check_int("seed", seed, 0, 2**31 - 1)

    import keras

    if l1 > 0:
        regularizer = keras.regularizers.L1L2(l1=l1, l2=l2)
    else:
        regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    layers = [
        keras.Input(shape=input_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(
            hidden_units,
            activation="relu",
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
            kernel_regularizer=regularizer,
            name="hidden",
        ),
    ]
    if dropout > 0:
        layers.append(keras.layers.Dropout(dropout, seed=seed))
    layers.append(
        keras.layers.Dense(
            num_classes,
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1),
            kernel_regularizer=regularizer,
            name="logits",
        )
    )
    return keras.Sequential(layers, name="running_example")
