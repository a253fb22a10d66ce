"""Property-based: every public callable, every parameter, fed generated bad values (hypothesis).

For each public name in each module's ``__all__`` there is one *valid* call below (tiny inputs), or
a stated reason why it is not fuzzed here. The property, one parameter at a time, everything else
valid: the call either returns (the value was acceptable after all) or raises a clean error — a
``ValueError`` / ``TypeError`` (``InvalidParameterError`` is both) whose message names that
parameter. Any other exception (IndexError, ZeroDivisionError, a TensorFlow or NumPy internal
error, MemoryError), a message that does not name the parameter, or a call that runs past its time
limit (unbounded work) fails, with the call shown. Nothing may be written outside the temporary
cache and working folder the test gives (checked against the repository's file list).

The rows of ``../shared/reviews/bad-input-2026-11-25.md`` are pinned one by one as regression tests
in ``tests/test_bad_input_*.py``; this file guards every parameter, including those of helpers
written later: a public name without an entry here fails ``test_every_public_callable_is_fuzzed``.
"""

from __future__ import annotations

import importlib
import math
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parents[1]
MODULES = [
    "env",
    "data",
    "models",
    "concepts",
    "losses",
    "deep",
    "regularization",
    "optim",
    "augment",
    "parallel",
    "tuning",
    "trends",
    "references",
    "plotting",
    "dashboards",
    "exercises",
    "experiments",
    "i18n",
]

_NAN = float("nan")
# values a learner could plausibly pass by mistake; hypothesis adds integers, floats and short strings
POOL = [
    None,
    True,
    False,
    "no",
    "",
    "abc",
    -1,
    0,
    1,
    3,
    10**20,
    -(10**20),
    2**64,
    0.5,
    -0.5,
    1e308,
    _NAN,
    math.inf,
    -math.inf,
    [],
    [_NAN],
    [1, 2, 3],
    (1, 2, 3),
    (0, 0),
    {},
    {"a": 1},
    b"\x00garbage",
    np.float32(_NAN),
    np.array([[_NAN]]),
    np.zeros((0,)),
    np.zeros((2, 2)),
    "x" * 1000,
]
BAD = st.one_of(
    st.sampled_from(POOL),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.lists(st.integers(-3, 3), max_size=3),
)
# for slow callables: values that are never acceptable for a numeric or boolean setting
SURELY_BAD = [_NAN, math.inf, -(10**20), 10**20, "no", object(), [_NAN], b"\x00"]


@dataclass
class Entry:
    call: Callable[..., Any]  # call(**kwargs) -> result
    valid: dict  # a valid set of keyword arguments (tiny, fast)
    fuzz: tuple = ()  # the parameters to fuzz (default: every key of ``valid``)
    examples: int = 5  # hypothesis examples per parameter (plus 4 fixed values)
    slow: bool = False  # fixed SURELY_BAD values only, no hypothesis
    limit_s: int = 20  # per call; past it the work counts as unbounded
    skip: dict = field(default_factory=dict)  # parameter -> reason it is not fuzzed

    def parameters(self):
        return [p for p in (self.fuzz or tuple(self.valid)) if p not in self.skip]


def _sgd():
    import keras

    return keras.optimizers.SGD(0.01)


def _m(name):
    return importlib.import_module(f"dlopt_helpers.{name}")


def _digits():
    rng = np.random.default_rng(0)
    return rng.random((20, 8, 8, 1)).astype(np.float32), np.arange(20) % 10


X8, Y8 = _digits()
XY_LIN = (
    np.linspace(-1, 1, 12)[:, None] * [1.0, 0.5] + np.linspace(0, 1, 12)[:, None] ** 2 * [0, 1],
    np.linspace(0, 2, 12),
)


def _tiny_model():
    return _m("models").build_running_example(hidden_units=4, seed=0)


def _deep_mlp():
    return _m("deep").build_deep_mlp(depth=2, width=4, input_dim=3, num_classes=2, seed=0)


def _surface():
    return _m("optim").get_surface("quadratic")


def _rows():
    return [{"learning_rate": lr, "l2": l2, "score": 0.5 + lr / 10 - l2} for lr in (0.01, 0.1, 1.0) for l2 in (0, 1e-3)]


def _lr_dimension():
    return _m("tuning").Dimension("learning_rate", 1e-4, 1.0, scale="log")


def _search_space():
    return _m("tuning").SearchSpace([_lr_dimension(), _m("tuning").Dimension("units", 8, 64, kind="int")])


def _search_trials(scores=True):
    trials = {"points": _search_space().grid(4), "space": _search_space()}
    return {**trials, "scores": [0.3, float("nan"), 0.1, 0.2]} if scores else trials


def _throughput():
    return _m("parallel").Throughput("a", 10, (0.5, 0.6))


def _method(factory, method):
    def call(**kwargs):
        return getattr(factory(), method)(**kwargs)

    return call


def _fitted(**kwargs):
    return _m("tuning").RunningExampleClassifier(epochs=1, hidden_units=4).fit(X8, Y8).predict(**kwargs)


_FLOW = object()  # stands for a tf.data pipeline of (x, y) batches, built at call time (TensorFlow loads late)


def _mixup_dataset(**kwargs):
    if kwargs["dataset"] is _FLOW:
        kwargs["dataset"] = _m("augment").ImageDataGenerator().flow(X8[:4], Y8[:4], batch_size=2, repeat=False)
    return next(iter(_m("augment").mixup_dataset(**kwargs)))


ENTRIES: dict[str, Entry] = {
    # env
    "env.set_seed": Entry(lambda **k: _m("env").set_seed(**k), {"seed": 0, "deterministic": True}),
    "env.cache_dir": Entry(lambda **k: _m("env").cache_dir("probe", **k), {"create": False}),
    "env.Stopwatch": Entry(lambda **k: _m("env").Stopwatch(**k), {"label": "x", "verbose": False}),
    # data
    "data.load_digits_images": Entry(
        lambda **k: _m("data").load_digits_images(**k),
        {"size": 8, "test_size": 0.2, "val_size": 0.1, "seed": 0, "interpolation": "bilinear"},
        examples=3,
    ),
    "data.load_table": Entry(
        lambda **k: _m("data").load_table(**k),
        {"name": "diabetes", "test_size": 0.2, "val_size": 0.1, "seed": 0, "standardize": True},
        examples=3,
    ),
    "data.load_sample_images": Entry(lambda **k: _m("data").load_sample_images(**k), {"size": (8, 8)}, examples=3),
    "data.make_image_folder": Entry(
        lambda **k: _m("data").make_image_folder(**k),
        {"source": "digits", "images_per_class": 1, "size": 8, "seed": 0, "overwrite": False},
        examples=3,
    ),
    "data.make_curve": Entry(
        lambda **k: _m("data").make_curve(**k), {"n_train": 10, "n_val": 10, "noise": 0.3, "seed": 0}
    ),
    "data.make_last_marked": Entry(
        lambda **k: _m("data").make_last_marked(**k),
        {"n_train": 20, "n_test": 10, "length": 6, "marker_rate": 0.3, "seed": 0},
    ),
    # models
    "models.compile_running_example": Entry(
        lambda **k: _m("models").compile_running_example(**{"model": _tiny_model(), **k}),
        {"optimizer": "sgd", "learning_rate": 0.1, "momentum": 0.9, "metrics": ["accuracy"]},
        examples=3,
    ),
    "models.build_running_example": Entry(
        lambda **k: _m("models").build_running_example(**k),
        {"input_shape": (8, 8, 1), "num_classes": 10, "hidden_units": 4, "seed": 0},
        examples=3,
    ),
    "models.build_cnn": Entry(
        lambda **k: _m("models").build_cnn(**k),
        {"input_shape": (8, 8, 1), "num_classes": 10, "filters": 2, "pooling": "max", "seed": 0},
        examples=3,
    ),
    "models.build_rnn": Entry(
        lambda **k: _m("models").build_rnn(**k),
        {"input_shape": (4, 3), "num_classes": 10, "cell": "gru", "units": 2, "seed": 0},
        examples=3,
    ),
    # concepts
    "concepts.softmax": Entry(lambda **k: _m("concepts").softmax(**k), {"logits": [[1.0, 2.0]]}),
    "concepts.softmax_cross_entropy": Entry(
        lambda **k: _m("concepts").softmax_cross_entropy(**k), {"logits": [[1.0, 2.0]], "labels": [1]}
    ),
    "concepts.softmax_regression_gradients": Entry(
        lambda **k: _m("concepts").softmax_regression_gradients(**k),
        {"x": [[1.0, 0.0, 2.0]], "labels": [1], "weights": np.zeros((3, 2)), "bias": np.zeros(2)},
    ),
    "concepts.l2_penalty": Entry(lambda **k: _m("concepts").l2_penalty(**k), {"weights": [1.0, 2.0], "strength": 0.1}),
    "concepts.rotation_matrix": Entry(
        lambda **k: _m("concepts").rotation_matrix(**k), {"degrees": 30.0, "center": (1.0, 2.0)}
    ),
    "concepts.warp_nearest": Entry(
        lambda **k: _m("concepts").warp_nearest(**k), {"image": np.eye(4), "matrix": np.eye(3), "fill_value": 0.0}
    ),
    # deep
    "deep.compute_fans": Entry(lambda **k: _m("deep").compute_fans(**k), {"shape": (3, 2)}),
    "deep.initializer_spec": Entry(
        lambda **k: _m("deep").initializer_spec(**k), {"name": "he_normal", "shape": (3, 2)}
    ),
    "deep.initialize": Entry(lambda **k: _m("deep").initialize(**k), {"name": "he_normal", "shape": (3, 2), "seed": 0}),
    "deep.keras_initializer": Entry(lambda **k: _m("deep").keras_initializer(**k), {"name": "he_normal", "seed": 0}),
    "deep.predicted_variances": Entry(
        lambda **k: _m("deep").predicted_variances(**k),
        {
            "depth": 3,
            "width": 4,
            "activation": "tanh",
            "initializer": "he_normal",
            "input_second_moment": 1.0,
            "approximation": "gaussian",
        },
    ),
    "deep.activation_variances": Entry(
        lambda **k: _m("deep").activation_variances(**k),
        {"depth": 3, "width": 4, "activation": "relu", "initializer": "he_normal", "n": 8, "seed": 0},
    ),
    "deep.build_deep_mlp": Entry(
        lambda **k: _m("deep").build_deep_mlp(**k),
        {
            "depth": 2,
            "width": 4,
            "activation": "relu",
            "initializer": "he_normal",
            "normalization": "batch",
            "residual": True,
            "input_dim": 3,
            "num_classes": 2,
            "seed": 0,
        },
        examples=3,
    ),
    "deep.kernel_names": Entry(lambda **k: _m("deep").kernel_names(**k), {"model": _deep_mlp()}),
    "deep.train_logged": Entry(
        lambda **k: _m("deep").train_logged(**{"model": _deep_mlp(), "optimizer": _sgd(), **k}),
        {"x": np.ones((4, 3), np.float32), "y": [0, 1, 0, 1], "steps": 2, "batch_size": 2, "seed": 0, "shuffle": True},
        slow=True,
    ),
    "deep.layer_gradient_norms": Entry(
        lambda **k: _m("deep").layer_gradient_norms(**k),
        {"model": _deep_mlp(), "x": np.ones((4, 3), np.float32), "y": [0, 1, 0, 1]},
        examples=3,
    ),
    "deep.NumpyMLP": Entry(
        lambda **k: _m("deep").NumpyMLP(**k),
        {
            "depth": 2,
            "width": 4,
            "activation": "relu",
            "initializer": "he_normal",
            "normalization": "batch",
            "residual": True,
            "input_dim": 3,
            "num_classes": 2,
            "seed": 0,
        },
    ),
    "deep.numpy_gradient_norms": Entry(
        lambda **k: _m("deep").numpy_gradient_norms(**k),
        {
            "depth": 2,
            "width": 4,
            "activation": "tanh",
            "initializer": "glorot_uniform",
            "normalization": "layer",
            "residual": True,
            "x": np.ones((4, 3)),
            "y": [0, 1, 0, 1],
            "seed": 0,
        },
    ),
    "deep.gradient_verdict": Entry(lambda **k: _m("deep").gradient_verdict(**k), {"norms": [0.5, 1.0, 0.3]}),
    "deep.batch_norm": Entry(
        lambda **k: _m("deep").batch_norm(**k),
        {
            "x": [[1.0, 2.0], [3.0, 5.0]],
            "gamma": [1.0, 2.0],
            "beta": [0.0, 1.0],
            "moving_mean": [0.0, 0.0],
            "moving_variance": [1.0, 1.0],
            "training": True,
            "momentum": 0.9,
            "epsilon": 1e-3,
        },
    ),
    "deep.layer_norm": Entry(
        lambda **k: _m("deep").layer_norm(**k),
        {"x": [[1.0, 2.0], [3.0, 5.0]], "gamma": [1.0, 2.0], "beta": [0.0, 1.0], "epsilon": 1e-3},
    ),
    "deep.clip_by_value": Entry(
        lambda **k: _m("deep").clip_by_value(**k), {"t": [1.0, -3.0], "clip_value_min": -1.0, "clip_value_max": 1.0}
    ),
    "deep.clip_by_norm": Entry(lambda **k: _m("deep").clip_by_norm(**k), {"t": [3.0, 4.0], "clip_norm": 1.0}),
    "deep.global_norm": Entry(lambda **k: _m("deep").global_norm(**k), {"t_list": [[3.0], [4.0]]}),
    "deep.clip_by_global_norm": Entry(
        lambda **k: _m("deep").clip_by_global_norm(**k), {"t_list": [[3.0], [4.0]], "clip_norm": 1.0}
    ),
    "deep.clip_gradients": Entry(
        lambda **k: _m("deep").clip_gradients(**k),
        {"grads": [[3.0], [4.0]], "clipvalue": None, "clipnorm": 1.0, "global_clipnorm": None},
    ),
    # losses
    "losses.log_sum_exp": Entry(lambda **k: _m("losses").log_sum_exp(**k), {"z": [[1.0, 2.0]], "axis": -1}),
    "losses.log_softmax": Entry(lambda **k: _m("losses").log_softmax(**k), {"logits": [[1.0, 2.0]], "axis": -1}),
    "losses.softmax": Entry(lambda **k: _m("losses").softmax(**k), {"logits": [[1.0, 2.0]], "axis": -1}),
    "losses.sigmoid": Entry(lambda **k: _m("losses").sigmoid(**k), {"z": [0.5, -1.0]}),
    "losses.mean_squared_error": Entry(
        lambda **k: _m("losses").mean_squared_error(**k), {"y_true": [1.0, 2.0], "y_pred": [1.5, 2.0]}
    ),
    "losses.binary_cross_entropy": Entry(
        lambda **k: _m("losses").binary_cross_entropy(**k),
        {"y_true": [1.0, 0.0], "y_pred": [0.7, 0.2], "from_logits": False, "label_smoothing": 0.1},
    ),
    "losses.categorical_cross_entropy": Entry(
        lambda **k: _m("losses").categorical_cross_entropy(**k),
        {"y_true": [[0.0, 1.0]], "y_pred": [[0.3, 0.7]], "from_logits": False, "label_smoothing": 0.1},
    ),
    "losses.smooth_labels": Entry(
        lambda **k: _m("losses").smooth_labels(**k), {"y_true": [[0.0, 1.0]], "label_smoothing": 0.1, "binary": False}
    ),
    "losses.sparse_categorical_cross_entropy": Entry(
        lambda **k: _m("losses").sparse_categorical_cross_entropy(**k),
        {"y_true": [1], "y_pred": [[0.3, 0.7]], "from_logits": False},
    ),
    "losses.naive_softmax_cross_entropy": Entry(
        lambda **k: _m("losses").naive_softmax_cross_entropy(**k), {"logits": [[1.0, 2.0]], "labels": [1]}
    ),
    "losses.logit_gradients": Entry(lambda **k: _m("losses").logit_gradients(**k), {"z": [0.5, -1.0], "y": [1, 0]}),
    # regularization
    "regularization.check_xy": Entry(lambda **k: _m("regularization").check_xy(**k), {"x": XY_LIN[0], "y": XY_LIN[1]}),
    "regularization.penalty": Entry(
        lambda **k: _m("regularization").penalty(**k),
        {"weights": [1.0, -2.0], "kind": "l2", "alpha": 0.1, "l1_ratio": 0.5},
    ),
    "regularization.soft_threshold": Entry(
        lambda **k: _m("regularization").soft_threshold(**k), {"z": [1.0, -0.2], "threshold": 0.5}
    ),
    "regularization.ridge_closed_form": Entry(
        lambda **k: _m("regularization").ridge_closed_form(**k),
        {"x": XY_LIN[0], "y": XY_LIN[1], "alpha": 0.1, "fit_intercept": True},
    ),
    "regularization.lasso_coordinate_descent": Entry(
        lambda **k: _m("regularization").lasso_coordinate_descent(**k),
        {
            "x": XY_LIN[0],
            "y": XY_LIN[1],
            "alpha": 0.1,
            "l1_ratio": 1.0,
            "fit_intercept": True,
            "max_iter": 100,
            "tol": 1e-6,
        },
    ),
    "regularization.make_model": Entry(
        lambda **k: _m("regularization").make_model(**k),
        {"kind": "l2", "alpha": 0.1, "l1_ratio": 0.5, "degree": 2, "max_iter": 100},
    ),
    "regularization.regularization_path": Entry(
        lambda **k: _m("regularization").regularization_path(**k),
        {"x": XY_LIN[0], "y": XY_LIN[1], "alphas": [0.1, 1.0], "kind": "l1", "l1_ratio": 0.5},
        examples=3,
    ),
    # optim
    "optim.Optimizer": Entry(
        lambda **k: _m("optim").Optimizer(**k),
        {
            "name": "adam",
            "learning_rate": 0.01,
            "momentum": 0.9,
            "rho": 0.9,
            "beta_1": 0.9,
            "beta_2": 0.999,
            "epsilon": 1e-7,
            "initial_accumulator_value": 0.1,
            "weight_decay": 0.004,
        },
    ),
    "optim.Optimizer.step": Entry(
        lambda **k: _m("optim").Optimizer("sgd", 0.1).step(**k),
        {"params": np.array([1.0, 2.0]), "grads": np.array([0.5, 0.5])},
    ),
    "optim.make_optimizer": Entry(
        lambda **k: _m("optim").make_optimizer(**k),
        {"name": "momentum", "learning_rate": 0.01, "momentum": 0.9, "weight_decay": None},
    ),
    "optim.keras_optimizer": Entry(
        lambda **k: _m("optim").keras_optimizer(**k),
        {"name": "adamw", "learning_rate": 0.01, "momentum": 0.9, "weight_decay": 0.004},
    ),
    "optim.adam_paper_step": Entry(
        lambda **k: _m("optim").adam_paper_step(**k),
        {
            "params": np.array([1.0, 2.0]),
            "grads": np.array([0.5, -0.5]),
            "m": np.zeros(2),
            "v": np.zeros(2),
            "t": 1,
            "learning_rate": 0.001,
            "beta_1": 0.9,
            "beta_2": 0.999,
            "epsilon": 1e-7,
        },
    ),
    "optim.adam_forms": Entry(
        lambda **k: _m("optim").adam_forms(**k),
        {
            "gradient": _surface(),
            "start": (0.5, 0.5),
            "steps": 5,
            "learning_rate": 0.01,
            "beta_1": 0.9,
            "beta_2": 0.999,
            "epsilon": 1e-7,
            "match_epsilon": False,
        },
    ),
    "optim.nesterov_lookahead": Entry(
        lambda **k: _m("optim").nesterov_lookahead(**k),
        {"gradient": _surface(), "start": (0.5, 0.5), "steps": 5, "learning_rate": 0.01, "momentum": 0.9},
    ),
    "optim.get_surface": Entry(lambda **k: _m("optim").get_surface(**k), {"name": "quadratic"}),
    "optim.Surface.grid": Entry(lambda **k: _surface().grid(**k), {"n": 10}),
    "optim.run_optimizer": Entry(
        lambda **k: _m("optim").run_optimizer(**k),
        {"surface": _surface(), "optimizer": _m("optim").make_optimizer("sgd", 0.01), "steps": 5, "start": (0.5, 0.5)},
    ),
    "optim.step_decay": Entry(
        lambda **k: _m("optim").step_decay(**k), {"step": 3, "initial": 0.1, "drop": 0.5, "every": 2}
    ),
    "optim.exponential_decay": Entry(
        lambda **k: _m("optim").exponential_decay(**k), {"step": 3, "initial": 0.1, "decay_rate": 0.5, "decay_steps": 2}
    ),
    "optim.cosine_decay": Entry(
        lambda **k: _m("optim").cosine_decay(**k),
        {"step": 3, "initial": 0.1, "decay_steps": 10, "alpha": 0.0, "warmup_target": None, "warmup_steps": 0},
    ),
    "optim.one_cycle": Entry(
        lambda **k: _m("optim").one_cycle(**k),
        {
            "step": 3,
            "max_lr": 0.1,
            "total_steps": 20,
            "pct_start": 0.3,
            "div_factor": 25.0,
            "final_div_factor": 1e4,
            "anneal": "cos",
        },
    ),
    "optim.OneCycle": Entry(
        lambda **k: _m("optim").OneCycle(**k),
        {
            "max_lr": 0.1,
            "total_steps": 20,
            "pct_start": 0.3,
            "div_factor": 25.0,
            "final_div_factor": 1e4,
            "anneal": "linear",
            "name": "OneCycle",
        },
    ),
    "optim.plateau_schedule": Entry(
        lambda **k: _m("optim").plateau_schedule(**k),
        {
            "val_losses": [1.0, 0.9, 0.9, 0.9],
            "initial": 0.1,
            "factor": 0.5,
            "patience": 1,
            "min_delta": 1e-4,
            "cooldown": 1,
            "min_lr": 0.0,
            "mode": "min",
        },
    ),
    "optim.ScratchAdam": Entry(
        lambda **k: _m("optim").ScratchAdam(**k),
        {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    ),
    # augment
    "augment.AugmentLayer": Entry(
        lambda **k: _m("augment").AugmentLayer(**k), {"generator": {"rotation_range": 10.0}, "seed": 0}, examples=3
    ),
    "plotting.text_color": Entry(lambda **k: _m("plotting").text_color(**k), {"color": "white"}),
    "plotting.heatmap": Entry(
        lambda **k: _m("plotting").heatmap(**k),
        {"values": [[0.1, 0.2], [0.3, 0.4]], "x_labels": ["a", "b"], "y_labels": ["c", "d"]},
        examples=3,
    ),
    "augment.ImageDataGenerator": Entry(
        lambda **k: _m("augment").ImageDataGenerator(**k),
        {
            "rotation_range": 10.0,
            "width_shift_range": 0.1,
            "height_shift_range": 0.1,
            "shear_range": 0.0,
            "zoom_range": 0.1,
            "horizontal_flip": False,
            "vertical_flip": False,
            "fill_mode": "nearest",
            "cval": 0.0,
            "rescale": None,
            "crop_size": None,
            "interpolation": "bilinear",
        },
    ),
    "augment.ImageDataGenerator.apply": Entry(
        lambda **k: _m("augment").ImageDataGenerator(rotation_range=10.0).apply(**k),
        {"images": X8[:2], "seed": (0, 1)},
        examples=3,
    ),
    "augment.mixup": Entry(
        lambda **k: _m("augment").mixup(**k),
        {"x": X8[:4], "y": Y8[:4], "alpha": 0.2, "seed": 0, "num_classes": 10},
        examples=3,
    ),
    "augment.mixup_weights": Entry(
        lambda **k: _m("augment").mixup_weights(**k), {"batch_size": 4, "alpha": 0.2, "seed": (0, 1)}, examples=3
    ),
    "augment.mixup_dataset": Entry(
        _mixup_dataset, {"dataset": _FLOW, "alpha": 0.2, "num_classes": 10, "seed": 0}, examples=3
    ),
    # parallel
    "parallel.strategy": Entry(lambda **k: _m("parallel").strategy(**k), {"cpu_replicas": False, "verbose": False}),
    "parallel.Throughput": Entry(
        lambda **k: str(_m("parallel").Throughput(**k)),
        {"label": "a", "items": 10, "seconds": (0.5, 0.6), "unit": "items"},
    ),
    "parallel.measure_throughput": Entry(
        lambda **k: _m("parallel").measure_throughput(**k),
        {"run": lambda: None, "items": 10, "label": "a", "unit": "items", "repeats": 2, "warmup": 0},
        examples=3,
    ),
    "parallel.encoded_photos": Entry(
        lambda **k: _m("parallel").encoded_photos(**k), {"n": 2, "size": 16, "seed": 0}, examples=3
    ),
    "parallel.photo_pipeline": Entry(
        lambda **k: _m("parallel").photo_pipeline(**k),
        {"files": _m("parallel").encoded_photos(2, 16), "mode": "serial", "batch_size": 2, "output_size": 8},
        examples=3,
    ),
    "parallel.plot_throughputs": Entry(
        lambda **k: _m("parallel").plot_throughputs(**k),
        {"results": [_throughput(), _throughput()], "title": "t", "baseline": 0},
        examples=3,
    ),
    "parallel.report": Entry(lambda **k: _m("parallel").report(**k), {"results": [_throughput()], "baseline": 0}),
    "parallel.amdahl_speedup": Entry(
        lambda **k: _m("parallel").amdahl_speedup(**k), {"parallel_fraction": 0.9, "workers": 4}
    ),
    "parallel.make_tf_config": Entry(lambda **k: _m("parallel").make_tf_config(**k), {"num_workers": 2, "ports": None}),
    "parallel.check_tf_config": Entry(
        lambda **k: _m("parallel").check_tf_config(**k),
        {
            "config": {
                "cluster": {"worker": ["127.0.0.1:20001", "127.0.0.1:20002"]},
                "task": {"type": "worker", "index": 0},
            }
        },
    ),
    "parallel.train_replicated": Entry(
        lambda **k: _m("parallel").train_replicated(**k),
        {"distribution": None, "steps": 2, "global_batch_size": 8, "learning_rate": 0.1, "seed": 0, "hidden_units": 4},
        slow=True,
    ),
    # tuning
    "tuning.LearningRateRangeTest": Entry(
        lambda **k: _m("tuning").LearningRateRangeTest(**k),
        {"min_lr": 1e-4, "max_lr": 1.0, "steps": 10, "smoothing": 0.9, "stop_factor": 4.0},
    ),
    "tuning.lr_range_test": Entry(
        lambda **k: _m("tuning").lr_range_test(**k),
        {"x": X8, "y": Y8, "min_lr": 1e-3, "max_lr": 1.0, "steps": 3, "batch_size": 4, "optimizer": "sgd", "seed": 0},
        slow=True,
    ),
    "tuning.RunningExampleClassifier": Entry(
        lambda **k: _m("tuning").RunningExampleClassifier(**k).fit(X8, Y8),
        {
            "learning_rate": 0.1,
            "l2": 0.0,
            "l1": 0.0,
            "dropout": 0.0,
            "hidden_units": 4,
            "batch_size": 8,
            "epochs": 1,
            "optimizer": "sgd",
            "seed": 0,
        },
        slow=True,
    ),
    "tuning.RunningExampleClassifier.predict": Entry(_fitted, {"X": X8[:2]}, slow=True),
    "tuning.best_so_far": Entry(lambda **k: _m("tuning").best_so_far(**k), {"scores": [0.1, 0.5, 0.3]}),
    "tuning.search_rows": Entry(
        lambda **k: _m("tuning").search_rows(**k),
        {"cv_results": {"params": [{"a": 1}, {"a": 2}], "mean_test_score": [0.1, 0.2]}, "score": "mean_test_score"},
    ),
    "tuning.bin_values": Entry(
        lambda **k: _m("tuning").bin_values(**k), {"values": [0.0, 1e-4, 1e-3, 1e-2, 0.1, 0.3], "bins": 3}
    ),
    "tuning.format_table": Entry(
        lambda **k: _m("tuning").format_table(**k),
        {"rows": _rows(), "columns": None, "sort_by": "score", "descending": True, "limit": 3, "digits": 3},
    ),
    "tuning.Dimension": Entry(
        lambda **k: _m("tuning").Dimension(**k),
        {"name": "learning_rate", "low": 1e-4, "high": 1.0, "scale": "log", "kind": "float"},
    ),
    "tuning.SearchSpace": Entry(lambda **k: _m("tuning").SearchSpace(**k), {"dimensions": [_lr_dimension()]}),
    "tuning.SearchSpace.grid": Entry(lambda **k: _search_space().grid(**k), {"n_trials": 6}),
    "tuning.SearchSpace.random": Entry(lambda **k: _search_space().random(**k), {"n_trials": 6, "seed": 0}),
    "tuning.SearchSpace.quasi_random": Entry(lambda **k: _search_space().quasi_random(**k), {"n_trials": 6, "seed": 0}),
    "tuning.SearchSpace.to_unit": Entry(
        lambda **k: _search_space().to_unit(**k), {"point": {"learning_rate": 0.01, "units": 8}}
    ),
    "tuning.SearchSpace.from_unit": Entry(lambda **k: _search_space().from_unit(**k), {"u": [[0.5, 0.5]]}),
    "tuning.edge_flags": Entry(
        lambda **k: _m("tuning").edge_flags(**k),
        {**_search_trials(), "top_k": 2, "margin": 0.1, "higher_is_better": False},
    ),
    "tuning.discrepancy": Entry(
        lambda **k: _m("tuning").discrepancy(**k), {**_search_trials(scores=False), "method": "CD"}
    ),
    "tuning.plot_dimensions": Entry(
        lambda **k: _m("tuning").plot_dimensions(**k),
        {**_search_trials(), "ax": None, "higher_is_better": False, "score_label": "loss", "title": "t"},
        examples=3,
    ),
    # trends
    "trends.quantize": Entry(
        lambda **k: _m("trends").quantize(**k),
        {"model": _tiny_model(), "representative": X8[:4], "mode": "float32"},
        slow=True,
    ),
    "trends.pretrain_autoencoder": Entry(
        lambda **k: _m("trends").pretrain_autoencoder(**k),
        {"x": X8, "code_units": 2, "epochs": 1, "batch_size": 8, "seed": 0},
        slow=True,
    ),
    "trends.train_from_scratch": Entry(
        lambda **k: _m("trends").train_from_scratch(**k),
        {"x": X8, "y": Y8, "epochs": 1, "learning_rate": 0.01, "batch_size": 8, "seed": 0},
        slow=True,
    ),
    "trends.saliency": Entry(
        lambda **k: _m("trends").saliency(**k), {"model": _tiny_model(), "x": X8[:2], "target": None}, examples=3
    ),
    "trends.integrated_gradients": Entry(
        lambda **k: _m("trends").integrated_gradients(**k),
        {"model": _tiny_model(), "x": X8[0], "target": 1, "baseline": None, "steps": 4},
        examples=3,
    ),
    "trends.dp_sgd_train": Entry(
        lambda **k: _m("trends").dp_sgd_train(**k),
        {
            "x": X8,
            "y": Y8,
            "noise_multiplier": 1.0,
            "l2_norm_clip": 1.0,
            "batch_size": 10,
            "epochs": 1,
            "learning_rate": 0.5,
            "seed": 0,
            "hidden_units": 4,
        },
        slow=True,
    ),
    "trends.dp_sgd_step_gradient": Entry(
        lambda **k: _m("trends").dp_sgd_step_gradient(**k),
        {
            "model": _tiny_model(),
            "x": X8[:4],
            "y": Y8[:4],
            "l2_norm_clip": 1.0,
            "noise_multiplier": 1.0,
            "noise_seed": 0,
        },
        examples=3,
    ),
    "trends.dp_epsilon": Entry(
        lambda **k: _m("trends").dp_epsilon(**k),
        {"noise_multiplier": 1.0, "sample_rate": 0.01, "steps": 100, "delta": 1e-5},
    ),
    # references
    "references.load": Entry(
        lambda **k: _m("references").load(**k), {"path": ROOT / "dlopt_helpers" / "references.bib"}
    ),
    "references.render": Entry(lambda **k: _m("references").render(**k), {"keys": ["goyal2017"]}),
    "references.cited_keys": Entry(
        lambda **k: _m("references").cited_keys(**k),
        {"notebook_paths": [ROOT / "notebooks" / "10_faq_references.ipynb"]},
    ),
    "references.translate": Entry(lambda **k: _m("references").translate(**k), {"term": "learning rate"}),
    # plotting
    "plotting.new_figure": Entry(
        lambda **k: _m("plotting").new_figure(**k), {"nrows": 1, "ncols": 2, "figsize": (4.0, 2.0), "layout": None}
    ),
    "plotting.show_images": Entry(
        lambda **k: _m("plotting").show_images(**k),
        {"images": X8[:3], "labels": None, "ncols": 3, "title": None, "size": 0.9},
        examples=3,
    ),
    "plotting.plot_history": Entry(
        lambda **k: _m("plotting").plot_history(**k),
        {"history": {"loss": [1.0, 0.5]}, "metrics": ("loss",), "title": None},
        examples=3,
    ),
    "plotting.plot_trajectories": Entry(
        lambda **k: _m("plotting").plot_trajectories(**k),
        {"surface": _surface(), "trajectories": {"a": np.zeros((3, 2))}, "title": None},
        examples=3,
    ),
    # dashboards (constructors; controls are fuzzed in test_bad_input_dashboards.py; ``widgets`` is their alias)
    "optim.gradient_descent_linear": Entry(
        lambda **k: _m("optim").gradient_descent_linear(**k),
        {"x": [0.0, 1.0, 2.0], "y": [1.0, 2.0, 2.5], "learning_rate": 0.1, "l2": 0.0, "steps": 5, "w0": 0.0, "b0": 0.0},
    ),
    "dashboards.GradientDescentDashboard": Entry(
        lambda **k: _m("dashboards").GradientDescentDashboard(**k),
        {"x": [0.0, 1.0, 2.0], "y": [1.0, 2.0, 2.5], "learning_rate": 0.1, "l2": 0.0, "steps": 5},
        examples=3,
    ),
    "dashboards.OptimizerDashboard": Entry(
        lambda **k: _m("dashboards").OptimizerDashboard(**k),
        {"learning_rate": 0.05, "optimizer": "sgd", "momentum": 0.9, "steps": 5, "surface": "quadratic"},
        examples=3,
    ),
    "dashboards.KerasTrainingDashboard": Entry(
        lambda **k: _m("dashboards").KerasTrainingDashboard(**k),
        {
            "learning_rate": 0.05,
            "optimizer": "sgd",
            "batch_size": 32,
            "batches_per_chunk": 2,
            "max_chunks": 2,
            "seed": 0,
        },
        slow=True,
    ),
    "dashboards.NetworkDoctorDashboard": Entry(
        lambda **k: _m("dashboards").NetworkDoctorDashboard(**k),
        {
            "depth": 2,
            "activation": "relu",
            "initializer": "he_normal",
            "normalization": "none",
            "residual": False,
            "width": 8,
            "batch_size": 16,
            "epochs": 1,
            "learning_rate": 0.01,
            "seed": 0,
        },
        examples=3,
    ),
    "dashboards.RegularizationDashboard": Entry(
        lambda **k: _m("dashboards").RegularizationDashboard(**k),
        {"alpha": 0.001, "penalty": "l2", "l1_ratio": 0.5, "degree": 3, "n_train": 10},
        examples=3,
    ),
    "dashboards.AugmentationDashboard": Entry(
        lambda **k: _m("dashboards").AugmentationDashboard(**k),
        {
            "image": np.random.default_rng(0).random((16, 16)),
            "rotation_range": 20.0,
            "width_shift_range": 0.1,
            "height_shift_range": 0.1,
            "shear_range": 0.0,
            "zoom_range": 0.1,
            "horizontal_flip": True,
            "vertical_flip": False,
            "seed": 0,
        },
        slow=True,
    ),
    "dashboards.SearchExplorer": Entry(
        lambda **k: _m("dashboards").SearchExplorer(**k),
        {"rows": _rows(), "x": "learning_rate", "y": "l2", "reduce": "best", "score": "score", "bins": 5},
        examples=3,
    ),
    # exercises
    "exercises.check": Entry(
        lambda **k: _m("exercises").check(**k), {"exercise_id": "01.gd_step", "answer": 0.6}, fuzz=("exercise_id",)
    ),
    "exercises.grade": Entry(
        lambda **k: _m("exercises").grade(**k), {"exercise_id": "01.gd_step", "answer": 0.6}, fuzz=("exercise_id",)
    ),
    "exercises.exercises_for": Entry(lambda **k: _m("exercises").exercises_for(**k), {"notebook": "01_core_concepts"}),
    # experiments
    "experiments.compare": Entry(
        lambda **k: _m("experiments").compare(**k),
        {"run": lambda seed: float(seed), "arms": {"a": {}}, "seeds": 2, "metric": "m", "n_jobs": 1, "fmt": ".3f"},
        limit_s=120,
    ),  # n_jobs=None: worker processes start
    # i18n (the language stays English: set_language("en") is the valid call)
    "i18n.set_language": Entry(lambda **k: _m("i18n").set_language(**k), {"language": "en"}),
    "i18n.gettext": Entry(lambda **k: _m("i18n").gettext(**k), {"message": "loss"}),
    "i18n.pgettext": Entry(lambda **k: _m("i18n").pgettext(**k), {"context": "00.accuracy", "message": "loss"}),
    "i18n.N_": Entry(lambda **k: _m("i18n").N_(**k), {"message": "loss"}),
    "i18n.translate_figure": Entry(lambda **k: _m("i18n").translate_figure(**k), {"fig": Figure()}),
    "experiments.summarize": Entry(
        lambda **k: _m("experiments").summarize(**k), {"values": {"a": [1.0, 2.0]}, "metric": "m", "over": "seeds"}
    ),
}

# public names that are not called with generated values here, and why
NOT_FUZZED = {
    "env.environment_report": "no parameters",
    "env.usable_cores": "no parameters",
    "env.one_blas_thread": "no parameters",
    "env.EnvironmentReport": "a result record built by environment_report",
    "data.Split": "a result record built by the loaders",
    "deep.InitializerSpec": "a result record built by initializer_spec",
    "deep.TrainingLog": "a result record built by train_logged",
    "deep.BatchNormState": "a result record built by batch_norm",
    "optim.Surface": "a record built by get_surface (its grid method is fuzzed)",
    "optim.RunReport": "a result record",
    "optim.Trajectory": "a result record built by run_optimizer",
    "optim.AdamForms": "a result record built by adam_forms",
    "optim.NesterovForms": "a result record built by nesterov_lookahead",
    "parallel.DeviceReport": "a result record built by device_report",
    "parallel.device_report": "no parameters",
    "parallel.use_logical_cpus": "splits the CPU once, before TensorFlow starts: tested in test_parallel.py",
    "parallel.ReplicatedRun": "a result record built by train_replicated",
    "parallel.MultiWorkerResult": "a result record built by run_multiworker",
    "parallel.compare_pipelines": "times several pipelines (seconds per call): its checks are pinned in test_bad_input_core.py",
    "parallel.thread_scaling": "starts a process per setting: its checks are pinned in test_bad_input_core.py",
    "parallel.run_multiworker": "starts a TensorFlow cluster: its checks are pinned in test_parallel.py",
    "tuning.PruningCallback": "needs an Optuna trial: pinned in test_bad_input_core.py",
    "tuning.EdgeReport": "a result record built by edge_flags",
    "trends.LiteModel": "takes a converted flatbuffer: pinned in test_bad_input_core.py",
    "trends.encode": "takes a trained encoder: pinned in test_bad_input_core.py",
    "trends.DPRun": "a result record built by dp_sgd_train",
    "references.glossary_markdown": "no parameters",
    "plotting.use_style": "no parameters",
    "optim.GDRun": "a result record built by gradient_descent_linear",
    "dashboards.FigureDashboard": "an abstract base of the dashboards",
    "exercises.Exercise": "a record built by register",
    "exercises.CheckResult": "a result record built by check",
    "exercises.register": "a decorator for course authors: pinned in test_bad_input_core.py",
    "experiments.ClaimError": "an exception type",
    "experiments.Summary": "a result record built by summarize / compare",
    "experiments.Comparison": "a result record built by compare (its claims are tested in test_experiments.py)",
    "experiments.usable_cores": "no parameters",
    "i18n.get_language": "no parameters",
    "i18n.cjk_font_path": "no parameters",
    "i18n.use_cjk_font": "no parameters",
}


def _public_callables():
    names = []
    for module in MODULES:
        mod = _m(module)
        for name in getattr(mod, "__all__", []):
            if callable(getattr(mod, name)):
                names.append(f"{module}.{name}")
    return names


def test_every_public_callable_is_fuzzed_or_says_why_not():
    missing = [name for name in _public_callables() if name not in ENTRIES and name not in NOT_FUZZED]
    assert not missing, f"add a valid call to ENTRIES (or a reason to NOT_FUZZED) for: {missing}"
    stale = [name for name in (*ENTRIES, *NOT_FUZZED) if name.count(".") == 1 and name not in _public_callables()]
    assert not stale, f"no longer public: {stale}"


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def _outcome(entry: Entry, name: str, parameter: str, value) -> str | None:
    """None if the call returned or raised a clean named error; else what went wrong."""
    kwargs = {**entry.valid, parameter: value}
    timed = hasattr(signal, "SIGALRM")  # POSIX; on Windows the calls run without a time limit
    if timed:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(entry.limit_s)
    try:
        entry.call(**kwargs)
    except _Timeout:
        return f"ran past {entry.limit_s} s (unbounded work?)"
    except (ValueError, TypeError) as error:
        message = str(error)
        if parameter.lower() not in message.lower():  # "X" for x, as scikit-learn writes it
            return f"{type(error).__name__} without the parameter's name: {message[:300]}"
        if len(message) > 2000:
            return f"a {len(message)}-character message"
    except Exception as error:
        return f"{type(error).__name__}: {str(error)[:300]}"
    finally:
        if timed:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        import matplotlib.pyplot as plt

        plt.close("all")
    return None


def _cases(slow: bool):
    for name, entry in ENTRIES.items():
        if entry.slow == slow:
            for parameter in entry.parameters():
                yield pytest.param(name, parameter, id=f"{name}-{parameter}")


@pytest.fixture(autouse=True)
def _sandbox(tmp_path, monkeypatch):
    """Cache and working folder in tmp; the repository's files are the same afterwards."""
    monkeypatch.setenv("DLOPT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    yield


@pytest.mark.slow
@pytest.mark.parametrize("name, parameter", list(_cases(slow=False)))
def test_generated_bad_values_get_a_clean_named_error(name, parameter):
    entry = ENTRIES[name]
    problems = []

    @settings(
        max_examples=entry.examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(BAD)
    def probe(value):
        problem = _outcome(entry, name, parameter, value)
        if problem:
            problems.append(f"{name}({parameter}={value!r:.80}): {problem}")

    probe()
    for value in (None, "no", _NAN, 10**20):  # always tried, whatever hypothesis drew
        problem = _outcome(entry, name, parameter, value)
        if problem:
            problems.append(f"{name}({parameter}={value!r:.80}): {problem}")
    assert not problems, "\n".join(dict.fromkeys(problems))


@pytest.mark.slow
@pytest.mark.parametrize("name, parameter", list(_cases(slow=True)))
def test_bad_values_of_slow_helpers_get_a_clean_named_error(name, parameter):
    entry = ENTRIES[name]
    problems = [
        f"{name}({parameter}={value!r:.80}): {problem}"
        for value in SURELY_BAD
        if (problem := _outcome(entry, name, parameter, value))
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_valid_calls_are_valid():
    """The baseline of every entry runs: a fuzz failure is then the fuzzed parameter's."""
    failures = []
    for name, entry in ENTRIES.items():
        try:
            entry.call(**entry.valid)
        except Exception as error:
            failures.append(f"{name}: {type(error).__name__}: {error}")
    assert not failures, "\n".join(failures)


def _git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True
    ).stdout


STATUS_BEFORE = _git_status()


def test_the_repository_is_unchanged_by_these_tests():
    # nothing new or changed in the repository's working tree since this module loaded
    new = [
        line
        for line in _git_status().splitlines()
        if line not in STATUS_BEFORE.splitlines() and "__pycache__" not in line and ".hypothesis" not in line
    ]
    assert not new, new
