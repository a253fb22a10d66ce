"""The deep MLP of :func:`~dlopt_helpers.deep.build_deep_mlp` from scratch in NumPy: forward, backward, SGD.

Introduced in the deep-network chapter (issue 16) and behind its "network doctor" dashboard
(``dashboards.NetworkDoctorDashboard``): a few milliseconds per network, so the per-layer gradient norms
follow every control change live, where building and tracing the Keras model takes seconds.

The network is exactly ``build_deep_mlp``'s: ``depth`` hidden layers ``Dense → [normalization] → activation``,
with ``residual=True`` every hidden layer after the first is the block ``x + act(norm(Dense(x)))``, then a
``Dense`` to the logits; the loss is the mean softmax cross-entropy of integer labels. Batch norm runs in
training mode (the batch's mean and biased variance, ``ε = 1e-3``), layer norm normalizes each sample over its
features (``ε = 1e-3``), both with ``γ = 1, β = 0`` at initialization, as Keras. The backward pass is written
out layer by layer (the normalizations' gradients included), in float64, so a gradient of 1e-30 is still a
number. :meth:`NumpyMLP.to_keras` copies the weights into ``build_deep_mlp``'s model;
``tests/test_network_doctor.py`` checks that Keras' ``layer_gradient_norms`` then gives the same norms.
"""

from __future__ import annotations

import functools

import numpy as np

from .._validation import (
    SEED_MAX,
    Array,
    Integer,
    InvalidParameterError,
    IsCallable,
    Real,
    check_labels,
    sub_seed,
    validate_params,
)
from ..env import one_blas_thread
from .gradients import ARCHITECTURE, MAX_BATCH
from .initialization import _apply as _activate  # f(z): one definition for both
from .initialization import initialize
from .normalization import EPSILON, MOMENTUM

__all__ = ["NumpyMLP", "numpy_gradient_norms", "gradient_verdict", "VERDICT_RULE"]

#: the rule of :func:`gradient_verdict`: the first layer's norm over the last hidden layer's beyond ``ratio`` (either
#: way), or every norm below ``vanish_below``, or any norm above ``explode_above``
VERDICT_RULE = {"ratio": 1e3, "vanish_below": 1e-2, "explode_above": 1e3}
#: the most training samples × epochs :meth:`NumpyMLP.fit` takes in one call
MAX_SAMPLE_STEPS = 10**6


@functools.lru_cache(maxsize=1024)
def _kernel(initializer: str, shape: tuple, seed: int) -> np.ndarray:
    """One drawn kernel, kept: a control change back to a network seen before draws nothing again."""
    kernel = initialize(initializer, shape, seed=seed)
    kernel.setflags(write=False)
    return kernel


def _activation_slope(activation: str, z: np.ndarray, a: np.ndarray) -> np.ndarray | float:
    """``f'(z)`` from the pre-activation ``z`` and the output ``a = f(z)`` (ReLU: 1 where ``z > 0``, as TF)."""
    if activation == "relu":
        return (z > 0).astype(z.dtype)
    if activation == "tanh":
        return 1.0 - a * a
    if activation == "sigmoid":
        return a * (1.0 - a)
    return 1.0


class NumpyMLP:
    """``build_deep_mlp(depth, width, activation, initializer, normalization, residual, ...)`` in NumPy (float64).

    The kernels are drawn by :func:`~dlopt_helpers.deep.initialize` (layer ``l`` with seed ``sub_seed(seed, l)``,
    the logits' kernel with ``sub_seed(seed, depth + 1)``, as ``build_deep_mlp`` seeds Keras); biases start at
    zero, ``γ`` at one, ``β`` at zero, batch norm's moving statistics at zero / one.

    Parameters
    ----------
    depth : int in [1, 60]; width : int in [1, 512]
    activation : one of ``ACTIVATIONS``; initializer : one of ``INITIALIZERS``
    normalization : None, ``'batch'`` or ``'layer'``; residual : bool
    input_dim : int in [1, 4096]; num_classes : int in [2, 1000]; seed : int in [0, 2**31 - 1]

    Examples
    --------
    >>> import numpy as np
    >>> mlp = NumpyMLP(depth=30, activation="sigmoid", initializer="random_normal")
    >>> x, y = np.random.default_rng(0).random((32, 64)), np.arange(32) % 10
    >>> norms = mlp.gradient_norms(x, y)  # one per Dense kernel, first layer first
    >>> bool(norms[0] < 1e-20 * norms[-1])  # the first layer gets (almost) nothing
    True
    """

    @validate_params(
        **ARCHITECTURE,
        input_dim=Integer(1, 4096),
        num_classes=Integer(2, 1000),
        seed=Integer(0, SEED_MAX),
    )
    def __init__(
        self,
        depth: int = 20,
        width: int = 64,
        activation: str = "relu",
        initializer: str = "glorot_uniform",
        normalization: str | None = None,
        residual: bool = False,
        input_dim: int = 64,
        num_classes: int = 10,
        seed: int = 0,
    ):
        self.depth, self.width, self.activation, self.initializer = depth, width, activation, initializer
        self.normalization, self.residual, self.seed = normalization, residual, seed
        self.input_dim, self.num_classes = input_dim, num_classes
        shapes = [(input_dim, width)] + [(width, width)] * (depth - 1) + [(width, num_classes)]
        self.kernels = [np.array(_kernel(initializer, shape, sub_seed(seed, k + 1))) for k, shape in enumerate(shapes)]
        self.biases = [np.zeros(shape[1]) for shape in shapes]
        norm = normalization is not None
        self.gammas = [np.ones(width) for _ in range(depth)] if norm else []
        self.betas = [np.zeros(width) for _ in range(depth)] if norm else []
        batch = normalization == "batch"
        self.moving_means = [np.zeros(width) for _ in range(depth)] if batch else []
        self.moving_variances = [np.ones(width) for _ in range(depth)] if batch else []
        self._velocities = None  # SGD momentum buffers, made at the first step with momentum
        self.last_gradient_norm = float("nan")  # G of the last sgd_step, before clipping
        self.gradient_norms_logged = np.array([])  # G of every step of the last fit

    # -- forward and backward ------------------------------------------------------------------------
    def _normalize(self, layer: int, h: np.ndarray, training: bool):
        """``(output, x_hat, 1 / sqrt(σ² + ε))`` of the layer's normalization (batch norm: training mode)."""
        if self.normalization == "batch" and not training:
            mean, variance = self.moving_means[layer], self.moving_variances[layer]
        else:  # sums, not .mean / .var: this runs 2 × depth times per call, and they cost a Python layer each
            axis, keep = (0, False) if self.normalization == "batch" else (-1, True)
            scale = 1.0 / h.shape[axis]
            mean = h.sum(axis=axis, keepdims=keep) * scale
            centered = h - mean
            variance = (centered * centered).sum(axis=axis, keepdims=keep) * scale  # biased, as Keras
            if self.normalization == "batch":  # Keras' momentum convention (``deep.batch_norm``)
                self._batch_stats.append((mean, variance))
            inverse = 1.0 / np.sqrt(variance + EPSILON)
            x_hat = centered * inverse
            return self.gammas[layer] * x_hat + self.betas[layer], x_hat, inverse
        inverse = 1.0 / np.sqrt(variance + EPSILON)
        x_hat = (h - mean) * inverse
        return self.gammas[layer] * x_hat + self.betas[layer], x_hat, inverse

    def _forward(self, x: np.ndarray, training: bool = True):
        self._batch_stats = []
        cache = []
        for layer in range(self.depth):
            h = x @ self.kernels[layer] + self.biases[layer]
            x_hat = inverse = None
            z = h
            if self.normalization is not None:
                z, x_hat, inverse = self._normalize(layer, h, training)
            a = _activate(self.activation, z)
            cache.append((x, z, a, x_hat, inverse))
            x = x + a if self.residual and layer > 0 else a
        return x @ self.kernels[-1] + self.biases[-1], x, cache

    def _check_x(self, x) -> np.ndarray:
        x = Array(ndim=2).convert("x", x)
        if x.shape[1] != self.input_dim:
            raise InvalidParameterError(f"x must have shape (n, {self.input_dim}), got {x.shape}")
        if len(x) > MAX_BATCH:
            raise InvalidParameterError(f"x must hold at most {MAX_BATCH} samples, got {len(x)}")
        if self.normalization == "batch" and len(x) < 2:
            raise InvalidParameterError(f"x must hold at least 2 samples for batch norm, got {len(x)}")
        return x

    def _check_batch(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        x = self._check_x(x)
        return x, check_labels("y", y, num_classes=self.num_classes, n_samples=len(x))

    def predict(self, x, training: bool = False) -> np.ndarray:
        """Logits ``(n, num_classes)``; batch norm uses its moving statistics unless ``training``."""
        x = self._check_x(x)
        with np.errstate(all="ignore"):
            return self._forward(x, training=bool(training))[0]

    def loss_and_gradients(self, x, y) -> tuple[float, dict]:
        """The mean cross-entropy on ``(x, y)`` and its gradient for every parameter (training mode).

        Returns ``(loss, grads)`` with ``grads["kernels"]`` / ``["biases"]`` (``depth + 1`` each, first layer
        first) and ``grads["gammas"]`` / ``["betas"]`` (``depth`` each, empty without normalization). Overflow
        gives ``inf`` / ``nan`` values, never an exception.
        """
        x, y = self._check_batch(x, y)
        with np.errstate(all="ignore"):
            return self._loss_and_gradients(x, y)

    def _loss_and_gradients(self, x: np.ndarray, y: np.ndarray, kernels_only: bool = False) -> tuple[float, dict]:
        """``kernels_only``: skip the gradients of biases, γ and β (what the gradient norms do not need)."""
        n = len(x)
        logits, last, cache = self._forward(x)
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = float(-log_probs[np.arange(n), y].mean())
        d_logits = np.exp(log_probs)
        d_logits[np.arange(n), y] -= 1.0
        d_logits /= n
        kernels, biases, gammas, betas = [last.T @ d_logits], [d_logits.sum(axis=0)], [], []
        dx = d_logits @ self.kernels[-1].T
        for layer in range(self.depth - 1, -1, -1):
            x_in, z, a, x_hat, inverse = cache[layer]
            dz = dx * _activation_slope(self.activation, z, a)
            dh = dz
            if self.normalization is not None:
                axis, keep = (0, False) if self.normalization == "batch" else (-1, True)
                if not kernels_only:
                    gammas.append((dz * x_hat).sum(axis=0))
                    betas.append(dz.sum(axis=0))
                d_hat = dz * self.gammas[layer]
                scale = 1.0 / d_hat.shape[axis]
                dh = inverse * (
                    d_hat
                    - d_hat.sum(axis=axis, keepdims=keep) * scale
                    - x_hat * ((d_hat * x_hat).sum(axis=axis, keepdims=keep) * scale)
                )
            kernels.append(x_in.T @ dh)
            if not kernels_only:
                biases.append(dh.sum(axis=0))
            skip = dx if self.residual and layer > 0 else 0.0
            dx = dh @ self.kernels[layer].T + skip
        grads = {"kernels": kernels[::-1], "biases": biases[::-1], "gammas": gammas[::-1], "betas": betas[::-1]}
        return loss, grads

    def gradient_norms(self, x, y) -> np.ndarray:
        """``||∂L/∂W_l||`` (Frobenius) of every kernel, first layer first: ``layer_gradient_norms``' numbers."""
        x, y = self._check_batch(x, y)
        with np.errstate(all="ignore"):
            kernels = self._loss_and_gradients(x, y, kernels_only=True)[1]["kernels"]
            return np.sqrt([np.vdot(g, g) for g in kernels])  # vdot: one BLAS call per kernel

    # -- training ------------------------------------------------------------------------------------
    @validate_params(
        learning_rate=Real(0, 100, closed="neither"),
        momentum=Real(0, 1, closed="left"),
        global_clipnorm=(None, Real(0, None, closed="neither")),
    )
    def sgd_step(
        self, x, y, learning_rate: float = 0.01, momentum: float = 0.0, global_clipnorm: float | None = None
    ) -> float:
        """One step of SGD on the batch ``(x, y)``, as Keras' ``SGD(learning_rate, momentum, global_clipnorm=...)``.

        Keras' momentum form: ``v ← μ v - η g``, ``w ← w + v`` (``v`` starts at zero). With ``global_clipnorm`` the
        gradients are first scaled by ``c / max(G, c)``, ``G`` their global norm (``deep.clip_by_global_norm``).
        ``G`` before clipping is kept in ``last_gradient_norm``. Batch norm's moving statistics follow Keras'
        convention (``momentum = 0.99``). Returns the batch's loss before the step.
        """
        x, y = self._check_batch(x, y)
        with np.errstate(all="ignore"):
            loss, grads = self._loss_and_gradients(x, y)
            params = [p for name in ("kernels", "biases", "gammas", "betas") for p in getattr(self, name)]
            gradients = [g for name in ("kernels", "biases", "gammas", "betas") for g in grads[name]]
            norm = float(np.sqrt(sum(np.vdot(g, g) for g in gradients)))
            self.last_gradient_norm = norm
            if global_clipnorm is not None and np.isfinite(norm) and norm > global_clipnorm:
                gradients = [g * (global_clipnorm / norm) for g in gradients]
            if momentum > 0:
                if self._velocities is None:
                    self._velocities = [np.zeros_like(p) for p in params]
                for p, g, v in zip(params, gradients, self._velocities):
                    v *= momentum
                    v -= learning_rate * g
                    p += v
            else:
                for p, g in zip(params, gradients):
                    p -= learning_rate * g
            for layer, (mean, variance) in enumerate(self._batch_stats):
                self.moving_means[layer] = MOMENTUM * self.moving_means[layer] + (1 - MOMENTUM) * mean
                self.moving_variances[layer] = MOMENTUM * self.moving_variances[layer] + (1 - MOMENTUM) * variance
        return loss

    @validate_params(
        epochs=Integer(1, 100),
        batch_size=Integer(2, MAX_BATCH),
        learning_rate=(Real(0, 100, closed="neither"), IsCallable()),
        momentum=Real(0, 1, closed="left"),
        seed=Integer(0, SEED_MAX),
        on_batch=(None, IsCallable()),
        global_clipnorm=(None, Real(0, None, closed="neither")),
    )
    def fit(
        self,
        x,
        y,
        epochs: int = 3,
        batch_size: int = 32,
        learning_rate=0.01,
        momentum: float = 0.9,
        seed: int = 0,
        on_batch=None,
        global_clipnorm: float | None = None,
    ) -> np.ndarray:
        """Train with SGD (:meth:`sgd_step`) for ``epochs`` epochs, batches shuffled by ``seed``; returns their losses.

        ``learning_rate``: a number, or a schedule ``step -> rate`` (step 0 first, e.g. a warm-up). Each step's
        gradient norm before clipping is kept in ``gradient_norms`` (an array, one per step). Stops after the first
        batch whose loss is not finite (that loss is the last value). ``on_batch(step, loss)`` is called after every
        batch (a progress bar, a live curve); returning ``False`` stops training.
        """
        x = Array(ndim=2).convert("x", x)
        y = check_labels("y", y, num_classes=self.num_classes, n_samples=len(x))
        if len(x) * epochs > MAX_SAMPLE_STEPS:
            raise InvalidParameterError(f"epochs × samples must be at most {MAX_SAMPLE_STEPS}, got {len(x) * epochs}")
        rng = np.random.default_rng(seed)
        self.gradient_norms_logged = np.array([])
        with one_blas_thread():
            return self._fit(x, y, epochs, batch_size, learning_rate, momentum, rng, on_batch, global_clipnorm)

    def _fit(self, x, y, epochs, batch_size, learning_rate, momentum, rng, on_batch, global_clipnorm) -> np.ndarray:
        losses, norms = [], []
        for _ in range(epochs):
            order = rng.permutation(len(x))
            for start in range(0, len(x) - 1, batch_size):  # a last batch of one sample is dropped (batch norm)
                index = order[start : start + batch_size]
                if len(index) < 2:
                    continue
                rate = learning_rate(len(losses)) if callable(learning_rate) else learning_rate
                losses.append(self.sgd_step(x[index], y[index], rate, momentum, global_clipnorm))
                norms.append(self.last_gradient_norm)
                self.gradient_norms_logged = np.array(norms)
                stop = on_batch is not None and on_batch(len(losses), losses[-1]) is False
                if stop or not np.isfinite(losses[-1]):
                    return np.array(losses)
        return np.array(losses)

    # -- the same network in Keras -------------------------------------------------------------------
    def to_keras(self):
        """``build_deep_mlp`` with the same arguments, holding these weights (and moving statistics)."""
        import keras

        from .gradients import build_deep_mlp

        model = build_deep_mlp(
            self.depth,
            self.width,
            self.activation,
            self.initializer,
            self.normalization,
            self.residual,
            self.input_dim,
            self.num_classes,
            self.seed,
        )
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        for layer, kernel, bias in zip(dense, self.kernels, self.biases):
            layer.set_weights([kernel.astype(np.float32), bias.astype(np.float32)])
        norms = [
            layer
            for layer in model.layers
            if isinstance(layer, (keras.layers.BatchNormalization, keras.layers.LayerNormalization))
        ]
        for k, layer in enumerate(norms):
            weights = [self.gammas[k], self.betas[k]]
            if self.normalization == "batch":
                weights += [self.moving_means[k], self.moving_variances[k]]
            layer.set_weights([w.astype(np.float32) for w in weights])
        return model


@validate_params(
    **ARCHITECTURE,
    x=Array(ndim=2),
    seed=Integer(0, SEED_MAX),
)
def numpy_gradient_norms(
    depth: int,
    width: int,
    activation: str,
    initializer: str,
    normalization: str | None,
    residual: bool,
    x,
    y,
    seed: int = 0,
) -> np.ndarray:
    """``||∂L/∂W_l||`` of every Dense kernel of a new ``NumpyMLP`` (first layer first) on the batch ``(x, y)``.

    ``x``: ``(n, input_dim)``; ``y``: ``n`` integer labels in ``[0, 1000)`` (``num_classes = max(y) + 1``, at
    least 2).
    The numbers ``layer_gradient_norms(build_deep_mlp(...), x, y)`` gives for the same weights, in a few
    milliseconds instead of seconds.
    """
    labels = check_labels("y", y, num_classes=1000)
    if len(labels) != len(x):
        raise InvalidParameterError(f"x and y must hold the same number of samples, got {len(x)} and {len(labels)}")
    mlp = NumpyMLP(
        depth, width, activation, initializer, normalization, residual, x.shape[1], max(2, int(labels.max()) + 1), seed
    )
    return mlp.gradient_norms(x, labels)


@validate_params(norms=Array(ndim=1, finite=False, low=0))
def gradient_verdict(norms) -> tuple[str, str]:
    """``(kind, sentence)``: are these per-layer gradient norms (first layer first, logits last) healthy?

    The rule (``VERDICT_RULE``), with ``g_1`` the first layer's norm and ``g_h`` the last hidden layer's (the
    one below the logits; the logits' own kernel sees the activations' scale directly):

    - ``'overflow'``: a norm is ``inf`` or ``NaN``;
    - ``'vanish'``: ``g_1 < g_h / 1000`` (with SGD the first layer learns over a thousand times slower than
      the last), or every norm is below ``0.01`` (the signal died on the way forward: no layer learns);
    - ``'explode'``: ``g_1 > 1000 · g_h``, or a norm is above ``1000`` (one SGD step at rate 0.01 would move
      that kernel by more than its own size);
    - ``'healthy'`` otherwise.
    """
    if norms.size < 2:
        raise InvalidParameterError(
            f"norms must hold at least 2 values (hidden layers and the logits), got {norms.size}"
        )
    bad = np.flatnonzero(~np.isfinite(norms))
    if bad.size:
        return "overflow", f"gradients overflow: {norms[bad[0]]} in layer {bad[0] + 1}"
    first, hidden, largest = norms[0], norms[len(norms) - 2], norms.max()
    ratio = first / hidden if hidden > 0 else (np.inf if first > 0 else 1.0)
    rule = VERDICT_RULE
    relative = f"first layer {ratio:.1g} × the last hidden layer's"
    if largest < rule["vanish_below"]:
        return "vanish", f"gradients vanish in every layer: the largest norm is {largest:.1g}"
    if ratio < 1 / rule["ratio"]:
        return "vanish", f"gradients vanish: {relative}"
    if ratio > rule["ratio"]:
        return "explode", f"gradients explode toward the input: {relative}"
    if largest > rule["explode_above"]:
        return "explode", f"gradients explode: norm {largest:.1g} in layer {int(np.argmax(norms)) + 1}"
    return "healthy", f"healthy: {relative}, every norm in [0.01, 1000]"
