"""Loss functions from scratch, as Keras computes them.

Introduced in ``notebooks/02_loss_functions.ipynb``. Each function returns the
mean over the batch, the value ``keras.losses.<Loss>()(y_true, y_pred)``
returns with its default ``reduction='sum_over_batch_size'``;
``tests/test_losses.py`` checks them to 1e-6 on random inputs.

Conventions: ``y_true`` first, ``y_pred`` second (as in Keras); ``from_logits``
means ``y_pred`` are raw scores, not probabilities; ``label_smoothing`` moves the
targets towards the uniform distribution first (``smooth_labels``), as Keras does.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    Boolean,
    Integer,
    InvalidParameterError,
    Real,
    check,
    check_finite_array,
    check_labels,
    validate_params,
)

__all__ = [
    "EPSILON",
    "smooth_labels",
    "log_sum_exp",
    "log_softmax",
    "softmax",
    "sigmoid",
    "mean_squared_error",
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "sparse_categorical_cross_entropy",
    "naive_softmax_cross_entropy",
    "logit_gradients",
]

#: Keras clips probabilities to [EPSILON, 1 - EPSILON] before taking logs (``keras.config.epsilon()``).
EPSILON = 1e-7


def _check_axis(axis, ndim: int) -> int:
    """``axis`` an integer in ``[-ndim, ndim)`` (a named error instead of NumPy's AxisError)."""
    axis = check("axis", axis, Integer())
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise InvalidParameterError(
            f"axis must be in [{-max(ndim, 1)}, {max(ndim, 1) - 1}] for an array of "
            f"{ndim} dimension{'s' if ndim != 1 else ''}, got {axis}"
        )
    return axis


def log_sum_exp(z, axis: int = -1) -> np.ndarray:
    """``log(sum(exp(z)))`` along ``axis`` without overflow: ``m + log(sum(exp(z - m)))``, ``m = max(z)``."""
    z = check_finite_array("z", z)
    if axis is not None:
        axis = _check_axis(axis, z.ndim)
    m = z.max(axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.exp(z - m).sum(axis=axis))


def log_softmax(logits, axis: int = -1) -> np.ndarray:
    """``z - log_sum_exp(z)``: log-probabilities, finite even for logits like 1000."""
    z = check_finite_array("logits", logits)
    axis = _check_axis(axis, z.ndim)
    return z - np.expand_dims(log_sum_exp(z, axis=axis), axis)


def softmax(logits, axis: int = -1) -> np.ndarray:
    """``exp(z_k) / sum_j exp(z_j)``, computed as ``exp(log_softmax(z))``."""
    return np.exp(log_softmax(logits, axis=axis))


def sigmoid(z) -> np.ndarray:
    """``1 / (1 + exp(-z))`` without overflow for large ``|z|``."""
    z = check_finite_array("z", z)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1 / (1 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1 + exp_z)
    return out


def _pair(y_true, y_pred, same_shape=True):
    y_true = check_finite_array("y_true", y_true)
    y_pred = check_finite_array("y_pred", y_pred)
    if same_shape and y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}")
    return y_true, y_pred


def _probabilities(name, p):
    if p.min() < 0 or p.max() > 1:
        raise ValueError(
            f"{name} must be probabilities in [0, 1] (or pass from_logits=True), "
            f"got values from {p.min():.3g} to {p.max():.3g}"
        )


def _non_negative(name, p):
    if p.min() < 0:
        raise ValueError(
            f"{name} must be non-negative class scores that are renormalized to probabilities "
            f"(or pass from_logits=True), got a minimum of {p.min():.3g}"
        )


def mean_squared_error(y_true, y_pred) -> float:
    """MSE ``(1/n) sum_i (1/d) sum_j (y_ij - ŷ_ij)^2`` of arrays ``(n,)`` or ``(n, d)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean((y_true - y_pred) ** 2))


@validate_params(label_smoothing=Real(0, 1), binary=Boolean())
def smooth_labels(y_true, label_smoothing: float, binary: bool = False) -> np.ndarray:
    """Label smoothing (Szegedy et al. 2016): ``y (1 - ε) + ε / K``, targets pulled towards uniform.

    ``y_true: (n, K)`` one-hot (or soft) targets; each row keeps its sum (1 stays 1): the true class gets
    ``1 - ε + ε / K``, every other ``ε / K``. ``binary=True``: targets of a sigmoid output (any shape), each
    the probability of a two-class problem, so ``K = 2``: ``y (1 - ε) + ε / 2`` (Keras' ``BinaryCrossentropy``).
    ``ε = label_smoothing`` in [0, 1]; 0 changes nothing, 1 gives the uniform distribution.
    """
    y_true = check_finite_array("y_true", y_true)
    if not binary and y_true.ndim != 2:
        raise InvalidParameterError(
            f"y_true must have shape (n, K) (one-hot targets; binary=True for sigmoid targets), got {y_true.shape}"
        )
    _probabilities("y_true", y_true)
    num_classes = 2 if binary else y_true.shape[-1]
    return y_true * (1 - label_smoothing) + label_smoothing / num_classes


@validate_params(from_logits=Boolean(), label_smoothing=Real(0, 1))
def binary_cross_entropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0) -> float:
    """``-(1/n) sum [y log p + (1 - y) log(1 - p)]`` for targets ``y`` in [0, 1].

    From probabilities, ``p`` is clipped to ``[EPSILON, 1 - EPSILON]`` as Keras does.
    From logits ``z`` it uses the stable form ``max(z, 0) - z y + log(1 + exp(-|z|))``.
    ``label_smoothing = ε`` replaces ``y`` by ``y (1 - ε) + ε / 2`` first (``smooth_labels(..., binary=True)``).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    _probabilities("y_true", y_true)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing, binary=True)
    if from_logits:
        z = y_pred
        per_element = np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
    else:
        _probabilities("y_pred", y_pred)
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        per_element = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
    return float(np.mean(per_element))


@validate_params(from_logits=Boolean(), label_smoothing=Real(0, 1))
def categorical_cross_entropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0) -> float:
    """``-(1/n) sum_i sum_k y_ik log p_ik`` for one-hot (or soft) targets ``y_true: (n, K)``.

    From probabilities, each row is renormalized to sum to 1 and clipped to
    ``[EPSILON, 1 - EPSILON]`` (Keras' behaviour). From logits, ``log p = log_softmax(z)``.
    ``label_smoothing = ε`` replaces ``y`` by ``y (1 - ε) + ε / K`` first (``smooth_labels``), as
    ``keras.losses.CategoricalCrossentropy(label_smoothing=ε)`` does (its sparse variant has no smoothing:
    one-hot encode the labels to smooth them).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if y_true.ndim != 2:
        raise ValueError(f"y_true must have shape (n, K), got {y_true.shape}")
    _probabilities("y_true", y_true)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing)
    if from_logits:
        log_p = log_softmax(y_pred)
    else:
        _non_negative("y_pred", y_pred)
        sums = y_pred.sum(axis=-1, keepdims=True)
        if np.any(sums <= 0):
            row = int(np.flatnonzero(sums.ravel() <= 0)[0])
            raise InvalidParameterError(
                f"y_pred must have a positive sum in every row to be renormalized to "
                f"probabilities, got an all-zero row {row} (or pass from_logits=True)"
            )
        p = y_pred / sums
        log_p = np.log(np.clip(p, EPSILON, 1 - EPSILON))
    return float(np.mean(-(y_true * log_p).sum(axis=-1)))


@validate_params(from_logits=Boolean())
def sparse_categorical_cross_entropy(y_true, y_pred, from_logits: bool = False) -> float:
    """Categorical cross-entropy with integer labels ``y_true: (n,)`` in ``[0, K)``: ``-(1/n) sum_i log p_{i, y_i}``.

    From probabilities, Keras clips to ``[EPSILON, 1 - EPSILON]`` and then renormalizes
    each row (the reverse order of ``categorical_cross_entropy``); so does this function.
    """
    y_pred = check_finite_array("y_pred", y_pred, ndim=2)
    labels = np.asarray(y_true)
    if labels.shape != (y_pred.shape[0],) or labels.dtype.kind not in "iu":
        raise ValueError(
            f"y_true must be {y_pred.shape[0]} integer labels, got shape {labels.shape} dtype {labels.dtype}"
        )
    if labels.min() < 0 or labels.max() >= y_pred.shape[1]:
        raise ValueError(f"y_true must be in [0, {y_pred.shape[1] - 1}], got {labels.min()} to {labels.max()}")
    if from_logits:
        log_p = log_softmax(y_pred)
    else:
        _non_negative("y_pred", y_pred)
        # Keras clips first, then normalizes (through a softmax of the logs)
        log_p = log_softmax(np.log(np.clip(y_pred, EPSILON, 1 - EPSILON)))
    return float(-log_p[np.arange(len(labels)), labels].mean())


def naive_softmax_cross_entropy(logits, labels) -> np.ndarray:
    """The textbook formula, ``-log(exp(z_y) / sum_j exp(z_j))``, *without* the log-sum-exp trick.

    Per-example losses. For logits around 1000, ``exp`` overflows to ``inf`` and the
    result is ``nan``: the reason to pass logits to the loss (``from_logits=True``).
    """
    z = check_finite_array("logits", logits, ndim=2)
    labels = check_labels("labels", labels, num_classes=z.shape[1], n_samples=z.shape[0])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(z)
        p = e[np.arange(len(z)), labels] / e.sum(axis=1)
        return -np.log(p)


def logit_gradients(z, y) -> dict[str, np.ndarray]:
    """Gradients with respect to the logit ``z`` of a sigmoid unit ``p = σ(z)`` with target ``y``.

    - MSE ``(p - y)^2``: ``2 (p - y) p (1 - p)``, tiny when ``p`` saturates near 0 or 1, even if wrong;
    - cross-entropy ``-[y log p + (1 - y) log(1 - p)]``: ``p - y``, large whenever the prediction is wrong.
    """
    z = check_finite_array("z", z)
    y = check_finite_array("y", y)
    if z.shape != y.shape:
        raise InvalidParameterError(
            f"z and y must have the same shape (one target per logit), got {z.shape} and {y.shape}"
        )
    _probabilities("y", y)
    p = sigmoid(z)
    return {"mse": 2 * (p - y) * p * (1 - p), "cross_entropy": p - y}
