"""``RunningExampleClassifier``: the running example as a scikit-learn estimator, for ``GridSearchCV`` & co."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from .._validation import (
    SEED_MAX,
    Array,
    Instance,
    InvalidParameterError,
    check,
    check_choice,
    check_float,
    check_int,
    short_repr,
)
from ._common import MAX_BATCH_SIZE, OPTIMIZERS


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

    def __init__(
        self,
        learning_rate: float = 0.1,
        l2: float = 0.0,
        l1: float = 0.0,
        dropout: float = 0.0,
        hidden_units: int = 32,
        batch_size: int = 32,
        epochs: int = 8,
        optimizer: str = "sgd",
        seed: int = 0,
    ):
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

        from ..models import build_running_example, compile_running_example

        X = np.asarray(X, dtype=np.float32)
        y = np.asarray(y)
        if X.ndim < 2 and len(X) > 0:
            raise InvalidParameterError(
                f"X must hold one input per row, shape (n_samples, n_features) or "
                f"(n_samples, height, width, channels), got shape {X.shape}"
            )
        if X.ndim < 2 or y.ndim != 1 or len(X) != len(y) or len(X) == 0:
            raise ValueError(f"X and y must hold the same non-zero number of samples, got {X.shape} and {y.shape}")
        callbacks = check("callbacks", callbacks, (None, _CallbackList()))
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"y must contain at least 2 classes, got {self.classes_.tolist()}")
        self.n_features_in_ = int(np.prod(X.shape[1:]))
        keras.utils.set_random_seed(check_int("seed", self.seed, 0, SEED_MAX))
        self.model_ = build_running_example(
            input_shape=X.shape[1:],
            num_classes=len(self.classes_),
            hidden_units=self.hidden_units,
            l2=self.l2,
            l1=self.l1,
            dropout=self.dropout,
            seed=self.seed,
        )
        compile_running_example(self.model_, self.optimizer, learning_rate=self.learning_rate)
        history = self.model_.fit(
            X,
            np.searchsorted(self.classes_, y),
            batch_size=self.batch_size,
            epochs=self.epochs,
            verbose=0,
            shuffle=True,
            callbacks=callbacks or [],
        )
        self.history_ = history.history
        losses = np.asarray(self.history_.get("loss", [np.nan]), dtype=np.float64)
        # the one rule of every dashboard and run (dlopt_helpers.divergence): NaN / inf, 10 log K, or a spike
        # followed by chance level (loss ≈ log K, the loss of guessing uniformly)
        from ..divergence import find_divergence

        self.diverged_ = find_divergence(losses, num_classes=len(self.classes_)) is not None
        return self

    def _logits(self, X) -> np.ndarray:
        if not hasattr(self, "model_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("call fit before predict")
        X = check("X", X, Array(dtype=np.float32, finite=False))
        expected = tuple(self.model_.input_shape[1:])
        if X.ndim < 1 or tuple(X.shape[1:]) != expected:
            raise InvalidParameterError(
                f"X must have the shape the model was fitted on, (n_samples, "
                f"{', '.join(map(str, expected))}), got {X.shape}"
            )
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
