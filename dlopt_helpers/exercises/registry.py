"""The exercise registry: ``register`` an answer key, ``check(exercise_id, answer)`` a learner's answer.

A chapter's exercises live in ``ch<NN>_<notebook>.py`` beside this module; each registers its answer keys here
with ``@register(...)`` on a function that *computes* the expected answer. ``check`` looks the id up, compares
(``close_to`` for numbers and arrays, ``same_word`` for words) and answers ✅, ❌ with the hint, or ⏳ with the hint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validation import InvalidParameterError, short_repr

__all__ = [
    "check",
    "Exercise",
    "CheckResult",
    "EXERCISES",
    "exercises_for",
    "register",
    "close_to",
    "same_word",
    "same_function",
]


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it lives, what it asks, how to check it.

    ``id`` is ``"NN.name"`` with ``NN`` the chapter of ``notebook`` (the notebook's file name without
    ``.ipynb``); ``question`` is the notebook's exercise paragraph as a learner reads it (Markdown);
    ``hint`` is what ``check`` shows with ❌ and ⏳; ``expected()`` computes the answer; ``compare(answer,
    expected)`` says whether an answer is right.
    """

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
    (default: ``close_to()``, numbers equal within a tolerance) and the decorated function must be callable.
    ``question`` is the text after ``**Exercise <exercise_id>.**`` in the notebook, word for word
    (tests/test_exercise_registry.py compares them).
    """
    for name, value in (("exercise_id", exercise_id), ("notebook", notebook), ("question", question), ("hint", hint)):
        if not isinstance(value, str) or not value.strip():
            raise InvalidParameterError(f"{name} must be a non-empty string, got {short_repr(value)}")
    if compare is not None and not callable(compare):
        raise InvalidParameterError(
            f"compare must be callable (answer, expected) -> bool or None, got {short_repr(compare)}"
        )

    def decorate(expected: Callable[[], object]) -> Callable[[], object]:
        if not callable(expected):
            raise InvalidParameterError(
                f"register(...) must decorate a function returning the expected answer, got {short_repr(expected)}"
            )
        if exercise_id in EXERCISES:
            raise ValueError(f"exercise_id {exercise_id!r} is registered twice")
        EXERCISES[exercise_id] = Exercise(exercise_id, notebook, question, hint, expected, compare or close_to())
        return expected

    return decorate


def close_to(rtol: float = 1e-4, atol: float = 1e-6):
    """Numbers or arrays equal within a tolerance, shapes equal."""

    def compare(answer, expected) -> bool:
        try:
            a = np.asarray(answer, dtype=np.float64)
        except (TypeError, ValueError):
            return False
        b = np.asarray(expected, dtype=np.float64)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))

    return compare


def same_function(*cases: tuple, rtol: float = 1e-5, atol: float = 1e-7):
    """A function answer: called on every case (a tuple of arguments), it returns what the reference returns.

    The exercise's ``expected()`` returns the reference function. Each call gets its own copy of the arguments,
    so an answer that changes its input in place cannot change the next case. Results are compared like
    ``close_to``; a tuple or list result is compared item by item.
    """
    import copy

    def same(got, want) -> bool:
        if isinstance(want, (tuple, list)):
            return (
                isinstance(got, (tuple, list))
                and len(got) == len(want)
                and all(same(g, w) for g, w in zip(got, want, strict=True))
            )
        if want is None or isinstance(want, str):  # a word or "nothing" is compared as is
            return got == want
        return close_to(rtol, atol)(got, want)

    def compare(answer, expected) -> bool:
        if not callable(answer):
            return False
        return all(same(answer(*copy.deepcopy(args)), expected(*copy.deepcopy(args))) for args in cases)

    return compare


def same_word(answer, expected) -> bool:
    """A word answer: case, surrounding spaces and hyphens do not matter (``"Data-Augmentation"``)."""
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
        raise InvalidParameterError(
            f"exercise_id must be one of {sorted(EXERCISES, key=str)}, got {short_repr(exercise_id)}"
        )
    exercise = EXERCISES[exercise_id]
    if answer is None or answer is Ellipsis:
        return CheckResult(exercise_id, None, f"⏳ {exercise_id}: no answer yet. Hint: {exercise.hint}")
    expected = exercise.expected()
    try:
        correct = bool(exercise.compare(answer, expected))
    except Exception:
        correct = False
    if correct:
        return CheckResult(exercise_id, True, f"✅ {exercise_id}: correct.")
    return CheckResult(exercise_id, False, f"❌ {exercise_id}: not yet ({_echo(answer)}). Hint: {exercise.hint}")


def _echo(answer, limit: int = 120) -> str:
    """The answer as ``check`` repeats it: its ``repr``, cut to ``limit`` characters; a failing ``repr`` is named."""
    if callable(answer) and hasattr(answer, "__name__"):  # a code answer: its name, not its memory address
        return f"function {answer.__name__}"
    try:
        text = repr(answer)
    except Exception:
        return f"<{type(answer).__name__} object>"
    return text if len(text) <= limit else f"{text[: limit - 20]}… ({len(text):,} characters)"
