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
from ..i18n import gettext as _
from ..i18n import pgettext

__all__ = [
    "check",
    "grade",
    "KINDS",
    "Mismatch",
    "Pending",
    "case",
    "choice",
    "Exercise",
    "CheckResult",
    "EXERCISES",
    "exercises_for",
    "register",
    "close_to",
    "same_word",
    "same_function",
]


KINDS = ("value", "reading", "code", "experiment")
"""What an exercise asks for: a number, matrix or word (``value``); a choice about a figure or table
(``reading``); a function (``code``, called on hidden cases); settings that reach a target (``experiment``, the
check re-runs them)."""


class Mismatch(Exception):
    """Raised by a comparison to say *why* an answer is wrong; ``check`` shows the reason before the hint."""


class Pending(Exception):
    """Raised by a comparison when the answer is still the unfinished stub (a function whose body is ``...``)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it lives, what it asks, how to check it.

    ``id`` is ``"NN.name"`` with ``NN`` the chapter of ``notebook`` (the notebook's file name without
    ``.ipynb``); ``question`` is the notebook's exercise paragraph as a learner reads it (Markdown);
    ``hint`` is what ``check`` shows with ❌ and ⏳; ``expected()`` computes the answer; ``compare(answer,
    expected)`` says whether an answer is right (it may raise ``Mismatch`` with the reason, or ``Pending``);
    ``kind`` is one of ``KINDS``.
    """

    id: str
    notebook: str
    question: str
    hint: str
    expected: Callable[[], object]
    compare: Callable[[object, object], bool]
    kind: str = "value"

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


def register(exercise_id: str, notebook: str, question: str, hint: str, compare=None, kind: str | None = None):
    """Decorator: register a function that returns the expected answer.

    ``exercise_id``, ``notebook``, ``question`` and ``hint`` are non-empty strings; ``compare(answer, expected)``
    (default: ``close_to()``, numbers equal within a tolerance) and the decorated function must be callable.
    ``question`` is the text after ``**Exercise <exercise_id>.**`` in the notebook, word for word
    (tests/test_exercise_registry.py compares them). ``kind`` (one of ``KINDS``) defaults to ``"code"`` for
    ``same_function``, ``"reading"`` for ``choice`` and ``"value"`` otherwise; experiments say
    ``kind="experiment"``.
    """
    for name, value in (("exercise_id", exercise_id), ("notebook", notebook), ("question", question), ("hint", hint)):
        if not isinstance(value, str) or not value.strip():
            raise InvalidParameterError(f"{name} must be a non-empty string, got {short_repr(value)}")
    if compare is not None and not callable(compare):
        raise InvalidParameterError(
            f"compare must be callable (answer, expected) -> bool or None, got {short_repr(compare)}"
        )
    if kind is None:
        kind = getattr(compare, "kind", "value")
    if kind not in KINDS:
        raise InvalidParameterError(f"kind must be one of {list(KINDS)} or None, got {short_repr(kind)}")

    def decorate(expected: Callable[[], object]) -> Callable[[], object]:
        if not callable(expected):
            raise InvalidParameterError(
                f"register(...) must decorate a function returning the expected answer, got {short_repr(expected)}"
            )
        if exercise_id in EXERCISES:
            raise ValueError(f"exercise_id {exercise_id!r} is registered twice")
        EXERCISES[exercise_id] = Exercise(exercise_id, notebook, question, hint, expected, compare or close_to(), kind)
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


@dataclass(frozen=True)
class Case:
    """One hidden case of a code exercise: the arguments, and what it tests (shown when it fails)."""

    args: tuple
    why: str | None = None


def case(*args, why: str | None = None) -> Case:
    """A case for ``same_function``: ``case(x, 2.0, why="a norm below the threshold comes back unchanged")``."""
    if why is not None and (not isinstance(why, str) or not why.strip()):
        raise InvalidParameterError(f"why must be a non-empty string or None, got {short_repr(why)}")
    return Case(tuple(args), why)


def same_function(*cases: tuple | Case, rtol: float = 1e-5, atol: float = 1e-7):
    """A function answer: called on every case, it returns what the reference returns.

    A case is a tuple of arguments or a ``case(*args, why=...)``. The exercise's ``expected()`` returns the
    reference function. Each call gets its own copy of the arguments, so an answer that changes its input in
    place cannot change the next case. Results are compared like ``close_to``; a tuple or list result is
    compared item by item. The first failing case is named, with what it tests and what went wrong (an
    exception, ``None``, a wrong type, length or shape, or the largest difference), never the expected value;
    a function that returns ``None`` on every case is an unfinished stub (⏳).
    """
    import copy

    cases = tuple(c if isinstance(c, Case) else Case(tuple(c)) for c in cases)

    def difference(got, want) -> str | None:
        """Why ``got`` is not ``want`` (``None`` when they agree)."""
        if isinstance(want, (tuple, list)):
            if not isinstance(got, (tuple, list)):
                return _("returned {got}, expected a {want} of {count} items").format(
                    got=type(got).__name__, want=type(want).__name__, count=len(want)
                )
            if len(got) != len(want):
                return _("returned {got} items, expected {want}").format(got=len(got), want=len(want))
            for index, (g, w) in enumerate(zip(got, want, strict=True)):
                reason = difference(g, w)
                if reason:
                    return _("item {index}: {reason}").format(index=index, reason=reason)
            return None
        if want is None or isinstance(want, str):  # a word or "nothing" is compared as is
            return None if got == want else _("returned {answer}").format(answer=_echo(got, 60))
        if got is None:
            return _("returned None (a missing `return`?)")
        try:
            a = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            return _("returned {type}, not a number or array").format(type=type(got).__name__)
        b = np.asarray(want, dtype=np.float64)
        if a.shape != b.shape:
            return _("returned shape {got}, expected shape {want}").format(got=a.shape, want=b.shape)
        if np.allclose(a, b, rtol=rtol, atol=atol):
            return None
        if not np.all(np.isfinite(a)):
            return _("returned NaN or inf")
        worst = float(np.max(np.abs(a - b)))
        return _("returned values off by up to {worst:.3g}").format(worst=worst)

    def compare(answer, expected) -> bool:
        if not callable(answer):
            raise Mismatch(_("pass the function itself (its name, without parentheses)"))
        if _is_empty(answer):
            raise Pending(_("write the body of your function (and its `return`)."))
        results = []
        for number, one in enumerate(cases, start=1):
            label = _("case {number} of {count}").format(number=number, count=len(cases))
            if one.why:
                label += _(" ({reason})").format(reason=_(one.why))
            try:
                got = answer(*copy.deepcopy(one.args))
            except Exception as error:  # the learner's code raised: name the case and the error
                raise Mismatch(
                    _("{case}: raised {error}: {message}").format(
                        case=label, error=type(error).__name__, message=_echo_text(str(error), 100)
                    )
                ) from None
            results.append((label, got, expected(*copy.deepcopy(one.args))))
        if all(got is None for _, got, want in results) and not any(want is None for *_, want in results):
            raise Pending(_("your function returns None on every case: write its body (and its `return`)."))
        for label, got, want in results:
            reason = difference(got, want)
            if reason:
                raise Mismatch(_("{case}: {reason}").format(case=label, reason=reason))
        return True

    compare.kind = "code"
    compare.cases = cases
    return compare


def case_reasons(exercise: Exercise) -> list[str]:
    """What each hidden case of a code exercise tests (its ``why`` texts; empty for other kinds)."""
    return [one.why for one in getattr(exercise.compare, "cases", ()) if one.why]


def _is_empty(function) -> bool:
    """Whether ``function``'s body does nothing: ``...``, ``pass``, a docstring or comments (an unfilled skeleton).

    Compiled, such a body only returns ``None`` (``LOAD_CONST None; RETURN_VALUE``, or ``RETURN_CONST None``).
    """
    import dis

    code = getattr(function, "__code__", None)
    if code is None:
        return False
    steps = [(i.opname, i.argval) for i in dis.get_instructions(code) if i.opname not in ("RESUME", "NOP", "CACHE")]
    return steps in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def choice(*letters: str):
    """A reading answer: one letter among ``letters`` (the choices the notebook lists as (a), (b), ...)."""
    if not letters or not all(isinstance(x, str) and len(x) == 1 and x.isalpha() for x in letters):
        raise InvalidParameterError(f"letters must be single letters such as 'a', 'b', got {short_repr(letters)}")
    allowed = tuple(x.lower() for x in letters)

    def compare(answer, expected) -> bool:
        letter = answer.strip().strip("()").lower() if isinstance(answer, str) else None
        if letter not in allowed:
            raise Mismatch(_("answer with one letter: {letters}").format(letters=", ".join(repr(x) for x in allowed)))
        return letter == expected

    compare.kind = "reading"
    return compare


def same_word(answer, expected) -> bool:
    """A word answer: case, surrounding spaces and hyphens do not matter (``"Data-Augmentation"``); the term's
    Chinese name in the glossary counts too (``"数据增强"``), in either edition."""
    if not isinstance(answer, str):
        return False
    from ..references import GLOSSARY

    def normal(word: str) -> str:
        return word.strip().lower().replace("-", " ")

    chinese = {zh for en, zh, _ in GLOSSARY if normal(en) in (expected, expected.removesuffix("s"))}
    return normal(answer) == expected or answer.strip() in chinese


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
        return CheckResult(exercise_id, None, _pending(exercise, _("no answer yet.")))
    expected = exercise.expected()
    reason = _echo(answer)
    try:
        correct = bool(exercise.compare(answer, expected))
    except Pending as pending:
        return CheckResult(exercise_id, None, _pending(exercise, str(pending)))
    except Mismatch as mismatch:
        correct, reason = False, str(mismatch)
    except Exception:
        correct = False
    if correct:
        return CheckResult(exercise_id, True, _("✅ {id}: correct.").format(id=exercise_id))
    return CheckResult(
        exercise_id,
        False,
        _("❌ {id}: not yet ({reason}). Hint: {hint}").format(id=exercise_id, reason=reason, hint=hint(exercise)),
    )


def question(exercise: Exercise) -> str:
    """The exercise's question in the current language (``dh.set_language``)."""
    return pgettext(exercise.id, exercise.question)


def hint(exercise: Exercise) -> str:
    """The exercise's hint in the current language."""
    return pgettext(exercise.id, exercise.hint)


def _pending(exercise: Exercise, why: str) -> str:
    return _("⏳ {id}: {why} Hint: {hint}").format(id=exercise.id, why=why, hint=hint(exercise))


def grade(exercise_id: str, answer) -> CheckResult:
    """``check``, for a graded cell: an answer that is not correct raises ``AssertionError`` with the message.

    The class edition (``make student``, nbgrader) puts a locked cell ``dh.exercises.grade(...)`` after each
    learner cell; nbgrader gives the exercise its points when that cell runs without an error.
    """
    result = check(exercise_id, answer)
    if not result.correct:
        raise AssertionError(result.message)
    return result


def _echo_text(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[: limit - 20]}… ({len(text):,} characters)"


def _echo(answer, limit: int = 120) -> str:
    """The answer as ``check`` repeats it: its ``repr``, cut to ``limit`` characters; a failing ``repr`` is named."""
    if callable(answer) and hasattr(answer, "__name__"):  # a code answer: its name, not its memory address
        return f"function {answer.__name__}"
    try:
        text = repr(answer)
    except Exception:
        return f"<{type(answer).__name__} object>"
    return _echo_text(text, limit)
