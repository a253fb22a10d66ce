"""Learning-rate schedules as plain functions of the step, each equal to its ``keras.optimizers.schedules`` twin."""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import InvalidParameterError, check_float, check_int


# ----------------------------------------------------------------------------- schedules
def step_decay(step: int, initial: float, drop: float, every: int) -> float:
    """``initial * drop ** floor(step / every)``: ``ExponentialDecay(..., staircase=True)`` in Keras."""
    step = check_int("step", step, 0)
    every = check_int("every", every, 1)
    return check_float("initial", initial, 0, low_inclusive=False) * check_float("drop", drop, 0, 1) ** (step // every)


def exponential_decay(step: int, initial: float, decay_rate: float, decay_steps: int) -> float:
    """``initial * decay_rate ** (step / decay_steps)``: ``keras.optimizers.schedules.ExponentialDecay``."""
    step = check_int("step", step, 0)
    decay_steps = check_int("decay_steps", decay_steps, 1)
    initial = check_float("initial", initial, 0, low_inclusive=False)
    return initial * check_float("decay_rate", decay_rate, 0, 1) ** (step / decay_steps)


def cosine_decay(
    step: int,
    initial: float,
    decay_steps: int,
    alpha: float = 0.0,
    warmup_target: float | None = None,
    warmup_steps: int = 0,
) -> float:
    """Cosine decay, optionally after a linear warm-up: ``keras.optimizers.schedules.CosineDecay``.

    Without warm-up: ``initial * ((1 - α) (1 + cos(π min(step, T) / T)) / 2 + α)`` with ``T = decay_steps``.
    With ``warmup_target`` (Keras' arguments of the same names): the rate rises linearly from
    ``initial`` to ``warmup_target`` over ``warmup_steps`` steps, then decays from ``warmup_target``
    as above over the next ``decay_steps`` steps. Warm-up keeps the first steps small while the
    weights and the optimizer's running averages still reflect the random start.

    Examples
    --------
    >>> cosine_decay(10, 0.0, 100, warmup_target=0.1, warmup_steps=20)
    0.05
    """
    step = check_int("step", step, 0)
    decay_steps = check_int("decay_steps", decay_steps, 1)
    alpha = check_float("alpha", alpha, 0, 1)
    if warmup_target is None:
        if warmup_steps:
            raise ValueError(f"warmup_steps={warmup_steps} needs a warmup_target (the rate the warm-up ends at)")
        initial = check_float("initial", initial, 0, low_inclusive=False)
        progress = min(step, decay_steps) / decay_steps
        return initial * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * progress)) + alpha)
    initial = check_float("initial", initial, 0)  # a warm-up may start from 0
    warmup_target = check_float("warmup_target", warmup_target, 0, low_inclusive=False)
    if isinstance(warmup_steps, numbers.Integral) and not isinstance(warmup_steps, bool) and warmup_steps < 1:
        raise InvalidParameterError(
            f"warmup_target={warmup_target:g} needs warmup_steps >= 1 (the steps of the "
            f"warm-up), got warmup_steps={warmup_steps}"
        )
    warmup_steps = check_int("warmup_steps", warmup_steps, 1)
    step = min(step, warmup_steps + decay_steps)
    if step < warmup_steps:
        return initial + (warmup_target - initial) * step / warmup_steps
    progress = (step - warmup_steps) / decay_steps
    return warmup_target * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * progress)) + alpha)
