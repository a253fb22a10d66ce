"""Exercises of notebooks/05a_schedules_smoothing_transfer.ipynb: warm-up + cosine, label smoothing, AdamW, mixup.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. The three code exercises compare the learner's function with the
library's on hidden cases (``same_function``): Keras' ``CosineDecay``, ``losses.smooth_labels`` and one step of
``optim.Optimizer("adamw")`` (equal to ``keras.optimizers.AdamW`` step by step, ``tests/test_optim.py``).
"""

from __future__ import annotations

import numpy as np

from .registry import case, close_to, register, same_function

NOTEBOOK = "05a_schedules_smoothing_transfer"


@register(
    "05a.warmup_cosine",
    NOTEBOOK,
    "Write `warmup_cosine(step, peak, warmup_steps, decay_steps)`: the learning rate rises linearly from 0 to "
    "`peak` over the first `warmup_steps` steps, then falls from `peak` to 0 along half a cosine over the next "
    "`decay_steps` steps, and stays at 0 after that. It must return what "
    "`keras.optimizers.schedules.CosineDecay(0.0, decay_steps, warmup_target=peak, warmup_steps=warmup_steps)` "
    "returns at `step`, from step 0 to past the end.",
    "Section 1 plots this schedule: two pieces, split at the end of the warm-up. Write each piece as a function of "
    "the fraction of its own phase that has passed (a number from 0 to 1), and keep that fraction from passing 1.",
    compare=same_function(
        case(0, 0.1, 20, 180, why="step 0, the start of the warm-up"),
        case(7, 0.1, 20, 180, why="a step inside the warm-up"),
        case(20, 0.1, 20, 180, why="the last step of the warm-up, where the rate is at its peak"),
        case(110, 0.1, 20, 180, why="halfway through the cosine decay"),
        case(200, 0.1, 20, 180, why="the last step of the decay"),
        case(350, 0.1, 20, 180, why="a step long past the end of the decay"),
        case(3, 0.03, 40, 360, why="another peak and warm-up length, early in the warm-up"),
        case(250, 0.03, 40, 360, why="another peak and decay length, late in the decay"),
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
    "Section 3: the number of classes K comes from the targets' shape, not from a constant; NumPy broadcasts a "
    "number over the whole array. Check that every row of your result still sums to 1.",
    compare=same_function(
        case(np.eye(10)[[3, 1, 4]], 0.1, why="3 targets over 10 classes"),
        case(np.eye(5)[[0, 4]], 0.2, why="5 classes: K is not always 10"),
        case(np.eye(2)[[1, 0, 1]], 0.05, why="2 classes"),
        case(np.eye(10)[[7]], 0.0, why="epsilon = 0, one target"),
        case(np.eye(4)[[2, 2]], 1.0, why="epsilon = 1"),
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
    "Section 2: Adam's moment updates and bias corrections as in notebook 03 (the correction uses the step "
    "number t), with the decay applied to w directly, never added to g. Return the new moments as well as w.",
    compare=same_function(
        case(
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
            why="the first step (t = 1) from zero moments",
        ),
        case(
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
            why="a later step (t = 6) with moments from the steps before",
        ),
        case(
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
            why="2-D weights, a strong decay and betas other than the defaults",
        ),
        case(
            np.array([2.0, -1.0]),
            np.zeros(2),
            np.zeros(2),
            np.zeros(2),
            1,
            0.1,
            0.9,
            0.999,
            1e-7,
            0.2,
            why="a zero gradient: only the decay moves the weights",
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
    "Section 4: mixup mixes the targets with the same weight as the images. Start from the two one-hot vectors.",
    compare=close_to(rtol=1e-6, atol=1e-9),
)
def _():
    lam = 0.7
    return lam * np.eye(10)[3] + (1 - lam) * np.eye(10)[5]
