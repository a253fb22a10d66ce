"""Auto-checked exercises: ``check(exercise_id, answer)`` tells right from wrong, with a hint.

Every notebook ends with exercises; each answer cell calls ``check``. The
expected answers are *computed* here from the problem (often with the library
the chapter teaches), never typed in, so a changed problem cannot keep a stale
answer. Introduced in ``notebooks/00_background.ipynb``.

Where things are: ``registry.py`` holds ``Exercise``, ``register``, ``check`` and the
comparisons; ``ch<NN>_<topic>.py`` holds the answer keys of ``notebooks/<NN>_<topic>.ipynb`` (``NN`` is ``03`` for a
chapter of the source article, ``03a`` for one the article lacks, placed after ``03``).
A new exercise goes into its chapter's module, and its question is copied word for word
from the notebook (``tests/test_exercise_registry.py`` checks both directions).

Examples
--------
>>> check("01.gd_step", 0.6)
✅ 01.gd_step: correct.
>>> check("01.gd_step", None)
⏳ 01.gd_step: no answer yet. Hint: w_new = w - learning_rate * f'(w), with f'(w) = 2 (w - 3).
"""

from __future__ import annotations

# Importing a chapter module registers its exercises; keep this list in the order of the course.
from . import (
    ch00_background,
    ch01_core_concepts,
    ch02_loss_functions,
    ch03_gradient_descent,
    ch03a_deep_networks,
    ch04_regularization,
    ch05_data_augmentation,
    ch05a_schedules_smoothing_transfer,
    ch06_parallel_computing,
    ch07_hyperparameter_tuning,
    ch08_model_choice,
    ch08a_tuning_playbook,
    ch09_future_trends,
    ch10_faq_references,
)
from .registry import EXERCISES, KINDS, CheckResult, Exercise, check, exercises_for, grade, register

CHAPTERS = (
    ch00_background,
    ch01_core_concepts,
    ch02_loss_functions,
    ch03_gradient_descent,
    ch03a_deep_networks,
    ch04_regularization,
    ch05_data_augmentation,
    ch05a_schedules_smoothing_transfer,
    ch06_parallel_computing,
    ch07_hyperparameter_tuning,
    ch08_model_choice,
    ch08a_tuning_playbook,
    ch09_future_trends,
    ch10_faq_references,
)

__all__ = ["check", "grade", "Exercise", "CheckResult", "EXERCISES", "KINDS", "exercises_for", "register"]
