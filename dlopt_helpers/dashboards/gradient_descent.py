"""Gradient descent on a line fit: learning rate, L2 strength and steps -> fitted line and loss curve (notebook 01)."""

from __future__ import annotations

import numpy as np

from .._validation import check_finite_array, check_float, check_int
from ..i18n import gettext
from ..optim import GDRun, gradient_descent_linear
from ..plotting import COLORS, new_figure
from .base import ON_TOP, FigureDashboard, message_text, wrap_message
from .controls import fit_labels, learning_rate_slider

__all__ = ["GradientDescentDashboard", "step_axis_end"]


def step_axis_end(steps: int) -> int:
    """Round a step axis up to 10, 20, 50, 100 or 200 (else ``steps``), so most slider moves keep the background."""
    return next((end for end in (10, 20, 50, 100, 200) if steps <= end), steps)


def _diabetes_bmi():
    """Body-mass index vs disease progression (diabetes set), both standardized."""
    from ..data import load_table

    split = load_table("diabetes", standardize=True)
    bmi = split.feature_names.index("bmi")
    y = split.y_train
    return split.x_train[:, bmi].astype(np.float64), (y - y.mean()) / y.std()


class GradientDescentDashboard(FigureDashboard):
    """Learning rate, L2 strength and steps -> fitted line and loss curve, live.

    Introduced in ``notebooks/01_core_concepts.ipynb``; the algorithm is ``optim.gradient_descent_linear``.

    Parameters
    ----------
    x, y : (n,) arrays, optional
        The data. Default: body-mass index vs disease progression from the
        diabetes set (training part, standardized).
    learning_rate : float in [0.001, 3], l2 : float in [0, 2], steps : int in [1, 200]
        Starting values of the three sliders.

    Examples
    --------
    >>> dashboard = GradientDescentDashboard()           # doctest: +SKIP
    >>> dashboard                                          # shows sliders + figure
    >>> dashboard.controls["learning_rate"].value = 1.5   # from Python, as in the tests
    >>> dashboard.state.diverged
    True
    """

    #: loss axis range (log scale): the loss starts at mean(y^2) = 1 for standardized data
    LOSS_LIMITS = (0.3, 300.0)

    def __init__(self, x=None, y=None, learning_rate: float = 0.1, l2: float = 0.0, steps: int = 30):
        if (x is None) != (y is None):
            raise ValueError("x and y must be given together")
        if x is None:
            x, y = _diabetes_bmi()
        self.x = check_finite_array("x", x, ndim=1)
        self.y = check_finite_array("y", y, ndim=1)
        if len(self.x) != len(self.y):
            raise ValueError(f"x and y must have the same length, got {len(self.x)} and {len(self.y)}")
        learning_rate = check_float("learning_rate", learning_rate, 1e-3, 3)
        l2 = check_float("l2", l2, 0, 2)
        steps = check_int("steps", steps, 1, 200)

        import ipywidgets as widgets

        self.controls = {
            "learning_rate": learning_rate_slider(learning_rate, 1e-3, 3),
            "l2": widgets.FloatSlider(
                value=l2, min=0, max=2, step=0.05, description="L2 strength", continuous_update=True
            ),
            "steps": widgets.IntSlider(value=steps, min=1, max=200, description="steps", continuous_update=True),
        }
        fit_labels(self.controls)
        self._build_figure()
        self._start()

    def _build_figure(self) -> None:
        self.fig, (self.ax_fit, self.ax_loss) = new_figure(1, 2, figsize=(8.4, 3.2), layout="none")
        order = np.argsort(self.x)
        self._x_line = self.x[order][[0, -1]]
        self.ax_fit.scatter(self.x, self.y, s=8, alpha=0.4, color=COLORS[5], label="data")
        (self.line_fit,) = self.ax_fit.plot(self._x_line, [0, 0], color=COLORS[0], lw=2, label="gradient descent")
        (self.line_best,) = self.ax_fit.plot(self._x_line, [0, 0], "--", color=COLORS[3], label="minimum (Ridge)")
        self.ax_fit.set_xlabel("x (standardized)")
        self.ax_fit.set_ylabel("y (standardized)")
        self.ax_fit.set_ylim(self.y.min() - 0.5, self.y.max() + 1.0)
        self.ax_fit.legend(loc="lower right", fontsize=8)
        self.text_fit = self.ax_fit.text(
            0.03, 0.96, "", transform=self.ax_fit.transAxes, va="top", fontsize=9, zorder=ON_TOP
        )
        (self.line_loss,) = self.ax_loss.plot([], [], color=COLORS[0], marker=".", ms=3, label="gradient descent")
        (self.line_min,) = self.ax_loss.plot([], [], color=COLORS[3], ls="--", label="minimum")
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_ylim(*self.LOSS_LIMITS)
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss (MSE + L2)")
        self.ax_loss.legend(loc="center right", fontsize=8)
        self.message = message_text(self.ax_loss, fontsize=8.5)
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.95, wspace=0.25)
        for artist in (self.line_fit, self.line_best, self.text_fit, self.line_loss, self.line_min, self.message):
            artist.set_animated(True)

    def minimum(self, l2: float) -> tuple[float, float, float]:
        """``(w*, b*, L*)``: the exact minimum, by the normal equations (what GD should approach)."""
        n = len(self.x)
        design = np.column_stack([self.x, np.ones(n)])
        penalty = np.diag([l2, 0.0])
        try:
            w, b = np.linalg.solve(design.T @ design / n + penalty, design.T @ self.y / n)
        except np.linalg.LinAlgError:  # one point or a constant x: many minima, draw the smallest (w, b)
            w, b = np.linalg.lstsq(design.T @ design / n + penalty, design.T @ self.y / n, rcond=None)[0]
        loss = np.mean((w * self.x + b - self.y) ** 2) + l2 * w**2
        return float(w), float(b), float(loss)

    _step_axis_end = staticmethod(step_axis_end)

    def layout_key(self, learning_rate, l2, steps):
        return step_axis_end(steps)  # only the step axis changes with the controls

    def update(self, learning_rate: float, l2: float, steps: int) -> GDRun:
        """Recompute gradient descent and move the artists; returns the ``GDRun``."""
        run = gradient_descent_linear(self.x, self.y, learning_rate, l2, steps)
        w_best, b_best, loss_best = self.minimum(l2)
        last = (run.diverged_at or len(run.losses)) - 1
        self.line_fit.set_ydata(run.weights[last] * self._x_line + run.biases[last])
        self.line_best.set_ydata(w_best * self._x_line + b_best)
        self.line_loss.set_data(np.arange(len(run.losses)), np.clip(run.losses, None, self.LOSS_LIMITS[1] * 10))
        self.line_min.set_data([0, steps], [loss_best, loss_best])
        self.ax_loss.set_xlim(-0.5, step_axis_end(steps) + 0.5)
        w, b = (float(np.round(v, 3)) + 0.0 for v in (run.weights[last], run.biases[last]))
        self.text_fit.set_text(gettext("w = {w:.3f}, b = {b:.3f}  (step {step})").format(w=w, b=b, step=last))
        if run.diverged:  # the message, on three short lines
            self.message.set_text(wrap_message(run.message.replace(": ", ":\n", 1).replace(" (", "\n(", 1)))
        else:
            self.message.set_text(
                gettext("η = {rate:.3g} (stable below {stable:.3g})\n{message}").format(
                    rate=learning_rate, stable=run.stable_below, message=run.message
                )
            )
        self.message.set_color(COLORS[3] if run.diverged else "black")
        return run
