"""The exercises of chapters 00-03a: plausible learner bugs fail with ❌ naming the case, stubs are pending (⏳).

Each code exercise gets a right answer (✅), an unfinished stub (⏳) and at least one wrong answer a learner could
plausibly write (❌, with the failing case and what it tests, never the expected value). The notebooks show a
def skeleton for each code exercise; its stored output is the ⏳ line.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest

from dlopt_helpers.exercises import EXERCISES, check

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ("00_background", "01_core_concepts", "02_loss_functions", "03_gradient_descent", "03a_deep_networks")


def _fails_on(exercise_id, answer, case_number):
    result = check(exercise_id, answer)
    assert result.correct is False, repr(result)
    assert f"case {case_number} of " in result.message, result.message
    return result.message


def _stub(*args): ...


# 00.accuracy


def _accuracy(y_true, y_pred):
    return float(np.mean(y_true == y_pred))


def test_accuracy_right_stub_and_bugs():
    assert check("00.accuracy", _accuracy).correct
    assert check("00.accuracy", _stub).correct is None
    # off by one in the denominator: wrong on the 360 digits already
    with np.errstate(all="ignore"):  # the 1-sample cases divide by 0
        message = _fails_on("00.accuracy", lambda t, p: np.sum(t == p) / (len(t) - 1), 1)
    assert "360 test digits" in message
    # the count of correct labels, not a fraction
    _fails_on("00.accuracy", lambda t, p: int(np.sum(t == p)), 1)
    # the error rate instead of the accuracy
    _fails_on("00.accuracy", lambda t, p: float(np.mean(t != p)), 1)


def test_accuracy_edge_cases_catch_shortcuts():
    # a guard that assumes at least one right prediction
    def no_zero(t, p):
        hits = np.sum(t == p)
        return float(hits / len(t)) if hits else 1.0

    message = _fails_on("00.accuracy", no_zero, 2)
    assert "every prediction is wrong" in message
    # a "one sample" special case that is wrong
    message = _fails_on("00.accuracy", lambda t, p: 1.0 if len(t) == 1 else _accuracy(t, p), 4)
    assert "single sample, predicted wrong" in message


def test_read_baseline_is_a_reading_exercise():
    exercise = EXERCISES["00.read_baseline"]
    assert exercise.kind == "reading"
    assert check("00.read_baseline", "(B)").correct
    assert check("00.read_baseline", "a").correct is False
    assert "one letter" in check("00.read_baseline", "over-fitting").message
    assert EXERCISES["03.read_edges"].kind == "reading"
    assert check("03.read_edges", "b").correct and check("03.read_edges", "a").correct is False


# 01.dense_params


def test_dense_params_right_stub_and_bugs():
    assert check("01.dense_params", lambda n_in, n_out: n_in * n_out + n_out).correct
    assert check("01.dense_params", _stub).correct is None
    # forgot the biases
    message = _fails_on("01.dense_params", lambda n_in, n_out: n_in * n_out, 1)
    assert "running example's hidden layer" in message
    # one bias per input instead of per unit
    _fails_on("01.dense_params", lambda n_in, n_out: n_in * n_out + n_in, 1)

    def memorized(n_in, n_out):  # the running example's two layers by heart, a wrong rule elsewhere
        return {(64, 32): 2080, (32, 10): 330}.get((n_in, n_out), n_in * n_out)

    assert "one input, one unit" in _fails_on("01.dense_params", memorized, 3)


# 02.cross_entropy


def _stable(logits, label):
    logits = np.asarray(logits, dtype=np.float64)
    m = logits.max()
    return float(m + np.log(np.exp(logits - m).sum()) - logits[label])


def test_cross_entropy_right_stub_and_bugs():
    assert check("02.cross_entropy", _stable).correct
    assert check("02.cross_entropy", _stub).correct is None

    def naive(logits, label):  # a literal softmax: overflows on the confident mistake
        with np.errstate(all="ignore"):
            p = np.exp(logits) / np.exp(logits).sum()
            return float(-np.log(p[label]))

    message = _fails_on("02.cross_entropy", naive, 2)
    assert "far above 709" in message and "NaN or inf" in message

    def log_of_max_shift_only(logits, label):  # subtracts the max but forgets to add it back
        m = np.max(logits)
        return float(np.log(np.exp(logits - m).sum()) - logits[label])

    _fails_on("02.cross_entropy", log_of_max_shift_only, 1)

    def min_shift(logits, label):  # shifts by the minimum: overflows instead
        m = np.min(logits)
        with np.errstate(all="ignore"):
            return float(m + np.log(np.exp(logits - m).sum()) - logits[label])

    _fails_on("02.cross_entropy", min_shift, 2)


def test_cross_entropy_underflow_case():
    def clipped(logits, label):  # stable for large logits, but clips p like a probability loss does
        p = np.exp(logits - np.max(logits))
        p = p / p.sum()
        return float(-np.log(np.clip(p[label], 1e-7, 1.0)))

    message = _fails_on("02.cross_entropy", clipped, 2)
    assert "confident mistake" in message


# 03.momentum_step


def test_momentum_step_right_stub_and_bugs():
    def right(theta, velocity, gradient, learning_rate, momentum):
        velocity = momentum * velocity - learning_rate * gradient
        return theta + velocity, velocity

    assert check("03.momentum_step", right).correct
    assert check("03.momentum_step", _stub).correct is None

    def old_velocity(theta, velocity, gradient, learning_rate, momentum):  # moves by the old velocity
        new = momentum * velocity - learning_rate * gradient
        return theta + velocity, new

    message = _fails_on("03.momentum_step", old_velocity, 1)
    assert "question's numbers" in message and "item 0" in message

    def only_velocity(theta, velocity, gradient, learning_rate, momentum):  # returns one array, not the pair
        return momentum * velocity - learning_rate * gradient

    assert "expected a tuple of 2 items" in _fails_on("03.momentum_step", only_velocity, 1)

    def plain_sgd_when_gradient_vanishes(theta, velocity, gradient, learning_rate, momentum):
        if not np.any(gradient):  # "no gradient, no step": forgets the velocity carries on
            return theta, velocity
        return right(theta, velocity, gradient, learning_rate, momentum)

    message = _fails_on("03.momentum_step", plain_sgd_when_gradient_vanishes, 3)
    assert "zero gradient" in message

    def sign_flip(theta, velocity, gradient, learning_rate, momentum):  # v ← μ v + η g, θ ← θ − v
        velocity = momentum * velocity + learning_rate * gradient
        return theta - velocity, velocity

    _fails_on("03.momentum_step", sign_flip, 1)


# 03a: the code exercises' new edge cases and why texts


def test_clip_global_edge_cases():
    def right(gradients, clip_norm):
        total = np.sqrt(sum(np.sum(g**2) for g in gradients))
        return [g * clip_norm / max(total, clip_norm) for g in gradients]

    assert check("03a.clip_global", right).correct
    assert check("03a.clip_global", _stub).correct is None

    def always_rescale(gradients, clip_norm):  # rescales to clip_norm even below it (and divides by 0)
        total = np.sqrt(sum(np.sum(g**2) for g in gradients))
        with np.errstate(all="ignore"):
            return [g * clip_norm / total for g in gradients]

    message = _fails_on("03a.clip_global", always_rescale, 3)
    assert "below clip_norm" in message

    def per_array(gradients, clip_norm):  # clipnorm, not global_clipnorm
        return [g * clip_norm / max(np.linalg.norm(g), clip_norm) for g in gradients]

    assert "one factor for all" in _fails_on("03a.clip_global", per_array, 2)

    def divides_by_zero(gradients, clip_norm):
        total = float(np.sqrt(sum(np.sum(g**2) for g in gradients)))
        return [g * min(1.0, clip_norm / total) for g in gradients]

    assert "all gradients zero" in _fails_on("03a.clip_global", divides_by_zero, 4)


def test_layer_norm_edge_cases():
    def per_feature(x):  # batch norm's axis
        return (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-3)

    message = _fails_on("03a.layer_norm", per_feature, 1)
    assert "mean 2" in message

    def no_epsilon(x):
        with np.errstate(all="ignore"):
            return (x - x.mean(axis=-1, keepdims=True)) / x.std(axis=-1, keepdims=True)

    _fails_on("03a.layer_norm", no_epsilon, 1)

    def nan_on_constant(x):  # right on varied rows, NaN where a row is constant (ε added after the sqrt is 0 here)
        std = x.std(axis=-1, keepdims=True)
        with np.errstate(all="ignore"):
            out = (x - x.mean(axis=-1, keepdims=True)) / np.sqrt(std**2 + 1e-3)
        return np.where(std == 0, np.nan, out)

    assert "constant row" in _fails_on("03a.layer_norm", nan_on_constant, 2)

    def bessel(x):
        return (x - x.mean(axis=-1, keepdims=True)) / np.sqrt(x.var(axis=-1, ddof=1, keepdims=True) + 1e-3)

    _fails_on("03a.layer_norm", bessel, 1)


# every code exercise of these chapters: cases say what they test, hints hold no formula


CODE = sorted(e for e in EXERCISES if EXERCISES[e].notebook in CHAPTERS and EXERCISES[e].kind == "code")


def test_every_chapter_has_a_code_exercise_and_the_set_a_reading_one():
    kinds = {c: {e.kind for e in EXERCISES.values() if e.notebook == c} for c in CHAPTERS}
    assert all("code" in k or "experiment" in k for k in kinds.values()), kinds
    assert any("reading" in k for k in kinds.values())
    assert all(sum(e.notebook == c for e in EXERCISES.values()) >= 3 for c in CHAPTERS)


@pytest.mark.parametrize("exercise_id", CODE)
def test_code_exercise_cases_have_why_and_an_edge(exercise_id):
    compare = EXERCISES[exercise_id].compare
    cases = next(c.cell_contents for c in compare.__closure__ if isinstance(c.cell_contents, tuple))
    assert len(cases) >= 3 and all(c.why for c in cases), exercise_id


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_code_exercises_show_a_def_skeleton_that_is_pending(chapter):
    notebook = nbformat.read(str(ROOT / "notebooks" / f"{chapter}.ipynb"), as_version=4)
    sources = [c.source for c in notebook.cells]
    for exercise_id in (e for e in CODE if EXERCISES[e].notebook == chapter):
        index = next(i for i, s in enumerate(sources) if s.startswith(f"**Exercise {exercise_id}.**"))
        learner, solution = notebook.cells[index + 1], notebook.cells[index + 2]
        assert (
            learner.source.startswith("def ")
            and "    # your code: " in learner.source
            and "\n    ...\n" in learner.source
        )
        name = learner.source[4:].split("(")[0]
        assert learner.source.rstrip().endswith(f'dh.check("{exercise_id}", {name})')
        assert solution.source.rstrip().endswith(f'dh.check("{exercise_id}", {name})')
        assert "solution" in solution.metadata.get("tags", [])
        learner_output = "".join(o.get("data", {}).get("text/plain", "") for o in learner.outputs)
        assert learner_output.startswith(f"⏳ {exercise_id}: write the body of your function"), learner_output
