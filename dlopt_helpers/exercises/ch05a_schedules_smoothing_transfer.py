"""Exercises of notebooks/05a_schedules_smoothing_transfer.ipynb: warm-up + cosine, label smoothing, AdamW, mixup.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. The three code exercises compare the learner's function with the
library's on hidden cases (``same_function``): Keras' ``CosineDecay``, ``losses.smooth_labels`` and one step of
``optim.Optimizer("adamw")`` (equal to ``keras.optimizers.AdamW`` step by step, ``tests/test_optim.py``).
"""

from __future__ import annotations

import numpy as np

from .registry import close_to, register, same_function

NOTEBOOK = "05a_schedules_smoothing_transfer"


@register(
    "05a.warmup_cosine",
    NOTEBOOK,
    "Write `warmup_cosine(step, peak, warmup_steps, decay_steps)`: the learning rate rises linearly from 0 to "
    "`peak` over the first `warmup_steps` steps, then falls from `peak` to 0 along half a cosine over the next "
    "`decay_steps` steps, and stays at 0 after that. It must return what "
    "`keras.optimizers.schedules.CosineDecay(0.0, decay_steps, warmup_target=peak, warmup_steps=warmup_steps)` "
    "returns at `step`, from step 0 to past the end.",
    "Before warm-up ends: peak · step / warmup_steps. After: peak · (1 + cos(π · min(step − warmup_steps, "
    "decay_steps) / decay_steps)) / 2.",
    compare=same_function(
        (0, 0.1, 20, 180),
        (7, 0.1, 20, 180),
        (20, 0.1, 20, 180),
        (110, 0.1, 20, 180),
        (200, 0.1, 20, 180),
        (350, 0.1, 20, 180),
        (3, 0.03, 40, 360),
        (250, 0.03, 40, 360),
        rtol=1e-5,
        atol=1e-7,
    ),
)
def _():
    import keras

    def warmup_cosine(step, peak, warmup_steps, decay_steps):
        schedule = keras.optimizers.schedules.CosineDecay(
            0.0, decay_steps, warmup_target=peak, warmup_steps=warmup_steps
        )
        return float(schedule(step))

    return warmup_cosine


@register(
    "05a.smooth_labels",
    NOTEBOOK,
    r"Write `smooth_labels(one_hot, epsilon)`: for one-hot targets of shape $(n, K)$ it returns the smoothed "
    r"targets $y' = (1 - \varepsilon)\,y + \varepsilon / K$ that `keras.losses.CategoricalCrossentropy"
    r"(label_smoothing=epsilon)` trains on.",
    "K is the number of columns, one_hot.shape[1]; every entry gets ε / K, the true class keeps 1 − ε on top.",
    compare=same_function(
        (np.eye(10)[[3, 1, 4]], 0.1),
        (np.eye(5)[[0, 4]], 0.2),
        (np.eye(2)[[1, 0, 1]], 0.05),
        (np.eye(10)[[7]], 0.0),
        (np.eye(4)[[2, 2]], 1.0),
    ),
)
def _():
    from ..losses import smooth_labels as smooth

    def smooth_labels(one_hot, epsilon):
        return smooth(one_hot, epsilon)

    return smooth_labels


def _adamw_step(w, g, m, v, t, lr, beta1, beta2, eps, weight_decay):
    """One AdamW step with the course's from-scratch optimizer (= keras.optimizers.AdamW): ``(w, m, v)``."""
    from ..optim import Optimizer

    optimizer = Optimizer("adamw", lr, beta_1=beta1, beta_2=beta2, epsilon=eps, weight_decay=weight_decay)
    optimizer.iterations = t - 1  # the step about to be taken is step t (counted from 1)
    optimizer._slots = {"m": np.asarray(m, np.float64), "v": np.asarray(v, np.float64)}
    new_w = optimizer.step(w, g)
    return new_w, optimizer._slots["m"], optimizer._slots["v"]


@register(
    "05a.adamw_step",
    NOTEBOOK,
    r"Write `adamw_step(w, g, m, v, t, lr, beta1, beta2, eps, weight_decay)`: one step of AdamW on the weights `w` "
    r"with the gradient `g`, the moments `m`, `v` of the steps before and the step number `t` (counted from 1). "
    r"It returns the new `(w, m, v)`. The weight decay is decoupled: $w \leftarrow w - \eta\lambda w$, then Adam's "
    r"step with the gradient `g` as it was.",
    "m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²; m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t); "
    "w ← w − η λ w, then w ← w − η m̂ / (√v̂ + ε).",
    compare=same_function(
        (
            np.array([1.0, -2.0, 0.5]),
            np.array([0.3, -0.1, 0.8]),
            np.zeros(3),
            np.zeros(3),
            1,
            0.01,
            0.9,
            0.999,
            1e-7,
            0.1,
        ),
        (
            np.array([0.4, -0.7]),
            np.array([-0.5, 0.2]),
            np.array([0.05, -0.02]),
            np.array([0.01, 0.004]),
            6,
            0.001,
            0.9,
            0.999,
            1e-7,
            0.004,
        ),
        (
            np.array([[1.0, 2.0], [3.0, -4.0]]),
            np.full((2, 2), 0.25),
            np.zeros((2, 2)),
            np.zeros((2, 2)),
            1,
            0.1,
            0.8,
            0.99,
            1e-7,
            0.5,
        ),
        rtol=1e-5,
        atol=1e-8,
    ),
)
def _():
    return _adamw_step


@register(
    "05a.mixup_target",
    NOTEBOOK,
    r"Mixup with $\lambda = 0.7$ mixes an image of a 3 with an image of a 5 (10 classes). Write the mixed "
    r"target $\tilde y$ as a vector of 10 numbers.",
    "ỹ = λ · one_hot(3) + (1 − λ) · one_hot(5): 0.7 at index 3, 0.3 at index 5, 0 elsewhere.",
    compare=close_to(rtol=1e-6, atol=1e-9),
)
def _():
    lam = 0.7
    return lam * np.eye(10)[3] + (1 - lam) * np.eye(10)[5]
