"""Gradient descent on a straight-line fit, step by step (chapter 01 and its dashboard)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_finite_array, check_float, check_int
from ..divergence import Divergence
from ..i18n import gettext
from .runs import RunReport

# ----------------------------------------------------------------------------- gradient descent on a line (notebook 01)


@dataclass(frozen=True)
class GDRun(RunReport):
    """The trajectory of gradient descent on ``mean((w x + b - y)^2) + l2 w^2``.

    ``weights``, ``biases``, ``losses`` have ``steps + 1`` entries (the start
    included); after a divergence the remaining entries are NaN.
    """

    weights: np.ndarray
    biases: np.ndarray
    losses: np.ndarray
    learning_rate: float
    l2: float
    stable_below: float  # 2 / largest eigenvalue of the Hessian
    diverged_at: int | None
    divergence: Divergence | None = None  # kind and cause (``dlopt_helpers.divergence``)

    @property
    def message(self) -> str:
        if self.diverged:
            return self.divergence_message(gettext(" (stable below {rate:.3g})").format(rate=self.stable_below))
        return gettext("final loss {loss:.4f} after {steps} steps").format(
            loss=self.losses[-1], steps=len(self.losses) - 1
        )


def gradient_descent_linear(
    x, y, learning_rate: float, l2: float = 0.0, steps: int = 50, w0: float = 0.0, b0: float = 0.0
) -> GDRun:
    """Batch gradient descent for the line ``y ≈ w x + b`` with an L2 penalty on ``w`` (notebook 01).

    Loss ``L(w, b) = mean((w x + b - y)^2) + l2 w^2``; gradients
    ``dL/dw = 2 mean((w x + b - y) x) + 2 l2 w`` and ``dL/db = 2 mean(w x + b - y)``.
    Its minimum is scikit-learn's ``Ridge(alpha=n * l2)`` (Ridge sums squared errors
    instead of averaging them). The gradient-descent dashboard of notebook 01
    (``dashboards.GradientDescentDashboard``) draws its runs.

    Parameters
    ----------
    x, y : (n,) finite floats, same length
    learning_rate : float > 0
    l2 : float >= 0
    steps : int in [1, 10000]
    w0, b0 : float, the starting point

    Returns
    -------
    GDRun
    """
    from ..divergence import exploding

    x = check_finite_array("x", x, ndim=1)
    y = check_finite_array("y", y, ndim=1)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
    l2 = check_float("l2", l2, 0)
    steps = check_int("steps", steps, 1, 10_000)
    # NumPy floats: an overflow becomes inf (a divergence report), not Python's OverflowError
    w, b = np.float64(check_float("w0", w0)), np.float64(check_float("b0", b0))

    with np.errstate(over="ignore", invalid="ignore"):
        mean_x, mean_xx = x.mean(), (x * x).mean()
        hessian = 2 * np.array([[mean_xx + l2, mean_x], [mean_x, 1.0]])
        stable_below = 2 / np.linalg.eigvalsh(hessian).max() if np.all(np.isfinite(hessian)) else 0.0

    weights = np.full(steps + 1, np.nan)
    biases = np.full(steps + 1, np.nan)
    losses = np.full(steps + 1, np.nan)
    diverged_at = found = None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            residual = w * x + b - y
            loss = np.mean(residual**2) + l2 * w**2
            if step == 0 and not np.isfinite(loss):  # the start, not the learning rate
                diverged_at, found = (
                    0,
                    Divergence(
                        0,
                        "non_finite",
                        "start",
                        gettext(
                            "the start w0 = {w:.3g}, b0 = {b:.3g} gives a loss that is not finite; start nearer the data"
                        ).format(w=float(w), b=float(b)),
                    ),
                )
                break
            kind = exploding(float(loss), start_loss=losses[0] if step > 0 else None)
            if kind is not None:
                diverged_at, found = step, Divergence(step, kind, "learning_rate")
                break
            weights[step], biases[step], losses[step] = w, b, loss
            grad_w = 2 * np.mean(residual * x) + 2 * l2 * w
            grad_b = 2 * np.mean(residual)
            w, b = w - learning_rate * grad_w, b - learning_rate * grad_b
    return GDRun(weights, biases, losses, learning_rate, l2, float(stable_below), diverged_at, found)
