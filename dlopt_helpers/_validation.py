"""Argument checks shared by every public helper.

Messages follow scikit-learn's style: they name the parameter, the allowed
range and the value received, e.g. ``learning_rate must be > 0, got -0.1``.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np


def _describe_range(low, high, low_inclusive, high_inclusive) -> str:
    if low is not None and high is not None:
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        return f"in {left}{low}, {high}{right}"
    if low is not None:
        return f"{'>=' if low_inclusive else '>'} {low}"
    return f"{'<=' if high_inclusive else '<'} {high}"


def _check_number(name, value, kind, low, high, low_inclusive, high_inclusive):
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "an integer" if kind is numbers.Integral else "a real number"
        raise ValueError(f"{name} must be {what}, got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    too_low = low is not None and (value < low or (value == low and not low_inclusive))
    too_high = high is not None and (value > high or (value == high and not high_inclusive))
    if too_low or too_high:
        raise ValueError(
            f"{name} must be {_describe_range(low, high, low_inclusive, high_inclusive)}, got {value!r}"
        )
    return value


def check_int(name: str, value: Any, low=None, high=None, *, low_inclusive=True, high_inclusive=True) -> int:
    """Return ``int(value)`` if it is an integer inside the range, else raise ``ValueError``."""
    return int(_check_number(name, value, numbers.Integral, low, high, low_inclusive, high_inclusive))


def check_float(name: str, value: Any, low=None, high=None, *, low_inclusive=True, high_inclusive=True) -> float:
    """Return ``float(value)`` if it is a finite real number inside the range, else raise ``ValueError``."""
    return float(_check_number(name, value, numbers.Real, low, high, low_inclusive, high_inclusive))


def check_choice(name: str, value: Any, choices: Iterable) -> Any:
    """Raise ``ValueError`` unless ``value`` is one of ``choices``."""
    choices = tuple(choices)
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def check_size_pair(name: str, value: Any, low: int = 1) -> tuple[int, int]:
    """Check a ``(height, width)`` pair of positive integers."""
    if (
        not isinstance(value, (tuple, list))
        or len(value) != 2
        or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in value)
    ):
        raise ValueError(f"{name} must be a pair of integers (height, width), got {value!r}")
    if min(value) < low:
        raise ValueError(f"{name} must contain integers >= {low}, got {tuple(value)!r}")
    return int(value[0]), int(value[1])


def check_fraction_pair(test_size: float, val_size: float) -> tuple[float, float]:
    """Check the test and validation fractions of a three-way split."""
    test_size = check_float("test_size", test_size, 0, 1, low_inclusive=False, high_inclusive=False)
    val_size = check_float("val_size", val_size, 0, 1, high_inclusive=False)
    if test_size + val_size >= 1:
        raise ValueError(
            f"test_size + val_size must be < 1 to leave training data, got {test_size} + {val_size}"
        )
    return test_size, val_size


def check_finite_array(name: str, value: Any, ndim: int | None = None, dtype=np.float64) -> np.ndarray:
    """Convert to an array, checking dimensions and rejecting NaN / inf."""
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric, got {type(value).__name__}: {error}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must not contain NaN or infinity")
    return array


def check_xy(x: Any, y: Any, min_samples: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Inputs as float32 and targets as an array, the same number of samples, at least ``min_samples``."""
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y)
    if len(x) != len(y) or len(x) < min_samples:
        raise ValueError(
            f"x and y must hold the same number (>= {min_samples}) of samples, got {len(x)} and {len(y)}"
        )
    return x, y
