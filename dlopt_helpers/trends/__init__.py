"""Future trends, each as a small runnable demo (notebook ``09_future_trends``).

- efficiency: post-training int8 quantization with the TensorFlow Lite converter (``quantize``,
  ``LiteModel``: size, latency and accuracy in the same runtime);
- smarter models: an autoencoder pre-trained without labels, then a linear probe (``pretrain_autoencoder``,
  ``encode``), against the running example trained from scratch on the same few labels (``train_from_scratch``);
- explainability: gradient saliency and integrated gradients (``saliency``, ``integrated_gradients``);
- data privacy: DP-SGD written out, per-example clipping + Gaussian noise (``dp_sgd_train``), and its privacy
  budget from Google's ``dp_accounting`` library (``dp_epsilon``).
"""

# one module per trend; every name stays reachable as ``dh.trends.<name>``
from ._checks import MAX_BATCH_SIZE  # noqa: F401
from .efficiency import LiteModel, _quiet, quantize  # noqa: F401
from .explainability import Attribution, integrated_gradients, saliency  # noqa: F401
from .privacy import DPRun, dp_epsilon, dp_sgd_step_gradient, dp_sgd_train
from .self_supervised import encode, pretrain_autoencoder, train_from_scratch

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
