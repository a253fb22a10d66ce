"""Data privacy: DP-SGD written out (per-example clipping + Gaussian noise) and its privacy budget."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validation import (
    SEED_MAX,
    Array,
    InvalidParameterError,
    Real,
    check,
    check_float,
    check_int,
    check_labels,
    check_xy,
    short_repr,
    validate_params,
)
from ._checks import MAX_BATCH_SIZE, _check_batch, _num_classes


# --------------------------------------------------------------------------- privacy
@dataclass
class DPRun:
    """A DP-SGD training run: the model, its settings and the loss per epoch."""

    model: object
    noise_multiplier: float
    l2_norm_clip: float
    batch_size: int
    epochs: int
    steps: int
    sample_rate: float
    losses: list = field(default_factory=list)

    def epsilon(self, delta: float = 1e-5) -> float:
        """The privacy budget spent, ``ε`` at ``δ`` (``dp_epsilon``); infinite without noise."""
        return dp_epsilon(self.noise_multiplier, self.sample_rate, self.steps, delta)


@validate_params(l2_norm_clip=Real(0, None, closed="neither"), noise_multiplier=Real(0, None))
def dp_sgd_step_gradient(model, x, y, l2_norm_clip: float, noise_multiplier: float, noise_seed):
    """The DP-SGD gradient of one batch (Abadi et al., 2016), written out:

    1. per-example gradients ``g_i`` (one Jacobian of the per-example losses);
    2. clip each to norm ``C``: ``g_i · min(1, C / ‖g_i‖)``;
    3. sum, add Gaussian noise ``N(0, σ² C² I)``, divide by the batch size.

    With ``σ = 0`` and a huge ``C`` this is the ordinary mini-batch gradient.

    Parameters
    ----------
    model : a Keras model (or any callable with ``trainable_variables``) returning logits
    x : finite inputs ``(n, ...)``; y : ``n`` integer labels in ``[0, K)``
    l2_norm_clip : float > 0 (``C``); noise_multiplier : float >= 0 (``σ``)
    noise_seed : int or a pair of ints (a ``tf.random`` stateless seed); an int ``s`` means ``(s, 0)``

    Returns ``(gradients, mean loss)``: one gradient per trainable variable.
    """
    import tensorflow as tf

    if not callable(model) or not hasattr(model, "trainable_variables"):
        raise InvalidParameterError(
            f"model must be a Keras model (callable, with trainable_variables), got "
            f"{type(model).__name__}: {short_repr(model)}"
        )
    x = _check_batch("x", x, model)
    y = check_labels("y", y, num_classes=_num_classes(model), n_samples=len(x))
    seed = check("noise_seed", noise_seed, Array(integer=True))
    if seed.ndim == 0:
        seed = np.array([int(seed), 0])
    if seed.shape != (2,):
        raise InvalidParameterError(f"noise_seed must be an int or a pair of ints, got shape {seed.shape}")
    return _dp_sgd_step_gradient(
        model, tf.constant(x), tf.constant(y), l2_norm_clip, noise_multiplier, tf.constant(seed, tf.int64)
    )


def _dp_sgd_step_gradient(model, x, y, l2_norm_clip: float, noise_multiplier: float, noise_seed):
    """``dp_sgd_step_gradient`` without the checks (inside ``dp_sgd_train``'s ``tf.function``: symbolic tensors)."""
    import keras
    import tensorflow as tf

    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)
    with tf.GradientTape() as tape:
        per_example = loss_fn(y, model(x, training=True))
    jacobians = tape.jacobian(per_example, model.trainable_variables)  # each (batch, *variable shape)
    squared = tf.add_n([tf.reduce_sum(tf.reshape(j, (tf.shape(j)[0], -1)) ** 2, axis=1) for j in jacobians])
    factors = tf.minimum(1.0, l2_norm_clip / (tf.sqrt(squared) + 1e-12))
    batch = tf.cast(tf.shape(x)[0], tf.float32)
    gradients = []
    for k, j in enumerate(jacobians):
        clipped = tf.tensordot(factors, j, axes=1)  # Σ_i factor_i g_i
        noise = tf.random.stateless_normal(
            tf.shape(clipped),
            seed=noise_seed + tf.constant([0, k], noise_seed.dtype),
            stddev=noise_multiplier * l2_norm_clip,
        )
        gradients.append((clipped + noise) / batch)
    return gradients, tf.reduce_mean(per_example)


def dp_sgd_train(
    x,
    y,
    noise_multiplier: float = 1.0,
    l2_norm_clip: float = 1.0,
    batch_size: int = 64,
    epochs: int = 10,
    learning_rate: float = 0.5,
    seed: int = 0,
    hidden_units: int = 32,
) -> DPRun:
    """Train the running example with DP-SGD (``dp_sgd_step_gradient`` + ``keras.optimizers.SGD``).

    Batches are drawn by shuffling each epoch (fixed size); the accounting treats them as
    Poisson-sampled with rate ``batch_size / n``, the usual approximation (as TF Privacy's
    tutorials do). ``x``: finite inputs; ``y``: integer labels in ``[0, 10)`` (the running example's classes).
    """
    noise_multiplier = check_float("noise_multiplier", noise_multiplier, 0)
    l2_norm_clip = check_float("l2_norm_clip", l2_norm_clip, 0, low_inclusive=False)
    batch_size = check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE)
    epochs = check_int("epochs", epochs, 1, 10_000)
    learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
    seed = check_int("seed", seed, 0, SEED_MAX)
    x, y = check_xy(x, y)
    check_labels("y", y, num_classes=10, n_samples=len(x))
    if batch_size > len(x):
        raise InvalidParameterError(
            f"batch_size must be <= the number of samples ({len(x)}), got {batch_size}"
        )  # whole numbers in [0, 10): the model's classes
    import keras
    import tensorflow as tf

    from ..models import build_running_example

    keras.utils.set_random_seed(seed)
    model = build_running_example(input_shape=x.shape[1:], hidden_units=hidden_units, seed=seed)
    optimizer = keras.optimizers.SGD(learning_rate)

    @tf.function
    def step(xb, yb, noise_seed):
        gradients, loss = _dp_sgd_step_gradient(model, xb, yb, l2_norm_clip, noise_multiplier, noise_seed)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    rng = np.random.default_rng(seed)
    per_epoch = len(x) // batch_size
    run = DPRun(model, noise_multiplier, l2_norm_clip, batch_size, epochs, per_epoch * epochs, batch_size / len(x))
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        losses = []
        for b in range(per_epoch):
            index = order[b * batch_size : (b + 1) * batch_size]
            noise_seed = tf.constant([seed, (epoch * per_epoch + b) * 16], dtype=tf.int64)  # new noise every step
            losses.append(float(step(x[index], y[index], noise_seed)))
        run.losses.append(float(np.mean(losses)))
    return run


def dp_epsilon(noise_multiplier: float, sample_rate: float, steps: int, delta: float = 1e-5) -> float:
    """``ε`` of DP-SGD at ``δ``: ``steps`` Poisson-subsampled Gaussian mechanisms, Rényi-DP accounting.

    Uses Google's ``dp_accounting`` library (``RdpAccountant``, integer orders 2..256).
    ``noise_multiplier = 0`` means no privacy: ``inf``.
    """
    noise_multiplier = check_float("noise_multiplier", noise_multiplier, 0)
    sample_rate = check_float("sample_rate", sample_rate, 0, 1, low_inclusive=False)
    steps = check_int("steps", steps, 1)
    delta = check_float("delta", delta, 0, 1, low_inclusive=False, high_inclusive=False)
    if noise_multiplier == 0:
        return float("inf")
    try:
        import dp_accounting
        from dp_accounting import rdp
    except ImportError as error:  # an optional extra: `make lab` / `make test` install it
        raise ImportError(
            'dp_epsilon needs Google\'s dp-accounting library: pip install "dlopt-helpers[privacy]" '
            "(make lab and make test install it)"
        ) from error

    accountant = rdp.RdpAccountant(orders=list(range(2, 257)))
    event = dp_accounting.PoissonSampledDpEvent(sample_rate, dp_accounting.GaussianDpEvent(noise_multiplier))
    accountant.compose(dp_accounting.SelfComposedDpEvent(event, steps))
    return float(accountant.get_epsilon(delta))
