"""Schedules of ``schedules`` as ``keras.optimizers.schedules.LearningRateSchedule`` s, for ``learning_rate=``.

``OneCycle`` is :func:`~dlopt_helpers.optim.schedules.one_cycle` in Keras ops (usable inside ``tf.function``,
serializable with ``get_config``). Warm-up + cosine needs no class of its own:
``keras.optimizers.schedules.CosineDecay(initial, decay_steps, alpha, warmup_target=..., warmup_steps=...)``
already equals :func:`~dlopt_helpers.optim.schedules.cosine_decay` with the same arguments at every step
(``tests/test_schedules.py`` checks all of them). ``ReduceLROnPlateau`` reacts to the monitored value, so it is a
callback in Keras (``keras.callbacks.ReduceLROnPlateau``), not a schedule; ``plateau_schedule`` replays its rule.
"""

from __future__ import annotations

import math

import keras

from .._validation import Instance, validate_params
from .schedules import ONE_CYCLE_CONSTRAINTS, _check_one_cycle_steps, _one_cycle_landmarks


@keras.saving.register_keras_serializable(package="dlopt_helpers")
class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """1cycle as a Keras schedule: ``OneCycle(...)(step) == one_cycle(step, ...)`` at every step.

    ``keras.optimizers.SGD(learning_rate=OneCycle(0.1, total_steps=epochs * steps_per_epoch))``: the optimizer
    calls it with its ``iterations`` (0 for the first update). Computed in float64 and returned as float32,
    so it equals the NumPy function to float32 rounding. The arguments are those of ``one_cycle``.
    """

    @validate_params(name=Instance(str, what="a string"), **ONE_CYCLE_CONSTRAINTS)
    def __init__(
        self,
        max_lr: float,
        total_steps: int,
        pct_start: float = 0.3,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        anneal: str = "cos",
        name: str = "OneCycle",
    ):
        super().__init__()
        _check_one_cycle_steps(total_steps, pct_start)
        self.max_lr, self.total_steps, self.pct_start = max_lr, total_steps, pct_start
        self.div_factor, self.final_div_factor, self.anneal, self.name = div_factor, final_div_factor, anneal, name

    def __call__(self, step):
        ops = keras.ops
        initial_lr, min_lr, peak, last = _one_cycle_landmarks(
            self.max_lr, self.total_steps, self.pct_start, self.div_factor, self.final_div_factor
        )
        step = ops.minimum(ops.cast(step, "float64"), last)
        warm = self._anneal(initial_lr, self.max_lr, step / peak)
        cool = self._anneal(self.max_lr, min_lr, (step - peak) / (last - peak))
        return ops.cast(ops.where(step <= peak, warm, cool), "float32")

    def _anneal(self, start, end, pct):
        if self.anneal == "cos":
            return end + (start - end) / 2.0 * (keras.ops.cos(math.pi * pct) + 1.0)
        return (end - start) * pct + start

    def get_config(self) -> dict:
        return {
            "max_lr": self.max_lr,
            "total_steps": self.total_steps,
            "pct_start": self.pct_start,
            "div_factor": self.div_factor,
            "final_div_factor": self.final_div_factor,
            "anneal": self.anneal,
            "name": self.name,
        }
