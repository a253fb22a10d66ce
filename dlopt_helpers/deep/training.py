"""A training loop that logs what ``model.fit`` hides: the loss and the gradient's global norm at every step.

Introduced in the deep-network chapter (``notebooks/03a_deep_networks.ipynb``). :func:`train_logged` is the loop
``model.fit`` runs (shuffled mini-batches, a forward pass in training mode, the gradient, one optimizer update)
written out with ``tf.GradientTape`` in one ``tf.function``, plus two logs: the loss and ``||g||`` (the global
norm of the raw gradient, *before* the optimizer clips it) of every step. The norms are what a clipping threshold
is chosen from; the loss shows where a run diverges. ``tests/test_deep.py`` checks that it updates the weights
exactly as ``model.fit`` does on the same batches.

Why not ``model.fit`` with a callback: a callback sees neither the gradient nor the raw norm. It is also quicker
here: tracing ``fit``'s step for a 30-layer model takes 4-15 s on a 2-core CPU, this loop's 1-3 s, and the
chapter trains dozens of such models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import SEED_MAX, Array, Instance, Integer, InvalidParameterError, check_labels, validate_params

__all__ = ["TrainingLog", "train_logged"]

MAX_TRAIN_STEPS = 20_000


@dataclass(frozen=True)
class TrainingLog:
    """What :func:`train_logged` measured.

    ``losses`` and ``gradient_norms``: one value per step taken (the mini-batch loss before the update, the
    global norm of its raw gradient); ``diverged_at``: the first step whose loss or gradient was not finite
    (``None`` if none; training stops there, so the logs end with it); ``val_accuracy``: the accuracy on the
    validation data after training (chance level, ``1 / classes``, for a diverged run), ``None`` without
    validation data.
    """

    losses: np.ndarray
    gradient_norms: np.ndarray
    diverged_at: int | None
    val_accuracy: float | None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


@validate_params(
    model=Instance(object, what="a Keras model"),
    optimizer=Instance(object, what="a Keras optimizer"),
    x=Array(ndim=2, dtype=np.float32),
    steps=Integer(1, MAX_TRAIN_STEPS),
    batch_size=Integer(1, 4096),
    x_val=(None, Array(ndim=2, dtype=np.float32)),
    seed=Integer(0, SEED_MAX),
)
def train_logged(
    model,
    optimizer,
    x,
    y,
    steps: int,
    batch_size: int = 64,
    x_val=None,
    y_val=None,
    seed: int = 0,
    shuffle: bool = True,
) -> TrainingLog:
    """Train ``model`` (logits, sparse labels ``y``) for ``steps`` mini-batches with ``optimizer``; log every step.

    The loss is the mean sparse categorical cross-entropy from logits. Batches are drawn as ``model.fit`` draws
    them from ``tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed).repeat().batch(batch_size)``
    (``shuffle=False``: in order). The optimizer applies its own ``clipvalue`` / ``clipnorm`` /
    ``global_clipnorm``; the logged norm is the gradient's before that. Returns a :class:`TrainingLog`.
    """
    import keras
    import tensorflow as tf

    if not isinstance(model, keras.Model):
        raise InvalidParameterError(f"model must be a Keras model, got {type(model).__name__}")
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise InvalidParameterError(f"optimizer must be a Keras optimizer, got {type(optimizer).__name__}")
    if not isinstance(shuffle, bool):
        raise InvalidParameterError(f"shuffle must be a boolean, got {shuffle!r}")
    expected = tuple(model.inputs[0].shape[1:]) if model.inputs else None
    for name, data in (("x", x), ("x_val", x_val)):
        if data is not None and expected is not None and tuple(data.shape[1:]) != expected:
            raise InvalidParameterError(
                f"{name} must have shape (n, {', '.join(map(str, expected))}), got {data.shape}"
            )
    classes = int(model.outputs[0].shape[-1])
    labels = check_labels("y", y, num_classes=classes, n_samples=len(x)).astype(np.int32)
    if (x_val is None) != (y_val is None):
        raise InvalidParameterError("x_val and y_val must be given together")
    if x_val is not None:
        y_val = check_labels("y_val", y_val, num_classes=classes, n_samples=len(x_val)).astype(np.int32)

    data = tf.data.Dataset.from_tensor_slices((x, labels))
    if shuffle:
        data = data.shuffle(len(x), seed=seed)
    batches = iter(data.repeat().batch(batch_size))
    variables = model.trainable_variables
    optimizer.build(variables)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def step(features, targets):
        with tf.GradientTape() as tape:
            loss = loss_fn(targets, model(features, training=True))
        gradients = tape.gradient(loss, variables)
        norm = tf.linalg.global_norm(gradients)
        if tf.math.is_finite(loss) and tf.math.is_finite(norm):  # a non-finite step is logged, not applied
            optimizer.apply(gradients, variables)
        return loss, norm

    losses, norms, diverged_at = [], [], None
    for index in range(steps):
        loss, norm = (float(v) for v in step(*next(batches)))
        losses.append(loss)
        norms.append(norm)
        if not (math.isfinite(loss) and math.isfinite(norm)):
            diverged_at = index
            break
    val_accuracy = None
    if x_val is not None:
        if diverged_at is None:
            predictions = np.argmax(model(x_val, training=False), axis=-1)  # eager: nothing to trace
            val_accuracy = float(np.mean(predictions == y_val))
        else:
            val_accuracy = 1.0 / classes
    return TrainingLog(np.array(losses), np.array(norms), diverged_at, val_accuracy)
