"""Auto-checked exercises: ``check(exercise_id, answer)`` tells right from wrong, with a hint.

Every notebook ends with exercises; each answer cell calls ``check``. The
expected answers are *computed* here from the problem (often with the library
the chapter teaches), never typed in, so a changed problem cannot keep a stale
answer. Introduced in ``notebooks/00_background.ipynb``.

Examples
--------
>>> check("01.gd_step", 0.6)
✅ 01.gd_step: correct.
>>> check("01.gd_step", None)
⏳ 01.gd_step: no answer yet. Hint: w_new = w - learning_rate * f'(w), with f'(w) = 2 (w - 3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validation import InvalidParameterError, short_repr

__all__ = ["check", "Exercise", "CheckResult", "EXERCISES", "exercises_for", "register"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it lives, what it asks, how to check it."""

    id: str
    notebook: str
    question: str
    hint: str
    expected: Callable[[], object]
    compare: Callable[[object, object], bool]

    def __repr__(self) -> str:
        return f"Exercise({self.id!r}, notebook={self.notebook!r}: {self.question})"


@dataclass(frozen=True)
class CheckResult:
    """Outcome of ``check``. ``correct`` is ``None`` when no answer was given yet."""

    exercise_id: str
    correct: bool | None
    message: str

    def __bool__(self) -> bool:
        return bool(self.correct)

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        color = {True: "#009E73", False: "#D55E00", None: "#666666"}[self.correct]
        import html

        return f'<div style="border-left:4px solid {color};padding:2px 8px">{html.escape(self.message)}</div>'


EXERCISES: dict[str, Exercise] = {}


def register(exercise_id: str, notebook: str, question: str, hint: str, compare=None):
    """Decorator: register a function that returns the expected answer.

    ``exercise_id``, ``notebook``, ``question`` and ``hint`` are non-empty strings; ``compare(answer, expected)``
    (default: numbers equal within a tolerance) and the decorated function must be callable.
    """
    for name, value in (("exercise_id", exercise_id), ("notebook", notebook), ("question", question),
                        ("hint", hint)):
        if not isinstance(value, str) or not value.strip():
            raise InvalidParameterError(f"{name} must be a non-empty string, got {short_repr(value)}")
    if compare is not None and not callable(compare):
        raise InvalidParameterError(f"compare must be callable (answer, expected) -> bool or None, got "
                                    f"{short_repr(compare)}")

    def decorate(expected: Callable[[], object]) -> Callable[[], object]:
        if not callable(expected):
            raise InvalidParameterError(f"register(...) must decorate a function returning the expected answer, got "
                                        f"{short_repr(expected)}")
        if exercise_id in EXERCISES:
            raise ValueError(f"exercise_id {exercise_id!r} is registered twice")
        EXERCISES[exercise_id] = Exercise(
            exercise_id, notebook, question, hint, expected, compare or _close()
        )
        return expected

    return decorate


def _close(rtol: float = 1e-4, atol: float = 1e-6):
    """Numbers or arrays equal within a tolerance, shapes equal."""

    def compare(answer, expected) -> bool:
        try:
            a = np.asarray(answer, dtype=np.float64)
        except (TypeError, ValueError):
            return False
        b = np.asarray(expected, dtype=np.float64)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))

    return compare


def _same_word(answer, expected) -> bool:
    return isinstance(answer, str) and answer.strip().lower().replace("-", " ") == expected


def exercises_for(notebook: str) -> list[Exercise]:
    """The exercises of one notebook, e.g. ``exercises_for('01_core_concepts')``."""
    found = [e for e in EXERCISES.values() if e.notebook == notebook]
    if not found:
        known = sorted({e.notebook for e in EXERCISES.values()})
        raise ValueError(f"notebook must be one of {known}, got {notebook!r}")
    return found


def check(exercise_id: str, answer) -> CheckResult:
    """Check an answer. ``None`` or ``...`` means "not answered yet".

    Parameters
    ----------
    exercise_id : str
        As printed in the notebook, e.g. ``'01.gd_step'``.
    answer : object
        Your answer: a number, an array, or a word, as the exercise asks.

    Returns
    -------
    CheckResult
        Shown as ✅ correct, ❌ with a hint, or ⏳ with a hint.
    """
    if not isinstance(exercise_id, str) or exercise_id not in EXERCISES:
        raise InvalidParameterError(f"exercise_id must be one of {sorted(EXERCISES, key=str)}, got "
                                    f"{short_repr(exercise_id)}")
    exercise = EXERCISES[exercise_id]
    if answer is None or answer is Ellipsis:
        return CheckResult(exercise_id, None, f"⏳ {exercise_id}: no answer yet. Hint: {exercise.hint}")
    expected = exercise.expected()
    try:
        correct = bool(exercise.compare(answer, expected))
    except Exception:  # noqa: BLE001 - an answer of an odd type (a broken __eq__, __array__, ...) is not correct
        correct = False
    if correct:
        return CheckResult(exercise_id, True, f"✅ {exercise_id}: correct.")
    return CheckResult(exercise_id, False, f"❌ {exercise_id}: not yet ({_echo(answer)}). Hint: {exercise.hint}")


def _echo(answer, limit: int = 120) -> str:
    """The answer as ``check`` repeats it: its ``repr``, cut to ``limit`` characters; a failing ``repr`` is named."""
    try:
        text = repr(answer)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the hint
        return f"<{type(answer).__name__} object>"
    return text if len(text) <= limit else f"{text[:limit - 20]}… ({len(text):,} characters)"


# --------------------------------------------------------------------------- 00_background
LEVERS = (
    "data augmentation",
    "model choice",
    "optimizer",
    "hyper parameters",
    "regularization",
    "parallel computing",
)


@register(
    "00.lever_dropout",
    "00_background",
    "Dropout randomly silences units while training. Which of the six levers is it?",
    f"One of: {', '.join(LEVERS)}. Which lever fights over-fitting by constraining the model?",
    compare=_same_word,
)
def _():
    return "regularization"


@register(
    "00.lever_flip",
    "00_background",
    "Training on mirrored copies of the images. Which of the six levers is it?",
    f"One of: {', '.join(LEVERS)}. It changes the data, not the model.",
    compare=_same_word,
)
def _():
    return "data augmentation"


@register(
    "00.accuracy",
    "00_background",
    "A model classifies 342 of the 360 test digits correctly. What is its accuracy, as a fraction?",
    "accuracy = correct predictions / all predictions, a number between 0 and 1.",
)
def _():
    import keras

    y_true = np.arange(360) % 10
    y_pred = y_true.copy()
    y_pred[:18] = (y_pred[:18] + 1) % 10  # 18 mistakes
    metric = keras.metrics.Accuracy()
    metric.update_state(y_true, y_pred)
    return float(metric.result())


# --------------------------------------------------------------------------- 01_core_concepts
@register(
    "01.params",
    "01_core_concepts",
    "How many trainable parameters has build_running_example(hidden_units=16)?",
    "Each Dense layer has inputs x units weights plus one bias per unit; Flatten has none. 8x8 = 64 inputs.",
)
def _():
    from .models import build_running_example

    return build_running_example(hidden_units=16).count_params()


@register(
    "01.gd_step",
    "01_core_concepts",
    "f(w) = (w - 3)^2. One gradient-descent step from w = 0 with learning rate 0.1 gives which w?",
    "w_new = w - learning_rate * f'(w), with f'(w) = 2 (w - 3).",
)
def _():
    import tensorflow as tf

    w = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        loss = (w - 3.0) ** 2
    return float(w - 0.1 * tape.gradient(loss, w))


@register(
    "01.l2_penalty",
    "01_core_concepts",
    "What does keras.regularizers.L2(0.01) add to the loss for the weights [1.0, -2.0, 0.5]?",
    "The L2 penalty is strength * sum(w**2): square, add up, multiply by 0.01.",
)
def _():
    import keras

    return float(keras.regularizers.L2(0.01)(np.array([1.0, -2.0, 0.5], dtype=np.float32)))


@register(
    "01.rotation_90",
    "01_core_concepts",
    "Write the 2 x 2 matrix that rotates points (x, y) by 90 degrees counter-clockwise (y pointing up).",
    "R(θ) = [[cos θ, -sin θ], [sin θ, cos θ]]; cos 90° = 0, sin 90° = 1. Answer a 2 x 2 nested list or array.",
)
def _():
    from .concepts import rotation_matrix

    return np.round(rotation_matrix(90)[:2, :2], 12)


@register(
    "01.stable_learning_rate",
    "01_core_concepts",
    "Gradient descent on L(w) = a w² (so L''(w) = 2a) with a = 1.5: the largest learning rate that does not diverge?",
    "Each step multiplies w by (1 - η L''). It shrinks while |1 - 2aη| < 1, i.e. η < 2 / L''.",
)
def _():
    return 2 / (2 * 1.5)


# --------------------------------------------------------------------------- 02_loss_functions
@register(
    "02.mse",
    "02_loss_functions",
    "Targets [1, 2, 3], predictions [1.5, 2, 2]. What is the mean squared error?",
    "Square each difference (0.5, 0, 1), then average over the 3 values.",
)
def _():
    import keras

    return float(keras.losses.MeanSquaredError()(np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 2.0])))


@register(
    "02.bce",
    "02_loss_functions",
    "A binary classifier says p = 0.9 for an example whose label is 0. What is its binary cross-entropy?",
    "For y = 0 the loss is -log(1 - p).",
)
def _():
    import keras

    return float(keras.losses.BinaryCrossentropy()(np.array([[0.0]]), np.array([[0.9]])))


@register(
    "02.logsumexp",
    "02_loss_functions",
    "What is log(exp(1000) + exp(1000))? (exp(1000) overflows: use log-sum-exp.)",
    "Factor out the maximum: log(e^m (e^0 + e^0)) = m + log 2.",
)
def _():
    import tensorflow as tf

    return float(tf.reduce_logsumexp(tf.constant([1000.0, 1000.0], dtype=tf.float64)))


@register(
    "02.uniform_ce",
    "02_loss_functions",
    "A 10-class model outputs equal logits for every class. What is its cross-entropy, whatever the label?",
    "Equal logits give p = 1/10 for every class, and the loss is -log p.",
)
def _():
    import keras

    return float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(np.array([3]), np.zeros((1, 10))))


# --------------------------------------------------------------------------- 03_gradient_descent
@register(
    "03.stable_lr",
    "03_gradient_descent",
    "Gradient descent on f(x, y) = (x² + 20 y²) / 2. What is the largest learning rate that does not diverge?",
    "The Hessian is diag(1, 20); gradient descent is stable while η < 2 / λ_max.",
)
def _():
    from .optim import get_surface

    return get_surface("quadratic").stable_learning_rate


@register(
    "03.momentum_step",
    "03_gradient_descent",
    "Keras SGD with momentum 0.9, learning rate 0.1, velocity v = 0.5, gradient g = 2. What is the new velocity?",
    "Keras updates v ← μ v − η g, then θ ← θ + v.",
)
def _():
    from .optim import Optimizer

    optimizer = Optimizer("momentum", 0.1, momentum=0.9)
    optimizer._slots["v"] = np.array([0.5])
    optimizer.step(np.zeros(1), np.array([2.0]))
    return float(optimizer._slots["v"][0])


@register(
    "03.adam_first_step",
    "03_gradient_descent",
    "Adam, learning rate 0.01, first step, gradient g = 250 on one parameter. By how much does the parameter move (absolute value)?",
    "At step 1 the bias corrections make m̂ = g and v̂ = g², so the step is η g / (|g| + ε): about η, whatever g.",
    compare=_close(rtol=1e-5),
)
def _():
    import keras
    import tensorflow as tf

    variable = tf.Variable([0.0])
    keras.optimizers.Adam(0.01).apply_gradients([(tf.constant([250.0]), variable)])
    return abs(float(variable.numpy()[0]))


@register(
    "03.cosine",
    "03_gradient_descent",
    "CosineDecay(initial_learning_rate=0.1, decay_steps=100): what is the learning rate at step 50?",
    "Halfway, cos(π / 2) = 0, so the rate is initial × (1 + 0) / 2.",
)
def _():
    import keras

    return float(keras.optimizers.schedules.CosineDecay(0.1, decay_steps=100)(50))


# --------------------------------------------------------------------------- 04_regularization
@register(
    "04.lasso_scaling",
    "04_regularization",
    "scikit-learn's Lasso minimizes (1/(2n))·||y - Xw||² + α·||w||₁. A textbook writes ||y - Xw||² + λ·||w||₁ "
    "with λ = 40. With n = 200 samples, which α gives the same solution?",
    "Multiply sklearn's objective by 2n: it becomes ||y - Xw||² + 2nα·||w||₁, so λ = 2nα.",
)
def _():
    return 40 / (2 * 200)


@register(
    "04.soft_threshold",
    "04_regularization",
    "Soft thresholding S(z, t) = sign(z)·max(|z| - t, 0). What is S(-1.2, 0.5)?",
    "Shrink |z| by t towards 0, keep the sign; values with |z| <= t become exactly 0.",
)
def _():
    from .regularization import soft_threshold

    return float(soft_threshold(np.array([-1.2]), 0.5)[0])


@register(
    "04.l2_gradient",
    "04_regularization",
    "keras.regularizers.L2(0.05) adds 0.05·Σw² to the loss. What is its gradient at w = [1, -2]? (a list of 2 numbers)",
    "The derivative of α·w² is 2α·w, one entry per weight.",
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
    "04_regularization",
    "What does keras.regularizers.L1L2(l1=0.01, l2=0.02) add to the loss for the weights [1.0, -2.0, 0.5]?",
    "l1·Σ|w| + l2·Σw²: here Σ|w| = 3.5 and Σw² = 5.25.",
)
def _():
    import keras

    return float(keras.regularizers.L1L2(l1=0.01, l2=0.02)(np.array([1.0, -2.0, 0.5], dtype=np.float32)))


# --------------------------------------------------------------------------- 05_data_augmentation
@register(
    "05.flip_matrix",
    "05_data_augmentation",
    "Write the 3 x 3 matrix that flips an image 32 pixels wide horizontally: pixel column x goes to 31 - x.",
    "x' = -1·x + 0·y + 31 and y' = y; the third row of a homogeneous matrix is [0, 0, 1].",
)
def _():
    from .augment import ImageDataGenerator
    import tensorflow as tf

    forward = ImageDataGenerator(horizontal_flip=True).matrices(64, 32, 32, tf.constant([0, 0], tf.int64)).numpy()
    flipped = forward[forward[:, 0, 0] < 0]  # the draws that flipped
    return np.round(flipped[0].astype(np.float64), 6)


@register(
    "05.compose_rotations",
    "05_data_augmentation",
    "The product of the rotation matrices R(30°) and R(45°) is a rotation by how many degrees?",
    "Multiply the two matrices, or add the angles: rotations about the same point compose by adding.",
)
def _():
    from .concepts import rotation_matrix

    product = rotation_matrix(30) @ rotation_matrix(45)
    return float(np.degrees(np.arctan2(product[1, 0], product[0, 0])))


@register(
    "05.crop_positions",
    "05_data_augmentation",
    "How many different positions can a 24 x 24 random crop take in a 32 x 32 image?",
    "The top-left corner can be at 32 - 24 + 1 rows and as many columns.",
)
def _():
    return (32 - 24 + 1) ** 2


# --------------------------------------------------------------------------- 06_parallel_computing
@register(
    "06.amdahl",
    "06_parallel_computing",
    "90 % of a training step parallelizes perfectly, 10 % does not. Speed-up on 8 cores (Amdahl's law)?",
    "S(n) = 1 / ((1 - p) + p / n) with p = 0.9 and n = 8.",
)
def _():
    from .parallel import amdahl_speedup

    return amdahl_speedup(0.9, 8)


@register(
    "06.amdahl_limit",
    "06_parallel_computing",
    "With 95 % of the work parallel, what speed-up can no number of cores exceed?",
    "Let n grow without bound in S(n) = 1 / ((1 - p) + p / n): the p / n term vanishes.",
)
def _():
    from .parallel import amdahl_speedup

    return round(amdahl_speedup(0.95, 10**12), 6)


@register(
    "06.per_replica_batch",
    "06_parallel_computing",
    "MirroredStrategy on 4 GPUs, global batch size 256. How many examples does each replica see per step?",
    "The global batch is split evenly: per-replica batch = global batch / replicas "
    "(tf.distribute.InputContext.get_per_replica_batch_size computes it).",
)
def _():
    import tensorflow as tf

    context = tf.distribute.InputContext(num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=4)
    return context.get_per_replica_batch_size(256)


@register(
    "06.linear_scaling",
    "06_parallel_computing",
    "A model trains well with batch 256 and learning rate 0.1. You move to 8 workers with 256 examples each. "
    "Which learning rate does the linear scaling rule suggest?",
    "Linear scaling: multiply the rate by the factor the global batch grew (Goyal et al. 2017), with a warm-up.",
)
def _():
    return 0.1 * (8 * 256) / 256


# --------------------------------------------------------------------------- 07_hyperparameter_tuning
@register(
    "07.grid_size",
    "07_hyperparameter_tuning",
    "How many trainings does a grid over 5 learning rates, 4 L2 strengths, 3 widths and 2 batch sizes cost?",
    "A grid tries every combination: multiply the numbers of values (sklearn.model_selection.ParameterGrid counts them).",
)
def _():
    from sklearn.model_selection import ParameterGrid

    return len(ParameterGrid({"lr": range(5), "l2": range(4), "width": range(3), "batch": range(2)}))


@register(
    "07.range_factor",
    "07_hyperparameter_tuning",
    "A range test goes from 1e-4 to 1 in 5 batches. By what factor does the learning rate grow per batch?",
    "η_i = η_min (η_max / η_min)^(i / (n - 1)): 4 steps cover a factor of 10^4.",
)
def _():
    from .tuning import LearningRateRangeTest

    return LearningRateRangeTest(min_lr=1e-4, max_lr=1.0, steps=5).factor


@register(
    "07.loguniform",
    "07_hyperparameter_tuning",
    "A draw from loguniform(1e-4, 1e-1): the probability that it is below 1e-3?",
    "Log-uniform means uniform in log10: from -4 to -1, and -4 to -3 is one of the three decades.",
)
def _():
    from scipy.stats import loguniform

    return float(loguniform(1e-4, 1e-1).cdf(1e-3))


@register(
    "07.random_hits",
    "07_hyperparameter_tuning",
    "With 30 random trials, the probability that at least one lands in the best 5 % of the search space?",
    "Each trial misses the best 5 % with probability 0.95; all 30 miss with 0.95^30.",
)
def _():
    rng = np.random.default_rng(0)  # checked by simulation too: the formula is 1 - 0.95 ** 30
    exact = 1 - 0.95**30
    simulated = float(np.mean((rng.random((200_000, 30)) < 0.05).any(axis=1)))
    assert abs(simulated - exact) < 0.01
    return exact


# --------------------------------------------------------------------------- 08_model_choice
def _count(layer, input_shape) -> int:
    import keras

    return keras.Sequential([keras.Input(input_shape), layer]).count_params()


@register(
    "08.dense_params",
    "08_model_choice",
    "How many parameters has Dense(10) on 64 inputs?",
    "n_in · n_out weights plus one bias per output.",
)
def _():
    import keras

    return _count(keras.layers.Dense(10), (64,))


@register(
    "08.conv_params",
    "08_model_choice",
    "How many parameters has Conv2D(32, 3) on 16-channel inputs?",
    "k · k · c_in · c_out weights plus one bias per output channel; the image size does not count.",
)
def _():
    import keras

    return _count(keras.layers.Conv2D(32, 3), (16, 16, 16))


@register(
    "08.gru_params",
    "08_model_choice",
    "How many parameters has a Keras GRU(8) reading 11 features per step?",
    "3 (d·n + n² + 2n): three gates, each with input weights, recurrent weights and (reset_after=True) two biases.",
)
def _():
    import keras

    return _count(keras.layers.GRU(8), (30, 11))


@register(
    "08.stride_shift",
    "08_model_choice",
    "Conv2D(..., strides=2) reads an image shifted by k = 1, ..., 8 pixels. For how many k is its output an exact "
    "shifted copy of the output for the unshifted image (away from the border)?",
    "With stride s the layer keeps every s-th position: a shift of k pixels moves the output by k / s positions only "
    "when s divides k; for other k the kept positions fall between the old ones (aliasing, Zhang 2019).",
)
def _():
    import keras

    # a random image and kernel: an exact copy cannot happen by accident, only by the structure
    conv = keras.layers.Conv2D(1, 3, strides=2, kernel_initializer=keras.initializers.RandomNormal(seed=0),
                               use_bias=False)
    image = np.random.default_rng(0).random((1, 32, 32, 1)).astype(np.float32)
    out = conv(image).numpy()

    def is_shifted_copy(k: int) -> bool:
        moved = conv(np.roll(image, shift=k, axis=2)).numpy()
        return any(np.abs(np.roll(out, shift=m, axis=2) - moved)[:, :, 5:-1].max() < 1e-5 for m in range(k + 1))

    return sum(is_shifted_copy(k) for k in range(1, 9))


# --------------------------------------------------------------------------- 09_future_trends
@register(
    "09.int8_bytes",
    "09_future_trends",
    "A model has 5,130 float32 parameters. How many bytes do its weights take after int8 quantization (scales aside)?",
    "float32 takes 4 bytes per number, int8 one byte.",
)
def _():
    return np.zeros(5130, dtype=np.int8).nbytes


@register(
    "09.ig_sum",
    "09_future_trends",
    "A model's logit is 12.5 for an image and 2.0 for the blank (all-zero) baseline. What do the image's "
    "integrated-gradients attributions add up to?",
    "Completeness: the attributions sum to F(x) − F(baseline).",
)
def _():
    import keras

    from .trends import integrated_gradients

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones",
                                                                     bias_initializer=keras.initializers.Constant(2.0))])
    return round(integrated_gradients(model, np.array([4.0, 6.5]), target=0, steps=8).attributions.sum(), 6)


@register(
    "09.dp_noise",
    "09_future_trends",
    "DP-SGD with clipping norm C = 1.0, noise multiplier σ = 1.1 and batch 64: the standard deviation of the noise in "
    "each coordinate of the averaged gradient?",
    "Noise N(0, σ²C²) is added to the *sum* of the clipped gradients, which is then divided by the batch size.",
)
def _():
    import tensorflow as tf

    from .trends import dp_sgd_step_gradient

    class Zero:  # a "model" whose per-example gradients are all zero: only the noise is left
        trainable_variables = [tf.Variable(tf.zeros(20_000))]

        def __call__(self, x, training=False):
            return tf.zeros((tf.shape(x)[0], 2)) + 0.0 * tf.reduce_sum(self.trainable_variables[0])

    gradients, _ = dp_sgd_step_gradient(Zero(), tf.zeros((64, 1)), tf.zeros(64, tf.int64), 1.0, 1.1,
                                        tf.constant([0, 0], tf.int64))
    measured = float(tf.math.reduce_std(gradients[0]))
    assert abs(measured - 1.1 / 64) < 0.03 * 1.1 / 64  # the code does what the formula says
    return 1.1 * 1.0 / 64


# --------------------------------------------------------------------------- 10_faq_references
@register(
    "10.nan_rate",
    "10_faq_references",
    "The loss becomes NaN at learning rate 5; the range test shows it blowing up above 2. You halve the rate until it "
    "is below the blow-up: 5, 2.5, 1.25, ... Which rate do you reach first?",
    "Keep halving while the rate is still >= 2.",
)
def _():
    rate = 5.0
    while rate >= 2:
        rate /= 2
    return rate


@register(
    "10.gap",
    "10_faq_references",
    "Training accuracy 0.99, validation accuracy 0.85. What is the generalization gap?",
    "The gap is training score minus validation score; a large one is the sign of over-fitting (notebook 04).",
)
def _():
    return 0.99 - 0.85


@register(
    "10.glossary",
    "10_faq_references",
    "What is 正则化 in English?",
    "Look it up in the glossary table of this notebook (or dh.references.translate).",
    compare=_same_word,
)
def _():
    from .references import translate

    return translate("正则化")
