"""``PruningCallback``: report each epoch to an Optuna trial and stop a hopeless one early."""

from __future__ import annotations

import numpy as np

from .._validation import (
    Array,
    InvalidParameterError,
    check,
    check_labels,
    short_repr,
)
from ._common import _keras_callback_base


class PruningCallback(_keras_callback_base()):
    """Report validation accuracy to an Optuna trial after every epoch; stop training when Optuna prunes.

    After ``fit``, ``pruned`` tells whether the trial was stopped early (then raise
    ``optuna.TrialPruned()`` from the objective). Optuna's own Keras callback lives in the
    separate ``optuna-integration`` package; this is the same idea in a few lines.
    """

    def __init__(self, trial, x_val, y_val):
        super().__init__()
        if not (callable(getattr(trial, "report", None)) and callable(getattr(trial, "should_prune", None))):
            raise InvalidParameterError(
                f"trial must be an Optuna trial (with report and should_prune), got {short_repr(trial)}"
            )
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
            raise InvalidParameterError(
                f"x_val must have the model's input shape (n, {', '.join(map(str, expected))}), got {self.x_val.shape}"
            )

    def on_epoch_end(self, epoch, logs=None):
        logits = self.model(self.x_val, training=False).numpy()
        accuracy = float(np.mean(np.argmax(logits, axis=1) == self.y_val)) if np.all(np.isfinite(logits)) else 0.0
        self.accuracies.append(accuracy)
        self.trial.report(accuracy, epoch)
        if self.trial.should_prune():
            self.pruned = True
            self.model.stop_training = True
