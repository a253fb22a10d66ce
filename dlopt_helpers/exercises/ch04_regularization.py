"""Exercises of notebooks/04_regularization.ipynb: Lasso scaling, soft thresholding, L2 / elastic-net penalties, and
an experiment: the L2 strength that rescues a network trained on noisy labels.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``04.soft_threshold`` and ``04.elastic_penalty`` are code exercises
(``same_function``, compared with ``regularization.soft_threshold`` and ``keras.regularizers.L1L2``);
``04.noisy_alpha`` an experiment: the check re-trains scikit-learn's ``MLPClassifier`` with the learner's ``alpha``
over 3 seeds.
"""

from __future__ import annotations

import numpy as np

from ..i18n import gettext
from .registry import Mismatch, case, register, same_function

NOTEBOOK = "04_regularization"


@register(
    "04.lasso_scaling",
    NOTEBOOK,
    r"scikit-learn's Lasso minimizes $\frac{1}{2n}\lVert y - Xw\rVert^2 + \alpha\lVert w\rVert_1$. A textbook "
    r"writes $\lVert y - Xw\rVert^2 + \lambda\lVert w\rVert_1$ with $\lambda = 40$. With $n = 200$ samples, "
    r"which $\alpha$ gives the same solution?",
    "Section 3: multiplying an objective by a positive constant does not move its minimum. Which constant turns "
    "sklearn's data term into the textbook's, and what does it do to the penalty term?",
)
def _():
    return 40 / (2 * 200)


@register(
    "04.soft_threshold",
    NOTEBOOK,
    r"Write `soft_threshold(w, t)`: for an array of weights `w` and a threshold $t \ge 0$ it returns, element by "
    r"element, the soft threshold $S(w, t) = \mathrm{sign}(w)\max(\lvert w\rvert - t, 0)$ of section 1 (the step "
    r"that makes L1 set weights to exactly 0), as an array of the same shape. Pass the function itself to "
    r"`dh.check`; it is compared with `dh.regularization.soft_threshold` on cases you do not see.",
    "Section 1, 'Why L1 gives exact zeros': each weight moves towards 0 by t and stops at 0, never crossing it. "
    "Work on the whole array with NumPy's element-wise functions (no Python `max` or `if` on arrays).",
    compare=same_function(
        case(np.array([-1.2, -0.3, 0.0, 0.4, 2.5]), 0.5, why="weights of both signs, some below the threshold"),
        case(np.array([0.5, -0.5, 0.7]), 0.5, why="weights whose size equals the threshold exactly"),
        case(np.array([-3.0, 0.25, 1.5]), 0.0, why="a threshold of 0"),
        case(np.array([-2.0, -0.1, -0.6]), 0.3, why="only negative weights"),
        case(np.array([[0.2, -1.0], [3.0, -0.05]]), 0.1, why="a 2-D array of weights"),
    ),
)
def _():
    from ..regularization import soft_threshold

    return soft_threshold


@register(
    "04.l2_gradient",
    NOTEBOOK,
    r"`keras.regularizers.L2(0.05)` adds $0.05\sum w^2$ to the loss. What is its gradient at $w = [1, -2]$?",
    "Section 1's table has the gradient of each penalty; one entry per weight, each depending only on its own weight.",
)
def _():
    import keras
    import tensorflow as tf

    w = tf.Variable([1.0, -2.0])
    with tf.GradientTape() as tape:
        value = keras.regularizers.L2(0.05)(w)
    return tape.gradient(value, w).numpy()


@register(
    "04.elastic_penalty",
    NOTEBOOK,
    "Write `elastic_penalty(w, l1, l2)`: the number that `keras.regularizers.L1L2(l1=l1, l2=l2)` adds to the loss for "
    "the weights `w`, a NumPy array of any shape (a layer's kernel is 2-D). Pass the function itself to `dh.check`; "
    "it is compared with Keras on cases you do not see.",
    "Section 1's table has both terms; Keras' L1L2 gives each its own strength (no ρ). One number for the whole "
    "array: sum over every weight, whatever the shape.",
    compare=same_function(
        case(np.array([1.0, -2.0, 0.5]), 0.01, 0.02, why="weights of both signs"),
        case(np.array([[0.3, -1.2], [2.0, -0.4]]), 0.05, 0.01, why="a 2-D kernel"),
        case(np.array([-1.5, -0.5]), 0.1, 0.0, why="l2 = 0: a pure L1 penalty of negative weights"),
        case(np.array([0.7, -3.0, 1.1]), 0.0, 0.2, why="l1 = 0: a pure L2 penalty"),
        case(np.zeros((3, 2)), 0.01, 0.01, why="all weights 0"),
        rtol=1e-5,
        atol=1e-7,
    ),
)
def _():
    import keras

    def elastic_penalty(w, l1, l2):
        return float(keras.regularizers.L1L2(l1=l1, l2=l2)(np.asarray(w, dtype=np.float32)))

    return elastic_penalty


NOISY_TARGET, NOISY_SEEDS = 0.82, (0, 1, 2)


def noisy_digits():
    """Section 6's noisy setting, flattened for scikit-learn: 200 training digits, 53 of their labels wrong, and the
    1,057 other training digits for validation. Returns ``(x_train, noisy_labels, x_val, y_val)``."""
    from ..data import load_digits_images

    digits = load_digits_images(seed=0)
    x = digits.x_train.reshape(len(digits.x_train), -1).astype(np.float64)
    clean = digits.y_train[:200]
    rng = np.random.default_rng(0)
    wrong = rng.random(200) < 0.3
    noisy = clean.copy()
    noisy[wrong] = (clean[wrong] + rng.integers(1, 10, wrong.sum())) % 10
    return x[:200], noisy, x[200:], digits.y_train[200:]


def noisy_accuracies(alpha: float, seeds=NOISY_SEEDS) -> list[float]:
    """Validation accuracy of ``MLPClassifier((128,), alpha=alpha)`` trained 64 epochs on the noisy labels, per seed."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    from ..env import one_blas_thread

    x_train, y_train, x_val, y_val = noisy_digits()
    accuracies = []
    for seed in seeds:
        model = MLPClassifier(
            (128,), alpha=alpha, learning_rate_init=0.005, batch_size=32, max_iter=64, random_state=seed
        )
        with warnings.catch_warnings(), one_blas_thread():
            warnings.simplefilter("ignore", ConvergenceWarning)  # 64 epochs is the budget, not convergence
            model.fit(x_train, y_train)
        accuracies.append(float(model.score(x_val, y_val)))
    return accuracies


def _reaches_noisy_target(answer, expected) -> bool:
    """Re-train with the learner's ``alpha`` over 3 seeds; the mean validation accuracy must reach the target."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise Mismatch(gettext("give alpha as one number, got {type}").format(type=type(answer).__name__))
    if not (np.isfinite(answer) and 0 <= answer <= 1e4):
        raise Mismatch(gettext("alpha must be a number between 0 and 10,000, got {answer!r}").format(answer=answer))
    accuracies = noisy_accuracies(float(answer))
    mean = float(np.mean(accuracies))
    if mean < NOISY_TARGET:
        raise Mismatch(
            gettext(
                "mean validation accuracy {mean:.3f} over {seeds} seeds with alpha={alpha:g}, the target is {target}"
            ).format(mean=mean, seeds=len(accuracies), alpha=float(answer), target=NOISY_TARGET)
        )
    return True


@register(
    "04.noisy_alpha",
    NOTEBOOK,
    "An experiment. Section 6's noisy setting, in scikit-learn: `MLPClassifier((128,), alpha=alpha, "
    "learning_rate_init=0.005, batch_size=32, max_iter=64)` trains on the 200 digits with 53 wrong labels, and is "
    "scored on the 1,057 validation digits. `alpha` is scikit-learn's L2 strength; without it the network reaches "
    "about 0.72. Find an `alpha` that brings the mean validation accuracy over 3 seeds to at least 0.82. "
    "`dh.exercises.ch04_regularization.noisy_accuracies(alpha)` trains the 3 networks and returns their accuracies "
    "(about a second); pass your `alpha` to `dh.check`, which re-trains them.",
    "Section 5: the penalty to choose sits at the bottom of a U-shaped validation curve. Try strengths a factor "
    "of 10 apart on a log scale, then refine between the two best.",
    compare=_reaches_noisy_target,
    kind="experiment",
)
def _():
    return 0.5  # one strength that reaches the target (measured: 0.851 ± 0.007 over seeds 0, 1, 2)
