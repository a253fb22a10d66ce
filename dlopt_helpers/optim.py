"""Gradient descent and its descendants from scratch, loss surfaces, trajectories.

Introduced in ``notebooks/03_gradient_descent.ipynb``. The NumPy optimizers
follow ``keras.optimizers`` update for update (same defaults, same epsilon
placement), so a trajectory computed here equals Keras' to float precision;
``tests/test_optim.py`` checks every one step by step.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validation import InvalidParameterError, check_choice, check_finite_array, check_float, check_int, short_repr
from .divergence import EXPLOSION_FACTOR, Divergence, surface_divergence

__all__ = [
    "OPTIMIZERS",
    "Optimizer",
    "make_optimizer",
    "Surface",
    "SURFACES",
    "get_surface",
    "RunReport",
    "Trajectory",
    "run_optimizer",
    "step_decay",
    "exponential_decay",
    "cosine_decay",
    "ScratchAdam",
]

OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")

#: A loss this many times its starting value (or non-finite) counts as diverged (``divergence.EXPLOSION_FACTOR``).
#: The whole rule (and the cause it names) lives in ``dlopt_helpers.divergence``.

#: The largest ``n`` of ``Surface.grid`` (an ``n x n`` grid; 2,000² float64 values are 32 MB per array).
MAX_GRID = 2000


class Optimizer:
    """One of the five classic update rules, on NumPy parameter arrays.

    ``learning_rate`` is a number or a schedule ``step -> rate`` (a keras
    ``LearningRateSchedule`` works too). Keras' update rules, with ``g`` the gradient
    and ``η`` the learning rate at step ``t`` (counted from 1):

    - ``sgd``: ``θ ← θ - η g``
    - ``momentum``: ``v ← μ v - η g``; ``θ ← θ + v``
    - ``nesterov``: ``v ← μ v - η g``; ``θ ← θ + μ v - η g``
    - ``rmsprop``: ``s ← ρ s + (1 - ρ) g²``; ``θ ← θ - η g / sqrt(s + ε)``
    - ``adam``: ``m ← m + (1 - β1)(g - m)``; ``v ← v + (1 - β2)(g² - v)``;
      ``θ ← θ - η sqrt(1 - β2^t) / (1 - β1^t) · m / (sqrt(v) + ε)``
    """

    def __init__(self, name: str = "sgd", learning_rate=0.01, momentum: float = 0.9, rho: float = 0.9,
                 beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7):
        self.name = check_choice("name", name, OPTIMIZERS)
        if callable(learning_rate):
            self.learning_rate = learning_rate
            _scheduled_rate(learning_rate, 0)  # a broken schedule is named now, not deep inside a run
        else:
            self.learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
        self.momentum = check_float("momentum", momentum, 0, 1, high_inclusive=False)
        self.rho = check_float("rho", rho, 0, 1, high_inclusive=False)
        self.beta_1 = check_float("beta_1", beta_1, 0, 1, high_inclusive=False)
        self.beta_2 = check_float("beta_2", beta_2, 0, 1, high_inclusive=False)
        self.epsilon = check_float("epsilon", epsilon, 0, low_inclusive=False)
        self.reset()

    def reset(self) -> None:
        """Forget the state (velocities, moments, step count)."""
        self.iterations = 0
        self._slots: dict[str, np.ndarray] = {}

    def current_learning_rate(self) -> float:
        if callable(self.learning_rate):
            return _scheduled_rate(self.learning_rate, self.iterations)
        return self.learning_rate

    def _slot(self, name, like):
        if name not in self._slots:
            self._slots[name] = np.zeros_like(like, dtype=np.float64)
        return self._slots[name]

    def step(self, params, grads) -> np.ndarray:
        """Return the parameters after one update (the optimizer keeps its state).

        ``params`` and ``grads``: finite numbers of the same shape (a NaN gradient is refused, not
        turned silently into NaN parameters).
        """
        params = _finite_numbers("params", params)
        g = _finite_numbers("grads", grads)
        if g.shape != params.shape:
            raise ValueError(f"grads must have the shape of params {params.shape}, got {g.shape}")
        return self._step(params, g)

    def _step(self, params: np.ndarray, g: np.ndarray) -> np.ndarray:
        """``step`` on arrays already checked (float64, finite, same shape): ``run_optimizer``'s inner loop."""
        lr = self.current_learning_rate()
        self.iterations += 1
        if self.name == "sgd":
            return params - lr * g
        if self.name in ("momentum", "nesterov"):
            v = self._slots["v"] = self.momentum * self._slot("v", params) - lr * g
            return params + (self.momentum * v - lr * g if self.name == "nesterov" else v)
        if self.name == "rmsprop":
            s = self._slots["s"] = self.rho * self._slot("s", params) + (1 - self.rho) * g**2
            return params - lr * g / np.sqrt(s + self.epsilon)
        t = self.iterations
        m = self._slots["m"] = self._slot("m", params) + (1 - self.beta_1) * (g - self._slot("m", params))
        v = self._slots["v"] = self._slot("v", params) + (1 - self.beta_2) * (g**2 - self._slot("v", params))
        alpha = lr * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        return params - alpha * m / (np.sqrt(v) + self.epsilon)

    def to_keras(self):
        """The ``keras.optimizers`` object with the same rule and settings."""
        import keras

        lr = self.learning_rate
        if self.name == "sgd":
            return keras.optimizers.SGD(learning_rate=lr)
        if self.name in ("momentum", "nesterov"):
            return keras.optimizers.SGD(learning_rate=lr, momentum=self.momentum, nesterov=self.name == "nesterov")
        if self.name == "rmsprop":
            return keras.optimizers.RMSprop(learning_rate=lr, rho=self.rho, epsilon=self.epsilon)
        return keras.optimizers.Adam(learning_rate=lr, beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)

    def __repr__(self) -> str:
        return f"Optimizer({self.name!r}, learning_rate={self.learning_rate!r})"


def _scheduled_rate(schedule, step: int) -> float:
    """The rate a schedule gives at ``step``, checked: a finite real number >= 0.

    0 is allowed (a warm-up starts from it: no step is taken); a negative rate would climb the loss.
    """
    try:
        rate = schedule(step)
    except TypeError as error:
        raise InvalidParameterError(
            f"learning_rate must be a number > 0 or a schedule step -> rate (one argument, the step); "
            f"calling it with step {step} failed: {error}") from None
    try:
        value = float(rate)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"learning_rate schedule must return a real number >= 0, "
                                    f"got {short_repr(rate)} at step {step}") from None
    if not (np.isfinite(value) and value >= 0):
        raise InvalidParameterError(f"learning_rate schedule must return a finite real number >= 0, "
                                    f"got {value!r} at step {step}")
    return value


def _finite_numbers(name: str, value) -> np.ndarray:
    """``value`` as a float64 array, refusing text, None and NaN / infinity with the parameter named (fast path)."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be an array of numbers, got {short_repr(value)}") from None
    if not np.all(np.isfinite(array)):
        raise InvalidParameterError(f"{name} must not contain NaN or infinity, got {short_repr(value)}")
    return array


def make_optimizer(name: str, learning_rate=0.01, momentum: float = 0.9) -> Optimizer:
    """Shortcut for ``Optimizer(name, learning_rate, momentum=momentum)``."""
    return Optimizer(name, learning_rate, momentum=momentum)


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


def cosine_decay(step: int, initial: float, decay_steps: int, alpha: float = 0.0,
                 warmup_target: float | None = None, warmup_steps: int = 0) -> float:
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
        raise InvalidParameterError(f"warmup_target={warmup_target:g} needs warmup_steps >= 1 (the steps of the "
                                    f"warm-up), got warmup_steps={warmup_steps}")
    warmup_steps = check_int("warmup_steps", warmup_steps, 1)
    step = min(step, warmup_steps + decay_steps)
    if step < warmup_steps:
        return initial + (warmup_target - initial) * step / warmup_steps
    progress = (step - warmup_steps) / decay_steps
    return warmup_target * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * progress)) + alpha)


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
            raise InvalidParameterError(f"n must be in [2, {MAX_GRID}], got {n} (an {n} x {n} grid would need "
                                        f"{3 * 8 * float(n) ** 2 / 2**30:.3g} GiB)")
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
        xlim=(-3.0, 3.0), ylim=(-1.5, 1.5), start=(-2.8, 1.2), minimum=(0.0, 0.0),
        stable_learning_rate=2.0 / condition,
    )


def _rosenbrock() -> Surface:
    """``f = (1 - x)² + 100 (y - x²)²``: a curved, flat-bottomed valley."""
    return Surface(
        name="rosenbrock",
        description="Rosenbrock (1 - x)² + 100 (y - x²)²",
        loss=lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        gradient=lambda x, y: np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)]),
        xlim=(-2.0, 2.0), ylim=(-1.0, 3.0), start=(-1.5, 2.5), minimum=(1.0, 1.0),
    )


def mlp_losses_along(weights: list[np.ndarray], directions: list[list[np.ndarray]], x: np.ndarray,
                     labels: np.ndarray, alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
    """Cross-entropy of the running example ``relu(x W1 + b1) W2 + b2`` at ``θ + α d1 + β d2``.

    ``weights = [W1, b1, W2, b2]``; ``directions = [d1, d2]``, each shaped like ``weights``;
    ``alphas``, ``betas``: 1-D arrays of the same length. Returns one loss per (α, β) pair.
    Written in NumPy (batched over the pairs) and checked against Keras in the tests.
    """
    from .losses import log_softmax

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
    import keras
    from scipy.interpolate import RectBivariateSpline

    from .data import load_digits_images
    from .models import build_running_example

    digits = load_digits_images(seed=0)
    model = build_running_example(seed=0)
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
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
        loss=loss, gradient=gradient, xlim=(-1.0, 1.0), ylim=(-1.0, 1.0), start=(-0.85, 0.8), minimum=(0.0, 0.0),
        domain=((-1.0, 1.0), (-1.0, 1.0)),  # the slice was sampled here only: outside, the spline is clamped
    )
    object.__setattr__(surface, "_parts", (weights, directions, x, labels))
    return surface


SURFACES = ("quadratic", "rosenbrock", "digits")


def get_surface(name: str) -> Surface:
    """``'quadratic'``, ``'rosenbrock'`` or ``'digits'`` (computed once per session, ~1 s)."""
    check_choice("name", name, SURFACES)
    return {"quadratic": _quadratic, "rosenbrock": _rosenbrock, "digits": _digits_surface}[name]()


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
        return f"loss {self.losses[-1]:.4g} after {len(self.losses) - 1} steps"


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
            found = surface_divergence(step, point, loss, losses[0] if step else None, surface.xlim, surface.ylim,
                                       surface.domain)
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
    lr = optimizer.learning_rate if not callable(optimizer.learning_rate) else _scheduled_rate(optimizer.learning_rate, 0)
    return Trajectory(points, losses, diverged_at, optimizer.name, float(lr), found)


# ----------------------------------------------------------------------------- TensorFlow version
class ScratchAdam:
    """Adam on ``tf.Variable``s in a few TensorFlow ops, usable inside ``tf.function``.

    The same rule as ``keras.optimizers.Adam``; ``benchmarks/optimizer_throughput.py``
    compares their speed on the same model and batches.
    """

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7):
        import tensorflow as tf

        self.learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
        self.beta_1 = check_float("beta_1", beta_1, 0, 1, high_inclusive=False)
        self.beta_2 = check_float("beta_2", beta_2, 0, 1, high_inclusive=False)
        self.epsilon = check_float("epsilon", epsilon, 0, low_inclusive=False)
        self.iterations = tf.Variable(0, dtype=tf.int64, trainable=False)
        self._m: list = []
        self._v: list = []

    def build(self, variables) -> None:
        """Create the moment slots (call outside ``tf.function``, once)."""
        import tensorflow as tf

        self._m = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
        self._v = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]

    def apply_gradients(self, grads, variables) -> None:
        import tensorflow as tf

        grads, variables = list(grads), list(variables)
        if len(self._m) != len(variables):
            raise ValueError(f"call build() with the {len(variables)} variables first")
        if len(grads) != len(variables):
            raise InvalidParameterError(f"grads must hold one gradient per variable ({len(variables)}), "
                                        f"got {len(grads)}")
        for i, (g, var) in enumerate(zip(grads, variables)):
            if g is None:
                raise InvalidParameterError(f"grads[{i}] is None: variable {var.name!r} does not affect the loss "
                                            "(leave it out of the variables, or connect it)")
            if not tf.TensorShape(g.shape).is_compatible_with(var.shape):
                raise InvalidParameterError(f"grads[{i}] must have the shape of variable {var.name!r} "
                                            f"{tuple(var.shape)}, got {tuple(g.shape)}")
        self.iterations.assign_add(1)
        t = tf.cast(self.iterations, tf.float32)
        alpha = self.learning_rate * tf.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        for g, var, m, v in zip(grads, variables, self._m, self._v):
            if var.dtype != tf.float32:  # float64 (or float16) variables: the step in their own precision
                alpha_var = tf.cast(alpha, var.dtype)
                g = tf.cast(g, var.dtype)
                m.assign_add((g - m) * (1 - self.beta_1))
                v.assign_add((tf.square(g) - v) * (1 - self.beta_2))
                var.assign_sub(alpha_var * m / (tf.sqrt(v) + tf.cast(self.epsilon, var.dtype)))
                continue
            m.assign_add((g - m) * (1 - self.beta_1))
            v.assign_add((tf.square(g) - v) * (1 - self.beta_2))
            var.assign_sub(alpha * m / (tf.sqrt(v) + self.epsilon))
