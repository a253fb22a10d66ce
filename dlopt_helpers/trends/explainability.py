"""Explainability: gradient saliency and integrated gradients."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import (
    Array,
    InvalidParameterError,
    check,
    check_int,
    check_labels,
)
from ._checks import _check_batch, _check_model, _input_shape, _num_classes


# --------------------------------------------------------------------------- explainability
def saliency(model, x, target=None) -> np.ndarray:
    """Gradient saliency ``|∂ score_target / ∂ x|`` per input pixel (Simonyan et al., 2014).

    ``target`` defaults to each input's predicted class; else one class in ``[0, K)`` for every input, or one
    per input; scores are logits.
    """
    import tensorflow as tf

    _check_model("model", model)
    x = _check_batch("x", x, model)
    if target is not None:
        k = _num_classes(model)
        if np.ndim(target) == 0 and not isinstance(target, (str, bytes)):
            target = check_labels("target", [target], num_classes=k)
            target = np.full(len(x), target[0])
        else:
            target = check_labels("target", target, num_classes=k, n_samples=len(x))
    x = tf.constant(x)
    if target is None:
        target = np.argmax(model(x, training=False).numpy(), axis=1)
    target = tf.constant(np.asarray(target, dtype=np.int64).reshape(-1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = tf.gather(model(x, training=False), target, axis=1, batch_dims=1)
    return np.abs(tape.gradient(scores, x).numpy())


@dataclass(frozen=True)
class Attribution:
    """Integrated gradients for one input: the attribution of each input value and the completeness check."""

    attributions: np.ndarray
    score: float  # the target logit at the input
    baseline_score: float  # ... at the baseline
    steps: int

    @property
    def completeness_gap(self) -> float:
        """``|Σ attributions − (F(x) − F(baseline))|``: zero for exact integration."""
        return abs(float(self.attributions.sum()) - (self.score - self.baseline_score))


def integrated_gradients(model, x, target: int | None = None, baseline=None, steps: int = 64) -> Attribution:
    """Integrated gradients (Sundararajan et al., 2017) of one input, trapezoidal rule with ``steps`` intervals.

    ``IG_i = (x_i − x'_i) · ∫₀¹ ∂F(x' + α (x − x')) / ∂x_i dα``; by the fundamental theorem
    of calculus along the path, the attributions add up to ``F(x) − F(x')`` (completeness).
    ``baseline`` defaults to an all-zero image (no ink: blank); ``target`` to the predicted class.
    """
    import tensorflow as tf

    steps = check_int("steps", steps, 1, 100_000)
    x = check("x", x, Array(dtype=np.float32))
    baseline = np.zeros_like(x) if baseline is None else check("baseline", baseline, Array(dtype=np.float32))
    if baseline.shape != x.shape:
        raise ValueError(f"baseline must have the shape of x {x.shape}, got {baseline.shape}")
    _check_model("model", model)
    expected = _input_shape(model)
    if expected is not None and x.shape != expected:
        if x.shape == (1, *expected):  # one input with its batch axis: drop it
            x, baseline = x[0], baseline[0]
        else:
            raise InvalidParameterError(
                f"x must be one input of shape ({', '.join(map(str, expected))}) for this "
                f"model (no batch axis), got shape {x.shape}"
            )
    if target is None:
        target = int(np.argmax(model(x[None], training=False).numpy()[0]))
    k = _num_classes(model)
    target = check_int("target", target, 0, None if k is None else k - 1)
    alphas = tf.reshape(tf.linspace(0.0, 1.0, steps + 1), (-1,) + (1,) * x.ndim)
    path = tf.constant(baseline)[None] + alphas * tf.constant(x - baseline)[None]
    with tf.GradientTape() as tape:
        tape.watch(path)
        scores = model(path, training=False)[:, target]
    gradients = tape.gradient(scores, path).numpy().astype(np.float64)
    average = (gradients[:-1] + gradients[1:]).mean(axis=0) / 2  # trapezoidal rule
    scores = scores.numpy().astype(np.float64)
    return Attribution((x - baseline).astype(np.float64) * average, float(scores[-1]), float(scores[0]), steps)
