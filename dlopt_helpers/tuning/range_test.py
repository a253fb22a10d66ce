"""The learning-rate range test (Smith, 2017): one short run with an exponentially growing rate."""

from __future__ import annotations

import math

import numpy as np

from .._validation import (
    SEED_MAX,
    InvalidParameterError,
    check_choice,
    check_float,
    check_int,
    check_labels,
    check_xy,
)
from ._common import MAX_BATCH_SIZE, MAX_STEPS, OPTIMIZERS, _keras_callback_base


class LearningRateRangeTest(_keras_callback_base()):
    """A Keras callback: raise the learning rate exponentially every batch and record the loss.

    The learning rate of batch ``i`` (``i = 0 .. steps - 1``) is
    ``min_lr * (max_lr / min_lr) ** (i / (steps - 1))``. The loss is smoothed with an
    exponential moving average (bias-corrected, as in Adam); training stops after ``steps``
    batches or once the smoothed loss exceeds ``stop_factor`` times the best seen (it diverged).
    Read ``learning_rates`` / ``losses`` afterwards, and ``suggestion()``.

    Leslie N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017.

    Parameters
    ----------
    min_lr, max_lr : float, 0 < min_lr < max_lr
    steps : int in [2, 100000]
    smoothing : float in [0, 1)
        Weight of the past in the moving average (0: raw losses).
    stop_factor : float > 1
    """

    def __init__(
        self,
        min_lr: float = 1e-4,
        max_lr: float = 10.0,
        steps: int = 100,
        smoothing: float = 0.9,
        stop_factor: float = 4.0,
    ):
        super().__init__()
        self.min_lr = check_float("min_lr", min_lr, 0, low_inclusive=False)
        self.max_lr = check_float("max_lr", max_lr, 0, low_inclusive=False)
        if self.min_lr >= self.max_lr:
            raise ValueError(f"min_lr must be < max_lr, got min_lr={min_lr!r} >= max_lr={max_lr!r}")
        self.steps = check_int("steps", steps, 2, MAX_STEPS)
        self.smoothing = check_float("smoothing", smoothing, 0, 1, high_inclusive=False)
        self.stop_factor = check_float("stop_factor", stop_factor, 1, low_inclusive=False)
        self.factor = (self.max_lr / self.min_lr) ** (1 / (self.steps - 1))
        self.learning_rates: list[float] = []
        self.losses: list[float] = []
        self.raw_losses: list[float] = []
        self.diverged = False

    def rate(self, step: int) -> float:
        """The learning rate used for batch ``step``."""
        return self.min_lr * self.factor**step

    def on_train_begin(self, logs=None):
        self.learning_rates, self.losses, self.raw_losses, self.diverged = [], [], [], False
        self._average, self._best = 0.0, math.inf
        self.model.optimizer.learning_rate.assign(self.min_lr)

    def on_train_batch_end(self, batch, logs=None):
        step = len(self.learning_rates)
        batch_loss = float(logs["loss"]) if logs and "loss" in logs else math.nan
        # Keras reports a running mean over the epoch; resetting it after every batch makes the
        # next report that batch's own loss (the range test has no use for epoch averages)
        for metric in self.model.metrics:
            metric.reset_state()
        self.learning_rates.append(self.rate(step))
        self.raw_losses.append(batch_loss)
        self._average = self.smoothing * self._average + (1 - self.smoothing) * batch_loss
        smoothed = self._average / (1 - self.smoothing ** (step + 1))
        self.losses.append(smoothed)
        if not math.isfinite(smoothed) or smoothed > self.stop_factor * self._best:
            self.diverged = True
            self.model.stop_training = True
            return
        self._best = min(self._best, smoothed)
        if step + 1 >= self.steps:
            self.model.stop_training = True
        else:
            self.model.optimizer.learning_rate.assign(self.rate(step + 1))

    def suggestion(self, method: str = "steepest") -> float:
        """A learning rate read off the curve.

        ``'steepest'``: where the smoothed loss falls fastest per decade of learning rate,
        measured over half a decade (the usual choice); ``'minimum/10'``: a tenth of the rate at the lowest loss
        (fast.ai's rule of thumb, a safe margin below divergence).
        """
        check_choice("method", method, ("steepest", "minimum/10"))
        if len(self.losses) < 3:
            if self.diverged:
                raise RuntimeError(
                    f"the range test diverged after {len(self.losses)} batch(es) (loss {self.raw_losses[-1]!r} at "
                    f"learning rate {self.learning_rates[-1]:.3g}), too few to read a rate off the curve: lower "
                    "min_lr, and check that the inputs are finite and scaled"
                )
            raise ValueError("the range test recorded fewer than 3 batches: run model.fit with this callback first")
        losses = np.asarray(self.losses)
        finite = np.isfinite(losses)
        if finite.sum() < 3:
            raise RuntimeError(
                f"the range test recorded {int(finite.sum())} finite loss(es) out of {len(losses)} batches: nothing to "
                "read a rate off; lower min_lr, and check that the inputs are finite and scaled"
            )
        rates, losses = np.asarray(self.learning_rates)[finite], losses[finite]
        if method == "minimum/10":
            return float(rates[np.argmin(losses)] / 10)
        # slope per decade over a window of half a decade: per-batch noise would swamp a step-by-step slope
        log_rates = np.log10(rates)
        width = max(1, math.ceil(0.25 / max(np.log10(self.factor), 1e-12)))
        lowest = int(np.argmin(losses))
        centres = np.arange(width, min(lowest, len(losses) - 1 - width) + 1)
        if centres.size == 0:  # the minimum is at the very start: the curve only rises
            return float(rates[lowest])
        slopes = (losses[centres + width] - losses[centres - width]) / (
            log_rates[centres + width] - log_rates[centres - width]
        )
        return float(rates[centres[int(np.argmin(slopes))]])  # before the minimum, not in the blow-up


def lr_range_test(
    x,
    y,
    min_lr: float = 1e-4,
    max_lr: float = 10.0,
    steps: int = 100,
    batch_size: int = 32,
    optimizer: str = "sgd",
    seed: int = 0,
    **model_options,
) -> LearningRateRangeTest:
    """Run the range test on a fresh running-example model (``models.build_running_example``).

    ``x``: finite inputs ``(n, ...)``; ``y``: ``n`` integer class labels in ``[0, num_classes)`` (``num_classes``
    is a model option, 10 by default). ``steps`` is at most 100,000 batches.

    Returns the callback with its ``learning_rates``, ``losses`` and ``suggestion()``.
    """
    import keras
    import tensorflow as tf

    from ..models import build_running_example, compile_running_example

    test = LearningRateRangeTest(min_lr, max_lr, steps)
    batch_size = check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE)
    check_choice("optimizer", optimizer, OPTIMIZERS)
    seed = check_int("seed", seed, 0, SEED_MAX)
    x, y = check_xy(x, y)
    if x.ndim < 2:
        raise InvalidParameterError(f"x must hold one input per row, shape (n_samples, ...), got shape {x.shape}")
    y = check_labels(
        "y", y, num_classes=check_int("num_classes", model_options.get("num_classes", 10), 2, 1000), n_samples=len(x)
    )
    if batch_size > len(x):
        raise InvalidParameterError(f"batch_size must be <= the number of samples ({len(x)}), got {batch_size}")
    keras.utils.set_random_seed(seed)
    model = build_running_example(input_shape=x.shape[1:], seed=seed, **model_options)
    compile_running_example(model, optimizer, learning_rate=min_lr)
    # whole batches only, reshuffled every pass: `steps` batches of equal size in one "epoch"
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).repeat()
    model.fit(
        dataset.batch(batch_size, drop_remainder=True),
        steps_per_epoch=test.steps,
        epochs=1,
        verbose=0,
        shuffle=False,
        callbacks=[test],
    )
    return test
