"""Live dashboards (ipywidgets 8) built on one pattern: compute, then redraw the same figure.

Each dashboard separates ``update(**values)`` (recompute the state and move the
existing matplotlib artists, no new figure) from its display, so it can be
driven and tested headless: set ``dashboard.controls[name].value`` from Python
and read ``dashboard.state``. Divergence is drawn into the figure as a message,
never raised as a traceback.

``GradientDescentDashboard`` is introduced in ``notebooks/01_core_concepts.ipynb``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._validation import InvalidParameterError, check_choice, check_finite_array, check_float, check_int, short_repr
from .divergence import Divergence, exploding, find_divergence
from .optim import RunReport
from .plotting import COLORS, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "GDRun",
    "gradient_descent_linear",
    "FigureDashboard",
    "GradientDescentDashboard",
    "OptimizerDashboard",
    "KerasTrainingDashboard",
    "RegularizationDashboard",
    "AugmentationDashboard",
    "SearchExplorer",
]

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
            return self.divergence_message(f" (stable below {self.stable_below:.3g})")
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
                diverged_at, found = 0, Divergence(0, "non_finite", "start",
                                                   f"the start w0 = {float(w):.3g}, b0 = {float(b):.3g} gives a "
                                                   f"loss that is not finite; start nearer the data")
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


def _wrap(text: str, width: int = 56) -> str:
    """Wrap each line of a figure message longer than ``width`` (the usual short messages stay as they are)."""
    import textwrap

    return "\n".join(textwrap.fill(line, width) if len(line) > width else line for line in text.split("\n"))


def _diabetes_bmi():
    """Body-mass index vs disease progression (diabetes set), both standardized."""
    from .data import load_table

    split = load_table("diabetes", standardize=True)
    bmi = split.feature_names.index("bmi")
    y = split.y_train
    return split.x_train[:, bmi].astype(np.float64), (y - y.mean()) / y.std()


def _check_control_value(name, control, value):
    """Raise ``ValueError`` unless ``value`` is one the control can take (sliders would clamp silently)."""
    if isinstance(control.value, bool):  # a checkbox
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, got {value!r}")
        return
    options = getattr(control, "options", None)
    if options is not None:
        labels = [o[1] if isinstance(o, tuple) else o for o in options]
        if value not in labels:
            raise ValueError(f"{name} must be one of {labels}, got {value!r}")
        return
    low, high = control.min, control.max
    if hasattr(control, "base"):  # FloatLogSlider: min and max are exponents
        low, high = control.base**low, control.base**high
    slack = 1e-9 * max(abs(low), abs(high))  # 10 ** log10(3) is 3 only up to rounding
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low - slack <= value <= high + slack:
        raise ValueError(f"{name} must be a number in [{low:.4g}, {high:.4g}], got {short_repr(value)}")
    if isinstance(control.value, int) and not isinstance(value, int):  # an IntSlider would truncate 10.5 to 10
        raise ValueError(f"{name} must be a whole number in [{low:.4g}, {high:.4g}], got {short_repr(value)}")


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

    def __init__(self):
        raise TypeError("FigureDashboard is the base class of the dashboards, not one to use: make a "
                        "GradientDescentDashboard, OptimizerDashboard, KerasTrainingDashboard, "
                        "RegularizationDashboard, AugmentationDashboard or SearchExplorer")

    def _start(self) -> None:
        """Call at the end of the subclass ``__init__``: first render, then live updates."""
        import ipywidgets as widgets
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if self.fig.get_layout_engine() is not None:
            raise ValueError("dashboard figures must be made with layout='none': a layout engine re-runs on every draw")
        self.canvas = FigureCanvasAgg(self.fig)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{self.fig.bbox.width:.0f}px"))
        # the figure's message as text too: readable by screen readers, searchable, testable in a browser
        self.status = widgets.HTML(layout=widgets.Layout(width=f"{self.fig.bbox.width:.0f}px"))
        self._background_key = object()
        self._background = None
        self.render_count = 0
        self.refused = None  # the last value a control refused, as a sentence (also in the status line)
        self.refresh()
        for name, control in self.controls.items():
            self._guard(name, control)
            control.observe(self._on_change, names="value")

    def _guard(self, name: str, control) -> None:
        """Refuse a value the control cannot take (NaN, out of range, not an option): keep the old one, say why.

        Installed as the control's own validator, so a refused value never reaches the control or
        ``update``: the dashboard keeps working and the status line explains what happened.
        """
        original = control._trait_validators.get("value")  # the widget's own check (clamping, options)

        def validate(owner, proposal):
            value = proposal["value"]
            try:
                if not isinstance(value, bool) and not isinstance(owner.value, bool):
                    _check_control_value(name, owner, value)
            except ValueError as error:
                self._explain_refusal(f"{error}; kept {short_repr(owner.value)}")
                return owner.value
            return original(owner, proposal) if original is not None else value

        control._register_validator(validate, ("value",))

    def _explain_refusal(self, sentence: str) -> None:
        import html

        self.refused = sentence
        self.status.value = f'<div class="dlopt-status" role="status">{html.escape(sentence)}</div>'

    def values(self) -> dict:
        """The current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    # -- settings as JSON, so a teacher can hand a class an exact setup -------------------------
    def config(self) -> dict:
        """Settings fixed when the dashboard is made (constructor arguments that have no control)."""
        return {}

    def to_json(self) -> str:
        """The dashboard's settings as a small JSON snippet (``load_json`` / ``from_json`` read it back)."""
        import json

        return json.dumps({"dashboard": type(self).__name__, **self.config(), **self.values()}, sort_keys=True)

    @classmethod
    def _parse_settings(cls, text: str) -> dict:
        import json

        try:
            settings = json.loads(text)
        except (TypeError, json.JSONDecodeError) as error:
            raise ValueError(f"text must be a JSON object saved by to_json(): {error}") from None
        if not isinstance(settings, dict):
            raise ValueError(f"text must be a JSON object saved by to_json(), got {type(settings).__name__}")
        kind = settings.pop("dashboard", cls.__name__)
        if kind != cls.__name__:
            raise ValueError(f"dashboard must be {cls.__name__!r}, got {kind!r}")
        return settings

    @classmethod
    def from_json(cls, text: str) -> "FigureDashboard":
        """A new dashboard with the settings of a ``to_json`` snippet (a teacher's exact setup)."""
        return cls(**cls._parse_settings(text))

    def load_json(self, text: str) -> None:
        """Apply settings saved by ``to_json`` to this dashboard; every value is checked before any is set."""
        settings = self._parse_settings(text)
        fixed = self.config()
        changed = sorted(k for k in set(settings) & set(fixed) if settings[k] != fixed[k])
        if changed:
            raise ValueError(f"{', '.join(changed)} cannot change on a running dashboard; "
                             f"use {type(self).__name__}.from_json(...) for a new one")
        settings = {k: v for k, v in settings.items() if k not in fixed}
        unknown = sorted(set(settings) - set(self.controls))
        if unknown:
            raise ValueError(f"settings must be among {sorted(self.controls)}, got unknown {unknown}")
        for name, value in settings.items():
            _check_control_value(name, self.controls[name], value)
        self._batch = True
        try:
            for name, value in settings.items():
                self.controls[name].value = value
        finally:
            self._batch = False
        self.refresh()

    def layout_key(self, **values):
        """Values that change axes limits or ticks: a new key redraws the background."""
        return None

    def update(self, **values):  # pragma: no cover - abstract
        raise NotImplementedError

    _batch = False

    def _on_change(self, change) -> None:
        if self._batch:
            return
        try:
            self.refresh()
        except (ValueError, ArithmeticError) as error:  # never leave the dashboard stuck on a bad setting
            self._batch = True
            try:
                change["owner"].value = change["old"]
            finally:
                self._batch = False
            self.refresh()
            self._explain_refusal(f"{error}; kept the previous settings")

    def refresh(self):
        """Recompute from the controls and redraw; returns the new state."""
        values = self.values()
        self.state = self.update(**values)
        self._draw(self.layout_key(**values))
        self.image.value = self.png()
        import html

        self.status.value = f'<div class="dlopt-status" role="status">{html.escape(self.status_message())}</div>'
        self.render_count += 1
        return self.state

    def status_message(self) -> str:
        """One line saying what the figure shows (divergence included); shown under the figure."""
        return getattr(self.state, "message", "")

    def _animated(self):
        return [a for a in self.fig.findobj() if a.get_animated() and a.get_visible()]

    def _draw(self, key) -> None:
        if key != self._background_key or self._background is None:
            self.canvas.draw()  # everything not animated
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._background_key = key
            # the moving artists change only with the layout: walking the figure's tree on every move
            # cost ~30 ms in the 18-tile augmentation grid
            self._moving = self._animated()
        self.canvas.restore_region(self._background)
        for artist in self._moving:
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

        return widgets.VBox([self._controls_box(list(self.controls.values())), self.image, self.status])

    @staticmethod
    def _controls_box(children):
        import ipywidgets as widgets

        return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap"))  # wrap on narrow screens

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
        try:
            w, b = np.linalg.solve(design.T @ design / n + penalty, design.T @ self.y / n)
        except np.linalg.LinAlgError:  # one point or a constant x: many minima, draw the smallest (w, b)
            w, b = np.linalg.lstsq(design.T @ design / n + penalty, design.T @ self.y / n, rcond=None)[0]
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
            self.message.set_text(_wrap(run.message.replace(": ", ":\n", 1).replace(" (", "\n(", 1)))
        else:
            self.message.set_text(f"η = {learning_rate:.3g} (stable below {run.stable_below:.3g})\n{run.message}")
        self.message.set_color(COLORS[3] if run.diverged else "black")
        return run


class OptimizerDashboard(FigureDashboard):
    """Learning rate, optimizer, momentum, steps and surface -> trajectory on the contour and loss curve.

    Introduced in ``notebooks/03_gradient_descent.ipynb``. The contour of a surface
    is drawn once (it is the cached background); a slider move recomputes the
    trajectory in NumPy (``optim.run_optimizer``) and redraws only the path, the
    loss curve and the message. Divergence is written into the figure.

    Parameters
    ----------
    learning_rate : float in [1e-4, 3]
    optimizer : one of ``optim.OPTIMIZERS``
    momentum : float in [0, 0.99] (momentum and Nesterov only)
    steps : int in [1, 300]
    surface : one of ``optim.SURFACES``
    """

    LOSS_RANGE = {"quadratic": (1e-8, 1e3), "rosenbrock": (1e-6, 1e4), "digits": (0.03, 20.0)}

    def __init__(self, learning_rate: float = 0.05, optimizer: str = "sgd", momentum: float = 0.9,
                 steps: int = 60, surface: str = "quadratic"):
        import ipywidgets as widgets

        from . import optim

        learning_rate = check_float("learning_rate", learning_rate, 1e-4, 3)
        check_choice("optimizer", optimizer, optim.OPTIMIZERS)
        momentum = check_float("momentum", momentum, 0, 0.99)
        steps = check_int("steps", steps, 1, 300)
        check_choice("surface", surface, optim.SURFACES)
        self.controls = {
            "learning_rate": widgets.FloatLogSlider(
                value=learning_rate, base=10, min=-4, max=np.log10(3), step=0.05,
                description="learning rate", continuous_update=True, readout_format=".3g",
            ),
            "optimizer": widgets.Dropdown(options=list(optim.OPTIMIZERS), value=optimizer, description="optimizer"),
            "momentum": widgets.FloatSlider(value=momentum, min=0, max=0.99, step=0.01, description="momentum",
                                            continuous_update=True),
            "steps": widgets.IntSlider(value=steps, min=1, max=300, description="steps", continuous_update=True),
            "surface": widgets.Dropdown(options=list(optim.SURFACES), value=surface, description="surface"),
        }
        for control in self.controls.values():
            control.style.description_width = "6.5em"
            control.layout.width = "300px"
        self.fig, (self.ax_surface, self.ax_loss) = new_figure(
            1, 2, figsize=(8.8, 3.6), layout="none", gridspec_kw={"width_ratios": [1.15, 1]}
        )
        self.fig.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.9, wspace=0.22)
        (self.path,) = self.ax_surface.plot([], [], "-o", color=COLORS[3], ms=2.5, lw=1.2, animated=True)
        (self.curve,) = self.ax_loss.plot([], [], color=COLORS[0], lw=1.5, animated=True)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss")
        self.message = self.ax_loss.text(
            0.5, 0.96, "", transform=self.ax_loss.transAxes, ha="center", va="top", fontsize=9, animated=True,
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.9, "edgecolor": "none"},
        )
        self._drawn_surface = None
        self._start()

    def layout_key(self, learning_rate, optimizer, momentum, steps, surface):
        return surface, GradientDescentDashboard._step_axis_end(min(steps, 200)) if steps <= 200 else 300

    def _draw_surface(self, name: str) -> None:
        from matplotlib.colors import LogNorm

        from . import optim

        surface = optim.get_surface(name)
        for artist in list(self.ax_surface.collections) + list(self.ax_surface.lines[1:]):
            artist.remove()
        X, Y, Z = surface.grid(90 if name != "digits" else 70)
        low = max(Z.min(), 1e-3 if name != "digits" else Z.min())
        levels = np.geomspace(low, Z.max(), 25)
        self.ax_surface.contourf(X, Y, Z, levels=levels, norm=LogNorm(), cmap="viridis", alpha=0.85)
        self.ax_surface.plot(*surface.minimum, "*", color="white", ms=11, mec="black")
        self.ax_surface.set_xlim(*surface.xlim)
        self.ax_surface.set_ylim(*surface.ylim)
        self.ax_surface.set_title(surface.description, fontsize=9)
        self.ax_loss.set_ylim(*self.LOSS_RANGE[name])
        self._drawn_surface = name

    def update(self, learning_rate, optimizer, momentum, steps, surface):
        """Recompute the trajectory and move the artists; returns the ``optim.Trajectory``."""
        from . import optim

        if surface != self._drawn_surface:
            self._draw_surface(surface)
        run = optim.run_optimizer(
            optim.get_surface(surface), optim.make_optimizer(optimizer, learning_rate, momentum=momentum), steps
        )
        self.path.set_data(run.points[:, 0], run.points[:, 1])
        low, high = self.LOSS_RANGE[surface]
        self.curve.set_data(np.arange(len(run.losses)), np.clip(run.losses, low, high * 10))
        self.ax_loss.set_xlim(-0.5, self.layout_key(learning_rate, optimizer, momentum, steps, surface)[1] + 0.5)
        uses_momentum = optimizer in ("momentum", "nesterov")
        header = f"{optimizer}, η = {learning_rate:.3g}" + (f", μ = {momentum:.2f}" if uses_momentum else "")
        body = _wrap(run.message.replace(": ", ":\n", 1)) if run.diverged else run.message
        self.message.set_text(f"{header}\n{body}")
        self.message.set_color(COLORS[3] if run.diverged else "black")
        self.controls["momentum"].disabled = not uses_momentum
        return run


class KerasTrainingDashboard(FigureDashboard):
    """Train the real running-example Keras model in steps; the learning-rate slider acts on the running model.

    Moving the slider sets ``model.optimizer.learning_rate`` of the model being
    trained: nothing is rebuilt, the weights and optimizer state carry on (as in
    TensorFlow Playground, on real Keras). *Start* trains in the background of the
    kernel (the slider stays live), *Pause* stops after the current chunk, *Reset*
    restores the initial weights and a fresh optimizer. Introduced in
    ``notebooks/03_gradient_descent.ipynb``.

    Parameters
    ----------
    learning_rate : float in [1e-4, 3]
    optimizer : ``'sgd'``, ``'momentum'``, ``'rmsprop'`` or ``'adam'`` (fixed for the dashboard's life)
    batch_size : int in [8, 512]
    batches_per_chunk : int in [1, 200]; one chunk = one point of the learning curve
    max_chunks : int in [1, 10000]; *Start* stops there
    seed : int, initial weights and batch order
    """

    OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")

    def __init__(self, learning_rate: float = 0.05, optimizer: str = "sgd", batch_size: int = 32,
                 batches_per_chunk: int = 10, max_chunks: int = 200, seed: int = 0):
        import ipywidgets as widgets
        import keras

        from .data import load_digits_images
        from .models import build_running_example

        learning_rate = check_float("learning_rate", learning_rate, 1e-4, 3)
        self.optimizer_name = check_choice("optimizer", optimizer, self.OPTIMIZERS)
        self.batch_size = check_int("batch_size", batch_size, 8, 512)
        self.batches_per_chunk = check_int("batches_per_chunk", batches_per_chunk, 1, 200)
        self.max_chunks = check_int("max_chunks", max_chunks, 1, 10_000)
        self.seed = check_int("seed", seed, 0, 2**31 - 1)
        self.data = load_digits_images(seed=0)
        #: a chunk's mean loss above this (10x a uniform guess, 10 log K) or non-finite counts as diverged;
        #: so does a spike followed by chance level (``dlopt_helpers.divergence.find_divergence``)
        self.num_classes = len(self.data.target_names)
        self.explosion_loss = 10 * np.log(self.num_classes)
        self.model = build_running_example(seed=self.seed)
        self._initial_weights = self.model.get_weights()
        self._loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self.controls = {
            "learning_rate": widgets.FloatLogSlider(
                value=learning_rate, base=10, min=-4, max=np.log10(3), step=0.05,
                description="learning rate", continuous_update=False, readout_format=".3g",
            )
        }
        # plain-text symbols, not icon fonts: Voila loads its icon font from a CDN, which fails offline
        self.buttons = {
            name: widgets.Button(description=label, layout=widgets.Layout(width="6.5em"))
            for name, label in (("start", "▶ Start"), ("pause", "⏸ Pause"), ("reset", "↺ Reset"))
        }
        self.buttons["start"].on_click(lambda _: self.start())
        self.buttons["pause"].on_click(lambda _: self.pause())
        self.buttons["reset"].on_click(lambda _: self.reset())
        self._task = None
        self.running = False
        self._new_training_run(learning_rate)
        self.fig, (self.ax_loss, self.ax_lr) = new_figure(
            1, 2, figsize=(8.8, 3.2), layout="none", gridspec_kw={"width_ratios": [1.6, 1]}
        )
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.92, wspace=0.28)
        (self.line_train,) = self.ax_loss.plot([], [], color=COLORS[0], label="train (chunk mean)", animated=True)
        (self.line_val,) = self.ax_loss.plot([], [], color=COLORS[1], label="validation", animated=True)
        (self.line_lr,) = self.ax_lr.step([], [], where="pre", color=COLORS[2], animated=True)
        self.ax_loss.set(yscale="log", ylim=(0.01, 10), xlabel="training step (batches)", ylabel="loss")
        self.ax_loss.legend(loc="lower left", fontsize=8)
        self.ax_lr.set(yscale="log", ylim=(1e-4, 3), xlabel="training step (batches)", ylabel="learning rate")
        self.message = self.ax_loss.text(
            0.98, 0.96, "", transform=self.ax_loss.transAxes, ha="right", va="top", fontsize=9, animated=True,
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.9, "edgecolor": "none"},
        )
        self._start()

    def config(self) -> dict:
        return {"optimizer": self.optimizer_name, "batch_size": self.batch_size,
                "batches_per_chunk": self.batches_per_chunk, "max_chunks": self.max_chunks, "seed": self.seed}

    # -- training ------------------------------------------------------------------------------------
    def _new_training_run(self, learning_rate: float) -> None:
        import keras

        self.model.set_weights(self._initial_weights)
        if self.optimizer_name == "sgd":
            optimizer = keras.optimizers.SGD(learning_rate)
        elif self.optimizer_name == "momentum":
            optimizer = keras.optimizers.SGD(learning_rate, momentum=0.9)
        elif self.optimizer_name == "rmsprop":
            optimizer = keras.optimizers.RMSprop(learning_rate)
        else:
            optimizer = keras.optimizers.Adam(learning_rate)
        self.model.compile(optimizer=optimizer, loss=self._loss, metrics=["accuracy"])
        self._rng = np.random.default_rng(self.seed)
        self._order = np.empty(0, dtype=int)
        self.history = {"step": [], "loss": [], "val_loss": [], "val_accuracy": [], "learning_rate": []}
        self.diverged_at = None
        self.divergence = None  # ``divergence.Divergence``: kind and evidence, once diverged

    def _next_batch(self):
        if len(self._order) < self.batch_size:
            self._order = np.concatenate([self._order, self._rng.permutation(len(self.data.x_train))])
        index, self._order = self._order[: self.batch_size], self._order[self.batch_size :]
        return self.data.x_train[index], self.data.y_train[index]

    @property
    def steps_done(self) -> int:
        return self.history["step"][-1] if self.history["step"] else 0

    def train(self, chunks: int = 1) -> dict:
        """Train ``chunks`` chunks synchronously (what *Start* does, one chunk at a time); returns ``history``."""
        chunks = check_int("chunks", chunks, 1, 10_000)
        for _ in range(chunks):
            if self.diverged_at is not None:
                break
            losses = [float(self.model.train_on_batch(*self._next_batch())[0]) for _ in range(self.batches_per_chunk)]
            val_loss, val_accuracy = self.model.evaluate(self.data.x_val, self.data.y_val, verbose=0,
                                                         batch_size=len(self.data.x_val))
            step = self.steps_done + self.batches_per_chunk
            for key, value in (("step", step), ("loss", float(np.mean(losses))), ("val_loss", float(val_loss)),
                               ("val_accuracy", float(val_accuracy)),
                               ("learning_rate", float(self.model.optimizer.learning_rate.numpy()))):
                self.history[key].append(value)
            # the untrained network guesses about uniformly: its loss starts near log K
            found = find_divergence(self.history["loss"], num_classes=self.num_classes,
                                    start_loss=float(np.log(self.num_classes)),
                                    val_accuracy=self.history["val_accuracy"])
            if found is not None:
                self.divergence = found
                self.diverged_at = self.history["step"][found.index]
                self.running = False
        self.refresh()
        return self.history

    async def run(self) -> None:
        """Train chunk after chunk until paused, diverged or ``max_chunks``; yields to the kernel in between."""
        import asyncio

        self.running = True
        try:
            while self.running and len(self.history["step"]) < self.max_chunks and self.diverged_at is None:
                self.train(1)
                await asyncio.sleep(0.02)  # let the kernel handle slider and button events
        finally:
            self.running = False
            self.refresh()

    def start(self) -> None:
        """Start training in the background of the running event loop (a Jupyter kernel has one)."""
        import asyncio

        if self.running:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a plain script: a task scheduled now would never run
            message = ("start() trains in the background of a running event loop (a Jupyter kernel has one) "
                       "and none is running here: call train(chunks) instead, or await run()")
            self._explain_refusal(message)
            raise RuntimeError(message) from None
        self._task = loop.create_task(self.run())

    def pause(self) -> None:
        """Stop after the current chunk."""
        self.running = False

    def reset(self) -> None:
        """Initial weights, a fresh optimizer at the slider's learning rate, an empty learning curve."""
        self.running = False
        self._new_training_run(self.controls["learning_rate"].value)
        self.refresh()

    # -- drawing -------------------------------------------------------------------------------------
    def layout_key(self, learning_rate):
        end = self.batches_per_chunk * 10
        while end < self.steps_done:
            end *= 2
        return end

    def update(self, learning_rate):
        """Apply the slider to the running model (no rebuild) and redraw; returns ``history``."""
        current = float(self.model.optimizer.learning_rate.numpy())
        if not np.isclose(current, learning_rate, rtol=1e-9, atol=0):
            self.model.optimizer.learning_rate = learning_rate  # assigns the existing variable
        steps = self.history["step"]
        self.line_train.set_data(steps, np.clip(self.history["loss"], 1e-3, 1e3))
        self.line_val.set_data(steps, np.clip(self.history["val_loss"], 1e-3, 1e3))
        self.line_lr.set_data([0, *steps], [self.history["learning_rate"][0] if steps else learning_rate,
                                            *self.history["learning_rate"]])
        end = self.layout_key(learning_rate)
        self.ax_loss.set_xlim(0, end)
        self.ax_lr.set_xlim(0, end)
        if self.diverged_at is not None:
            if self.divergence is not None and self.divergence.kind == "chance":
                what = self.divergence.note.replace(", then", ",\nthen", 1)
            else:
                what = f"loss {self.history['loss'][-1]:.3g}"
            text = f"diverged at step {self.diverged_at}: {what}\nlearning rate too large; lower it and press Reset"
        elif steps:
            text = (f"step {steps[-1]}: validation accuracy {self.history['val_accuracy'][-1]:.3f}"
                    + ("  (training…)" if self.running else ""))
        else:
            text = "press Start"
        self.message.set_text(text)
        self.message.set_color(COLORS[3] if self.diverged_at is not None else "black")
        return self.history

    @property
    def widget(self):
        import ipywidgets as widgets

        return widgets.VBox([self._controls_box([*self.buttons.values(), *self.controls.values()]), self.image,
                             self.status])

    def status_message(self) -> str:
        return " ".join(self.message.get_text().split())


class RegularizationDashboard(FigureDashboard):
    """Penalty strength, type and polynomial degree -> fitted curve, coefficients, train / validation error.

    A polynomial regression on ``data.make_curve(n_train)`` (30 noisy training points by default) in a
    scikit-learn pipeline (``regularization.make_model``). The error-vs-alpha curves of a
    (penalty, degree, l1_ratio) setting are computed once and cached (they are the
    figure's background); a move of the alpha slider refits one model and redraws the
    curve, the bars and the marker. Introduced in ``notebooks/04_regularization.ipynb``.

    Parameters
    ----------
    alpha : float in [1e-5, 10]; penalty : 'l1', 'l2' or 'elastic_net';
    l1_ratio : float in [0, 1] (elastic net only); degree : int in [1, 15];
    n_train : int in [5, 1000], training points of the curve (fewer over-fit more)
    """

    ALPHAS = np.geomspace(1e-5, 10, 31)

    def __init__(self, alpha: float = 1e-3, penalty: str = "l2", l1_ratio: float = 0.5, degree: int = 12,
                 n_train: int = 30):
        import ipywidgets as widgets

        from .data import make_curve
        from .regularization import PENALTIES

        alpha = check_float("alpha", alpha, 1e-5, 10)
        check_choice("penalty", penalty, PENALTIES)
        l1_ratio = check_float("l1_ratio", l1_ratio, 0, 1)
        degree = check_int("degree", degree, 1, 15)
        self.data = make_curve(n_train=check_int("n_train", n_train, 5, 1000))
        self.controls = {
            "alpha": widgets.FloatLogSlider(value=alpha, base=10, min=-5, max=1, step=0.1, description="alpha",
                                            continuous_update=True, readout_format=".2g"),
            "penalty": widgets.Dropdown(options=list(PENALTIES), value=penalty, description="penalty"),
            "l1_ratio": widgets.FloatSlider(value=l1_ratio, min=0, max=1, step=0.05, description="l1_ratio",
                                            continuous_update=True),
            "degree": widgets.IntSlider(value=degree, min=1, max=15, description="degree", continuous_update=False),
        }
        for control in self.controls.values():
            control.style.description_width = "5em"
            control.layout.width = "270px"
        self.fig, (self.ax_fit, self.ax_coef, self.ax_error) = new_figure(
            1, 3, figsize=(10.5, 3.3), layout="none", gridspec_kw={"width_ratios": [1.2, 1, 1.1]})
        self.fig.subplots_adjust(left=0.05, right=0.99, bottom=0.15, top=0.9, wspace=0.3)
        self._x_grid = np.linspace(-1, 1, 200)[:, None]
        self.ax_fit.scatter(self.data.x_val[:, 0], self.data.y_val, s=6, color="0.75", label="validation")
        self.ax_fit.scatter(self.data.x_train[:, 0], self.data.y_train, s=14, color=COLORS[0], label="train")
        self.ax_fit.set(xlim=(-1, 1), ylim=(-2.5, 2.5), xlabel="x", ylabel="y")
        self.ax_fit.legend(loc="lower right", fontsize=8)
        (self.curve,) = self.ax_fit.plot([], [], color=COLORS[3], lw=2, animated=True)
        self.ax_error.set(xscale="log", yscale="log", xlabel="alpha", ylabel="mean squared error")
        (self.marker_train,) = self.ax_error.plot([], [], "o", color=COLORS[0], animated=True)
        (self.marker_val,) = self.ax_error.plot([], [], "o", color=COLORS[1], animated=True)
        self.message = self.ax_coef.text(0.5, 0.97, "", transform=self.ax_coef.transAxes, va="top", ha="center",
                                         fontsize=8.5, animated=True,
                                         bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85,
                                               "edgecolor": "none"})
        self._layout = None
        self._bars = []
        self._start()

    def _fit(self, alpha, penalty, l1_ratio, degree, model=None):
        import warnings

        from sklearn.exceptions import ConvergenceWarning

        from .regularization import make_model

        if model is None:
            model = make_model(penalty, alpha, l1_ratio, degree, max_iter=20_000)
        else:  # warm start: a slider move starts from the previous solution (Lasso / elastic net)
            model[-1].set_params(alpha=alpha)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(self.data.x_train, self.data.y_train)
        return model

    def _errors(self, model):
        from sklearn.metrics import mean_squared_error

        return (mean_squared_error(self.data.y_train, model.predict(self.data.x_train)),
                mean_squared_error(self.data.y_val, model.predict(self.data.x_val)))

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one dashboard lives as long as its notebook
    def error_curves(self, penalty: str, l1_ratio: float, degree: int) -> np.ndarray:
        """Train and validation MSE for each of ``ALPHAS``: shape ``(len(ALPHAS), 2)``."""
        return np.array([self._errors(self._fit(a, penalty, l1_ratio, degree)) for a in self.ALPHAS])

    def layout_key(self, alpha, penalty, l1_ratio, degree):
        return penalty, round(l1_ratio, 2) if penalty == "elastic_net" else None, degree

    def _draw_layout(self, penalty, l1_ratio, degree):
        for artist in [*self.ax_error.lines[2:], *self._bars]:
            artist.remove()
        curves = self.error_curves(penalty, l1_ratio, degree)
        self.ax_error.plot(self.ALPHAS, curves[:, 0], color=COLORS[0], label="train")
        self.ax_error.plot(self.ALPHAS, curves[:, 1], color=COLORS[1], label="validation")
        best = self.ALPHAS[np.argmin(curves[:, 1])]
        self.ax_error.axvline(best, color="0.5", ls=":", lw=1)
        self.ax_error.set_ylim(max(curves.min() * 0.7, 1e-3), min(curves.max() * 1.5, 1e3))
        self.ax_error.legend(loc="lower right", fontsize=8)
        self.ax_coef.set(xlim=(0.4, degree + 0.6), ylim=(-3, 4), xlabel="coefficient of x^k (standardized)",
                         ylabel="value")
        self._bars = list(self.ax_coef.bar(np.arange(1, degree + 1), np.zeros(degree), color=COLORS[2]))
        for bar in self._bars:
            bar.set_animated(True)
        self.ax_coef.set_title(f"{penalty}, degree {degree}", fontsize=9)
        self._layout = self.layout_key(0.0, penalty, l1_ratio, degree)

    def update(self, alpha, penalty, l1_ratio, degree):
        """Fit the pipeline for these settings and move the artists; returns a dict of what was computed."""
        from .regularization import PENALTIES

        alpha = check_float("alpha", alpha, 0)
        check_choice("penalty", penalty, PENALTIES)
        l1_ratio = check_float("l1_ratio", l1_ratio, 0, 1)
        degree = check_int("degree", degree, 1, 15)
        if self.layout_key(alpha, penalty, l1_ratio, degree) != self._layout:
            self._draw_layout(penalty, l1_ratio, degree)
        if getattr(self, "_warm", (None, None))[0] != self._layout:
            model = self._fit(alpha, penalty, l1_ratio, degree)
            if penalty != "l2":
                model[-1].set_params(warm_start=True)
            self._warm = (self._layout, model)
        else:
            model = self._fit(alpha, penalty, l1_ratio, degree, model=self._warm[1])
        coef = model[-1].coef_
        train_error, val_error = self._errors(model)
        self.curve.set_data(self._x_grid[:, 0], model.predict(self._x_grid))
        for bar, value in zip(self._bars, np.clip(coef, -3, 3)):
            bar.set_height(value)
        self.marker_train.set_data([alpha], [train_error])
        self.marker_val.set_data([alpha], [val_error])
        zeros = int(np.sum(coef == 0))
        self.message.set_text(f"alpha = {alpha:.2g}\ntrain MSE {train_error:.3f}, validation MSE {val_error:.3f}\n"
                              f"{zeros} of {len(coef)} coefficients exactly 0")
        self.controls["l1_ratio"].disabled = penalty != "elastic_net"
        return {"coef": coef, "train_error": train_error, "val_error": val_error, "zeros": zeros,
                "message": f"train MSE {train_error:.3f}, validation MSE {val_error:.3f}, {zeros} zero coefficients"}

    def status_message(self) -> str:
        return self.state["message"]


class AugmentationDashboard(FigureDashboard):
    """Rotation, shifts, shear, zoom and flips -> a grid of augmented copies of one image, live.

    Uses ``augment.ImageDataGenerator`` (one composed warp per image) with a fixed seed,
    so moving a slider changes the ranges while the random draws stay put: what you see
    change is the effect of that slider. Introduced in ``notebooks/05_data_augmentation.ipynb``.

    Pixel values: an integer image (``uint8`` always, any other integer type when its maximum is above 1)
    is read as 0–255 and divided by 255; a float image must be in [0, 1]: one outside it is rescaled
    linearly to [0, 1] (divided by its maximum, or min–max if it has negative values) and the status line
    says so. An image larger than ``MAX_SIDE`` pixels on its long side is downscaled (area averaging) to
    ``MAX_SIDE``, also said in the status line: 18 warped copies of a phone photo would take seconds and
    gigabytes per slider move; the tiles are ~135 px wide on screen anyway.

    Parameters
    ----------
    image : (h, w) or (h, w, c) array, optional (default: a 96 x 96 crop of the bundled flower photo)
    rotation_range : float in [0, 180]; width_shift_range, height_shift_range : float in [0, 0.5];
    shear_range : float in [0, 45]; zoom_range : float in [0, 0.5]; horizontal_flip, vertical_flip : bool
    """

    ROWS, COLUMNS = 3, 6
    #: the long side of the image the dashboard works on, at most (larger images are downscaled)
    MAX_SIDE = 128

    def __init__(self, image=None, rotation_range: float = 20.0, width_shift_range: float = 0.1,
                 height_shift_range: float = 0.1, shear_range: float = 0.0, zoom_range: float = 0.1,
                 horizontal_flip: bool = True, vertical_flip: bool = False, seed: int = 0):
        import ipywidgets as widgets

        if image is None:
            from .data import load_sample_images

            photo = load_sample_images()["flower"]
            image = photo[140:140 + 192, 230:230 + 192][::2, ::2]
        self.source_image, self.image_note = self._prepare_image(image, self.MAX_SIDE)
        self.seed = check_int("seed", seed, 0, 2**31 - 1)
        sliders = {
            "rotation_range": (rotation_range, 0, 180, 5, "rotation °"),
            "width_shift_range": (width_shift_range, 0, 0.5, 0.02, "width shift"),
            "height_shift_range": (height_shift_range, 0, 0.5, 0.02, "height shift"),
            "shear_range": (shear_range, 0, 45, 1, "shear °"),
            "zoom_range": (zoom_range, 0, 0.5, 0.02, "zoom"),
        }
        self.controls = {}
        for name, (value, low, high, step, label) in sliders.items():
            value = check_float(name, value, low, high)
            self.controls[name] = widgets.FloatSlider(value=value, min=low, max=high, step=step, description=label,
                                                      continuous_update=True)
        for name, value in (("horizontal_flip", horizontal_flip), ("vertical_flip", vertical_flip)):
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be True or False, got {value!r}")
            self.controls[name] = widgets.Checkbox(value=value, description=name.replace("_", " "))
        for control in self.controls.values():
            control.style.description_width = "6em"
            control.layout.width = "260px"
        self.fig, axes = new_figure(self.ROWS, self.COLUMNS, figsize=(1.35 * self.COLUMNS, 1.35 * self.ROWS),
                                    layout="none")
        self.fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99, wspace=0.04, hspace=0.04)
        cmap = "gray" if self.source_image.shape[-1] == 1 else None
        self.tiles = []
        for ax in axes.ravel():
            ax.set_axis_off()
            self.tiles.append(ax.imshow(np.zeros_like(self.source_image[..., 0] if cmap else self.source_image), vmin=0, vmax=1,
                                        cmap=cmap, animated=True, interpolation="nearest"))
        self._start()

    @staticmethod
    def _prepare_image(image, max_side: int) -> tuple[np.ndarray, str]:
        """``(h, w, c)`` float32 in [0, 1], at most ``max_side`` on the long side, and a note of what was changed."""
        try:
            raw = np.asarray(image)
        except (TypeError, ValueError):  # ragged lists
            raw = np.asarray(None)
        kind = raw.dtype.kind
        if kind not in "biuf":
            raise InvalidParameterError(f"image must be an array of numbers (uint8 0-255 or floats in [0, 1]), "
                                        f"got {short_repr(image)}")
        if raw.ndim not in (2, 3) or (raw.ndim == 3 and raw.shape[-1] not in (1, 3)) or min(raw.shape[:2]) < 1:
            raise InvalidParameterError(f"image must have shape (h, w) or (h, w, 1 or 3), got {raw.shape}")
        notes = []
        if kind in "iu":
            low, high = int(raw.min()), int(raw.max())
            if low < 0 or high > 255:
                raise InvalidParameterError(f"image of integers must hold pixel values in [0, 255], "
                                            f"got values from {low} to {high}")
            image = raw.astype(np.float32)
            if raw.dtype == np.uint8 or high > 1:
                image = image / 255.0
        else:
            image = check_finite_array("image", raw, dtype=np.float32)
            low, high = float(image.min()), float(image.max())
            if low < 0 or high > 1:  # floats must be in [0, 1]: rescale, and say so
                image = (image - min(low, 0.0)) / (high - min(low, 0.0)) if high > min(low, 0.0) else \
                    np.zeros_like(image)
                notes.append(f"values {low:.3g} to {high:.3g} rescaled to [0, 1] (floats should be in [0, 1], "
                             f"integers 0-255)")
        if image.ndim == 2:
            image = image[..., None]
        height, width = image.shape[:2]
        if max(height, width) > max_side:
            import tensorflow as tf

            scale = max_side / max(height, width)
            size = (max(1, round(height * scale)), max(1, round(width * scale)))
            image = tf.image.resize(image, size, method="area").numpy().astype(np.float32)
            notes.append(f"downscaled from {height}x{width} to {size[0]}x{size[1]}")
        return image.astype(np.float32, copy=False), "; ".join(notes)

    def update(self, **values) -> np.ndarray:
        """Augment ``ROWS x COLUMNS`` copies with these settings; returns them ``(n, h, w, c)``."""
        import tensorflow as tf

        from .augment import ImageDataGenerator

        generator = ImageDataGenerator(**values, fill_mode="constant", cval=1.0)
        batch = np.repeat(self.source_image[None], self.ROWS * self.COLUMNS, axis=0)
        images = np.clip(generator.apply(batch, tf.constant([self.seed, 0], tf.int64)).numpy(), 0, 1)
        for tile, image in zip(self.tiles, images):
            tile.set_data(image[..., 0] if image.shape[-1] == 1 else image)
        self._values = values
        return images

    def status_message(self) -> str:
        on = [f"{k.replace('_range', '')} {v:g}" for k, v in self._values.items() if not isinstance(v, bool) and v]
        flips = [k.replace("_", " ") for k, v in self._values.items() if v is True]
        note = f" (image {self.image_note})" if self.image_note else ""
        return f"{len(self.state)} samples: " + (", ".join(on + flips) or "no augmentation (all identical)") + note


class SearchExplorer(FigureDashboard):
    """Results of a hyper-parameter search -> a heat map of the score over two chosen hyper-parameters.

    Each cell shows the best (or mean) score of the trials that fall into it, over all
    values of the other hyper-parameters; the number of trials per cell is written
    under the score. Numeric hyper-parameters with more than ``bins`` distinct values
    (random or adaptive search) are grouped into at most ``bins`` intervals: on a log scale
    when their positive values span more than a factor of 10, with edges on whole or half
    decades (so the labels do not move with the exact values drawn), and a value of exactly
    0 (e.g. "no L2") in a column of its own, since a log scale cannot hold it and a linear
    one would lump it with every small value. The status line follows the ``reduce`` toggle:
    the best single trial (``best``) or the cell with the best mean (``mean``). Everything
    is computed once, at construction; a change of control only looks the answer up and
    redraws.
    Introduced in ``notebooks/07_hyperparameter_tuning.ipynb``.

    Parameters
    ----------
    rows : sequence of dicts
        One per trial: hyper-parameter values plus the ``score`` key (``tuning.search_rows``).
    x, y : str, optional
        The two hyper-parameters shown first (default: the first two).
    reduce : {'best', 'mean'}
    score : str
        The key of the score in each row (higher is better).
    bins : int in [2, 12]
    """

    REDUCTIONS = ("best", "mean")

    def __init__(self, rows, x: str | None = None, y: str | None = None, reduce: str = "best",
                 score: str = "score", bins: int = 5):
        import ipywidgets as widgets

        if not isinstance(score, str) or not score:
            raise InvalidParameterError(f"score must be the name (a non-empty string) of the score key in the rows, "
                                        f"got {short_repr(score)}")
        if isinstance(rows, (str, bytes, dict)) or not isinstance(rows, Iterable):
            raise InvalidParameterError(f"rows must be a non-empty list of dicts, got {short_repr(rows)}")
        rows = list(rows)
        if not rows or not all(isinstance(r, dict) and score in r for r in rows):
            raise InvalidParameterError(f"rows must be a non-empty list of dicts, each with a {score!r} entry "
                                        "(the score key)")
        self.bins = check_int("bins", bins, 2, 12)
        self.score_name = score
        names = [k for k in rows[0] if k != score and len({repr(r.get(k)) for r in rows}) > 1]
        if len(names) < 2:
            raise ValueError(f"rows must vary at least two hyper-parameters, got {names}")
        self.scores = np.array([self._score(i, r[score], score) for i, r in enumerate(rows)])
        self.codes, self.labels = {}, {}
        for name in names:
            self.codes[name], self.labels[name] = self._encode([r.get(name) for r in rows])
        x = names[0] if x is None else check_choice("x", x, names)
        y = (names[1] if names[1] != x else names[0]) if y is None else check_choice("y", y, names)
        check_choice("reduce", reduce, self.REDUCTIONS)
        self.controls = {
            "x": widgets.Dropdown(options=names, value=x, description="x axis"),
            "y": widgets.Dropdown(options=names, value=y, description="y axis"),
            "reduce": widgets.ToggleButtons(options=self.REDUCTIONS, value=reduce, description="per cell"),
        }
        self._tables = {}
        finite = self.scores[np.isfinite(self.scores)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self.fig, self.ax = new_figure(figsize=(6.4, 4.4), layout="none")
        self.fig.subplots_adjust(left=0.2, right=0.93, bottom=0.15, top=0.9)
        self.mesh = self.ax.imshow(np.zeros((2, 2)), cmap="viridis", vmin=low, vmax=high if high > low else low + 1,
                                   origin="lower", aspect="auto", animated=True)
        self.fig.colorbar(self.mesh, ax=self.ax, label=score)
        self.texts = []
        self._layout = None
        self._start()

    @staticmethod
    def _score(index: int, value, name: str) -> float:
        """A trial's score as a float; ``None`` (a failed or pruned trial, as Optuna reports them) is NaN."""
        if value is None:
            return np.nan
        if isinstance(value, (bool, str, bytes)) or not isinstance(value, (int, float, np.number)):
            raise InvalidParameterError(f"rows[{index}][{name!r}] must be a number (or None for a failed trial), "
                                        f"got {short_repr(value)}")
        return float(value)

    def _encode(self, values) -> tuple[np.ndarray, list[str]]:
        numeric = all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values)
        if numeric and not np.all(np.isfinite(np.asarray(values, dtype=np.float64))):
            # NaN / inf values (a failed draw, "no limit") get a column each; the finite ones are binned
            array = np.asarray(values, dtype=np.float64)
            finite = np.isfinite(array)
            specials = sorted({repr(float(v)) for v in array[~finite]}, key=lambda t: ("nan", "-inf", "inf").index(t))
            codes = np.zeros(len(array), dtype=int)
            labels = []
            if finite.any():
                finite_codes, labels = self._encode([v for v, ok in zip(values, finite) if ok])
                codes[finite] = finite_codes
            for text in specials:
                codes[np.array([repr(float(v)) == text for v in array])] = len(labels)
                labels.append(text)
            return codes, labels
        distinct = sorted(set(values), key=lambda v: (str(type(v)), v)) if numeric else sorted(set(map(repr, values)))
        if not numeric or len(distinct) <= self.bins:
            keys = distinct if numeric else distinct
            lookup = {k: i for i, k in enumerate(keys)}
            codes = np.array([lookup[v if numeric else repr(v)] for v in values])
            labels = [f"{k:.3g}" if numeric else str(k).strip("'") for k in keys]
            return codes, labels
        array = np.asarray(values, dtype=np.float64)
        positive = array[array > 0]
        zero = array == 0
        if array.min() >= 0 and positive.size > 1 and positive.max() / positive.min() > 10:
            # log scale over the positive values; 0 gets a column of its own (before the others)
            bins = self.bins - 1 if zero.any() else self.bins
            edges = self._decade_edges(np.log10(positive.min()), np.log10(positive.max()), max(bins, 1))
            scale = np.log10(np.where(zero, positive.min(), array))
            codes = np.clip(np.searchsorted(edges, scale, side="right") - 1, 0, len(edges) - 2)
            labels = [f"{10**a:.2g}–{10**b:.2g}" for a, b in zip(edges[:-1], edges[1:])]
            if zero.any():
                return np.where(zero, 0, codes + 1), ["0"] + labels
            return codes, labels
        edges = np.linspace(array.min(), array.max(), self.bins + 1)
        codes = np.clip(np.searchsorted(edges, array, side="right") - 1, 0, self.bins - 1)
        centres = (edges[:-1] + edges[1:]) / 2
        return codes, [f"~{c:.3g}" for c in centres]

    @staticmethod
    def _decade_edges(low: float, high: float, bins: int) -> np.ndarray:
        """Edges in log10 on multiples of half a decade, one decade, two, ...: at most ``bins`` intervals."""
        for step in (0.5, 1, 2, 3, 4, 5, 10, 20, 50, 100):
            start = np.floor(low / step + 1e-9) * step
            stop = np.ceil(high / step - 1e-9) * step
            count = max(1, int(round((stop - start) / step)))
            if count <= bins:
                return start + step * np.arange(count + 1)
        return np.linspace(low, high, bins + 1)

    def table(self, x: str, y: str, reduce: str) -> tuple[np.ndarray, np.ndarray]:
        """Scores ``(len(y labels), len(x labels))`` and trial counts per cell (NaN / 0 where empty)."""
        key = (x, y, reduce)
        if key not in self._tables:
            shape = (len(self.labels[y]), len(self.labels[x]))
            grid, counts = np.full(shape, np.nan), np.zeros(shape, dtype=int)
            for i, j in np.ndindex(shape):
                inside = (self.codes[y] == i) & (self.codes[x] == j)
                counts[i, j] = inside.sum()
                values = self.scores[inside]
                values = values[np.isfinite(values)]
                if values.size:
                    grid[i, j] = values.max() if reduce == "best" else values.mean()
            self._tables[key] = (grid, counts)
        return self._tables[key]

    def layout_key(self, x, y, reduce):
        return (x, y)

    def _set_layout(self, x, y) -> None:
        nx, ny = len(self.labels[x]), len(self.labels[y])
        self.ax.set_xticks(range(nx), self.labels[x], rotation=30 if nx > 5 else 0)
        self.ax.set_yticks(range(ny), self.labels[y])
        self.ax.set_xlabel(x)
        self.ax.set_ylabel(y)
        self.mesh.set_extent((-0.5, nx - 0.5, -0.5, ny - 0.5))
        for text in self.texts:
            text.remove()
        self.texts = [self.ax.text(j, i, "", ha="center", va="center", fontsize=8, animated=True)
                      for i, j in np.ndindex(ny, nx)]
        self._layout = (x, y)

    def update(self, x, y, reduce):
        if x == y:
            self.mesh.set_data(np.full((1, 1), np.nan))
            for text in self.texts:
                text.set_text("")
            self._message = "choose two different hyper-parameters for the axes"
            return None
        if self._layout != (x, y):
            self._set_layout(x, y)
        grid, counts = self.table(x, y, reduce)
        self.mesh.set_data(grid)
        middle = np.nanmean(grid) if np.isfinite(grid).any() else 0
        for text, (i, j) in zip(self.texts, np.ndindex(grid.shape)):
            text.set_text("" if counts[i, j] == 0 else f"{grid[i, j]:.3f}\n({counts[i, j]})")
            text.set_color("black" if np.isfinite(grid[i, j]) and grid[i, j] > middle else "white")
        self.ax.set_title(f"{reduce} {self.score_name} per cell (trials in brackets)")
        if not np.isfinite(grid).any():
            self._message = f"{len(self.scores)} trials; no finite {self.score_name}"
            return grid
        i, j = np.unravel_index(int(np.nanargmax(grid)), grid.shape)  # the first best cell, as the toggle reduces
        where = f"{x} {self.labels[x][j]}, {y} {self.labels[y][i]}"
        if reduce == "best":
            self._message = f"{len(self.scores)} trials; best {self.score_name} {grid[i, j]:.4f}: one trial at {where}"
        else:
            self._message = (f"{len(self.scores)} trials; best mean {self.score_name} {grid[i, j]:.4f}: "
                             f"the {counts[i, j]} trials at {where}")
        return grid

    def status_message(self) -> str:
        return self._message
