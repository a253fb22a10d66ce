"""Future trends, each as a small runnable demo (notebook ``09_future_trends``).

- efficiency: post-training int8 quantization with the TensorFlow Lite converter (``quantize``,
  ``LiteModel``: size, latency and accuracy in the same runtime);
- smarter models: an autoencoder pre-trained without labels, then a linear probe (``pretrain_autoencoder``,
  ``encode``), against the running example trained from scratch on the same few labels (``train_from_scratch``);
- explainability: gradient saliency and integrated gradients (``saliency``, ``integrated_gradients``);
- data privacy: DP-SGD written out, per-example clipping + Gaussian noise (``dp_sgd_train``), and its privacy
  budget from Google's ``dp_accounting`` library (``dp_epsilon``).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._validation import (Array, InvalidParameterError, Real, check, check_choice, check_float, check_int, check_labels,
                          check_xy, short_repr, validate_params)

__all__ = [
    "quantize",
    "LiteModel",
    "pretrain_autoencoder",
    "encode",
    "train_from_scratch",
    "saliency",
    "integrated_gradients",
    "DPRun",
    "dp_sgd_step_gradient",
    "dp_sgd_train",
    "dp_epsilon",
]


#: the largest batch size accepted
MAX_BATCH_SIZE = 1_000_000


# --------------------------------------------------------------------------- checks shared by the demos
def _check_model(name: str, model):
    """A Keras model (what ``quantize``, ``saliency`` and ``integrated_gradients`` need)."""
    import keras

    if not isinstance(model, keras.Model):
        raise InvalidParameterError(f"{name} must be a Keras model, got {type(model).__name__}: {short_repr(model)}")
    return model


def _input_shape(model) -> tuple | None:
    """One input's shape, ``model.input_shape[1:]``, or None when the model does not know it."""
    try:
        shape = model.input_shape
    except (AttributeError, ValueError, TypeError):
        return None
    if isinstance(shape, list) or shape is None:  # several inputs: not these demos' models
        return None
    shape = tuple(shape[1:])
    return None if None in shape else shape


def _check_batch(name: str, x, model) -> np.ndarray:
    """Finite float32 inputs ``(n, *input shape)``, n >= 1, matching the model's input shape."""
    x = check(name, x, Array(dtype=np.float32))
    expected = _input_shape(model)
    if expected is not None and (x.ndim != len(expected) + 1 or tuple(x.shape[1:]) != expected):
        raise InvalidParameterError(f"{name} must be a batch of inputs of shape (n, {', '.join(map(str, expected))}) "
                                    f"for this model, got shape {x.shape}")
    if x.ndim < 1:
        raise InvalidParameterError(f"{name} must be a batch of inputs (n, ...), got a scalar")
    return x


def _num_classes(model) -> int | None:
    try:
        shape = model.output_shape
    except (AttributeError, ValueError, TypeError):
        return None
    return shape[-1] if isinstance(shape, tuple) and isinstance(shape[-1], int) else None


# --------------------------------------------------------------------------- efficiency
@contextlib.contextmanager
def _quiet():
    """Silence what the TFLite converter and interpreter print (artifact paths, tensor ids, deprecation
    notices, the XNNPACK line) at the file-descriptor level; re-raise errors with the captured text."""
    import io

    saved = [os.dup(1), os.dup(2)]
    python_side = io.StringIO()  # in a Jupyter kernel sys.stdout is not file descriptor 1
    with tempfile.TemporaryFile() as captured, warnings.catch_warnings(), \
            contextlib.redirect_stdout(python_side), contextlib.redirect_stderr(python_side):
        warnings.simplefilter("ignore")
        os.dup2(captured.fileno(), 1)
        os.dup2(captured.fileno(), 2)
        try:
            yield
        except Exception as error:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            captured.seek(0)
            text = (python_side.getvalue() + captured.read().decode(errors="replace"))[-2000:]
            raise RuntimeError(f"TensorFlow Lite failed: {error}\n{text}") from error
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


def quantize(model, representative=None, mode: str = "int8") -> bytes:
    """Convert a Keras model to a TensorFlow Lite flatbuffer.

    ``mode='float32'`` keeps float weights (the fair baseline: same runtime);
    ``mode='int8'`` is full-integer post-training quantization: weights *and* activations
    in int8, with activation ranges calibrated on ``representative`` (a few hundred inputs).
    Inputs and outputs stay float32, so the model is a drop-in replacement. The int8 result is checked:
    if the converter fell back to float tensors, a ``RuntimeError`` says so instead of returning a float model.
    """
    check_choice("mode", mode, ("float32", "int8"))
    _check_model("model", model)
    if mode == "int8":
        if representative is None or (not isinstance(representative, (str, bytes)) and np.size(representative) == 0):
            raise InvalidParameterError("representative must hold some inputs to calibrate int8 activations")
        samples = _check_batch("representative", representative, model)
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if mode == "int8":

        def calibration():
            for sample in samples:
                yield [sample[None]]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = calibration
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    with _quiet():
        flatbuffer = converter.convert()
    if mode == "int8":
        with _quiet():
            details = tf.lite.Interpreter(model_content=flatbuffer).get_tensor_details()
        if not any(detail["dtype"] == np.int8 for detail in details):
            raise RuntimeError(
                f"the int8 conversion produced a model without int8 tensors ({len(flatbuffer):,} bytes, float): "
                "the calibration on representative did not give usable activation ranges; pass a few hundred "
                "typical inputs")
    return flatbuffer


class LiteModel:
    """Run a TensorFlow Lite flatbuffer: ``predict`` (whole batches) and ``latency`` (one input at a time)."""

    def __init__(self, flatbuffer: bytes):
        if not isinstance(flatbuffer, (bytes, bytearray)) or not flatbuffer:
            raise InvalidParameterError("flatbuffer must be the bytes returned by quantize(), got "
                                        f"{short_repr(flatbuffer)}")
        if bytes(flatbuffer[4:8]) != b"TFL3":  # the file identifier of every TensorFlow Lite flatbuffer
            raise InvalidParameterError("flatbuffer must be the bytes returned by quantize() (a TensorFlow Lite model "
                                        f"starts with the identifier TFL3 at byte 4), got {len(flatbuffer):,} bytes "
                                        f"starting {bytes(flatbuffer[:8])!r}")
        import tensorflow as tf

        self.flatbuffer = bytes(flatbuffer)
        try:
            with _quiet():
                self._interpreter = tf.lite.Interpreter(model_content=self.flatbuffer, num_threads=1)
        except RuntimeError as error:
            raise InvalidParameterError(f"flatbuffer must be a valid TensorFlow Lite model: {error}") from None
        self._input = self._interpreter.get_input_details()[0]
        self._output = self._interpreter.get_output_details()[0]
        self._batch = None

    @property
    def size_bytes(self) -> int:
        return len(self.flatbuffer)

    def _prepare(self, batch: int) -> None:
        if self._batch != batch:
            shape = [batch, *self._input["shape"][1:]]
            self._interpreter.resize_tensor_input(self._input["index"], shape)
            with _quiet():
                self._interpreter.allocate_tensors()
            self._batch = batch

    def _check_x(self, x) -> np.ndarray:
        x = check("x", x, Array(dtype=np.float32, finite=False))
        expected = tuple(int(d) for d in self._input["shape"][1:])
        if x.ndim != len(expected) + 1 or tuple(x.shape[1:]) != expected:
            raise InvalidParameterError(f"x must be a batch of inputs of shape (n, {', '.join(map(str, expected))}) "
                                        f"for this model, got shape {x.shape}")
        return x

    def predict(self, x) -> np.ndarray:
        """Outputs (logits) for a batch of float inputs."""
        x = self._check_x(x)
        self._prepare(len(x))
        self._interpreter.set_tensor(self._input["index"], x)
        self._interpreter.invoke()
        return self._interpreter.get_tensor(self._output["index"]).copy()

    def latency(self, x, repeats: int = 200) -> float:
        """Median seconds to run one input (batch of 1), on one thread."""
        repeats = check_int("repeats", repeats, 1, 100_000)
        x = self._check_x(x)
        self._prepare(1)
        times = []
        for i in range(repeats):
            start = time.perf_counter()
            self._interpreter.set_tensor(self._input["index"], x[i % len(x)][None])
            self._interpreter.invoke()
            self._interpreter.get_tensor(self._output["index"])
            times.append(time.perf_counter() - start)
        return statistics.median(times)


# --------------------------------------------------------------------------- self-supervised
def pretrain_autoencoder(x, code_units: int = 32, epochs: int = 60, batch_size: int = 64, seed: int = 0):
    """Pre-train an encoder **without labels**: reconstruct each image through a ``code_units`` bottleneck.

    The encoder is ``Flatten -> Dense(code_units, relu)``: the same shape as the running
    example's hidden layer, so a probe on its code compares like with like. Returns
    ``(encoder, autoencoder, history)``.
    """
    code_units = check_int("code_units", code_units, 1, 4096)
    epochs = check_int("epochs", epochs, 1, 10_000)
    batch_size = check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE)
    seed = check_int("seed", seed, 0, 2**31 - 2)
    if np.ndim(x) >= 2 and np.shape(x)[0] == 0:
        raise InvalidParameterError(f"x must be a non-empty batch of inputs, got shape {np.shape(x)}")
    x = check("x", x, Array(dtype=np.float32))
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"x must be a non-empty batch of inputs, got shape {x.shape}")
    if x.min() < 0 or x.max() > 1:
        # the decoder ends in a sigmoid and the loss is binary cross-entropy: targets outside [0, 1] give
        # meaningless (negative) losses
        raise InvalidParameterError(f"x must be pixel values in [0, 1] (the reconstruction loss is binary "
                                    f"cross-entropy), got values from {x.min():g} to {x.max():g}: rescale, e.g. "
                                    "x / 255")
    import keras

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(x.shape[1:])
    code = keras.layers.Dense(code_units, activation="relu", name="code",
                              kernel_initializer=keras.initializers.GlorotUniform(seed))(keras.layers.Flatten()(inputs))
    encoder = keras.Model(inputs, code, name="encoder")
    decoded = keras.layers.Dense(int(np.prod(x.shape[1:])), activation="sigmoid",
                                 kernel_initializer=keras.initializers.GlorotUniform(seed + 1))(code)
    autoencoder = keras.Model(inputs, keras.layers.Reshape(x.shape[1:])(decoded), name="autoencoder")
    autoencoder.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = autoencoder.fit(x, x, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=True)
    return encoder, autoencoder, history.history


def encode(encoder, x) -> np.ndarray:
    """The encoder's code for each input, as a float64 array for scikit-learn."""
    _check_model("encoder", encoder)
    x = _check_batch("x", x, encoder)
    return np.asarray(encoder(x, training=False), dtype=np.float64)


def train_from_scratch(x, y, epochs: int = 100, learning_rate: float = 0.01, batch_size: int = 32, seed: int = 0):
    """The running example trained from scratch on ``(x, y)`` with Adam: the baseline of a linear probe.

    ``epochs`` passes over the (few) examples, reshuffled every pass, run as **one** ``fit`` call
    over a repeated ``tf.data`` pipeline: with a handful of examples per class an epoch is one or
    two steps, and Keras' per-epoch overhead would cost more than the training. Returns the model
    (logits).
    """
    epochs = check_int("epochs", epochs, 1, 100_000)
    learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
    batch_size = check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE)
    seed = check_int("seed", seed, 0, 2**31 - 1)
    x, y = check_xy(x, y)
    import keras
    import tensorflow as tf

    from .models import build_running_example

    keras.utils.set_random_seed(seed)
    model = build_running_example(input_shape=x.shape[1:], seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    steps_per_epoch = -(-len(x) // batch_size)
    dataset = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
               .batch(batch_size).repeat())
    model.fit(dataset, steps_per_epoch=steps_per_epoch * epochs, epochs=1, verbose=0, shuffle=False)
    return model


# --------------------------------------------------------------------------- explainability
def saliency(model, x, target=None) -> np.ndarray:
    """Gradient saliency ``|∂ score_target / ∂ x|`` per input pixel (Simonyan et al., 2014).

    ``target`` defaults to each input's predicted class; else one class in ``[0, K)`` for every input, or one
    per input; scores are logits.
    """
    import tensorflow as tf

    _check_model("model", model)
    x = _check_batch("x", x, model)
    if target is not None:
        k = _num_classes(model)
        if np.ndim(target) == 0 and not isinstance(target, (str, bytes)):
            target = check_labels("target", [target], num_classes=k)
            target = np.full(len(x), target[0])
        else:
            target = check_labels("target", target, num_classes=k, n_samples=len(x))
    x = tf.constant(x)
    if target is None:
        target = np.argmax(model(x, training=False).numpy(), axis=1)
    target = tf.constant(np.asarray(target, dtype=np.int64).reshape(-1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = tf.gather(model(x, training=False), target, axis=1, batch_dims=1)
    return np.abs(tape.gradient(scores, x).numpy())


@dataclass(frozen=True)
class Attribution:
    """Integrated gradients for one input: the attribution of each input value and the completeness check."""

    attributions: np.ndarray
    score: float  # the target logit at the input
    baseline_score: float  # ... at the baseline
    steps: int

    @property
    def completeness_gap(self) -> float:
        """``|Σ attributions − (F(x) − F(baseline))|``: zero for exact integration."""
        return abs(float(self.attributions.sum()) - (self.score - self.baseline_score))


def integrated_gradients(model, x, target: int | None = None, baseline=None, steps: int = 64) -> Attribution:
    """Integrated gradients (Sundararajan et al., 2017) of one input, trapezoidal rule with ``steps`` intervals.

    ``IG_i = (x_i − x'_i) · ∫₀¹ ∂F(x' + α (x − x')) / ∂x_i dα``; by the fundamental theorem
    of calculus along the path, the attributions add up to ``F(x) − F(x')`` (completeness).
    ``baseline`` defaults to an all-zero image (no ink: blank); ``target`` to the predicted class.
    """
    import tensorflow as tf

    steps = check_int("steps", steps, 1, 100_000)
    x = check("x", x, Array(dtype=np.float32))
    baseline = np.zeros_like(x) if baseline is None else check("baseline", baseline, Array(dtype=np.float32))
    if baseline.shape != x.shape:
        raise ValueError(f"baseline must have the shape of x {x.shape}, got {baseline.shape}")
    _check_model("model", model)
    expected = _input_shape(model)
    if expected is not None and x.shape != expected:
        if x.shape == (1, *expected):  # one input with its batch axis: drop it
            x, baseline = x[0], baseline[0]
        else:
            raise InvalidParameterError(f"x must be one input of shape ({', '.join(map(str, expected))}) for this "
                                        f"model (no batch axis), got shape {x.shape}")
    if target is None:
        target = int(np.argmax(model(x[None], training=False).numpy()[0]))
    k = _num_classes(model)
    target = check_int("target", target, 0, None if k is None else k - 1)
    alphas = tf.reshape(tf.linspace(0.0, 1.0, steps + 1), (-1,) + (1,) * x.ndim)
    path = tf.constant(baseline)[None] + alphas * tf.constant(x - baseline)[None]
    with tf.GradientTape() as tape:
        tape.watch(path)
        scores = model(path, training=False)[:, target]
    gradients = tape.gradient(scores, path).numpy().astype(np.float64)
    average = (gradients[:-1] + gradients[1:]).mean(axis=0) / 2  # trapezoidal rule
    scores = scores.numpy().astype(np.float64)
    return Attribution((x - baseline).astype(np.float64) * average, float(scores[-1]), float(scores[0]), steps)


# --------------------------------------------------------------------------- privacy
@dataclass
class DPRun:
    """A DP-SGD training run: the model, its settings and the loss per epoch."""

    model: object
    noise_multiplier: float
    l2_norm_clip: float
    batch_size: int
    epochs: int
    steps: int
    sample_rate: float
    losses: list = field(default_factory=list)

    def epsilon(self, delta: float = 1e-5) -> float:
        """The privacy budget spent, ``ε`` at ``δ`` (``dp_epsilon``); infinite without noise."""
        return dp_epsilon(self.noise_multiplier, self.sample_rate, self.steps, delta)


@validate_params(l2_norm_clip=Real(0, None, closed="neither"), noise_multiplier=Real(0, None))
def dp_sgd_step_gradient(model, x, y, l2_norm_clip: float, noise_multiplier: float, noise_seed):
    """The DP-SGD gradient of one batch (Abadi et al., 2016), written out:

    1. per-example gradients ``g_i`` (one Jacobian of the per-example losses);
    2. clip each to norm ``C``: ``g_i · min(1, C / ‖g_i‖)``;
    3. sum, add Gaussian noise ``N(0, σ² C² I)``, divide by the batch size.

    With ``σ = 0`` and a huge ``C`` this is the ordinary mini-batch gradient.

    Parameters
    ----------
    model : a Keras model (or any callable with ``trainable_variables``) returning logits
    x : finite inputs ``(n, ...)``; y : ``n`` integer labels in ``[0, K)``
    l2_norm_clip : float > 0 (``C``); noise_multiplier : float >= 0 (``σ``)
    noise_seed : int or a pair of ints (a ``tf.random`` stateless seed); an int ``s`` means ``(s, 0)``

    Returns ``(gradients, mean loss)``: one gradient per trainable variable.
    """
    import tensorflow as tf

    if not callable(model) or not hasattr(model, "trainable_variables"):
        raise InvalidParameterError(f"model must be a Keras model (callable, with trainable_variables), got "
                                    f"{type(model).__name__}: {short_repr(model)}")
    x = check("x", x, Array(dtype=np.float32))
    if x.ndim < 1:
        raise InvalidParameterError("x must be a batch of inputs (n, ...), got a scalar")
    y = check_labels("y", y, num_classes=_num_classes(model), n_samples=len(x))
    seed = check("noise_seed", noise_seed, Array(integer=True))
    if seed.ndim == 0:
        seed = np.array([int(seed), 0])
    if seed.shape != (2,):
        raise InvalidParameterError(f"noise_seed must be an int or a pair of ints, got shape {seed.shape}")
    return _dp_sgd_step_gradient(model, tf.constant(x), tf.constant(y), l2_norm_clip, noise_multiplier,
                                 tf.constant(seed, tf.int64))


def _dp_sgd_step_gradient(model, x, y, l2_norm_clip: float, noise_multiplier: float, noise_seed):
    """``dp_sgd_step_gradient`` without the checks (inside ``dp_sgd_train``'s ``tf.function``: symbolic tensors)."""
    import keras
    import tensorflow as tf

    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)
    with tf.GradientTape() as tape:
        per_example = loss_fn(y, model(x, training=True))
    jacobians = tape.jacobian(per_example, model.trainable_variables)  # each (batch, *variable shape)
    squared = tf.add_n([tf.reduce_sum(tf.reshape(j, (tf.shape(j)[0], -1)) ** 2, axis=1) for j in jacobians])
    factors = tf.minimum(1.0, l2_norm_clip / (tf.sqrt(squared) + 1e-12))
    batch = tf.cast(tf.shape(x)[0], tf.float32)
    gradients = []
    for k, j in enumerate(jacobians):
        clipped = tf.tensordot(factors, j, axes=1)  # Σ_i factor_i g_i
        noise = tf.random.stateless_normal(tf.shape(clipped), seed=noise_seed + tf.constant([0, k], noise_seed.dtype),
                                           stddev=noise_multiplier * l2_norm_clip)
        gradients.append((clipped + noise) / batch)
    return gradients, tf.reduce_mean(per_example)


def dp_sgd_train(x, y, noise_multiplier: float = 1.0, l2_norm_clip: float = 1.0, batch_size: int = 64,
                 epochs: int = 10, learning_rate: float = 0.5, seed: int = 0, hidden_units: int = 32) -> DPRun:
    """Train the running example with DP-SGD (``dp_sgd_step_gradient`` + ``keras.optimizers.SGD``).

    Batches are drawn by shuffling each epoch (fixed size); the accounting treats them as
    Poisson-sampled with rate ``batch_size / n``, the usual approximation (as TF Privacy's
    tutorials do). ``x``: finite inputs; ``y``: integer labels in ``[0, 10)`` (the running example's classes).
    """
    noise_multiplier = check_float("noise_multiplier", noise_multiplier, 0)
    l2_norm_clip = check_float("l2_norm_clip", l2_norm_clip, 0, low_inclusive=False)
    batch_size = check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE)
    epochs = check_int("epochs", epochs, 1, 10_000)
    learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
    seed = check_int("seed", seed, 0, 2**31 - 1)
    x, y = check_xy(x, y)
    check_labels("y", y, num_classes=10, n_samples=len(x))
    if batch_size > len(x):
        raise InvalidParameterError(f"batch_size must be <= the number of samples ({len(x)}), got {batch_size}")  # whole numbers in [0, 10): the model's classes
    import keras
    import tensorflow as tf

    from .models import build_running_example

    keras.utils.set_random_seed(seed)
    model = build_running_example(input_shape=x.shape[1:], hidden_units=hidden_units, seed=seed)
    optimizer = keras.optimizers.SGD(learning_rate)

    @tf.function
    def step(xb, yb, noise_seed):
        gradients, loss = _dp_sgd_step_gradient(model, xb, yb, l2_norm_clip, noise_multiplier, noise_seed)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    rng = np.random.default_rng(seed)
    per_epoch = len(x) // batch_size
    run = DPRun(model, noise_multiplier, l2_norm_clip, batch_size, epochs, per_epoch * epochs, batch_size / len(x))
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        losses = []
        for b in range(per_epoch):
            index = order[b * batch_size : (b + 1) * batch_size]
            noise_seed = tf.constant([seed, (epoch * per_epoch + b) * 16], dtype=tf.int64)  # new noise every step
            losses.append(float(step(x[index], y[index], noise_seed)))
        run.losses.append(float(np.mean(losses)))
    return run


def dp_epsilon(noise_multiplier: float, sample_rate: float, steps: int, delta: float = 1e-5) -> float:
    """``ε`` of DP-SGD at ``δ``: ``steps`` Poisson-subsampled Gaussian mechanisms, Rényi-DP accounting.

    Uses Google's ``dp_accounting`` library (``RdpAccountant``, integer orders 2..256).
    ``noise_multiplier = 0`` means no privacy: ``inf``.
    """
    noise_multiplier = check_float("noise_multiplier", noise_multiplier, 0)
    sample_rate = check_float("sample_rate", sample_rate, 0, 1, low_inclusive=False)
    steps = check_int("steps", steps, 1)
    delta = check_float("delta", delta, 0, 1, low_inclusive=False, high_inclusive=False)
    if noise_multiplier == 0:
        return float("inf")
    import dp_accounting
    from dp_accounting import rdp

    accountant = rdp.RdpAccountant(orders=list(range(2, 257)))
    event = dp_accounting.PoissonSampledDpEvent(sample_rate, dp_accounting.GaussianDpEvent(noise_multiplier))
    accountant.compose(dp_accounting.SelfComposedDpEvent(event, steps))
    return float(accountant.get_epsilon(delta))
