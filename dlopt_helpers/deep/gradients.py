"""Deep MLPs whose gradients vanish or explode, and the per-layer gradient norms that show it.

Introduced in the deep-network chapter (issue 16): :func:`build_deep_mlp` builds a Keras functional MLP of
``depth`` hidden Dense layers (activation, initializer, optional batch / layer normalization, optional
residual connections) and :func:`layer_gradient_norms` returns ``||∂loss/∂W_l||`` for every Dense kernel,
first layer first, so a notebook can plot them for sigmoid / tanh / ReLU × default / Glorot / He.

A hidden layer is ``Dense → [normalization] → activation``. With ``residual=True`` every hidden layer after
the first (which maps the input to ``width``) is a residual block: its input is added to its output,
``x + act(norm(Dense(x)))``, so the gradient has a path around every layer. Without normalization the
residual sum's variance grows with depth (by about ``1 + gain`` per block for ReLU); with it, linearly.
"""

from __future__ import annotations

import numpy as np

from .._validation import (
    SEED_MAX,
    Array,
    Boolean,
    Instance,
    Integer,
    InvalidParameterError,
    Options,
    Real,
    check_labels,
    sub_seed,
    validate_params,
)
from .initialization import ACTIVATIONS, INITIALIZERS, keras_initializer

__all__ = ["NORMALIZATIONS", "build_deep_mlp", "layer_gradient_norms", "kernel_names"]

NORMALIZATIONS = (None, "batch", "layer")
MAX_DEPTH, MAX_WIDTH, MAX_BATCH = 60, 512, 4096


#: what a deep MLP's architecture may be: shared by the Keras model here and its NumPy twin (``numpy_mlp``)
ARCHITECTURE = {
    "depth": Integer(1, MAX_DEPTH),
    "width": Integer(1, MAX_WIDTH),
    "activation": Options(*ACTIVATIONS),
    "initializer": Options(*INITIALIZERS),
    "normalization": Options(*NORMALIZATIONS),
    "residual": Boolean(),
}


@validate_params(
    **ARCHITECTURE,
    input_dim=Integer(1, 4096),
    num_classes=Integer(2, 1000),
    seed=Integer(0, SEED_MAX),
    batch_norm_momentum=Real(0, 1, closed="left"),
)
def build_deep_mlp(
    depth: int = 20,
    width: int = 64,
    activation: str = "relu",
    initializer: str = "glorot_uniform",
    normalization: str | None = None,
    residual: bool = False,
    input_dim: int = 64,
    num_classes: int = 10,
    seed: int = 0,
    batch_norm_momentum: float = 0.99,
):
    """A Keras functional MLP ``input_dim → depth × width → num_classes`` (logits), not compiled.

    ``initializer`` initializes every kernel (``glorot_uniform`` is Keras' default; ``random_normal`` the
    naive ``N(0, 0.05²)``); biases start at zero. The Dense layers are named ``dense_1 … dense_<depth>`` and
    ``logits``; the kernels' order is that of :func:`layer_gradient_norms`. Each kernel's seed is derived
    from ``seed``, so the same arguments build the same weights. ``batch_norm_momentum`` is the batch-norm
    layers' ``momentum`` (Keras' default 0.99 lets the moving statistics, which inference uses, take a few hundred
    steps to catch up with the batches'; 0.9 about twenty).
    """
    import keras

    inputs = keras.Input(shape=(input_dim,), name="x")
    x = inputs
    for layer in range(1, depth + 1):
        h = keras.layers.Dense(
            width,
            kernel_initializer=keras_initializer(initializer, seed=sub_seed(seed, layer)),
            name=f"dense_{layer}",
        )(x)
        if normalization == "batch":
            h = keras.layers.BatchNormalization(momentum=batch_norm_momentum, name=f"batch_norm_{layer}")(h)
        elif normalization == "layer":
            h = keras.layers.LayerNormalization(name=f"layer_norm_{layer}")(h)
        h = keras.layers.Activation(activation, name=f"{activation}_{layer}")(h)
        x = keras.layers.Add(name=f"skip_{layer}")([x, h]) if residual and layer > 1 else h
    outputs = keras.layers.Dense(
        num_classes, kernel_initializer=keras_initializer(initializer, seed=sub_seed(seed, depth + 1)), name="logits"
    )(x)
    name = f"mlp_{depth}x{width}_{activation}_{initializer}" + (f"_{normalization}" if normalization else "")
    return keras.Model(inputs, outputs, name=name + ("_residual" if residual else ""))


def _dense_kernels(model):
    import keras

    return [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]


@validate_params(model=Instance(object, what="a Keras model"))
def kernel_names(model) -> list[str]:
    """The names of the Dense layers whose kernels :func:`layer_gradient_norms` reports, in that order."""
    import keras

    if not isinstance(model, keras.Model):
        raise InvalidParameterError(f"model must be a Keras model, got {type(model).__name__}")
    return [layer.name for layer in model.layers if isinstance(layer, keras.layers.Dense)]


@validate_params(model=Instance(object, what="a Keras model"), x=Array(ndim=2, dtype=np.float32))
def layer_gradient_norms(model, x, y) -> np.ndarray:
    """``||∂L/∂W_l||_2`` (Frobenius) of every Dense kernel of ``model``, first layer first.

    ``L`` is the mean sparse categorical cross-entropy of the model's logits on the batch ``(x, y)``
    (integer labels), computed in training mode (batch norm uses the batch's statistics); the model's
    moving statistics are restored afterwards, so measuring changes nothing. A norm of 0 is a layer that
    gets no gradient at all; ``inf`` / ``nan`` an overflow.
    """
    import keras
    import tensorflow as tf

    if not isinstance(model, keras.Model):
        raise InvalidParameterError(f"model must be a Keras model, got {type(model).__name__}")
    kernels = _dense_kernels(model)
    if not kernels:
        raise InvalidParameterError(f"model must hold at least one Dense layer, got {model.name!r}")
    if len(x) > MAX_BATCH:
        raise InvalidParameterError(f"x must hold at most {MAX_BATCH} samples, got {len(x)}")
    expected = model.inputs[0].shape[1:] if model.inputs else None
    if expected is not None and tuple(expected) != tuple(x.shape[1:]):
        raise InvalidParameterError(f"x must have shape (n, {', '.join(map(str, expected))}), got {x.shape}")
    labels = check_labels("y", y, num_classes=int(model.outputs[0].shape[-1]), n_samples=len(x))
    saved = [v.numpy() for v in model.non_trainable_variables]
    try:
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
            loss = tf.reduce_mean(loss)
        grads = tape.gradient(loss, kernels)
    finally:
        for variable, value in zip(model.non_trainable_variables, saved):
            variable.assign(value)
    # the norm in float64: squaring float32 gradients below ~1e-19 underflows to 0 (tf.norm would report 0)
    return np.array([0.0 if g is None else float(np.linalg.norm(g.numpy().astype(np.float64))) for g in grads])
