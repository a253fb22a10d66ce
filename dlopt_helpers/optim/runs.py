"""Running an optimizer on a surface: the trajectory, its losses and the divergence rule."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import check_finite_array, check_int
from ..divergence import Divergence, surface_divergence
from ..i18n import gettext
from .rules import Optimizer, _scheduled_rate
from .surfaces import Surface


class RunReport:
    """What every optimization run reports: whether and where it diverged, as one readable sentence.

    Subclasses (dataclasses) have ``losses``, ``learning_rate`` and ``diverged_at`` fields, and a
    ``divergence`` (``divergence.Divergence``: kind and cause) where it diverged. The rule and its
    causes (learning rate, a far-away start, leaving the surface) are ``dlopt_helpers.divergence``'s.
    """

    diverged_at: int | None
    learning_rate: float
    losses: np.ndarray

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def cause(self) -> str | None:
        """``'learning_rate'``, ``'start'`` or ``'left_surface'`` after a divergence, else ``None``."""
        if not self.diverged:
            return None
        found = getattr(self, "divergence", None)
        return "learning_rate" if found is None else found.cause

    def divergence_message(self, detail: str = "") -> str:
        found = getattr(self, "divergence", None) or Divergence(self.diverged_at, "exploding", "learning_rate")
        return found.sentence(self.diverged_at, self.learning_rate, detail)


@dataclass(frozen=True)
class Trajectory(RunReport):
    """Points ``(steps + 1, 2)`` and losses ``(steps + 1,)``; NaN after a divergence."""

    points: np.ndarray
    losses: np.ndarray
    diverged_at: int | None
    optimizer: str
    learning_rate: float
    divergence: Divergence | None = None

    @property
    def message(self) -> str:
        if self.diverged:
            return self.divergence_message()
        return gettext("loss {loss:.4g} after {steps} steps").format(loss=self.losses[-1], steps=len(self.losses) - 1)


def run_optimizer(surface: Surface, optimizer: Optimizer, steps: int = 100, start=None) -> Trajectory:
    """Run ``optimizer`` on ``surface`` from ``start`` (default: the surface's start) for ``steps`` steps.

    Stops at the first divergence by ``divergence.surface_divergence`` (a non-finite or exploding loss,
    ``> EXPLOSION_FACTOR`` times the start; a point that runs away; a point that leaves the surface's
    ``domain``) and reports it, with its cause, in ``Trajectory.message``; never raises for divergence.
    A start that is already out of bounds is reported at step 0 as the start's fault.
    """
    if not isinstance(surface, Surface):
        raise ValueError(f"surface must be a Surface (see get_surface), got {type(surface).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an Optimizer (see make_optimizer), got {type(optimizer).__name__}")
    steps = check_int("steps", steps, 1, 100_000)
    point = check_finite_array("start", surface.start if start is None else start, ndim=1)
    if point.shape != (2,):
        raise ValueError(f"start must be a point (x, y), got shape {point.shape}")
    optimizer.reset()
    points = np.full((steps + 1, 2), np.nan)
    losses = np.full(steps + 1, np.nan)
    diverged_at = found = None
    with np.errstate(all="ignore"):
        for step in range(steps + 1):
            loss = float(surface.loss(point[0], point[1]))
            found = surface_divergence(
                step, point, loss, losses[0] if step else None, surface.xlim, surface.ylim, surface.domain
            )
            if found is not None:
                diverged_at = step
                break
            points[step], losses[step] = point, loss
            if step < steps:
                gradient = np.asarray(surface.gradient(point[0], point[1]), dtype=np.float64)
                if not (math.isfinite(gradient[0]) and math.isfinite(gradient[1])):  # overflowed: the next
                    diverged_at, found = step + 1, Divergence(step + 1, "non_finite", "learning_rate")  # point is NaN
                    break
                point = optimizer._step(point, gradient)
    lr = (
        optimizer.learning_rate
        if not callable(optimizer.learning_rate)
        else _scheduled_rate(optimizer.learning_rate, 0)
    )
    return Trajectory(points, losses, diverged_at, optimizer.name, float(lr), found)
