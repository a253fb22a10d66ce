"""Batch normalization and layer normalization from scratch, as Keras computes them.

Introduced in the deep-network chapter (issue 16). Features are the last axis (Keras' ``axis=-1``).

- Batch norm, training: normalize with the batch's mean and (biased) variance over every axis but the last,
  ``y = γ (x - μ_B) / sqrt(σ²_B + ε) + β``, and update the moving statistics with Keras' momentum convention
  ``moving = momentum · moving + (1 - momentum) · batch`` (``momentum=0.99``: the moving value keeps 99 %).
  Inference: the same formula with the moving mean and variance. ``ε = 1e-3`` as in Keras.
- Layer norm: each sample normalized over its own features, the same in training and inference,
  ``ε = 1e-3`` as in ``keras.layers.LayerNormalization``.

``tests/test_deep.py`` checks both against ``keras.layers.BatchNormalization`` / ``LayerNormalization``
(several training steps, then inference) to 1e-5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import Array, Boolean, InvalidParameterError, Real, validate_params

__all__ = ["BatchNormState", "batch_norm", "layer_norm", "MOMENTUM", "EPSILON"]

#: Keras' defaults for BatchNormalization (momentum, epsilon) and LayerNormalization (epsilon)
MOMENTUM, EPSILON = 0.99, 1e-3


@dataclass(frozen=True)
class BatchNormState:
    """The result of one batch-norm call: the output and the moving statistics after it."""

    output: np.ndarray
    moving_mean: np.ndarray
    moving_variance: np.ndarray
    mean: np.ndarray  # the statistics used to normalize (the batch's in training, the moving ones otherwise)
    variance: np.ndarray


def _features(name: str, value, n: int, default: float) -> np.ndarray:
    if value is None:
        return np.full(n, default)
    if value.shape != (n,):
        raise InvalidParameterError(
            f"{name} must hold one value per feature of x (x.shape[-1] = {n}), got shape {value.shape}"
        )
    return value


_VECTOR = (None, Array(ndim=1))


@validate_params(
    x=Array(ndim=(2, 3, 4)),
    gamma=_VECTOR,
    beta=_VECTOR,
    moving_mean=_VECTOR,
    moving_variance=(None, Array(ndim=1, low=0)),
    training=Boolean(),
    momentum=Real(0, 1),
    epsilon=Real(0, 1, closed="right"),
)
def batch_norm(
    x,
    gamma=None,
    beta=None,
    moving_mean=None,
    moving_variance=None,
    training: bool = False,
    momentum: float = MOMENTUM,
    epsilon: float = EPSILON,
) -> BatchNormState:
    """``keras.layers.BatchNormalization()(x, training=training)`` from scratch, features on the last axis.

    ``gamma`` / ``beta`` default to ones / zeros and the moving statistics to zeros / ones (Keras' initial
    values). Returns a :class:`BatchNormState`; feed its moving statistics to the next call to follow a
    Keras layer step by step.
    """
    n = x.shape[-1]
    gamma, beta = _features("gamma", gamma, n, 1.0), _features("beta", beta, n, 0.0)
    moving_mean = _features("moving_mean", moving_mean, n, 0.0)
    moving_variance = _features("moving_variance", moving_variance, n, 1.0)
    if training:
        if x.size // n < 2:
            raise InvalidParameterError(f"x must hold at least 2 values per feature in training, got shape {x.shape}")
        axes = tuple(range(x.ndim - 1))
        mean, variance = x.mean(axis=axes), x.var(axis=axes)  # biased variance, as Keras
        moving_mean = momentum * moving_mean + (1 - momentum) * mean
        moving_variance = momentum * moving_variance + (1 - momentum) * variance
    else:
        mean, variance = moving_mean, moving_variance
    output = gamma * (x - mean) / np.sqrt(variance + epsilon) + beta
    return BatchNormState(output, moving_mean, moving_variance, mean, variance)


@validate_params(x=Array(ndim=(1, 2, 3, 4)), gamma=_VECTOR, beta=_VECTOR, epsilon=Real(0, 1, closed="right"))
def layer_norm(x, gamma=None, beta=None, epsilon: float = EPSILON) -> np.ndarray:
    """``keras.layers.LayerNormalization()(x)`` from scratch: ``γ (x - μ) / sqrt(σ² + ε) + β`` over the last axis.

    ``μ`` and ``σ²`` (biased) are each sample's own, so the layer behaves the same in training and inference
    and does not depend on the batch.
    """
    n = x.shape[-1]
    gamma, beta = _features("gamma", gamma, n, 1.0), _features("beta", beta, n, 0.0)
    mean = x.mean(axis=-1, keepdims=True)
    variance = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(variance + epsilon) + beta
