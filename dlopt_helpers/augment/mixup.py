"""Mixup (Zhang et al. 2018): train on convex combinations of pairs of examples and of their labels.

For a batch ``(x, y)``, draw ``λ_i ~ Beta(α, α)`` for each example and a random permutation ``π`` of the
batch, then ``x̃_i = λ_i x_i + (1 - λ_i) x_π(i)`` and ``ỹ_i = λ_i y_i + (1 - λ_i) y_π(i)`` with ``y``
one-hot. Each ``λ`` is drawn per example (the paper's formula, as ``keras.layers.MixUp``); the paper's
code draws one per batch. A small ``α`` (0.1–0.4) keeps most ``λ`` near 0 or 1, mostly one image with a
faint second one; ``α = 1`` mixes uniformly. Train with a loss that takes soft targets
(``categorical_crossentropy``, not the sparse one).

``mixup`` mixes one batch; ``mixup_dataset`` mixes every batch of a ``tf.data`` pipeline (such as
``ImageDataGenerator.flow``). The draws are ``tf.random.stateless_*`` from a seed: a run is
reproducible, and each epoch still sees new pairs.
"""

from __future__ import annotations

import numpy as np

from .._validation import SEED_MAX, Instance, Integer, InvalidParameterError, Real, short_repr, validate_params
from .generator import _as_seed, _numeric_images

_MAX_BATCH = 10**7  # examples per batch for mixup_weights: a bound on the work one call may ask for
_SALT = 0x6D697875  # "mixu": mixup_dataset's seeds differ from the generator's for the same seed


def _seed_pair(seed):
    """An int in [0, SEED_MAX] -> ``(seed, 0)``; a pair of ints or an int tensor of shape (2,) as is."""
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        if not 0 <= seed <= SEED_MAX:
            raise InvalidParameterError(f"seed must be in [0, {SEED_MAX}] (or a pair of integers), got {seed}")
        return _as_seed((int(seed), 0))
    return _as_seed(seed)


def _weights(batch_size, alpha, seed):
    """``λ: (b,)`` float64 from Beta(α, α) and a permutation ``(b,)`` int32, from a seed tensor (graph-safe)."""
    import tensorflow as tf

    seeds = tf.random.experimental.stateless_split(seed, num=3)
    # Beta(α, α) = G1 / (G1 + G2) for G1, G2 ~ Gamma(α); float64 so that tiny α does not underflow both to 0
    g1 = tf.random.stateless_gamma([batch_size], seeds[0], alpha=alpha, dtype=tf.float64)
    g2 = tf.random.stateless_gamma([batch_size], seeds[1], alpha=alpha, dtype=tf.float64)
    total = g1 + g2
    lam = tf.where(total > 0, g1 / tf.where(total > 0, total, 1.0), 0.5)
    permutation = tf.argsort(tf.random.stateless_uniform([batch_size], seeds[2]))
    return lam, tf.cast(permutation, tf.int32)


def _check_labels(dtype, rank, num_classes) -> None:
    """Integer labels of rank 1 with ``num_classes``, float targets without; else a named error (static)."""
    if num_classes is not None:
        if not dtype.is_integer:
            raise InvalidParameterError(
                f"num_classes is for integer class labels, but y holds {dtype.name} values: pass "
                "num_classes=None to mix one-hot (or binary) targets as they are"
            )
        if rank is not None and rank != 1:
            raise InvalidParameterError(f"y must be integer labels of shape (batch,) with num_classes, got rank {rank}")
    elif dtype.is_integer or dtype.is_bool:
        raise InvalidParameterError(
            f"y holds integer class labels ({dtype.name}): pass num_classes to one-hot encode them before mixing "
            "(or float targets: one-hot rows, or y.astype('float32') for a binary task)"
        )
    elif not dtype.is_floating:
        raise InvalidParameterError(f"y must hold numbers (labels), got dtype {dtype.name}")


def _one_hot_labels(y, num_classes):
    """Labels as float32 targets: integer class labels one-hot encoded, float targets as they are."""
    import tensorflow as tf

    _check_labels(y.dtype, y.shape.rank, num_classes)
    return tf.one_hot(y, num_classes, dtype=tf.float32) if num_classes is not None else tf.cast(y, tf.float32)


def _mix(x, y, alpha, seed, num_classes):
    """The mixup of one batch, on tensors (used eagerly by ``mixup`` and in the graph by ``mixup_dataset``)."""
    import tensorflow as tf

    x = tf.cast(x, tf.float32)
    y = _one_hot_labels(y, num_classes)
    lam, permutation = _weights(tf.shape(x)[0], alpha, seed)
    lam = tf.cast(lam, tf.float32)  # a small α puts ~2% of λ within float32's rounding of 1: they mix as 1

    def combine(values):
        weight = tf.reshape(lam, tf.concat([[-1], tf.ones([tf.rank(values) - 1], tf.int32)], axis=0))
        return weight * values + (1 - weight) * tf.gather(values, permutation)

    return combine(x), combine(y)


@validate_params(batch_size=Integer(1, _MAX_BATCH), alpha=Real(0, None, closed="neither"))
def mixup_weights(batch_size: int, alpha: float = 0.2, seed=0):
    """The draws of ``mixup`` for a batch of ``batch_size``: ``(λ, permutation)`` as NumPy arrays.

    ``λ: (batch_size,)`` float64 from Beta(α, α), in [0, 1] (``mixup`` mixes with it rounded to float32);
    ``permutation``: each example's partner.
    The same ``seed`` (an int, a pair of ints, or an int tensor of shape (2,)) gives the draws ``mixup`` uses.
    """
    lam, permutation = _weights(batch_size, alpha, _seed_pair(seed))
    return lam.numpy(), permutation.numpy()


@validate_params(alpha=Real(0, None, closed="neither"), num_classes=(None, Integer(2, 100_000)))
def mixup(x, y, alpha: float = 0.2, seed=0, num_classes: int | None = None):
    """Mix one batch: ``(x̃, ỹ)``, ``x̃ = λ x + (1 - λ) x[π]``, ``ỹ`` likewise, as float32 tensors.

    ``x: (batch, ...)`` numbers (images, features); ``y``: integer labels ``(batch,)`` with ``num_classes``
    (one-hot encoded before mixing), or float targets ``(batch, K)`` / ``(batch,)`` with ``num_classes=None``
    (mixed as they are). ``alpha > 0``: λ ~ Beta(α, α), one per example. ``seed``: an int, a pair of ints or
    an int tensor of shape (2,): the same seed, the same mix (``mixup_weights`` gives its λ and π).
    """
    import tensorflow as tf

    if not isinstance(x, (tf.Tensor, tf.Variable)):
        x = _numeric_images("x", x)
    x = tf.convert_to_tensor(x)
    if not (x.dtype.is_floating or x.dtype.is_integer) or x.shape.rank == 0 or x.shape[0] == 0:
        raise InvalidParameterError(f"x must be a non-empty batch of numbers (batch, ...), got {short_repr(x)}")
    if not isinstance(y, (tf.Tensor, tf.Variable)):
        y = np.asarray(y) if not isinstance(y, (str, bytes)) else np.asarray([y])
        if y.dtype.kind not in "biuf":
            raise InvalidParameterError(f"y must hold numbers (labels), got {short_repr(y)} (dtype {y.dtype})")
        if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
            raise InvalidParameterError("y must not contain NaN or infinity")
        if num_classes is not None and y.dtype.kind in "iu" and y.size and (y.min() < 0 or y.max() >= num_classes):
            raise InvalidParameterError(f"y must be in [0, {num_classes - 1}] for num_classes={num_classes}")
    y = tf.convert_to_tensor(y)
    if y.shape.rank == 0 or y.shape[0] != x.shape[0]:
        raise InvalidParameterError(f"y must hold one label per example of x ({x.shape[0]}), got shape {y.shape}")
    return _mix(x, y, alpha, _seed_pair(seed), num_classes)


@validate_params(
    alpha=Real(0, None, closed="neither"),
    num_classes=(None, Integer(2, 100_000)),
    seed=Integer(0, SEED_MAX),
)
def mixup_dataset(dataset, alpha: float = 0.2, num_classes: int | None = None, seed: int = 0):
    """Mixup applied to every batch of a ``tf.data.Dataset`` of ``(x, y)`` batches (``flow``'s output, say).

    Each batch gets its own seed, different in every epoch and the same in every run with this ``seed``;
    ``num_classes`` as in ``mixup``. The result feeds ``model.fit`` with a soft-target loss::

        train = dh.augment.mixup_dataset(generator.flow(x, y, seed=0), alpha=0.2, num_classes=10, seed=0)
        model.compile(loss="categorical_crossentropy", ...)
    """
    import tensorflow as tf

    dataset = _check_dataset(dataset)
    _check_labels(dataset.element_spec[1].dtype, dataset.element_spec[1].shape.rank, num_classes)
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
    salt = tf.constant(_SALT, tf.int64)

    def mix(batch, batch_seed):
        x, y = batch
        batch_seed = tf.random.experimental.stateless_fold_in(batch_seed, salt)
        return _mix(x, y, alpha, batch_seed, num_classes)

    return tf.data.Dataset.zip((dataset, seeds)).map(mix, num_parallel_calls=tf.data.AUTOTUNE)


def _check_dataset(dataset):
    import tensorflow as tf

    Instance(tf.data.Dataset, what="a tf.data.Dataset of (x, y) batches").convert("dataset", dataset)
    spec = dataset.element_spec
    if not (isinstance(spec, tuple) and len(spec) == 2) or not all(isinstance(s, tf.TensorSpec) for s in spec):
        raise InvalidParameterError(
            f"dataset must yield (x, y) batches of tensors, such as ImageDataGenerator.flow(x, y), got elements {spec}"
        )
    x_spec = spec[0]
    if x_spec.shape.rank is not None and x_spec.shape.rank < 1:
        raise InvalidParameterError(f"dataset must yield batches (x of rank >= 1), got x of shape {x_spec.shape}")
    return dataset
