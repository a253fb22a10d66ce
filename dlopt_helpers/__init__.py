"""dlopt_helpers: the helper package of the dlopt course on optimizing deep learning models.

One module per idea the course teaches; each function's docstring names the
notebook that introduces it.

- ``env``: ``set_seed``, ``environment_report``, ``cache_dir``, ``Stopwatch``
- ``experiments``: measured results over seeds (``🎲`` mean ± sd, 95 % CI) and the claims asserted on them
- ``data``: offline data sets (digits, diabetes, breast_cancer, sample images), image folders
- ``models``: the running example model
- ``concepts``: the from-scratch pieces of notebook 01
- ``losses``: MSE and cross-entropies from scratch, as Keras computes them (notebook 02)
- ``optim``: SGD, momentum, Nesterov, RMSProp, Adam from scratch; schedules; loss surfaces (notebook 03)
- ``deep``: training deep networks: initializers, gradient norms through depth, batch / layer norm, clipping
- ``regularization``: L1 / L2 / elastic net from scratch (= scikit-learn), pipelines, paths (notebook 04)
- ``augment``: an ``ImageDataGenerator`` for Keras 3 on ``tf.data``, one affine warp per image (notebook 05)
- ``parallel``: devices, tf.data on several cores, replicas and worker processes (notebook 06)
- ``tuning``: the learning-rate range test, a scikit-learn wrapper for the running example, search results (notebook 07)
- ``trends``: int8 quantization, self-supervised pre-training, saliency / integrated gradients, DP-SGD (notebook 09)
- ``references``: the bibliography (``dlopt_helpers/references.bib``) and the bilingual glossary (notebook 10)
- ``plotting``: the course's figure style and shared figures
- ``dashboards``: live dashboards, one module per dashboard (``widgets`` is their alias for older notebooks)
- ``exercises``: ``check(exercise_id, answer)``
- ``i18n``: ``set_language("zh")``: the helpers speak Chinese (the first cell of every notebook in ``notebooks/zh/``)
"""

import os as _os

# TensorFlow prints oneDNN, CUDA and C++ log notices with timestamps to stderr; in a
# notebook they become outputs that differ on every run. Quiet them before anything
# imports TensorFlow (values set by the user win: TF_CPP_MIN_LOG_LEVEL=0 shows all).
# oneDNN off also makes CPU results bit-for-bit repeatable.
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from ._tf import import_tensorflow as _import_tensorflow

_import_tensorflow()

from . import (  # noqa: E402
    augment,
    concepts,
    dashboards,
    data,
    deep,
    exercises,
    experiments,
    i18n,
    losses,
    models,
    optim,
    parallel,
    plotting,
    references,
    regularization,
    trends,
    tuning,
    widgets,
)
from .env import Stopwatch, cache_dir, environment_report, set_seed  # noqa: E402
from .exercises import check  # noqa: E402
from .i18n import get_language, set_language  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "Stopwatch",
    "augment",
    "cache_dir",
    "check",
    "concepts",
    "dashboards",
    "data",
    "deep",
    "environment_report",
    "exercises",
    "experiments",
    "get_language",
    "i18n",
    "losses",
    "models",
    "optim",
    "parallel",
    "plotting",
    "references",
    "regularization",
    "set_language",
    "set_seed",
    "trends",
    "tuning",
    "widgets",
]
