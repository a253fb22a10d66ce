"""Training deep networks: initialization, vanishing / exploding gradients, normalization, clipping.

Introduced in ``notebooks/03a_deep_networks.ipynb``. Each piece is from scratch in NumPy and equals Keras:
the initializers in distribution, batch / layer norm and clipping value for value (``tests/test_deep.py``).

One module per idea: ``initialization`` (Glorot / He / LeCun, the variance argument), ``gradients`` (deep
MLPs, per-layer gradient norms), ``normalization`` (batch norm, layer norm), ``clipping`` (by value, norm,
global norm; what Keras optimizers' ``clipvalue`` / ``clipnorm`` / ``global_clipnorm`` do), ``training`` (the
loop ``model.fit`` runs, logging each step's loss and gradient norm), ``numpy_mlp`` (the same MLP with a
hand-written backward pass, equal to the Keras model; fast enough for the network doctor dashboard).
"""

from .clipping import clip_by_global_norm, clip_by_norm, clip_by_value, clip_gradients, global_norm
from .gradients import NORMALIZATIONS, build_deep_mlp, kernel_names, layer_gradient_norms
from .initialization import (
    ACTIVATIONS,
    INITIALIZERS,
    InitializerSpec,
    activation_variances,
    compute_fans,
    initialize,
    initializer_spec,
    keras_initializer,
    predicted_variances,
)
from .normalization import BatchNormState, batch_norm, layer_norm
from .numpy_mlp import VERDICT_RULE, NumpyMLP, gradient_verdict, numpy_gradient_norms
from .training import TrainingLog, train_logged

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
    "NORMALIZATIONS",
    "build_deep_mlp",
    "kernel_names",
    "layer_gradient_norms",
    "NumpyMLP",
    "numpy_gradient_norms",
    "gradient_verdict",
    "VERDICT_RULE",
    "BatchNormState",
    "batch_norm",
    "layer_norm",
    "clip_by_value",
    "clip_by_norm",
    "global_norm",
    "clip_by_global_norm",
    "clip_gradients",
    "TrainingLog",
    "train_logged",
]
