"""Learning-rate schedules as plain functions of the step, each equal to its ``keras.optimizers.schedules`` twin."""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import Array, Integer, InvalidParameterError, Options, Real, check_float, check_int, validate_params


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


# ----------------------------------------------------------------------------- 1cycle
def _anneal(start: float, end: float, pct: float, anneal: str) -> float:
    if anneal == "cos":
        return end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1.0)
    return (end - start) * pct + start


def _one_cycle_landmarks(max_lr: float, total_steps: int, pct_start: float, div_factor: float, final_div_factor: float):
    """``(initial_lr, min_lr, peak_step, last_step)`` of a 1cycle schedule (see ``one_cycle``)."""
    initial_lr = max_lr / div_factor
    return initial_lr, initial_lr / final_div_factor, pct_start * total_steps - 1.0, float(total_steps - 1)


def _check_one_cycle_steps(total_steps: int, pct_start: float) -> None:
    if not pct_start * total_steps > 1.0:
        raise InvalidParameterError(
            f"pct_start * total_steps must be > 1 (the warm-up must last more than one step), got "
            f"pct_start={pct_start:g} and total_steps={total_steps}"
        )


#: the parameters of 1cycle, shared by ``one_cycle`` and the Keras schedule ``OneCycle``
ONE_CYCLE_CONSTRAINTS = {
    "max_lr": Real(0, None, closed="neither"),
    "total_steps": Integer(2, None),
    "pct_start": Real(0, 1, closed="neither"),
    "div_factor": Real(0, None, closed="neither"),
    "final_div_factor": Real(0, None, closed="neither"),
    "anneal": Options("cos", "linear"),
}


@validate_params(step=Integer(0, None), **ONE_CYCLE_CONSTRAINTS)
def one_cycle(
    step: int,
    max_lr: float,
    total_steps: int,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    anneal: str = "cos",
) -> float:
    """The 1cycle learning rate (Smith & Topin 2019) at ``step``, as PyTorch's ``OneCycleLR`` computes it.

    Two phases (PyTorch's default ``three_phase=False``), with ``η0 = max_lr / div_factor`` and
    ``η_min = η0 / final_div_factor``, ``p = pct_start · total_steps - 1`` (the peak step) and
    ``e = total_steps - 1`` (the last step)::

        step <= p:  η = anneal(η0, max_lr, step / p)                 warm-up: η0 → max_lr
        step >  p:  η = anneal(max_lr, η_min, (step - p) / (e - p))  annealing: max_lr → η_min

        anneal(a, b, x) = b + (a - b) (1 + cos(π x)) / 2     (anneal="cos")
        anneal(a, b, x) = a + (b - a) x                      (anneal="linear")

    So the rate starts at ``max_lr / div_factor``, reaches ``max_lr`` at step ``pct_start · total_steps - 1``
    (counting from 0: the ``pct_start · total_steps``-th step), and ends at ``max_lr / (div_factor ·
    final_div_factor)`` on the last step, ``total_steps - 1``. PyTorch raises past ``total_steps``; here
    (as Keras' decay schedules do) the rate stays at its final value. ``OneCycle`` is the same schedule as a
    ``keras.optimizers.schedules.LearningRateSchedule``. PyTorch's momentum cycling is not part of it.

    Examples
    --------
    >>> round(one_cycle(0, 0.1, 100), 6), round(one_cycle(29, 0.1, 100), 6), one_cycle(99, 0.1, 100)
    (0.004, 0.1, 4e-07)
    """
    _check_one_cycle_steps(total_steps, pct_start)
    initial_lr, min_lr, peak, last = _one_cycle_landmarks(max_lr, total_steps, pct_start, div_factor, final_div_factor)
    step = min(step, total_steps - 1)
    if step <= peak:
        return float(_anneal(initial_lr, max_lr, step / peak, anneal))
    return float(_anneal(max_lr, min_lr, (step - peak) / (last - peak), anneal))


# ----------------------------------------------------------------------------- ReduceLROnPlateau
@validate_params(
    val_losses=Array(ndim=1, finite=False),
    initial=Real(0, None, closed="neither"),
    factor=Real(0, 1, closed="neither"),
    patience=Integer(0, None),
    min_delta=Real(0, None),
    cooldown=Integer(0, None),
    min_lr=Real(0, None),
    mode=Options("min", "max"),
)
def plateau_schedule(
    val_losses,
    initial: float,
    factor: float = 0.1,
    patience: int = 10,
    min_delta: float = 1e-4,
    cooldown: int = 0,
    min_lr: float = 0.0,
    mode: str = "min",
) -> np.ndarray:
    """The learning rate of each epoch under ``keras.callbacks.ReduceLROnPlateau``, given the monitored values.

    ``val_losses[i]`` is the value monitored at the end of epoch ``i`` (trained with rate ``lrs[i]``); the
    result ``lrs`` has one rate per epoch. Keras' rule, after each epoch (``wait``, ``cooldown_counter`` start
    at 0, ``best`` at the first value)::

        if cooldown_counter > 0:  cooldown_counter -= 1; wait = 0
        if value improves on best:  best = value; wait = 0      (min: value + min_delta < best;
        elif cooldown_counter == 0:                              max: value - min_delta > best)
            wait += 1
            if wait >= patience and lr > min_lr:
                lr = max(lr · factor, min_lr); cooldown_counter = cooldown; wait = 0

    So ``min_delta`` is an absolute threshold, the epoch that ends a cooldown already counts towards
    ``patience``, and once the rate sits at ``min_lr`` the rule stops resetting ``wait``. As in Keras, the
    rate is stored in float32 (the optimizer's variable) and values are compared in float32.

    Examples
    --------
    >>> plateau_schedule([1.0, 0.9, 0.9, 0.9, 0.9], 0.1, factor=0.5, patience=2).round(4).tolist()
    [0.1, 0.1, 0.1, 0.1, 0.05]
    """
    lr = float(np.float32(initial))
    best, wait, cooldown_counter = None, 0, 0
    rates = np.empty(len(val_losses))
    for epoch, value in enumerate(val_losses.tolist()):
        rates[epoch] = lr
        if cooldown_counter > 0:
            cooldown_counter -= 1
            wait = 0
        shifted = value + min_delta if mode == "min" else value - min_delta
        if best is None or (
            np.float32(shifted) < np.float32(best) if mode == "min" else np.float32(shifted) > np.float32(best)
        ):
            best, wait = value, 0
        elif cooldown_counter == 0:
            wait += 1
            if wait >= patience and lr > np.float32(min_lr):
                lr = float(np.float32(max(lr * factor, min_lr)))
                cooldown_counter, wait = cooldown, 0
    return rates
