"""Gradient clipping from scratch: by value, by norm (per tensor), by global norm.

Introduced in the deep-network chapter (issue 16). Each function is the formula TensorFlow and Keras use:

- by value: every entry clipped to ``[min, max]`` (``tf.clip_by_value``; Keras' ``clipvalue=v`` is ``[-v, v]``);
- by norm: a tensor ``g`` with ``||g|| > c`` is rescaled to ``c · g / ||g||`` (``tf.clip_by_norm``; Keras'
  ``clipnorm=c`` does it to each gradient separately, so their directions relative to each other change);
- by global norm: every tensor scaled by ``c / max(||(g_1, …, g_k)||, c)`` where the norm is over all of
  them together (``tf.clip_by_global_norm``; Keras' ``global_clipnorm=c``): the update's direction is kept.

:func:`clip_gradients` is what a Keras optimizer does to its gradients before the update when built with
one of ``clipvalue`` / ``clipnorm`` / ``global_clipnorm``; ``tests/test_deep.py`` checks one SGD step of each.
Non-finite gradients are allowed (they are what clipping meets in an exploding run) and treated as
TensorFlow treats them (a global norm of ``inf`` makes every clipped value ``nan``).
"""

from __future__ import annotations

import numpy as np

from .._validation import Array, InvalidParameterError, Real, Sequence, validate_params

__all__ = ["clip_by_value", "clip_by_norm", "global_norm", "clip_by_global_norm", "clip_gradients"]

_TENSOR = Array(finite=False)
_TENSORS = Sequence(Array(finite=False), min_len=1, max_len=10_000)
_THRESHOLD = Real(0, None, closed="neither")


@validate_params(t=_TENSOR, clip_value_min=Real(), clip_value_max=Real())
def clip_by_value(t, clip_value_min: float, clip_value_max: float) -> np.ndarray:
    """Every entry of ``t`` clipped to ``[clip_value_min, clip_value_max]`` (= ``tf.clip_by_value``)."""
    if clip_value_min > clip_value_max:
        raise InvalidParameterError(
            f"clip_value_min must be <= clip_value_max, got {clip_value_min} and {clip_value_max}"
        )
    return np.clip(t, clip_value_min, clip_value_max)


def _norm(t: np.ndarray) -> float:
    return float(np.sqrt(np.sum(np.square(t))))


@validate_params(t=_TENSOR, clip_norm=_THRESHOLD)
def clip_by_norm(t, clip_norm: float) -> np.ndarray:
    """``t · clip_norm / max(||t||, clip_norm)``: ``t`` unchanged if its L2 norm is at most ``clip_norm`` (= ``tf.clip_by_norm``)."""
    with np.errstate(over="ignore", invalid="ignore"):
        norm = _norm(t)
        return t * clip_norm / max(norm, clip_norm) if not np.isnan(norm) else t * np.nan


@validate_params(t_list=_TENSORS)
def global_norm(t_list) -> float:
    """``sqrt(sum_i ||t_i||²)``: the L2 norm of all tensors together (= ``tf.linalg.global_norm``)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sqrt(sum(np.sum(np.square(t)) for t in t_list)))


@validate_params(t_list=_TENSORS, clip_norm=_THRESHOLD)
def clip_by_global_norm(t_list, clip_norm: float) -> tuple[list[np.ndarray], float]:
    """``([t_i · clip_norm / max(G, clip_norm)], G)`` with ``G`` the global norm (= ``tf.clip_by_global_norm``).

    Every tensor is scaled by the same factor, so the direction of the whole update is kept. A non-finite
    ``G`` makes every value ``nan``, as in TensorFlow.
    """
    norm = global_norm(list(t_list))
    # G = 0 (all-zero gradients) leaves them as they are; 1 / G would divide a Python float by zero
    scale = clip_norm / max(norm, clip_norm) if np.isfinite(norm) else np.nan
    with np.errstate(over="ignore", invalid="ignore"):
        return [t * scale for t in t_list], norm


@validate_params(
    grads=_TENSORS, clipvalue=(None, _THRESHOLD), clipnorm=(None, _THRESHOLD), global_clipnorm=(None, _THRESHOLD)
)
def clip_gradients(grads, clipvalue=None, clipnorm=None, global_clipnorm=None) -> list[np.ndarray]:
    """The gradients a Keras optimizer built with ``clipvalue`` / ``clipnorm`` / ``global_clipnorm`` applies.

    At most one option may be set (Keras refuses more); with none the gradients come back unchanged.
    """
    given = [
        name
        for name, v in (("clipvalue", clipvalue), ("clipnorm", clipnorm), ("global_clipnorm", global_clipnorm))
        if v is not None
    ]
    if len(given) > 1:
        raise InvalidParameterError(
            f"only one of clipvalue, clipnorm and global_clipnorm may be set, got {', '.join(given)}"
        )
    grads = list(grads)
    if clipnorm is not None:
        return [clip_by_norm(g, clipnorm) for g in grads]
    if global_clipnorm is not None:
        return clip_by_global_norm(grads, global_clipnorm)[0]
    if clipvalue is not None:
        return [clip_by_value(g, -clipvalue, clipvalue) for g in grads]
    return grads
