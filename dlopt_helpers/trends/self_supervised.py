"""Smarter models: an autoencoder pre-trained without labels, then a linear probe, against the running
example trained from scratch on the same few labels."""

from __future__ import annotations

import numpy as np

from .._validation import (
    SEED_MAX,
    Array,
    InvalidParameterError,
    check,
    check_float,
    check_int,
    check_xy,
    sub_seed,
)
from ._checks import MAX_BATCH_SIZE, _check_batch, _check_model


# --------------------------------------------------------------------------- self-supervised
def pretrain_autoencoder(x, code_units: int = 32, epochs: int = 60, batch_size: int = 64, seed: int = 0):
    """Pre-train an encoder **without labels**: reconstruct each image through a ``code_units`` bottleneck.

    The encoder is ``Flatten -> Dense(code_units, relu)``: the same shape as the running
    example's hidden layer, so a probe on its code compares like with like. Returns
    ``(encoder, autoencoder, history)``.
    """
    code_units = check_int("code_units", code_units, 1, 4096)
    epochs = check_int("epochs", epochs, 1, 10_000)
    batch_size = check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE)
    seed = check_int("seed", seed, 0, SEED_MAX)
    if np.ndim(x) >= 2 and np.shape(x)[0] == 0:
        raise InvalidParameterError(f"x must be a non-empty batch of inputs, got shape {np.shape(x)}")
    x = check("x", x, Array(dtype=np.float32))
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"x must be a non-empty batch of inputs, got shape {x.shape}")
    if x.min() < 0 or x.max() > 1:
        # the decoder ends in a sigmoid and the loss is binary cross-entropy: targets outside [0, 1] give
        # meaningless (negative) losses
        raise InvalidParameterError(
            f"x must be pixel values in [0, 1] (the reconstruction loss is binary "
            f"cross-entropy), got values from {x.min():g} to {x.max():g}: rescale, e.g. "
            "x / 255"
        )
    import keras

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(x.shape[1:])
    code = keras.layers.Dense(
        code_units, activation="relu", name="code", kernel_initializer=keras.initializers.GlorotUniform(seed)
    )(keras.layers.Flatten()(inputs))
    encoder = keras.Model(inputs, code, name="encoder")
    decoded = keras.layers.Dense(
        int(np.prod(x.shape[1:])),
        activation="sigmoid",
        kernel_initializer=keras.initializers.GlorotUniform(sub_seed(seed, 1)),
    )(code)
    autoencoder = keras.Model(inputs, keras.layers.Reshape(x.shape[1:])(decoded), name="autoencoder")
    autoencoder.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = autoencoder.fit(x, x, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=True)
    return encoder, autoencoder, history.history


def encode(encoder, x) -> np.ndarray:
    """The encoder's code for each input, as a float64 array for scikit-learn."""
    _check_model("encoder", encoder)
    x = _check_batch("x", x, encoder)
    return np.asarray(encoder(x, training=False), dtype=np.float64)


def train_from_scratch(x, y, epochs: int = 100, learning_rate: float = 0.01, batch_size: int = 32, seed: int = 0):
    """The running example trained from scratch on ``(x, y)`` with Adam: the baseline of a linear probe.

    ``epochs`` passes over the (few) examples, reshuffled every pass, run as **one** ``fit`` call
    over a repeated ``tf.data`` pipeline: with a handful of examples per class an epoch is one or
    two steps, and Keras' per-epoch overhead would cost more than the training. Returns the model
    (logits).
    """
    epochs = check_int("epochs", epochs, 1, 100_000)
    learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
    batch_size = check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE)
    seed = check_int("seed", seed, 0, SEED_MAX)
    x, y = check_xy(x, y)
    import keras
    import tensorflow as tf

    from ..models import build_running_example, compile_running_example

    keras.utils.set_random_seed(seed)
    model = compile_running_example(build_running_example(input_shape=x.shape[1:], seed=seed), "adam", learning_rate)
    steps_per_epoch = -(-len(x) // batch_size)
    dataset = (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
        .repeat()
    )
    model.fit(dataset, steps_per_epoch=steps_per_epoch * epochs, epochs=1, verbose=0, shuffle=False)
    return model
