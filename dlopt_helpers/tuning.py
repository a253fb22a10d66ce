"""Hyper-parameter tuning: the learning-rate range test, a scikit-learn wrapper for the running
example, search results as rows, and helpers to compare search strategies (notebook 07).

Why our own scikit-learn wrapper and not SciKeras: SciKeras (the usual wrapper) has had no
release since 2024 and predates scikit-learn 1.6's estimator-tags API; the wrapper needed here
is small (``RunningExampleClassifier``: ``fit`` / ``predict`` / ``predict_proba`` / ``score``),
follows scikit-learn's estimator rules (``clone``, ``get_params``, ``set_params``) and is tested
with ``GridSearchCV`` and ``RandomizedSearchCV``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from ._validation import (Array, Boolean, Sequence as Items, Instance, Integer, InvalidParameterError, check, check_choice, check_float,
                          check_int, check_labels, check_xy, short_repr, validate_params)

__all__ = [
    "LearningRateRangeTest",
    "lr_range_test",
    "RunningExampleClassifier",
    "PruningCallback",
    "OPTIMIZERS",
    "best_so_far",
    "search_rows",
    "format_table",
]

OPTIMIZERS = ("sgd", "adam", "rmsprop")

#: the house bound on steps (batches) of a run
MAX_STEPS = 100_000
#: the largest batch size accepted (Keras uses whole-dataset batches when a batch exceeds the data)
MAX_BATCH_SIZE = 1_000_000


def _keras_callback_base():
    import keras

    return keras.callbacks.Callback


class LearningRateRangeTest(_keras_callback_base()):
    """A Keras callback: raise the learning rate exponentially every batch and record the loss.

    The learning rate of batch ``i`` (``i = 0 .. steps - 1``) is
    ``min_lr * (max_lr / min_lr) ** (i / (steps - 1))``. The loss is smoothed with an
    exponential moving average (bias-corrected, as in Adam); training stops after ``steps``
    batches or once the smoothed loss exceeds ``stop_factor`` times the best seen (it diverged).
    Read ``learning_rates`` / ``losses`` afterwards, and ``suggestion()``.

    Leslie N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017.

    Parameters
    ----------
    min_lr, max_lr : float, 0 < min_lr < max_lr
    steps : int in [2, 100000]
    smoothing : float in [0, 1)
        Weight of the past in the moving average (0: raw losses).
    stop_factor : float > 1
    """

    def __init__(self, min_lr: float = 1e-4, max_lr: float = 10.0, steps: int = 100, smoothing: float = 0.9,
                 stop_factor: float = 4.0):
        super().__init__()
        self.min_lr = check_float("min_lr", min_lr, 0, low_inclusive=False)
        self.max_lr = check_float("max_lr", max_lr, 0, low_inclusive=False)
        if self.min_lr >= self.max_lr:
            raise ValueError(f"min_lr must be < max_lr, got min_lr={min_lr!r} >= max_lr={max_lr!r}")
        self.steps = check_int("steps", steps, 2, MAX_STEPS)
        self.smoothing = check_float("smoothing", smoothing, 0, 1, high_inclusive=False)
        self.stop_factor = check_float("stop_factor", stop_factor, 1, low_inclusive=False)
        self.factor = (self.max_lr / self.min_lr) ** (1 / (self.steps - 1))
        self.learning_rates: list[float] = []
        self.losses: list[float] = []
        self.raw_losses: list[float] = []
        self.diverged = False

    def rate(self, step: int) -> float:
        """The learning rate used for batch ``step``."""
        return self.min_lr * self.factor**step

    def on_train_begin(self, logs=None):
        self.learning_rates, self.losses, self.raw_losses, self.diverged = [], [], [], False
        self._average, self._best = 0.0, math.inf
        self.model.optimizer.learning_rate.assign(self.min_lr)

    def on_train_batch_end(self, batch, logs=None):
        step = len(self.learning_rates)
        batch_loss = float(logs["loss"]) if logs and "loss" in logs else math.nan
        # Keras reports a running mean over the epoch; resetting it after every batch makes the
        # next report that batch's own loss (the range test has no use for epoch averages)
        for metric in self.model.metrics:
            metric.reset_state()
        self.learning_rates.append(self.rate(step))
        self.raw_losses.append(batch_loss)
        self._average = self.smoothing * self._average + (1 - self.smoothing) * batch_loss
        smoothed = self._average / (1 - self.smoothing ** (step + 1))
        self.losses.append(smoothed)
        if not math.isfinite(smoothed) or smoothed > self.stop_factor * self._best:
            self.diverged = True
            self.model.stop_training = True
            return
        self._best = min(self._best, smoothed)
        if step + 1 >= self.steps:
            self.model.stop_training = True
        else:
            self.model.optimizer.learning_rate.assign(self.rate(step + 1))

    def suggestion(self, method: str = "steepest") -> float:
        """A learning rate read off the curve.

        ``'steepest'``: where the smoothed loss falls fastest per decade of learning rate,
        measured over half a decade (the usual choice); ``'minimum/10'``: a tenth of the rate at the lowest loss
        (fast.ai's rule of thumb, a safe margin below divergence).
        """
        check_choice("method", method, ("steepest", "minimum/10"))
        if len(self.losses) < 3:
            if self.diverged:
                raise RuntimeError(
                    f"the range test diverged after {len(self.losses)} batch(es) (loss {self.raw_losses[-1]!r} at "
                    f"learning rate {self.learning_rates[-1]:.3g}), too few to read a rate off the curve: lower "
                    "min_lr, and check that the inputs are finite and scaled")
            raise ValueError("the range test recorded fewer than 3 batches: run model.fit with this callback first")
        losses = np.asarray(self.losses)
        finite = np.isfinite(losses)
        if finite.sum() < 3:
            raise RuntimeError(
                f"the range test recorded {int(finite.sum())} finite loss(es) out of {len(losses)} batches: nothing to "
                "read a rate off; lower min_lr, and check that the inputs are finite and scaled")
        rates, losses = np.asarray(self.learning_rates)[finite], losses[finite]
        if method == "minimum/10":
            return float(rates[np.argmin(losses)] / 10)
        # slope per decade over a window of half a decade: per-batch noise would swamp a step-by-step slope
        log_rates = np.log10(rates)
        width = max(1, math.ceil(0.25 / max(np.log10(self.factor), 1e-12)))
        lowest = int(np.argmin(losses))
        centres = np.arange(width, min(lowest, len(losses) - 1 - width) + 1)
        if centres.size == 0:  # the minimum is at the very start: the curve only rises
            return float(rates[lowest])
        slopes = (losses[centres + width] - losses[centres - width]) / (log_rates[centres + width] - log_rates[centres - width])
        return float(rates[centres[int(np.argmin(slopes))]])  # before the minimum, not in the blow-up


def lr_range_test(x, y, min_lr: float = 1e-4, max_lr: float = 10.0, steps: int = 100, batch_size: int = 32,
                  optimizer: str = "sgd", seed: int = 0, **model_options) -> LearningRateRangeTest:
    """Run the range test on a fresh running-example model (``models.build_running_example``).

    ``x``: finite inputs ``(n, ...)``; ``y``: ``n`` integer class labels in ``[0, num_classes)`` (``num_classes``
    is a model option, 10 by default). ``steps`` is at most 100,000 batches.

    Returns the callback with its ``learning_rates``, ``losses`` and ``suggestion()``.
    """
    import keras

    from .models import build_running_example

    import tensorflow as tf

    test = LearningRateRangeTest(min_lr, max_lr, steps)
    batch_size = check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE)
    check_choice("optimizer", optimizer, OPTIMIZERS)
    seed = check_int("seed", seed, 0, 2**31 - 1)
    x, y = check_xy(x, y)
    if x.ndim < 2:
        raise InvalidParameterError(f"x must hold one input per row, shape (n_samples, ...), got shape {x.shape}")
    y = check_labels("y", y, num_classes=check_int("num_classes", model_options.get("num_classes", 10), 2, 1000),
                     n_samples=len(x))
    if batch_size > len(x):
        raise InvalidParameterError(f"batch_size must be <= the number of samples ({len(x)}), got {batch_size}")
    keras.utils.set_random_seed(seed)
    model = build_running_example(input_shape=x.shape[1:], seed=seed, **model_options)
    model.compile(optimizer=keras.optimizers.get({"class_name": optimizer, "config": {"learning_rate": min_lr}}),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    # whole batches only, reshuffled every pass: `steps` batches of equal size in one "epoch"
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).repeat()
    model.fit(dataset.batch(batch_size, drop_remainder=True), steps_per_epoch=test.steps, epochs=1, verbose=0,
              shuffle=False, callbacks=[test])
    return test


class _CallbackList(Instance):
    """A list or tuple of Keras callbacks (checked when fit runs, since Keras is imported lazily)."""

    def __init__(self):
        super().__init__(list, tuple, what="a list of keras.callbacks.Callback")

    def convert(self, name, value):
        import keras

        value = super().convert(name, value)
        for i, item in enumerate(value):
            if not isinstance(item, keras.callbacks.Callback):
                self.fail(name, value, f"got {type(item).__name__} at index {i}: {short_repr(item)}")
        return list(value)


class RunningExampleClassifier(ClassifierMixin, BaseEstimator):
    """The running example as a scikit-learn classifier, for ``GridSearchCV`` and friends.

    Every constructor argument is a hyper-parameter that a search can set. ``fit`` seeds
    Keras with ``seed`` first, so a trial gives the same score whatever ran before it
    (searches are reproducible). After ``fit``: ``model_`` (the Keras model), ``history_``,
    ``classes_``, ``diverged_`` (the loss became NaN or infinite, or exceeded ten times
    ``log K``, the loss of guessing uniformly among ``K`` classes).

    Parameters
    ----------
    learning_rate : float > 0
    l2, l1 : float >= 0
    dropout : float in [0, 1)
    hidden_units : int in [1, 4096]
    batch_size : int >= 1
    epochs : int >= 1
    optimizer : {'sgd', 'adam', 'rmsprop'}
    seed : int
    """

    def __init__(self, learning_rate: float = 0.1, l2: float = 0.0, l1: float = 0.0, dropout: float = 0.0,
                 hidden_units: int = 32, batch_size: int = 32, epochs: int = 8, optimizer: str = "sgd",
                 seed: int = 0):
        self.learning_rate = learning_rate
        self.l2 = l2
        self.l1 = l1
        self.dropout = dropout
        self.hidden_units = hidden_units
        self.batch_size = batch_size
        self.epochs = epochs
        self.optimizer = optimizer
        self.seed = seed

    def _check_params(self) -> None:
        check_float("learning_rate", self.learning_rate, 0, low_inclusive=False)
        check_int("batch_size", self.batch_size, 1, MAX_BATCH_SIZE)
        check_int("epochs", self.epochs, 1, 100_000)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)

    def fit(self, X, y, callbacks=None):
        """Train a fresh model on ``X`` (images or feature rows) and class labels ``y``."""
        self._check_params()
        import keras

        from .models import build_running_example

        X = np.asarray(X, dtype=np.float32)
        y = np.asarray(y)
        if X.ndim < 2 and len(X) > 0:
            raise InvalidParameterError(f"X must hold one input per row, shape (n_samples, n_features) or "
                                        f"(n_samples, height, width, channels), got shape {X.shape}")
        if X.ndim < 2 or y.ndim != 1 or len(X) != len(y) or len(X) == 0:
            raise ValueError(f"X and y must hold the same non-zero number of samples, got {X.shape} and {y.shape}")
        callbacks = check("callbacks", callbacks, (None, _CallbackList()))
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"y must contain at least 2 classes, got {self.classes_.tolist()}")
        self.n_features_in_ = int(np.prod(X.shape[1:]))
        keras.utils.set_random_seed(check_int("seed", self.seed, 0, 2**31 - 1))
        self.model_ = build_running_example(input_shape=X.shape[1:], num_classes=len(self.classes_),
                                            hidden_units=self.hidden_units, l2=self.l2, l1=self.l1,
                                            dropout=self.dropout, seed=self.seed)
        optimizer = keras.optimizers.get({"class_name": self.optimizer, "config": {"learning_rate": self.learning_rate}})
        self.model_.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        history = self.model_.fit(X, np.searchsorted(self.classes_, y), batch_size=self.batch_size,
                                  epochs=self.epochs, verbose=0, shuffle=True, callbacks=callbacks or [])
        self.history_ = history.history
        losses = np.asarray(self.history_.get("loss", [np.nan]), dtype=np.float64)
        # the one rule of every dashboard and run (dlopt_helpers.divergence): NaN / inf, 10 log K, or a spike
        # followed by chance level (loss ≈ log K, the loss of guessing uniformly)
        from .divergence import find_divergence

        self.diverged_ = find_divergence(losses, num_classes=len(self.classes_)) is not None
        return self

    def _logits(self, X) -> np.ndarray:
        if not hasattr(self, "model_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("call fit before predict")
        X = check("X", X, Array(dtype=np.float32, finite=False))
        expected = tuple(self.model_.input_shape[1:])
        if X.ndim < 1 or tuple(X.shape[1:]) != expected:
            raise InvalidParameterError(f"X must have the shape the model was fitted on, (n_samples, "
                                        f"{', '.join(map(str, expected))}), got {X.shape}")
        return self.model_(X, training=False).numpy()  # eager: no retracing per model

    def predict_proba(self, X) -> np.ndarray:
        logits = np.asarray(self._logits(X), dtype=np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        return probabilities / probabilities.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        logits = np.asarray(self._logits(X))
        logits = np.where(np.isfinite(logits), logits, -np.inf)  # a diverged model predicts class 0
        return self.classes_[np.argmax(logits, axis=1)]


class PruningCallback(_keras_callback_base()):
    """Report validation accuracy to an Optuna trial after every epoch; stop training when Optuna prunes.

    After ``fit``, ``pruned`` tells whether the trial was stopped early (then raise
    ``optuna.TrialPruned()`` from the objective). Optuna's own Keras callback lives in the
    separate ``optuna-integration`` package; this is the same idea in a few lines.
    """

    def __init__(self, trial, x_val, y_val):
        super().__init__()
        if not (callable(getattr(trial, "report", None)) and callable(getattr(trial, "should_prune", None))):
            raise InvalidParameterError(f"trial must be an Optuna trial (with report and should_prune), "
                                        f"got {short_repr(trial)}")
        self.trial = trial
        self.x_val = check("x_val", x_val, Array(dtype=np.float32))
        if self.x_val.ndim < 2:
            raise InvalidParameterError(f"x_val must hold one input per row, got shape {self.x_val.shape}")
        self.y_val = check_labels("y_val", y_val, n_samples=len(self.x_val))
        self.pruned = False
        self.accuracies: list[float] = []

    def set_model(self, model):
        super().set_model(model)
        try:
            expected = tuple(model.input_shape[1:])
        except (AttributeError, ValueError, TypeError):  # a model without a known input shape: Keras will tell
            return
        if expected and None not in expected and tuple(self.x_val.shape[1:]) != expected:
            raise InvalidParameterError(f"x_val must have the model's input shape (n, {', '.join(map(str, expected))}),"
                                        f" got {self.x_val.shape}")

    def on_epoch_end(self, epoch, logs=None):
        logits = self.model(self.x_val, training=False).numpy()
        accuracy = float(np.mean(np.argmax(logits, axis=1) == self.y_val)) if np.all(np.isfinite(logits)) else 0.0
        self.accuracies.append(accuracy)
        self.trial.report(accuracy, epoch)
        if self.trial.should_prune():
            self.pruned = True
            self.model.stop_training = True


def best_so_far(scores: Sequence[float]) -> np.ndarray:
    """The best score after each trial (NaN, e.g. a failed trial, counts as no improvement)."""
    if isinstance(scores, (list, tuple)):
        scores = [np.nan if s is None else s for s in scores]  # None: a trial without a score
    try:
        scores = check("scores", scores, Array(finite=False))
    except InvalidParameterError as error:
        if np.ndim(scores) == 1 and np.size(scores) == 0:
            raise InvalidParameterError("scores must be a non-empty 1-D sequence, got shape (0,)") from None
        raise error from None
    if scores.ndim != 1 or scores.size == 0:
        raise ValueError(f"scores must be a non-empty 1-D sequence, got shape {scores.shape}")
    if np.all(np.isnan(scores)):
        raise InvalidParameterError(f"scores must hold at least one number: all {scores.size} are NaN (every trial "
                                    "failed; look at the trials' errors or settings)")
    return np.fmax.accumulate(np.where(np.isnan(scores), -np.inf, scores))


def search_rows(cv_results: Mapping, score: str = "mean_test_score") -> list[dict]:
    """``GridSearchCV.cv_results_`` (or ``RandomizedSearchCV``'s) as rows: parameters + ``score``, in trial order."""
    check("score", score, Instance(str))
    if not isinstance(cv_results, Mapping) or "params" not in cv_results or score not in cv_results:
        raise InvalidParameterError(f"cv_results must be a search's cv_results_ (a dict) with 'params' and "
                                    f"{score!r}, got {short_repr(cv_results)}")
    params = cv_results["params"]
    if isinstance(params, (str, bytes)) or not all(isinstance(p, Mapping) for p in params):
        raise InvalidParameterError(f"cv_results['params'] must be a list of dicts, got {short_repr(params)}")
    scores = check(f"cv_results[{score!r}]", cv_results[score], Array(ndim=1, finite=False, min_size=0))
    if len(scores) != len(params):
        raise InvalidParameterError(f"cv_results[{score!r}] must hold one score per entry of cv_results['params'] "
                                    f"({len(params)}), got {len(scores)}")
    return [{**p, "score": float(value)} for p, value in zip(params, scores)]


def format_table(rows: Sequence[Mapping], columns: Sequence[str] | None = None, sort_by: str | None = None,
                 descending: bool = True, limit: int | None = None, digits: int = 4) -> str:
    """Rows of results as an aligned text table (no pandas needed), optionally sorted and cut.

    ``rows``: a list of dicts that all hold the ``columns`` shown (default: the first row's keys);
    ``sort_by``: one of those columns (NaN and None sort last); ``digits``: significant digits, >= 0.
    """
    if isinstance(rows, (list, tuple)) and not rows:
        raise ValueError("rows must contain at least one row")
    rows = list(check("rows", rows, Items(Instance(Mapping, what="a dict (one row)"), min_len=1)))
    descending = check("descending", descending, Boolean())
    digits = check("digits", digits, Integer(0))
    if columns is not None:
        columns = check("columns", columns, Items(min_len=1))
    columns = list(columns or rows[0].keys())
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise ValueError(f"columns must be among {list(rows[0])}, got unknown {missing}")
    if sort_by is not None and (not isinstance(sort_by, str) or sort_by not in rows[0]):
        raise InvalidParameterError(f"sort_by must be one of the columns {list(rows[0])}, got unknown "
                                    f"{short_repr(sort_by)}")
    needed = columns + ([sort_by] if sort_by is not None and sort_by not in columns else [])
    for i, row in enumerate(rows):
        lacking = [c for c in needed if c not in row]
        if lacking:
            raise InvalidParameterError(f"rows[{i}] must have the columns {needed} like rows[0], lacks {lacking}")
    if sort_by:
        def key(r):
            value = r[sort_by]
            if value is None or value != value:  # None and NaN: no result, last
                return (0, 0.0)
            return (1, value)

        try:
            rows.sort(key=key, reverse=descending)
        except TypeError:
            kinds = sorted({type(r[sort_by]).__name__ for r in rows})
            raise InvalidParameterError(f"sort_by column {sort_by!r} must hold values that compare (numbers or "
                                        f"strings, not a mix), got {kinds}") from None
    if limit is not None:
        rows = rows[: check_int("limit", limit, 1)]

    def cell(value) -> str:
        if isinstance(value, float):
            return f"{value:.{digits}g}" if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e4) else f"{value:.{digits}f}".rstrip("0").rstrip(".") or "0"
        return str(value)

    table = [[str(c) for c in columns]] + [[cell(r[c]) for c in columns] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    lines = ["  ".join(v.rjust(w) for v, w in zip(line, widths)) for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
