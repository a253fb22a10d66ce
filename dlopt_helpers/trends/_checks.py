"""Checks shared by the demos of ``trends``: a Keras model, a batch that fits it, its number of classes."""

from __future__ import annotations

import numpy as np

from .._validation import (
    Array,
    InvalidParameterError,
    check,
    short_repr,
)

#: the largest batch size accepted
MAX_BATCH_SIZE = 1_000_000


# --------------------------------------------------------------------------- checks shared by the demos
def _check_model(name: str, model):
    """A Keras model (what ``quantize``, ``saliency`` and ``integrated_gradients`` need)."""
    import keras

    if not isinstance(model, keras.Model):
        raise InvalidParameterError(f"{name} must be a Keras model, got {type(model).__name__}: {short_repr(model)}")
    return model


def _input_shape(model) -> tuple | None:
    """One input's shape, ``model.input_shape[1:]``, or None when the model does not know it."""
    try:
        shape = model.input_shape
    except (AttributeError, ValueError, TypeError):
        return None
    if isinstance(shape, list) or shape is None:  # several inputs: not these demos' models
        return None
    shape = tuple(shape[1:])
    return None if None in shape else shape


def _check_batch(name: str, x, model) -> np.ndarray:
    """Finite float32 inputs ``(n, *input shape)``, n >= 1, matching the model's input shape."""
    x = check(name, x, Array(dtype=np.float32))
    expected = _input_shape(model)
    if expected is not None and (x.ndim != len(expected) + 1 or tuple(x.shape[1:]) != expected):
        raise InvalidParameterError(
            f"{name} must be a batch of inputs of shape (n, {', '.join(map(str, expected))}) "
            f"for this model, got shape {x.shape}"
        )
    if x.ndim < 1:
        raise InvalidParameterError(f"{name} must be a batch of inputs (n, ...), got a scalar")
    return x


def _num_classes(model) -> int | None:
    try:
        shape = model.output_shape
    except (AttributeError, ValueError, TypeError):
        return None
    return shape[-1] if isinstance(shape, tuple) and isinstance(shape[-1], int) else None
