"""Loss surfaces in two parameters: a quadratic bowl, Rosenbrock, and a slice of the real digits model."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validation import InvalidParameterError, check_choice, check_int

#: The largest ``n`` of ``Surface.grid`` (an ``n x n`` grid; 2,000² float64 values are 32 MB per array).
MAX_GRID = 2000


# ----------------------------------------------------------------------------- surfaces
@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface: value, gradient, the box to draw, a start and the minimum."""

    name: str
    description: str
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray]  # vectorized over x, y arrays
    gradient: Callable[[float, float], np.ndarray]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    start: tuple[float, float]
    minimum: tuple[float, float]
    stable_learning_rate: float | None = None  # 2 / λ_max where the Hessian is constant
    #: where the loss is known, ``(xlim, ylim)``: leaving it is divergence; ``None``: a formula, known everywhere
    domain: tuple | None = None

    def grid(self, n: int = 120):
        """``(X, Y, Z)`` on an ``n x n`` grid over the box, for contour plots (``n`` in [2, MAX_GRID])."""
        if isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > MAX_GRID:
            raise InvalidParameterError(
                f"n must be in [2, {MAX_GRID}], got {n} (an {n} x {n} grid would need "
                f"{3 * 8 * float(n) ** 2 / 2**30:.3g} GiB)"
            )
        n = check_int("n", n, 2, MAX_GRID)
        xs = np.linspace(*self.xlim, n)
        ys = np.linspace(*self.ylim, n)
        X, Y = np.meshgrid(xs, ys)
        return X, Y, self.loss(X, Y)


def _quadratic(condition: float = 20.0) -> Surface:
    """``f = (x² + κ y²) / 2``: a valley κ times steeper across than along."""
    return Surface(
        name="quadratic",
        description=f"ill-conditioned quadratic (x² + {condition:g} y²) / 2",
        loss=lambda x, y: 0.5 * (x**2 + condition * y**2),
        gradient=lambda x, y: np.array([x, condition * y]),
        xlim=(-3.0, 3.0),
        ylim=(-1.5, 1.5),
        start=(-2.8, 1.2),
        minimum=(0.0, 0.0),
        stable_learning_rate=2.0 / condition,
    )


def _rosenbrock() -> Surface:
    """``f = (1 - x)² + 100 (y - x²)²``: a curved, flat-bottomed valley."""
    return Surface(
        name="rosenbrock",
        description="Rosenbrock (1 - x)² + 100 (y - x²)²",
        loss=lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        gradient=lambda x, y: np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)]),
        xlim=(-2.0, 2.0),
        ylim=(-1.0, 3.0),
        start=(-1.5, 2.5),
        minimum=(1.0, 1.0),
    )


def mlp_losses_along(
    weights: list[np.ndarray],
    directions: list[list[np.ndarray]],
    x: np.ndarray,
    labels: np.ndarray,
    alphas: np.ndarray,
    betas: np.ndarray,
) -> np.ndarray:
    """Cross-entropy of the running example ``relu(x W1 + b1) W2 + b2`` at ``θ + α d1 + β d2``.

    ``weights = [W1, b1, W2, b2]``; ``directions = [d1, d2]``, each shaped like ``weights``;
    ``alphas``, ``betas``: 1-D arrays of the same length. Returns one loss per (α, β) pair.
    Written in NumPy (batched over the pairs) and checked against Keras in the tests.
    """
    from ..losses import log_softmax

    out = np.empty(len(alphas))
    for start in range(0, len(alphas), 64):
        a = alphas[start : start + 64, None, None]
        b = betas[start : start + 64, None, None]
        w1 = weights[0] + a * directions[0][0] + b * directions[1][0]
        b1 = weights[1] + a[..., 0] * directions[0][1] + b[..., 0] * directions[1][1]
        w2 = weights[2] + a * directions[0][2] + b * directions[1][2]
        b2 = weights[3] + a[..., 0] * directions[0][3] + b[..., 0] * directions[1][3]
        hidden = np.maximum(np.einsum("nd,gdh->gnh", x, w1) + b1[:, None, :], 0)
        logits = np.einsum("gnh,ghk->gnk", hidden, w2) + b2[:, None, :]
        out[start : start + 64] = -log_softmax(logits)[:, np.arange(len(labels)), labels].mean(axis=1)
    return out


@functools.lru_cache(maxsize=1)
def _digits_surface(grid_points: int = 41, samples: int = 512) -> Surface:
    """The running example's loss around trained weights, along two filter-normalized random directions.

    A *slice*: two of the network's 2,410 dimensions, interpolated with a spline. Random slices
    through a trained minimum almost always look like a convex bowl (Li et al., 2018), so an
    optimizer run on it says nothing about training the network; notebook 03 trains for that.
    """
    from scipy.interpolate import RectBivariateSpline

    from ..data import load_digits_images
    from ..models import build_running_example, compile_running_example

    digits = load_digits_images(seed=0)
    model = compile_running_example(build_running_example(seed=0), "adam", learning_rate=0.01)
    model.fit(digits.x_train, digits.y_train, epochs=15, batch_size=64, verbose=0, shuffle=False)
    weights = [w.astype(np.float64) for w in model.get_weights()]
    rng = np.random.default_rng(0)
    directions = []
    for _ in range(2):
        direction = [rng.normal(size=w.shape) for w in weights]
        # filter normalization (Li et al., 2018): each unit's direction has the norm of its weights
        for d, w in zip(direction, weights):
            if d.ndim == 2:
                d *= np.linalg.norm(w, axis=0, keepdims=True) / np.linalg.norm(d, axis=0, keepdims=True)
            else:
                d[:] = 0.0  # biases stay put, as in the paper
        directions.append(direction)
    x = digits.x_train[:samples].reshape(samples, -1).astype(np.float64)
    labels = digits.y_train[:samples]
    axis = np.linspace(-1.0, 1.0, grid_points)
    A, B = np.meshgrid(axis, axis, indexing="ij")
    values = mlp_losses_along(weights, directions, x, labels, A.ravel(), B.ravel()).reshape(A.shape)
    spline = RectBivariateSpline(axis, axis, np.log(values), kx=3, ky=3)  # log: smoother to interpolate

    def loss(a, b):
        return np.exp(spline.ev(a, b))

    def gradient(a, b):
        value = np.exp(spline.ev(a, b))
        return np.array([value * spline.ev(a, b, dx=1), value * spline.ev(a, b, dy=1)])

    surface = Surface(
        name="digits",
        description="digits: a random 2-D slice of the trained network's loss (not training)",
        loss=loss,
        gradient=gradient,
        xlim=(-1.0, 1.0),
        ylim=(-1.0, 1.0),
        start=(-0.85, 0.8),
        minimum=(0.0, 0.0),
        domain=((-1.0, 1.0), (-1.0, 1.0)),  # the slice was sampled here only: outside, the spline is clamped
    )
    object.__setattr__(surface, "_parts", (weights, directions, x, labels))
    return surface


SURFACES = ("quadratic", "rosenbrock", "digits")


def get_surface(name: str) -> Surface:
    """``'quadratic'``, ``'rosenbrock'`` or ``'digits'`` (computed once per session, ~1 s)."""
    check_choice("name", name, SURFACES)
    return {"quadratic": _quadratic, "rosenbrock": _rosenbrock, "digits": _digits_surface}[name]()
