"""One-call checks used inside function bodies (labels, ``x``/``y`` pairs, memory estimates), built on the constraints."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..i18n import gettext
from .constraints import MAX_BYTES, Array, Boolean, Integer, InvalidParameterError, Real, Sequence, short_repr

# --- the one-call checks used inside bodies (kept: every module uses them) ---------------------


def _closed(low_inclusive: bool, high_inclusive: bool) -> str:
    return {(True, True): "both", (True, False): "left", (False, True): "right", (False, False): "neither"}[
        (bool(low_inclusive), bool(high_inclusive))
    ]


def check_int(name: str, value: Any, low=None, high=None, *, low_inclusive=True, high_inclusive=True) -> int:
    """Return ``int(value)`` if it is an integer inside the range, else raise :class:`InvalidParameterError`."""
    return Integer(low, high, _closed(low_inclusive, high_inclusive)).convert(name, value)


def check_float(name: str, value: Any, low=None, high=None, *, low_inclusive=True, high_inclusive=True) -> float:
    """Return ``float(value)`` if it is a finite real number inside the range, else raise."""
    return Real(low, high, _closed(low_inclusive, high_inclusive)).convert(name, value)


def check_bool(name: str, value: Any) -> bool:
    """``True`` or ``False`` only: a truthy string such as ``"no"`` is refused."""
    return Boolean().convert(name, value)


def check_choice(name: str, value: Any, choices: Iterable) -> Any:
    """Raise unless ``value`` is one of ``choices``."""
    choices = tuple(choices)
    try:
        if value in choices:
            return value
    except (TypeError, ValueError):  # an unhashable or array value: not a choice
        pass
    allowed = ", ".join(repr(c) for c in choices)
    raise InvalidParameterError(
        gettext("{name} must be one of {allowed}, got {value}").format(
            name=name, allowed=allowed, value=short_repr(value)
        )
    )


def check_size_pair(name: str, value: Any, low: int = 1, high: int | None = None) -> tuple[int, int]:
    """Check a ``(height, width)`` pair of integers in ``[low, high]``."""
    pair = Sequence(Integer(), min_len=2, max_len=2)
    try:
        height, width = pair.convert(name, value)
    except InvalidParameterError:
        raise InvalidParameterError(
            f"{name} must be a pair of integers (height, width), got {short_repr(value)}"
        ) from None
    if min(height, width) < low or (high is not None and max(height, width) > high):
        allowed = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise InvalidParameterError(f"{name} must contain integers {allowed}, got {(height, width)!r}")
    return height, width


def check_fraction_pair(test_size: float, val_size: float) -> tuple[float, float]:
    """Check the test and validation fractions of a three-way split."""
    test_size = check_float("test_size", test_size, 0, 1, low_inclusive=False, high_inclusive=False)
    val_size = check_float("val_size", val_size, 0, 1, high_inclusive=False)
    if test_size + val_size >= 1:
        raise InvalidParameterError(
            f"test_size + val_size must be < 1 to leave training data, got {test_size} + {val_size}"
        )
    return test_size, val_size


def check_finite_array(name: str, value: Any, ndim: int | None = None, dtype=np.float64) -> np.ndarray:
    """Convert to an array, checking dimensions and rejecting NaN / inf and empty arrays."""
    return Array(ndim=ndim, dtype=dtype).convert(name, value)


def check_labels(name: str, y: Any, num_classes: int | None = None, n_samples: int | None = None) -> np.ndarray:
    """Class labels: whole numbers in ``[0, num_classes)`` (float labels such as 0.5 refused), as int64."""
    labels = Array(ndim=1, integer=True, low=0, high=None if num_classes is None else num_classes - 1).convert(name, y)
    if n_samples is not None and len(labels) != n_samples:
        raise InvalidParameterError(f"{name} must hold one label per sample ({n_samples}), got {len(labels)}")
    return labels


def check_xy(x: Any, y: Any, min_samples: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Finite inputs as float32 and targets as an array, the same number of samples, at least ``min_samples``."""
    x = Array(dtype=np.float32).convert("x", x)
    if x.ndim < 1:
        raise InvalidParameterError(f"x must hold samples along its first axis, got shape {x.shape}")
    y = np.asarray(y)
    if y.ndim < 1 or len(x) != len(y) or len(x) < min_samples:
        raise InvalidParameterError(
            f"x and y must hold the same number (>= {min_samples}) of samples, got {len(x)} and "
            f"{len(y) if y.ndim else 'a scalar'}"
        )
    return x, y


def gigabytes(nbytes: float) -> str:
    """``6.44 GB`` / ``64 MB``: a memory estimate for a message."""
    return f"{nbytes / 1e9:.3g} GB" if nbytes >= 1e8 else f"{nbytes / 1e6:.3g} MB"


def check_memory(what: str, nbytes: float, detail: str, limit: float = MAX_BYTES) -> None:
    """Refuse up front, with the estimate, work that would need more than ``limit`` bytes of memory.

    ``what`` names the parameter(s) responsible, ``detail`` how the estimate was made, e.g.
    ``check_memory("target_size x batch_size", 32 * 4096 * 4096 * 3 * 4, "32 x 4,096 x 4,096 x 3 float32
    values per batch")`` -> ``target_size x batch_size would need 6.44 GB (...); at most 1 GB is allowed``.
    """
    if nbytes > limit:
        raise InvalidParameterError(
            f"{what} would need {gigabytes(nbytes)} ({detail}); at most {gigabytes(limit)} is allowed"
        )
