"""From-scratch pieces of ``notebooks/01_core_concepts.ipynb``.

Each is a few lines of NumPy that the notebook (and ``tests/test_concepts.py``)
checks against TensorFlow / Keras. Later chapters grow them into full modules.
"""

from __future__ import annotations

import numpy as np

from . import losses
from ._validation import InvalidParameterError, Real, Sequence, check_finite_array, check_float, validate_params

__all__ = [
    "softmax",
    "softmax_cross_entropy",
    "softmax_regression_gradients",
    "l2_penalty",
    "rotation_matrix",
    "warp_nearest",
]


def softmax(logits) -> np.ndarray:
    """Row-wise softmax ``exp(z_k) / sum_j exp(z_j)`` of ``logits: (n, k)``, computed stably."""
    z = check_finite_array("logits", logits, ndim=2)
    return losses.softmax(z)


def _check_labels(labels, n, k):
    labels = np.asarray(labels)
    if labels.shape != (n,) or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be {n} integer class ids, got shape {labels.shape} dtype {labels.dtype}")
    if labels.min() < 0 or labels.max() >= k:
        raise ValueError(f"labels must be in [0, {k - 1}], got values from {labels.min()} to {labels.max()}")
    return labels


def softmax_cross_entropy(logits, labels) -> float:
    """Mean cross-entropy ``-1/n sum_i log softmax(z_i)[y_i]`` of ``logits: (n, k)``, ``labels: (n,)``.

    Chapter 02 generalizes it: ``losses.sparse_categorical_cross_entropy(labels, logits, from_logits=True)``.
    """
    z = check_finite_array("logits", logits, ndim=2)
    labels = _check_labels(labels, *z.shape)
    return float(-losses.log_softmax(z)[np.arange(len(labels)), labels].mean())


def softmax_regression_gradients(x, labels, weights, bias) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of the mean cross-entropy of ``softmax(x @ weights + bias)``.

    With ``P = softmax(x W + b)`` and ``Y`` the one-hot labels,
    ``dL/dW = x^T (P - Y) / n`` and ``dL/db = sum_i (P_i - Y_i) / n``.

    Parameters
    ----------
    x : (n, d), labels : (n,) ints in [0, k), weights : (d, k), bias : (k,)

    Returns
    -------
    (grad_weights (d, k), grad_bias (k,))
    """
    x = check_finite_array("x", x, ndim=2)
    weights = check_finite_array("weights", weights, ndim=2)
    bias = check_finite_array("bias", bias, ndim=1)
    if weights.shape[0] != x.shape[1] or bias.shape[0] != weights.shape[1]:
        raise ValueError(
            f"shapes must chain: x (n, d), weights (d, k), bias (k,); got x {x.shape}, "
            f"weights {weights.shape}, bias {bias.shape}"
        )
    labels = _check_labels(labels, x.shape[0], weights.shape[1])
    probs = softmax(x @ weights + bias)
    probs[np.arange(len(labels)), labels] -= 1.0  # P - Y
    n = x.shape[0]
    return x.T @ probs / n, probs.sum(axis=0) / n


def l2_penalty(weights, strength: float) -> float:
    """``strength * sum(w**2)``: the value ``keras.regularizers.L2(strength)`` adds to the loss."""
    strength = check_float("strength", strength, 0)
    w = check_finite_array("weights", weights)
    return float(strength * np.sum(w**2))


@validate_params(center=Sequence(Real(), min_len=2, max_len=2))
def rotation_matrix(degrees: float, center: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """3 x 3 homogeneous matrix rotating points ``(x, y)`` by ``degrees`` about ``center``.

    ``T(c) R(θ) T(-c)`` with ``R(θ) = [[cos θ, -sin θ], [sin θ, cos θ]]``.
    In image coordinates (y pointing down) a positive angle turns the picture clockwise.
    """
    degrees = check_float("degrees", degrees)
    cx, cy = center
    theta = np.deg2rad(degrees)
    c, s = np.cos(theta), np.sin(theta)
    rotate = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    to_origin = np.array([[1.0, 0.0, -cx], [0.0, 1.0, -cy], [0.0, 0.0, 1.0]])
    back = np.array([[1.0, 0.0, cx], [0.0, 1.0, cy], [0.0, 0.0, 1.0]])
    return back @ rotate @ to_origin


@validate_params(fill_value=Real())
def warp_nearest(image, matrix, fill_value: float = 0.0) -> np.ndarray:
    """Apply the 3 x 3 transform ``matrix`` to ``image: (h, w) or (h, w, c)``.

    Inverse mapping: each output pixel ``p`` takes the input pixel nearest to
    ``matrix^-1 p``; pixels that land outside the input get ``fill_value``.
    This is what ``tf.raw_ops.ImageProjectiveTransformV3`` does with
    ``interpolation='NEAREST'`` and ``fill_mode='CONSTANT'``; the source
    coordinates are computed in float32 as there, so both pick the same pixels.
    """
    image = check_finite_array("image", image)
    if image.ndim not in (2, 3):
        raise ValueError(f"image must have shape (h, w) or (h, w, c), got {image.shape}")
    matrix = check_finite_array("matrix", matrix, ndim=2)
    if matrix.shape != (3, 3):
        raise ValueError(f"matrix must have shape (3, 3), got {matrix.shape}")
    h, w = image.shape[:2]
    try:
        inverse = np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        raise InvalidParameterError(
            f"matrix must be invertible (each output pixel is looked up through its inverse), "
            f"got a singular matrix {matrix.tolist()}"
        ) from None
    if inverse[2, 2] == 0 or not np.all(np.isfinite(inverse)):
        raise InvalidParameterError(
            "matrix must map the image plane to itself: the bottom-right entry of its inverse is 0, so the output "
            f"origin comes from a point at infinity (a degenerate projective transform), got {matrix.tolist()}"
        )
    inverse = (inverse / inverse[2, 2]).astype(np.float32)  # TensorFlow works in float32
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    scale = inverse[2, 0] * xs + inverse[2, 1] * ys + np.float32(1)
    src_x = np.round((inverse[0, 0] * xs + inverse[0, 1] * ys + inverse[0, 2]) / scale).ravel()
    src_y = np.round((inverse[1, 0] * xs + inverse[1, 1] * ys + inverse[1, 2]) / scale).ravel()
    inside = (src_x >= 0) & (src_x <= w - 1) & (src_y >= 0) & (src_y <= h - 1)
    out = np.full((h * w,) + image.shape[2:], fill_value, dtype=image.dtype)
    out[inside] = image[src_y[inside].astype(int), src_x[inside].astype(int)]
    return out.reshape(image.shape)
