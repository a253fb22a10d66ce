"""The update rules on NumPy arrays (``Optimizer``) and their Keras twins (``keras_optimizer``)."""

from __future__ import annotations

import numpy as np

from .._validation import InvalidParameterError, check_choice, check_float, short_repr

#: the classic five (chapter 03, its dashboards and tuning): the names the course iterates over
OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
#: four more of ``keras.optimizers``, same vocabulary; kept out of ``OPTIMIZERS`` so its loops and dropdowns stay five
MORE_OPTIMIZERS = ("adagrad", "adadelta", "nadam", "adamw")
#: every name ``Optimizer``, ``keras_optimizer`` and ``models.compile_running_example`` accept
ALL_OPTIMIZERS = OPTIMIZERS + MORE_OPTIMIZERS


class Optimizer:
    """One of the update rules of ``ALL_OPTIMIZERS``, on NumPy parameter arrays (float64).

    ``learning_rate`` is a number or a schedule ``step -> rate`` (a keras
    ``LearningRateSchedule`` works too). Keras' update rules, with ``g`` the gradient
    and ``η`` the learning rate at step ``t`` (counted from 1):

    - ``sgd``: ``θ ← θ - η g``
    - ``momentum``: ``v ← μ v - η g``; ``θ ← θ + v``
    - ``nesterov``: ``v ← μ v - η g``; ``θ ← θ + μ v - η g`` (Keras' form: ``forms.nesterov_lookahead`` gives the
      look-ahead form it is equivalent to)
    - ``rmsprop``: ``s ← ρ s + (1 - ρ) g²``; ``θ ← θ - η g / sqrt(s + ε)``
    - ``adam``: ``m ← m + (1 - β1)(g - m)``; ``v ← v + (1 - β2)(g² - v)``;
      ``θ ← θ - η sqrt(1 - β2^t) / (1 - β1^t) · m / (sqrt(v) + ε)`` (Keras' folded form: ``forms.adam_paper_step``
      is the paper's m̂ / v̂ form)
    - ``adagrad``: ``a ← a + g²`` (``a`` starts at ``initial_accumulator_value``, 0.1); ``θ ← θ - η g / sqrt(a + ε)``
    - ``adadelta``: ``s ← ρ s + (1 - ρ) g²``; ``Δ = -sqrt(d + ε) / sqrt(s + ε) · g``; ``d ← ρ d + (1 - ρ) Δ²``;
      ``θ ← θ + η Δ`` (``s``, ``d`` start at 0; ``ρ`` defaults to 0.95 here, 0.9 for ``rmsprop``)
    - ``nadam``: ``u_t = β1 (1 - 0.5 · 0.96^t)``, ``U_t = u_1 ··· u_t``; ``m``, ``v`` as in Adam;
      ``m̂ = u_{t+1} m / (1 - U_t u_{t+1}) + (1 - u_t) g / (1 - U_t)``; ``v̂ = v / (1 - β2^t)``;
      ``θ ← θ - η m̂ / (sqrt(v̂) + ε)``
    - ``adamw``: ``θ ← θ - η λ θ`` (decoupled weight decay, ``λ = weight_decay``, 0.004), then Adam's step on the
      decayed ``θ`` with the gradient ``g`` taken before it

    ``weight_decay`` (``None``: off, except 0.004 for ``adamw``) is Keras' argument of every optimizer: with a number,
    any rule first shrinks the parameters, ``θ ← θ - η λ θ``, then takes its step; so in Keras 3
    ``Adam(weight_decay=λ)`` is ``AdamW(weight_decay=λ)``. Adam + L2 instead adds ``λ θ`` to ``g``, which Adam then
    divides by ``sqrt(v)``.
    """

    def __init__(
        self,
        name: str = "sgd",
        learning_rate=0.01,
        momentum: float = 0.9,
        rho: float | None = None,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        initial_accumulator_value: float = 0.1,
        weight_decay: float | None = None,
    ):
        self.name = check_choice("name", name, ALL_OPTIMIZERS)
        if callable(learning_rate):
            self.learning_rate = learning_rate
            _scheduled_rate(learning_rate, 0)  # a broken schedule is named now, not deep inside a run
        else:
            self.learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
        self.momentum = check_float("momentum", momentum, 0, 1, high_inclusive=False)
        if rho is None:
            rho = 0.95 if self.name == "adadelta" else 0.9  # Keras' defaults
        self.rho = check_float("rho", rho, 0, 1, high_inclusive=False)
        self.beta_1 = check_float("beta_1", beta_1, 0, 1, high_inclusive=False)
        self.beta_2 = check_float("beta_2", beta_2, 0, 1, high_inclusive=False)
        self.epsilon = check_float("epsilon", epsilon, 0, low_inclusive=False)
        self.initial_accumulator_value = check_float("initial_accumulator_value", initial_accumulator_value, 0)
        if weight_decay is None and self.name == "adamw":
            weight_decay = 0.004  # keras.optimizers.AdamW's default
        self.weight_decay = None if weight_decay is None else check_float("weight_decay", weight_decay, 0)
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
        if self.weight_decay is not None:  # Keras' decoupled decay, before the rule: θ ← θ - θ λ η
            params = params - params * self.weight_decay * lr
        if self.name == "sgd":
            return params - lr * g
        if self.name in ("momentum", "nesterov"):
            v = self._slots["v"] = self.momentum * self._slot("v", params) - lr * g
            return params + (self.momentum * v - lr * g if self.name == "nesterov" else v)
        if self.name == "rmsprop":
            s = self._slots["s"] = self.rho * self._slot("s", params) + (1 - self.rho) * g**2
            return params - lr * g / np.sqrt(s + self.epsilon)
        if self.name == "adagrad":
            if "a" not in self._slots:
                self._slots["a"] = np.full_like(params, self.initial_accumulator_value, dtype=np.float64)
            a = self._slots["a"] = self._slots["a"] + g**2
            return params - lr * g / np.sqrt(a + self.epsilon)
        if self.name == "adadelta":
            s = self._slots["s"] = self.rho * self._slot("s", params) + (1 - self.rho) * g**2
            delta = -np.sqrt(self._slot("d", params) + self.epsilon) * g / np.sqrt(s + self.epsilon)
            self._slots["d"] = self.rho * self._slots["d"] + (1 - self.rho) * delta**2
            return params + lr * delta
        t = self.iterations
        m = self._slots["m"] = self._slot("m", params) + (1 - self.beta_1) * (g - self._slot("m", params))
        v = self._slots["v"] = self._slot("v", params) + (1 - self.beta_2) * (g**2 - self._slot("v", params))
        if self.name == "nadam":
            u_t, u_next = (self.beta_1 * (1 - 0.5 * 0.96**k) for k in (t, t + 1))
            product = self._slots["u_product"] = self._slots.get("u_product", 1.0) * u_t
            m_hat = u_next * m / (1 - product * u_next) + (1 - u_t) * g / (1 - product)
            return params - lr * m_hat / (np.sqrt(v / (1 - self.beta_2**t)) + self.epsilon)
        alpha = lr * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        return params - alpha * m / (np.sqrt(v) + self.epsilon)

    def to_keras(self):
        """The ``keras.optimizers`` object with the same rule and settings."""
        import keras

        lr, wd = self.learning_rate, self.weight_decay
        if self.name == "sgd":
            return keras.optimizers.SGD(learning_rate=lr, weight_decay=wd)
        if self.name in ("momentum", "nesterov"):
            return keras.optimizers.SGD(
                learning_rate=lr, momentum=self.momentum, nesterov=self.name == "nesterov", weight_decay=wd
            )
        if self.name in ("rmsprop", "adadelta"):
            kind = keras.optimizers.RMSprop if self.name == "rmsprop" else keras.optimizers.Adadelta
            return kind(learning_rate=lr, rho=self.rho, epsilon=self.epsilon, weight_decay=wd)
        if self.name == "adagrad":
            return keras.optimizers.Adagrad(
                learning_rate=lr,
                initial_accumulator_value=self.initial_accumulator_value,
                epsilon=self.epsilon,
                weight_decay=wd,
            )
        kind = {"adam": keras.optimizers.Adam, "nadam": keras.optimizers.Nadam, "adamw": keras.optimizers.AdamW}
        return kind[self.name](
            learning_rate=lr, beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon, weight_decay=wd
        )

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
            f"calling it with step {step} failed: {error}"
        ) from None
    try:
        value = float(rate)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"learning_rate schedule must return a real number >= 0, got {short_repr(rate)} at step {step}"
        ) from None
    if not (np.isfinite(value) and value >= 0):
        raise InvalidParameterError(
            f"learning_rate schedule must return a finite real number >= 0, got {value!r} at step {step}"
        )
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


def make_optimizer(
    name: str, learning_rate=0.01, momentum: float = 0.9, weight_decay: float | None = None
) -> Optimizer:
    """Shortcut for ``Optimizer(name, learning_rate, momentum=momentum, weight_decay=weight_decay)``."""
    return Optimizer(name, learning_rate, momentum=momentum, weight_decay=weight_decay)


def keras_optimizer(name: str, learning_rate=0.01, momentum: float = 0.9, weight_decay: float | None = None):
    """The ``keras.optimizers`` object for one of ``ALL_OPTIMIZERS``: the course's one optimizer vocabulary.

    ``"momentum"`` and ``"nesterov"`` are ``SGD(momentum=...)`` (with ``nesterov=True``); the others are
    Keras' own classes (``"adamw"`` is ``AdamW``, whose ``weight_decay`` defaults to 0.004) with their default
    settings, the same rules as ``Optimizer(name, ...)`` computes from scratch. ``weight_decay`` is Keras'
    decoupled decay, ``θ ← θ - η λ θ`` before each step, for any name (``None``: off, except ``adamw``'s default).
    Every part of the course that trains a Keras model with a named optimizer goes through
    this function, so a name means the same update rule everywhere.
    """
    return Optimizer(name, learning_rate, momentum=momentum, weight_decay=weight_decay).to_keras()
