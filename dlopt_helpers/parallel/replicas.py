"""Data parallelism with replicas: the running example trained by a custom loop under a ``tf.distribute`` strategy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import SEED_MAX, InvalidParameterError, check_float, check_int, short_repr

__all__ = ["ReplicatedRun", "train_replicated"]


@dataclass(frozen=True)
class ReplicatedRun:
    """The losses (one per step, averaged over the global batch) and final weights of a training run."""

    losses: np.ndarray
    weights: list[np.ndarray]
    replicas: int
    workers: int = 1

    def max_weight_gap(self, other: ReplicatedRun) -> float:
        return float(max(np.abs(a - b).max() for a, b in zip(self.weights, other.weights)))

    def max_loss_gap(self, other: ReplicatedRun) -> float:
        return float(np.abs(self.losses - other.losses).max())


def _digits_stream(seed: int):
    from ..data import load_digits_images

    split = load_digits_images()
    order = np.random.default_rng(seed).permutation(len(split.x_train))
    return split.x_train[order], split.y_train[order]


def train_replicated(
    distribution=None,
    steps: int = 30,
    global_batch_size: int = 64,
    learning_rate: float = 0.1,
    seed: int = 0,
    hidden_units: int = 32,
) -> ReplicatedRun:
    """Train the running example with a custom loop under a ``tf.distribute`` strategy.

    The same function runs on one device (``distribution=None``: the default
    strategy), on several replicas (``MirroredStrategy``) and in every worker of a
    ``MultiWorkerMirroredStrategy`` cluster. Each step:

    1. every input pipeline reads its shard of the data: global batch ``B`` is split
       into ``B / replicas`` examples per replica;
    2. each replica computes the loss of its examples divided by the **global** batch
       size (``tf.nn.compute_average_loss``) and its gradient;
    3. the optimizer all-reduces (sums) the replicas' gradients and every replica
       applies the same update, so the weights stay identical.

    The union of the replicas' examples at step ``k`` is exactly batch ``k`` of the
    single-device run, so the losses agree up to float round-off.
    """
    steps = check_int("steps", steps, 1, 100_000)
    global_batch_size = check_int("global_batch_size", global_batch_size, 1, 100_000)
    learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
    seed = check_int("seed", seed, 0, SEED_MAX)
    import keras
    import tensorflow as tf

    from ..models import build_running_example
    from ..optim import keras_optimizer

    if distribution is not None and not hasattr(distribution, "num_replicas_in_sync"):
        raise InvalidParameterError(
            f"distribution must be a tf.distribute strategy (e.g. dh.parallel.strategy()) or "
            f"None, got {type(distribution).__name__}: {short_repr(distribution)}"
        )
    distribution = distribution or tf.distribute.get_strategy()
    replicas = distribution.num_replicas_in_sync
    if global_batch_size % replicas:
        raise ValueError(f"global_batch_size must be a multiple of the {replicas} replicas, got {global_batch_size}")
    x, y = _digits_stream(seed)

    def dataset_fn(context):
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).repeat()
        dataset = dataset.shard(context.num_input_pipelines, context.input_pipeline_id)
        return dataset.batch(context.get_per_replica_batch_size(global_batch_size), drop_remainder=True)

    with distribution.scope():
        model = build_running_example(hidden_units=hidden_units, seed=seed)
        optimizer = keras_optimizer("sgd", learning_rate)
        # the running example's loss (models.compile_running_example), per example: the loop averages it
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)

    def replica_step(images, labels):
        with tf.GradientTape() as tape:
            per_example = loss_fn(labels, model(images, training=True))
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch_size)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))  # all-reduce happens here
        return loss

    @tf.function
    def train_step(iterator):
        per_replica = distribution.run(replica_step, args=next(iterator))
        return distribution.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    iterator = iter(distribution.distribute_datasets_from_function(dataset_fn))
    losses = np.array([float(train_step(iterator)) for _ in range(steps)])
    workers = getattr(distribution.extended, "_num_workers", 1)
    return ReplicatedRun(losses, [w.copy() for w in model.get_weights()], replicas, workers)
