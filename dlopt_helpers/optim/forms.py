"""One rule, two forms: Adam as in the paper beside Keras' folded Adam; Nesterov's look-ahead beside Keras' Nesterov.

``Optimizer`` follows Keras, whose forms are rewritten for speed. The forms here are the ones the papers write:
``adam_paper_step`` (Kingma & Ba, 2015, Algorithm 1) and ``nesterov_lookahead`` (Sutskever et al., 2013). Each
function states the exact relation to Keras' form; ``tests/test_optim.py`` checks it against ``keras.optimizers``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validation import (
    MAX_STEPS,
    Array,
    Boolean,
    Instance,
    Integer,
    InvalidParameterError,
    IsCallable,
    Real,
    check_memory,
    short_repr,
    validate_params,
)
from .rules import Optimizer
from .surfaces import Surface

_RATE = Real(0, None, closed="neither")
_BETA = Real(0, 1, closed="left")
_GRADIENT = (Instance(Surface, what="a Surface (see get_surface)"), IsCallable())


@validate_params(
    params=Array(),
    grads=Array(),
    m=Array(),
    v=Array(low=0),
    t=Integer(1, None),
    learning_rate=_RATE,
    beta_1=_BETA,
    beta_2=_BETA,
    epsilon=Real(0, None, closed="neither"),
)
def adam_paper_step(params, grads, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One Adam step as the paper writes it; returns ``(params, m, v)`` (new arrays, float64).

    ``m ← β1 m + (1 - β1) g``; ``v ← β2 v + (1 - β2) g²``; ``m̂ = m / (1 - β1^t)``; ``v̂ = v / (1 - β2^t)``;
    ``θ ← θ - η m̂ / (sqrt(v̂) + ε)``, with ``t`` the step counted from 1 and ``m``, ``v`` the moments before it.

    Keras (and ``Optimizer("adam")``) folds the corrections into the rate:
    ``θ ← θ - η sqrt(1 - β2^t) / (1 - β1^t) · m / (sqrt(v) + ε)``. Multiplying the paper's fraction by
    ``sqrt(1 - β2^t)`` above and below shows the two are the same step exactly when

        ``ε_keras = ε_paper · sqrt(1 - β2^t)``

    so the forms differ only in where ε sits: Keras' constant ε is the paper's ``ε / sqrt(1 - β2^t)``, larger
    early on (about 31.6 ε at t = 1 with β2 = 0.999) and ε again once ``β2^t`` is small.
    """
    shape = params.shape
    for name, array in (("grads", grads), ("m", m), ("v", v)):
        if array.shape != shape:
            raise InvalidParameterError(f"{name} must have the shape of params {shape}, got {array.shape}")
    m = beta_1 * m + (1 - beta_1) * grads
    v = beta_2 * v + (1 - beta_2) * grads**2
    m_hat = m / (1 - beta_1**t)
    v_hat = v / (1 - beta_2**t)
    return params - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v


@dataclass(frozen=True)
class AdamForms:
    """Both Adam trajectories, ``(steps + 1, n)`` each: the paper's form and Keras' (``Optimizer("adam")``).

    ``epsilon_paper[t - 1]`` is the ε the paper's form used at step t: constant, or ``ε / sqrt(1 - β2^t)`` when
    ``match_epsilon`` asked for the ε that makes the two forms take the same steps.
    """

    paper: np.ndarray
    keras: np.ndarray
    epsilon: float
    epsilon_paper: np.ndarray

    @property
    def max_difference(self) -> float:
        """The largest ``|paper - keras|`` over the whole run."""
        return float(np.max(np.abs(self.paper - self.keras)))


@validate_params(
    gradient=_GRADIENT,
    start=(None, Array(ndim=1)),
    steps=Integer(1, MAX_STEPS),
    learning_rate=_RATE,
    beta_1=_BETA,
    beta_2=_BETA,
    epsilon=Real(0, None, closed="neither"),
    match_epsilon=Boolean(),
)
def adam_forms(
    gradient,
    start=None,
    steps: int = 100,
    learning_rate: float = 0.001,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
    match_epsilon: bool = False,
) -> AdamForms:
    """Run Adam in the paper's form and in Keras' form from the same start; return both trajectories.

    ``gradient``: a ``Surface`` (``start`` defaults to its start) or a callable ``point -> gradient``.
    With ``match_epsilon=False`` both forms use ``epsilon``: they differ, by an amount that grows as
    ``sqrt(v)`` shrinks towards ε. With ``True`` the paper's form uses ``ε / sqrt(1 - β2^t)`` at step t
    (``adam_paper_step``: ``ε_keras = ε_paper · sqrt(1 - β2^t)``) and the trajectories agree to rounding.
    """
    grad, point = _gradient_and_start(gradient, start, steps)
    keras_rule = Optimizer("adam", learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    ts = np.arange(1, steps + 1)
    epsilon_paper = epsilon / np.sqrt(1 - beta_2**ts) if match_epsilon else np.full(steps, epsilon)
    paper, keras = np.empty((steps + 1, point.size)), np.empty((steps + 1, point.size))
    paper[0] = keras[0] = point
    m = v = np.zeros_like(point)
    with np.errstate(all="ignore"):  # a diverging run fills with inf / NaN, it does not raise
        for t in ts:
            paper[t], m, v = _paper(
                paper[t - 1], grad(paper[t - 1]), m, v, t, learning_rate, beta_1, beta_2, epsilon_paper[t - 1]
            )
            keras[t] = keras_rule._step(keras[t - 1], grad(keras[t - 1]))
    return AdamForms(paper, keras, epsilon, epsilon_paper)


def _paper(params, grads, m, v, t, learning_rate, beta_1, beta_2, epsilon):
    """``adam_paper_step`` without the checks (its inner loop here)."""
    m = beta_1 * m + (1 - beta_1) * grads
    v = beta_2 * v + (1 - beta_2) * grads**2
    return params - learning_rate * (m / (1 - beta_1**t)) / (np.sqrt(v / (1 - beta_2**t)) + epsilon), m, v


@dataclass(frozen=True)
class NesterovForms:
    """Nesterov's momentum two ways, ``(steps + 1, n)`` arrays.

    ``lookahead``: the parameters θ_t of the look-ahead form; ``velocity``: its v_t; ``keras``: the points of
    Keras' form (``Optimizer("nesterov")`` = ``SGD(nesterov=True)``), which are ``lookahead + momentum · velocity``.
    """

    lookahead: np.ndarray
    velocity: np.ndarray
    keras: np.ndarray
    momentum: float

    @property
    def shifted(self) -> np.ndarray:
        """``φ_t = θ_t + μ v_t``: the look-ahead points, where the gradient is taken; equal to ``keras``."""
        return self.lookahead + self.momentum * self.velocity


@validate_params(
    gradient=_GRADIENT,
    start=(None, Array(ndim=1)),
    steps=Integer(1, MAX_STEPS),
    learning_rate=_RATE,
    momentum=Real(0, 1, closed="left"),
)
def nesterov_lookahead(
    gradient, start=None, steps: int = 100, learning_rate: float = 0.01, momentum: float = 0.9
) -> NesterovForms:
    """Nesterov's accelerated gradient in the look-ahead form, beside Keras' form of it.

    Look-ahead form (Sutskever et al., 2013): the gradient is taken where momentum is about to carry θ,
    ``v ← μ v - η ∇f(θ + μ v)``; ``θ ← θ + v`` (``v_0 = 0``).
    Keras' ``SGD(nesterov=True)`` stores ``φ = θ + μ v`` instead, so that the gradient is taken at the stored
    variable: ``v ← μ v - η ∇f(φ)``; ``φ ← φ + μ v - η ∇f(φ)``. Substituting ``φ_t = θ_t + μ v_t``:
    ``φ_{t+1} = θ_t + v_{t+1} + μ v_{t+1} = φ_t + μ v_{t+1} - η ∇f(φ_t)``, with the same velocities. So the
    two forms are the same algorithm: Keras' trajectory is exactly ``φ_t = θ_t + μ v_t`` (the same start, since
    ``v_0 = 0``), and it ends ``μ v`` ahead of θ. ``gradient``: a ``Surface`` (``start`` defaults to its start) or
    a callable ``point -> gradient``.
    """
    grad, point = _gradient_and_start(gradient, start, steps, arrays=3)
    keras_rule = Optimizer("nesterov", learning_rate, momentum=momentum)
    theta, velocity, keras = (np.zeros((steps + 1, point.size)) for _ in range(3))
    theta[0] = keras[0] = point
    with np.errstate(all="ignore"):  # a diverging run fills with inf / NaN, it does not raise
        for t in range(1, steps + 1):
            velocity[t] = momentum * velocity[t - 1] - learning_rate * grad(theta[t - 1] + momentum * velocity[t - 1])
            theta[t] = theta[t - 1] + velocity[t]
            keras[t] = keras_rule._step(keras[t - 1], grad(keras[t - 1]))
    return NesterovForms(theta, velocity, keras, momentum)


def _gradient_and_start(gradient, start, steps: int, arrays: int = 2) -> tuple[Callable, np.ndarray]:
    """The gradient as ``point -> float64 array`` and the start, both checked (shape, numbers, memory)."""
    if isinstance(gradient, Surface):
        surface = gradient
        point = np.asarray(surface.start if start is None else start, dtype=np.float64)
        if point.shape != (2,):
            raise InvalidParameterError(f"start must be a point (x, y) on a Surface, got shape {point.shape}")

        def grad(p):
            return np.asarray(surface.gradient(p[0], p[1]), dtype=np.float64)

        return grad, point
    if start is None:
        raise InvalidParameterError("start is needed when gradient is a callable (only a Surface has its own start)")
    point = start
    check_memory("start x steps", arrays * 8.0 * point.size * (steps + 1), f"{arrays} float64 arrays of that size")
    try:
        first = np.asarray(gradient(point.copy()), dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidParameterError(
            f"gradient must map a point to an array of numbers; at start it raised {error}"
        ) from None
    if first.shape != point.shape:
        raise InvalidParameterError(
            f"gradient must return an array of start's shape {point.shape}, got {short_repr(first)}"
        )

    def grad(p):
        return np.asarray(gradient(p), dtype=np.float64)

    return grad, point
