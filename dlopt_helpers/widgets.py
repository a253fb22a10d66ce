"""Live dashboards (ipywidgets 8) built on one pattern: compute, then redraw the same figure.

Each dashboard separates ``update(**values)`` (recompute the state and move the
existing matplotlib artists, no new figure) from its display, so it can be
driven and tested headless: set ``dashboard.controls[name].value`` from Python
and read ``dashboard.state``. Divergence is drawn into the figure as a message,
never raised as a traceback.

``GradientDescentDashboard`` is introduced in ``notebooks/01_core_concepts.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._validation import check_finite_array, check_float, check_int
from .plotting import COLORS, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["GDRun", "gradient_descent_linear", "FigureDashboard", "GradientDescentDashboard"]

#: A loss this many times larger than the starting loss counts as exploding.
EXPLOSION_FACTOR = 1e6


@dataclass(frozen=True)
class GDRun:
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

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def message(self) -> str:
        if self.diverged:
            return (
                f"diverged at step {self.diverged_at}: learning rate {self.learning_rate:.3g} is too "
                f"large for this surface (stable below {self.stable_below:.3g})"
            )
        return f"final loss {self.losses[-1]:.4f} after {len(self.losses) - 1} steps"


def gradient_descent_linear(x, y, learning_rate: float, l2: float = 0.0, steps: int = 50,
                            w0: float = 0.0, b0: float = 0.0) -> GDRun:
    """Batch gradient descent for the line ``y ≈ w x + b`` with an L2 penalty on ``w``.

    Loss ``L(w, b) = mean((w x + b - y)^2) + l2 w^2``; gradients
    ``dL/dw = 2 mean((w x + b - y) x) + 2 l2 w`` and ``dL/db = 2 mean(w x + b - y)``.
    Its minimum is scikit-learn's ``Ridge(alpha=n * l2)`` (Ridge sums squared errors
    instead of averaging them).

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
    x = check_finite_array("x", x, ndim=1)
    y = check_finite_array("y", y, ndim=1)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
    l2 = check_float("l2", l2, 0)
    steps = check_int("steps", steps, 1, 10_000)
    w, b = check_float("w0", w0), check_float("b0", b0)

    with np.errstate(over="ignore", invalid="ignore"):
        mean_x, mean_xx = x.mean(), (x * x).mean()
        hessian = 2 * np.array([[mean_xx + l2, mean_x], [mean_x, 1.0]])
        stable_below = 2 / np.linalg.eigvalsh(hessian).max() if np.all(np.isfinite(hessian)) else 0.0

    weights = np.full(steps + 1, np.nan)
    biases = np.full(steps + 1, np.nan)
    losses = np.full(steps + 1, np.nan)
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            residual = w * x + b - y
            loss = np.mean(residual**2) + l2 * w**2
            if not np.isfinite(loss) or (step > 0 and loss > EXPLOSION_FACTOR * max(losses[0], 1e-12)):
                diverged_at = step
                break
            weights[step], biases[step], losses[step] = w, b, loss
            grad_w = 2 * np.mean(residual * x) + 2 * l2 * w
            grad_b = 2 * np.mean(residual)
            w, b = w - learning_rate * grad_w, b - learning_rate * grad_b
    return GDRun(weights, biases, losses, learning_rate, l2, float(stable_below), diverged_at)


def _diabetes_bmi():
    """Body-mass index vs disease progression (diabetes set), both standardized."""
    from .data import load_table

    split = load_table("diabetes", standardize=True)
    bmi = split.feature_names.index("bmi")
    y = split.y_train
    return split.x_train[:, bmi].astype(np.float64), (y - y.mean()) / y.std()


class FigureDashboard:
    """Base of the course's dashboards: controls -> ``update`` -> one reused figure -> PNG widget.

    Speed (the course's goal is < 50 ms per slider move on 2 CPU cores): the
    figure is drawn in full only when its layout changes (``layout_key``); the
    artists a subclass marks *animated* are redrawn on top of a cached
    background (blitting), and the result is encoded once as a PNG and pushed to
    an ``ipywidgets.Image``. No new figure, no ``clear_output`` flicker.

    Subclasses set ``self.controls`` (name -> widget) and ``self.fig``, mark their
    moving artists with ``set_animated(True)``, and implement ``update(**values)``
    (recompute, move artists, return the state) and optionally ``layout_key``.
    """

    controls: dict
    fig: "Figure"

    def _start(self) -> None:
        """Call at the end of the subclass ``__init__``: first render, then live updates."""
        import ipywidgets as widgets
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if self.fig.get_layout_engine() is not None:
            raise ValueError("dashboard figures must be made with layout='none': a layout engine re-runs on every draw")
        self.canvas = FigureCanvasAgg(self.fig)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{self.fig.bbox.width:.0f}px"))
        self._background_key = object()
        self._background = None
        self.render_count = 0
        self.refresh()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    def values(self) -> dict:
        """The current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def layout_key(self, **values):
        """Values that change axes limits or ticks: a new key redraws the background."""
        return None

    def update(self, **values):  # pragma: no cover - abstract
        raise NotImplementedError

    def _on_change(self, change) -> None:
        self.refresh()

    def refresh(self):
        """Recompute from the controls and redraw; returns the new state."""
        values = self.values()
        self.state = self.update(**values)
        self._draw(self.layout_key(**values))
        self.image.value = self.png()
        self.render_count += 1
        return self.state

    def _animated(self):
        return [a for a in self.fig.findobj() if a.get_animated() and a.get_visible()]

    def _draw(self, key) -> None:
        if key != self._background_key or self._background is None:
            self.canvas.draw()  # everything not animated
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._background_key = key
        self.canvas.restore_region(self._background)
        for artist in self._animated():
            self.fig.draw_artist(artist)

    def png(self) -> bytes:
        """The figure as last drawn, as PNG bytes (what the widget shows)."""
        import io

        from PIL import Image

        buffer = io.BytesIO()
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    @property
    def widget(self):
        """Controls above the figure, as one ipywidgets box."""
        import ipywidgets as widgets

        return widgets.VBox([widgets.HBox(list(self.controls.values())), self.image])

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


class GradientDescentDashboard(FigureDashboard):
    """Learning rate, L2 strength and steps -> fitted line and loss curve, live.

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
            "learning_rate": widgets.FloatLogSlider(
                value=learning_rate, base=10, min=-3, max=np.log10(3), step=0.05,
                description="learning rate", continuous_update=True, readout_format=".3g",
            ),
            "l2": widgets.FloatSlider(
                value=l2, min=0, max=2, step=0.05, description="L2 strength", continuous_update=True
            ),
            "steps": widgets.IntSlider(value=steps, min=1, max=200, description="steps", continuous_update=True),
        }
        for control in self.controls.values():
            control.style.description_width = "7em"
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
        self.text_fit = self.ax_fit.text(0.03, 0.96, "", transform=self.ax_fit.transAxes, va="top", fontsize=9)
        (self.line_loss,) = self.ax_loss.plot([], [], color=COLORS[0], marker=".", ms=3, label="gradient descent")
        (self.line_min,) = self.ax_loss.plot([], [], color=COLORS[3], ls="--", label="minimum")
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_ylim(*self.LOSS_LIMITS)
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss (MSE + L2)")
        self.ax_loss.legend(loc="center right", fontsize=8)
        self.message = self.ax_loss.text(
            0.5, 0.96, "", transform=self.ax_loss.transAxes, ha="center", va="top", fontsize=8.5,
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.9, "edgecolor": "none"},
        )
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.95, wspace=0.25)
        for artist in (self.line_fit, self.line_best, self.text_fit, self.line_loss, self.line_min, self.message):
            artist.set_animated(True)

    def minimum(self, l2: float) -> tuple[float, float, float]:
        """``(w*, b*, L*)``: the exact minimum, by the normal equations (what GD should approach)."""
        n = len(self.x)
        design = np.column_stack([self.x, np.ones(n)])
        penalty = np.diag([l2, 0.0])
        w, b = np.linalg.solve(design.T @ design / n + penalty, design.T @ self.y / n)
        loss = np.mean((w * self.x + b - self.y) ** 2) + l2 * w**2
        return float(w), float(b), float(loss)

    @staticmethod
    def _step_axis_end(steps: int) -> int:
        """Round the step axis up to 10, 20, 50, 100 or 200 so most slider moves keep the background."""
        return next(end for end in (10, 20, 50, 100, 200) if steps <= end)

    def layout_key(self, learning_rate, l2, steps):
        return self._step_axis_end(steps)  # only the step axis changes with the controls

    def update(self, learning_rate: float, l2: float, steps: int) -> GDRun:
        """Recompute gradient descent and move the artists; returns the ``GDRun``."""
        run = gradient_descent_linear(self.x, self.y, learning_rate, l2, steps)
        w_best, b_best, loss_best = self.minimum(l2)
        last = (run.diverged_at or len(run.losses)) - 1
        self.line_fit.set_ydata(run.weights[last] * self._x_line + run.biases[last])
        self.line_best.set_ydata(w_best * self._x_line + b_best)
        self.line_loss.set_data(np.arange(len(run.losses)), np.clip(run.losses, None, self.LOSS_LIMITS[1] * 10))
        self.line_min.set_data([0, steps], [loss_best, loss_best])
        self.ax_loss.set_xlim(-0.5, self._step_axis_end(steps) + 0.5)
        w, b = (float(np.round(v, 3)) + 0.0 for v in (run.weights[last], run.biases[last]))
        self.text_fit.set_text(f"w = {w:.3f}, b = {b:.3f}  (step {last})")
        if run.diverged:  # the message, on three short lines
            self.message.set_text(run.message.replace(": ", ":\n", 1).replace(" (", "\n(", 1))
        else:
            self.message.set_text(f"η = {learning_rate:.3g} (stable below {run.stable_below:.3g})\n{run.message}")
        self.message.set_color(COLORS[3] if run.diverged else "black")
        return run
