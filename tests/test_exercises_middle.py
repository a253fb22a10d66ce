"""The code, experiment and reading exercises of chapters 04, 05, 05a and 06: a plausible learner's bug fails with ❌
naming the case it gets wrong, the reference passes, an unfinished stub is pending (⏳)."""

from __future__ import annotations

import numpy as np
import pytest

from dlopt_helpers.exercises import EXERCISES, check


def stub(*args):
    """The learner's skeleton, body ``...``: returns None."""


def failing_case(exercise_id, answer) -> str:
    result = check(exercise_id, answer)
    assert result.correct is False, repr(result)
    assert "Hint:" in repr(result)
    return repr(result)


# ---------------------------------------------------------------- 04 · regularization


def _soft_threshold(w, t):
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def test_soft_threshold_passes_and_stub_is_pending():
    assert check("04.soft_threshold", _soft_threshold)
    assert check("04.soft_threshold", stub).correct is None


@pytest.mark.parametrize(
    ("bug", "case"),
    [
        (lambda w, t: np.maximum(np.abs(w) - t, 0.0), "case 1 of 5 (weights of both signs"),  # sign dropped
        (lambda w, t: np.sign(w) * (np.abs(w) - t), "case 1 of 5 (weights of both signs"),  # no clamp at 0
        (lambda w, t: np.where(np.abs(w) > t, w, 0.0), "case 1 of 5"),  # hard threshold: no shrinking
        (lambda w, t: np.where(w > t, w - t, 0.0), "case 1 of 5 (weights of both signs"),  # negatives zeroed
        # Python's max on an array (the scalar formula copied)
        (lambda w, t: np.sign(w) * max(np.abs(w) - t, 0), "case 1 of 5 (weights of both signs, some below the "),
        (lambda w, t: w / (1 + t), "case 1 of 5"),  # an L2-like shrink
    ],
)
def test_soft_threshold_bugs_fail_naming_the_case(bug, case):
    assert case in failing_case("04.soft_threshold", bug)


def test_soft_threshold_reference_is_the_library_helper():
    from dlopt_helpers.regularization import soft_threshold

    assert EXERCISES["04.soft_threshold"].expected() is soft_threshold


def test_elastic_penalty_passes_and_stub_is_pending():
    assert check("04.elastic_penalty", lambda w, l1, l2: l1 * np.abs(w).sum() + l2 * (w**2).sum())
    assert check("04.elastic_penalty", stub).correct is None


@pytest.mark.parametrize(
    ("bug", "case"),
    [
        (lambda w, l1, l2: l1 * w.sum() + l2 * (w**2).sum(), "case 1 of 5 (weights of both signs)"),  # no abs
        (lambda w, l1, l2: l1 * np.abs(w).sum(0) + l2 * (w**2).sum(0), "case 2 of 5 (a 2-D kernel): returned shape"),
        (lambda w, l1, l2: l1 * np.abs(w).sum() + l2 * np.linalg.norm(w), "case 1 of 5"),  # norm, not its square
        (lambda w, l1, l2: l1 * np.abs(w).mean() + l2 * (w**2).mean(), "case 1 of 5"),  # mean, not sum
        (lambda w, l1, l2: (l1 + l2) * np.abs(w).sum(), "case 1 of 5"),  # one term for both
    ],
)
def test_elastic_penalty_bugs_fail_naming_the_case(bug, case):
    assert case in failing_case("04.elastic_penalty", bug)


def test_noisy_alpha_refuses_non_numbers_without_training():
    assert "one number" in failing_case("04.noisy_alpha", "0.5")
    assert "one number" in failing_case("04.noisy_alpha", True)
    assert "between 0 and 10,000" in failing_case("04.noisy_alpha", -1.0)
    assert "between 0 and 10,000" in failing_case("04.noisy_alpha", float("nan"))
    assert check("04.noisy_alpha", None).correct is None


@pytest.mark.slow
@pytest.mark.parametrize("alpha", [0.0, 1e-4, 10.0])
def test_noisy_alpha_bad_settings_fail_with_the_measured_accuracy(alpha):
    # no penalty memorizes the noise (about 0.72); a huge one cannot learn at all (about 0.1)
    message = failing_case("04.noisy_alpha", alpha)
    assert "mean validation accuracy" in message and "the target is 0.82" in message


@pytest.mark.slow
def test_noisy_alpha_reference_clears_the_target_with_a_margin():
    from dlopt_helpers.exercises.ch04_regularization import NOISY_TARGET, noisy_accuracies

    reference = EXERCISES["04.noisy_alpha"].expected()
    accuracies = noisy_accuracies(reference)
    assert np.mean(accuracies) >= NOISY_TARGET + 0.015, accuracies  # measured: 0.851 ± 0.007
    assert check("04.noisy_alpha", reference)
    assert check("04.noisy_alpha", 0.7)  # a neighbour of the reference passes too


# ---------------------------------------------------------------- 05 · data augmentation


def _rotation(degrees, cx, cy, inverse_order=False):
    theta = np.radians(degrees)
    rotate = np.array([[np.cos(theta), -np.sin(theta), 0], [np.sin(theta), np.cos(theta), 0], [0, 0, 1.0]])
    to_origin = np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1.0]])
    back = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1.0]])
    return to_origin @ rotate @ back if inverse_order else back @ rotate @ to_origin


def test_rotate_about_centre_passes_and_stub_is_pending():
    assert check("05.rotate_about_centre", lambda d, h, w: _rotation(d, (w - 1) / 2, (h - 1) / 2))
    assert check("05.rotate_about_centre", stub).correct is None


@pytest.mark.parametrize(
    ("bug", "case"),
    [
        (lambda d, h, w: _rotation(d, (h - 1) / 2, (w - 1) / 2), "case 2 of 5 (an image wider than it is high)"),
        (lambda d, h, w: _rotation(d, w / 2, h / 2), "case 1 of 5 (a square image)"),  # centre off by half a pixel
        (lambda d, h, w: _rotation(d, (w - 1) / 2, (h - 1) / 2, inverse_order=True), "case 1 of 5"),
        (lambda d, h, w: _rotation(-d, (w - 1) / 2, (h - 1) / 2), "case 1 of 5"),  # turns the other way
        (lambda d, h, w: _rotation(np.radians(d), (w - 1) / 2, (h - 1) / 2), "case 1 of 5"),  # radians twice
        (lambda d, h, w: _rotation(d, (w - 1) / 2, (h - 1) / 2)[:2], "returned shape (2, 3)"),  # 2 x 3 only
    ],
)
def test_rotate_about_centre_bugs_fail_naming_the_case(bug, case):
    assert case in failing_case("05.rotate_about_centre", bug)


def test_rotate_about_centre_agrees_with_the_augmentation_library():
    # the reference is the matrix dh.augment composes for a rotation: check one drawn angle against it
    import tensorflow as tf

    from dlopt_helpers.augment import ImageDataGenerator

    reference = EXERCISES["05.rotate_about_centre"].expected()
    drawn = ImageDataGenerator(rotation_range=40).matrices(4, 20, 40, tf.constant([1, 2], tf.int64)).numpy()
    for matrix in drawn.astype(np.float64):
        degrees = np.degrees(np.arctan2(matrix[1, 0], matrix[0, 0]))
        np.testing.assert_allclose(reference(degrees, 20, 40), matrix, atol=1e-4)


def test_flip_centring_is_answered_by_a_letter():
    assert check("05.flip_centring", "(b)")
    assert check("05.flip_centring", "a").correct is False
    assert "one letter" in failing_case("05.flip_centring", "reflection")


# ---------------------------------------------------------------- 05a · schedules, smoothing, AdamW


def test_schedules_smoothing_adamw_cases_say_what_they_test():
    # a learner's off-by-one in the warm-up, a hard-coded K, a decay through the gradient: each named with its why
    def warmup_cosine_no_clamp(step, peak, warmup_steps, decay_steps):
        if step < warmup_steps:
            return peak * step / warmup_steps
        return peak * 0.5 * (1 + np.cos(np.pi * (step - warmup_steps) / decay_steps))

    assert "case 6 of 8 (a step long past the end of the decay)" in failing_case(
        "05a.warmup_cosine", warmup_cosine_no_clamp
    )

    def smooth_labels_ten(one_hot, epsilon):
        return (1 - epsilon) * one_hot + epsilon / 10

    assert "case 2 of 5 (5 classes: K is not always 10)" in failing_case("05a.smooth_labels", smooth_labels_ten)

    def adam_plus_l2(w, g, m, v, t, lr, beta1, beta2, eps, weight_decay):
        g = g + weight_decay * w  # L2 through the gradient: not decoupled
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        return w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v

    assert "case 1 of 4 (the first step (t = 1) from zero moments)" in failing_case("05a.adamw_step", adam_plus_l2)
    for exercise_id in ("05a.warmup_cosine", "05a.smooth_labels", "05a.adamw_step"):
        assert check(exercise_id, stub).correct is None


def test_adamw_zero_gradient_case_catches_a_decay_left_out():
    def adam_only(w, g, m, v, t, lr, beta1, beta2, eps, weight_decay):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        return w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v

    assert "case 1 of 4" in failing_case("05a.adamw_step", adam_only)


# ---------------------------------------------------------------- 06 · parallel computing


def test_amdahl_passes_and_stub_is_pending():
    assert check("06.amdahl", lambda p, n: 1 / ((1 - p) + p / n))
    assert check("06.amdahl", stub).correct is None


@pytest.mark.parametrize(
    ("bug", "case"),
    [
        (lambda p, n: 1 / (p + (1 - p) / n), "case 1 of 6"),  # serial and parallel parts swapped
        (lambda p, n: n * p, "case 1 of 6"),  # only the parallel part
        (lambda p, n: 1 / ((1 - p) + p / (n - 1)) if n > 1 else 1.0, "case 1 of 6"),  # off by one worker
        (lambda p, n: 1 / ((1 - p) + p / (n - 1)), "case 3 of 6 (a single worker): raised ZeroDivisionError"),
        (lambda p, n: 1 / (1 - p), "case 5 of 6 (a job that is all parallel): raised"),  # the limit, not S(n)
        (lambda p, n: min(n, 1 / (1 - p)) if p < 1 else n, "case 1 of 6"),  # the two asymptotes
    ],
)
def test_amdahl_bugs_fail_naming_the_case(bug, case):
    assert case in failing_case("06.amdahl", bug)


def test_amdahl_edge_case_fraction_one():
    # a learner who special-cases p = 1 wrongly (no speed-up) fails on the all-parallel case
    def amdahl(p, n):
        return 1.0 if p in (0, 1) else 1 / ((1 - p) + p / n)

    assert "case 5 of 6 (a job that is all parallel)" in failing_case("06.amdahl", amdahl)


def test_amdahl_figure_reading():
    assert check("06.amdahl_figure", "c")
    for letter in "abd":
        assert check("06.amdahl_figure", letter).correct is False
