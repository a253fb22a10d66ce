"""Weight initialization from scratch and the variance argument behind it.

Introduced in the deep-network chapter (issue 16). Each initializer draws a Dense kernel of shape
``(fan_in, fan_out)`` from the distribution ``keras.initializers.<Name>`` uses (same limit or standard
deviation, truncated where Keras truncates); ``tests/test_deep.py`` checks them against Keras in
distribution (moments, bounds, a two-sample Kolmogorov–Smirnov test).

All of Keras' Glorot / He / LeCun initializers are ``VarianceScaling(scale, mode, distribution)``:
the kernel's variance is ``scale / n`` with ``n = fan_in``, ``fan_out`` or ``(fan_in + fan_out) / 2``.
A uniform on ``[-limit, limit]`` has variance ``limit² / 3``, so ``limit = sqrt(3 scale / n)``; a normal
truncated at two standard deviations has ``0.8796²`` of the untruncated variance, so Keras draws it with
``stddev = sqrt(scale / n) / 0.8796``.

The variance argument (Glorot & Bengio 2010, He et al. 2015): with zero-mean independent weights and zero
biases, a pre-activation ``z = W a`` has ``Var[z] = fan_in · Var[w] · E[a²]``, and ``E[a²]`` is ``Var[z]``
for a linear unit (and for tanh near 0), ``Var[z] / 2`` for ReLU. He's ``Var[w] = 2 / fan_in`` keeps
ReLU networks' variance constant through depth; Glorot's ``1 / fan_avg`` does it for tanh / linear.
:func:`predicted_variances` writes the recursion out, :func:`activation_variances` measures it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import SEED_MAX, Integer, InvalidParameterError, Options, Real, Sequence, validate_params

__all__ = [
    "INITIALIZERS",
    "ACTIVATIONS",
    "InitializerSpec",
    "compute_fans",
    "initializer_spec",
    "initialize",
    "keras_initializer",
    "activation_variances",
    "predicted_variances",
]

#: ``name -> (scale, mode, distribution)`` as in ``keras.initializers``; ``random_normal`` is Keras'
#: ``RandomNormal()`` (stddev 0.05, the naive "small random numbers" of the pre-2010 era).
INITIALIZERS = {
    "glorot_uniform": (1.0, "fan_avg", "uniform"),  # Keras' Dense default
    "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
    "he_normal": (2.0, "fan_in", "truncated_normal"),
    "lecun_normal": (1.0, "fan_in", "truncated_normal"),
    "random_normal": (None, None, "normal"),
}
#: the standard deviation of a standard normal truncated to [-2, 2] (Keras' constant)
TRUNCATED_STDDEV = 0.87962566103423978
RANDOM_NORMAL_STDDEV = 0.05
#: activations whose ``E[a²]`` given ``Var[z]`` the variance argument knows
ACTIVATIONS = ("linear", "relu", "tanh", "sigmoid")
MAX_DEPTH, MAX_WIDTH, MAX_SAMPLES, MAX_WEIGHTS = 200, 2048, 8192, 2**24


@dataclass(frozen=True)
class InitializerSpec:
    """The distribution of one initializer for one kernel shape."""

    name: str
    distribution: str  # "uniform", "truncated_normal" or "normal"
    variance: float  # Var[w] of the drawn weights
    limit: float | None  # uniform on [-limit, limit]
    stddev: float | None  # of the normal before truncation (Keras' ``stddev``)
    bound: float | None  # truncated normal: draws lie in [-bound, bound] (2 stddev)


@validate_params(shape=Sequence(Integer(1, 2**31), min_len=1, max_len=8))
def compute_fans(shape) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a kernel shape as Keras counts them: ``(fan_in, fan_out)`` for a Dense kernel,
    ``receptive field × channels`` for a convolution kernel ``(..., in_channels, out_channels)``."""
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


@validate_params(name=Options(*INITIALIZERS), shape=Sequence(Integer(1, 2**31), min_len=1, max_len=8))
def initializer_spec(name: str, shape) -> InitializerSpec:
    """The limit / standard deviation ``keras.initializers.<name>`` uses for a kernel of ``shape``."""
    scale, mode, distribution = INITIALIZERS[name]
    if distribution == "normal":
        s = RANDOM_NORMAL_STDDEV
        return InitializerSpec(name, distribution, s**2, None, s, None)
    fan_in, fan_out = compute_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    variance = scale / max(1.0, n)
    if distribution == "uniform":
        return InitializerSpec(name, distribution, variance, math.sqrt(3 * variance), None, None)
    stddev = math.sqrt(variance) / TRUNCATED_STDDEV
    return InitializerSpec(name, distribution, variance, None, stddev, 2 * stddev)


@validate_params(
    name=Options(*INITIALIZERS),
    shape=Sequence(Integer(1, 2**31), min_len=1, max_len=8),
    seed=Integer(0, SEED_MAX),
)
def initialize(name: str, shape, seed: int = 0) -> np.ndarray:
    """A kernel of ``shape`` drawn from scratch (NumPy, float64) from ``name``'s distribution.

    Truncated normals are drawn by rejection: values beyond two standard deviations are redrawn (what
    ``tf.random.truncated_normal`` does). Equal to Keras in distribution, not draw for draw (another
    random generator).
    """
    size = math.prod(shape)
    if size > MAX_WEIGHTS:
        raise InvalidParameterError(f"shape must hold at most {MAX_WEIGHTS} weights, got {size}")
    return _draw(initializer_spec(name, shape), shape, np.random.default_rng(seed))


def _draw(spec: InitializerSpec, shape, rng: np.random.Generator) -> np.ndarray:
    if spec.distribution == "uniform":
        return rng.uniform(-spec.limit, spec.limit, size=shape)
    w = rng.normal(0.0, spec.stddev, size=math.prod(shape))
    if spec.distribution == "truncated_normal":
        outside = np.abs(w) > spec.bound
        while outside.any():
            w[outside] = rng.normal(0.0, spec.stddev, size=int(outside.sum()))
            outside = np.abs(w) > spec.bound
    return w.reshape(shape)


@validate_params(name=Options(*INITIALIZERS), seed=(None, Integer(0, SEED_MAX)))
def keras_initializer(name: str, seed: int | None = None):
    """The ``keras.initializers`` object of ``name`` (``RandomNormal(stddev=0.05)`` for ``random_normal``)."""
    import keras

    if name == "random_normal":
        return keras.initializers.RandomNormal(mean=0.0, stddev=RANDOM_NORMAL_STDDEV, seed=seed)
    return keras.initializers.get({"class_name": name, "config": {"seed": seed}})


def _second_moment(activation: str, variance: np.ndarray | float):
    """``E[a²]`` of ``a = f(z)``, ``z ~ N(0, variance)``: exact for linear and ReLU, first order for tanh / sigmoid."""
    if activation == "relu":
        return variance / 2
    if activation == "sigmoid":  # sigmoid(z) ≈ 1/2 + z/4 near 0
        return 0.25 + variance / 16
    return variance  # linear exactly; tanh(z) ≈ z near 0


def _gaussian_second_moment(activation: str, variance: float) -> float:
    """``E[f(z)²]``, ``z ~ N(0, variance)``, by 80-point Gauss–Hermite quadrature."""
    if not np.isfinite(variance):
        return variance if activation not in ("tanh", "sigmoid") else 1.0 if activation == "tanh" else 0.5
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    return float(weights @ _apply(activation, math.sqrt(variance) * nodes) ** 2 / math.sqrt(2 * math.pi))


def _apply(activation: str, z: np.ndarray) -> np.ndarray:
    if activation == "relu":
        return np.maximum(z, 0.0)
    if activation == "tanh":
        return np.tanh(z)
    if activation == "sigmoid":
        return 0.5 * (1.0 + np.tanh(z / 2))  # = 1 / (1 + exp(-z)), without overflow
    return z


_DEPTH = Integer(1, MAX_DEPTH)
_WIDTH = Integer(1, MAX_WIDTH)


@validate_params(
    depth=_DEPTH,
    width=_WIDTH,
    activation=Options(*ACTIVATIONS),
    initializer=Options(*INITIALIZERS),
    input_second_moment=Real(0, 1e6, closed="neither"),
    approximation=Options("first_order", "gaussian"),
)
def predicted_variances(
    depth: int,
    width: int,
    activation: str,
    initializer: str,
    input_second_moment: float = 1.0,
    approximation: str = "first_order",
) -> np.ndarray:
    """``Var[z_l]`` of each layer's pre-activation, ``l = 1..depth``, from the variance argument.

    ``Var[z_1] = width · Var[w] · E[x²]`` and ``Var[z_l] = width · Var[w] · E[f(z_{l-1})²]`` with
    ``E[f(z)²]`` = ``Var[z]`` (linear; tanh near 0), ``Var[z] / 2`` (ReLU), ``1/4 + Var[z]/16`` (sigmoid,
    first order). The network is square (``width × width`` kernels), biases zero.

    ``approximation="gaussian"`` replaces the first-order factors by ``E[f(z)²]`` for ``z ~ N(0, Var[z])``
    computed by Gauss–Hermite quadrature (the wide-network limit): the same for linear and ReLU, and right
    for tanh / sigmoid away from 0 too, where they saturate.
    """
    gain = width * initializer_spec(initializer, (width, width)).variance
    out = np.empty(depth)
    second = input_second_moment
    with np.errstate(over="ignore"):
        for layer in range(depth):
            out[layer] = gain * second
            if approximation == "gaussian" and activation in ("tanh", "sigmoid"):
                second = _gaussian_second_moment(activation, out[layer])
            else:
                second = _second_moment(activation, out[layer])
    return out


@validate_params(
    depth=_DEPTH,
    width=_WIDTH,
    activation=Options(*ACTIVATIONS),
    initializer=Options(*INITIALIZERS),
    n=Integer(2, MAX_SAMPLES),
    seed=Integer(0, SEED_MAX),
)
def activation_variances(
    depth: int, width: int, activation: str, initializer: str, n: int = 512, seed: int = 0
) -> np.ndarray:
    """``Var[z_l]`` measured: ``n`` inputs ``x ~ N(0, I_width)`` through a random square MLP of ``depth`` layers.

    Each layer ``z_l = f(z_{l-1}) W_l`` (``W_l`` drawn by :func:`initialize`, biases zero, ``f = activation``,
    the input taken as is); returns the variance of ``z_l`` over the batch and the units, one per layer —
    the quantity :func:`predicted_variances` predicts. Values that overflow come back as ``inf``.
    """
    if n * width > MAX_SAMPLES * 256:
        raise InvalidParameterError(f"n · width must be at most {MAX_SAMPLES * 256}, got n={n}, width={width}")
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, width))
    spec = initializer_spec(initializer, (width, width))
    out = np.empty(depth)
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth):
            z = a @ _draw(spec, (width, width), rng)
            out[layer] = np.var(z) if np.all(np.isfinite(z)) else np.inf
            a = _apply(activation, z)
    return out
