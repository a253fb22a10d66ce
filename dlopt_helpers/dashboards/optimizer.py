"""Optimizers on loss surfaces: optimizer, learning rate, momentum, steps, surface -> path and loss (notebook 03)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .. import optim
from .._validation import check_choice, check_float, check_int
from ..plotting import COLORS, new_figure
from .base import FigureDashboard, message_text, wrap_message
from .controls import fit_labels, learning_rate_slider
from .gradient_descent import step_axis_end

__all__ = ["OptimizerDashboard"]


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

    LOSS_RANGE: ClassVar[dict[str, tuple[float, float]]] = {
        "quadratic": (1e-8, 1e3),
        "rosenbrock": (1e-6, 1e4),
        "digits": (0.03, 20.0),
    }

    def __init__(
        self,
        learning_rate: float = 0.05,
        optimizer: str = "sgd",
        momentum: float = 0.9,
        steps: int = 60,
        surface: str = "quadratic",
    ):
        import ipywidgets as widgets

        learning_rate = check_float("learning_rate", learning_rate, 1e-4, 3)
        check_choice("optimizer", optimizer, optim.OPTIMIZERS)
        momentum = check_float("momentum", momentum, 0, 0.99)
        steps = check_int("steps", steps, 1, 300)
        check_choice("surface", surface, optim.SURFACES)
        self.controls = {
            "learning_rate": learning_rate_slider(learning_rate, 1e-4, 3),
            "optimizer": widgets.Dropdown(options=list(optim.OPTIMIZERS), value=optimizer, description="optimizer"),
            "momentum": widgets.FloatSlider(
                value=momentum, min=0, max=0.99, step=0.01, description="momentum", continuous_update=True
            ),
            "steps": widgets.IntSlider(value=steps, min=1, max=300, description="steps", continuous_update=True),
            "surface": widgets.Dropdown(options=list(optim.SURFACES), value=surface, description="surface"),
        }
        fit_labels(self.controls, width="300px")
        self.fig, (self.ax_surface, self.ax_loss) = new_figure(
            1, 2, figsize=(8.8, 3.6), layout="none", gridspec_kw={"width_ratios": [1.15, 1]}
        )
        self.fig.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.9, wspace=0.22)
        (self.path,) = self.ax_surface.plot([], [], "-o", color=COLORS[3], ms=2.5, lw=1.2, animated=True)
        (self.curve,) = self.ax_loss.plot([], [], color=COLORS[0], lw=1.5, animated=True)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss")
        self.message = message_text(self.ax_loss, animated=True)
        self._drawn_surface = None
        self._start()

    def layout_key(self, learning_rate, optimizer, momentum, steps, surface):
        return surface, step_axis_end(steps) if steps <= 200 else 300

    def _draw_surface(self, name: str) -> None:
        from matplotlib.colors import LogNorm

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
        header = f"{optimizer}, η = {learning_rate:.3g}" + (f", μ = {momentum:.2f}" if uses_momentum else "")  # symbols
        body = wrap_message(run.message.replace(": ", ":\n", 1)) if run.diverged else run.message
        self.message.set_text(f"{header}\n{body}")
        self.message.set_color(COLORS[3] if run.diverged else "black")
        self.controls["momentum"].disabled = not uses_momentum
        return run
