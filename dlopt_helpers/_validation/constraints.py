"""The declarative constraints (``Integer``, ``Real``, ``Array``, ...), ``check`` and the ``@validate_params`` decorator."""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import os
import reprlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import gettext

MAX_BYTES = 10**9  # the most memory one call (or one batch) may ask for: 1 GB
MAX_STEPS = 100_000  # the most steps / iterations a from-scratch loop may be asked for
#: every public ``seed`` is an int in [0, SEED_MAX]: what ``tf.random``, NumPy and Keras' seed generators all take
SEED_MAX = 2**31 - 1


def sub_seed(seed: int, k: int) -> int:
    """The k-th seed derived from ``seed`` (for a model's second, third... initializer), inside [0, SEED_MAX]."""
    return (seed + k) % (SEED_MAX + 1)


_repr = reprlib.Repr()
_repr.maxstring, _repr.maxother, _repr.maxlist, _repr.maxtuple, _repr.maxdict = 60, 60, 6, 6, 4


_SAFE_REPRS = {
    object.__repr__,
    str.__repr__,
    int.__repr__,
    float.__repr__,
    bytes.__repr__,
    list.__repr__,
    tuple.__repr__,
    dict.__repr__,
    set.__repr__,
}


def short_repr(value: Any) -> str:
    """``repr`` for messages: bounded length (a 10 MB answer gives a short message), never raises."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    try:
        return _repr.repr(value) if type(value).__repr__ in _SAFE_REPRS else repr(value)[:200]
    except Exception:
        return f"<{type(value).__name__} object>"


class InvalidParameterError(ValueError, TypeError):
    """A parameter that breaks its constraint (both ``ValueError`` and ``TypeError``)."""


class Constraint:
    """One rule for one parameter. ``convert`` returns the accepted value or raises."""

    def describe(self) -> str:  # what is allowed, e.g. "an integer in [1, 100000]"
        raise NotImplementedError

    def convert(self, name: str, value: Any) -> Any:
        raise NotImplementedError

    def fail(self, name: str, value: Any, why: str | None = None) -> None:
        got = gettext("got {value}").format(value=short_repr(value)) if why is None else why
        raise InvalidParameterError(
            gettext("{name} must be {allowed}, {got}").format(name=name, allowed=self.describe(), got=got)
        )

    def __repr__(self) -> str:
        return f"<{self.describe()}>"


def _bounds(low, high, closed: str) -> str:
    low_in, high_in = closed in ("both", "left"), closed in ("both", "right")
    if low is not None and high is not None:
        interval = f"{'[' if low_in else '('}{low}, {high}{']' if high_in else ')'}"
        return gettext("in {interval}").format(interval=interval)
    if low is not None:
        return f"{'>=' if low_in else '>'} {low}"
    if high is not None:
        return f"{'<=' if high_in else '<'} {high}"
    return ""


def _out_of_range(name: str, value, low, high, closed: str) -> str:
    bounds = _bounds(low, high, closed)
    return gettext("{name} must be {bounds}, got {value}").format(name=name, bounds=bounds, value=short_repr(value))


def _outside(value, low, high, closed: str) -> bool:
    low_in, high_in = closed in ("both", "left"), closed in ("both", "right")
    too_low = low is not None and (value < low or (value == low and not low_in))
    too_high = high is not None and (value > high or (value == high and not high_in))
    return too_low or too_high


class Integer(Constraint):
    """An integer (not a bool, not a float such as 2.0) in a range; returned as ``int``."""

    def __init__(self, low=None, high=None, closed: str = "both"):
        self.low, self.high, self.closed = low, high, _check_closed(closed)

    def describe(self) -> str:
        bounds = _bounds(self.low, self.high, self.closed)
        return gettext("an integer {bounds}").format(bounds=bounds) if bounds else gettext("an integer")

    def convert(self, name, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise InvalidParameterError(
                gettext("{name} must be an integer, got {value}").format(name=name, value=short_repr(value))
            )
        value = int(value)  # Python ints compare exactly at any size (10**400 included)
        if _outside(value, self.low, self.high, self.closed):
            raise InvalidParameterError(_out_of_range(name, value, self.low, self.high, self.closed))
        return value


class Real(Constraint):
    """A real number (not a bool), finite unless ``finite=False``, in a range; returned as ``float``."""

    def __init__(self, low=None, high=None, closed: str = "both", finite: bool = True):
        self.low, self.high, self.closed, self.finite = low, high, _check_closed(closed), finite

    def describe(self) -> str:
        bounds = _bounds(self.low, self.high, self.closed)
        if self.finite:
            return (
                gettext("a finite real number {bounds}").format(bounds=bounds)
                if bounds
                else gettext("a finite real number")
            )
        return gettext("a real number {bounds}").format(bounds=bounds) if bounds else gettext("a real number")

    def convert(self, name, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise InvalidParameterError(
                gettext("{name} must be a real number, got {value}").format(name=name, value=short_repr(value))
            )
        try:
            number = float(value)
        except OverflowError:  # an int beyond float's range (10**400): too large to be finite
            number = math.inf if value > 0 else -math.inf
        if math.isnan(number) or (self.finite and math.isinf(number)):
            raise InvalidParameterError(
                gettext("{name} must be finite, got {value}").format(name=name, value=short_repr(value))
            )
        if _outside(number, self.low, self.high, self.closed):
            raise InvalidParameterError(_out_of_range(name, value, self.low, self.high, self.closed))
        return number


class Boolean(Constraint):
    """``True`` or ``False`` (NumPy booleans too); ``"no"``, ``0`` and ``None`` are refused."""

    def describe(self) -> str:
        return "True or False"

    def convert(self, name, value):
        if not isinstance(value, (bool, np.bool_)):
            self.fail(name, value)
        return bool(value)


class Options(Constraint):
    """One of a fixed set of values (compared with ``==`` and the same type)."""

    def __init__(self, *choices):
        self.choices = choices

    def describe(self) -> str:
        return "one of " + ", ".join(repr(c) for c in self.choices)

    def convert(self, name, value):
        for choice in self.choices:  # same kind of value: "1" is not 1, True is not 1, np.str_("sgd") is "sgd"
            same_kind = (
                type(value) is type(choice)
                or (isinstance(choice, str) and isinstance(value, str))
                or (
                    isinstance(choice, numbers.Number)
                    and isinstance(value, numbers.Number)
                    and not isinstance(value, bool)
                    and not isinstance(choice, bool)
                )
            )
            if same_kind and value == choice:
                return type(choice)(value) if isinstance(choice, str) else value
        self.fail(name, value)


class Instance(Constraint):
    """An instance of a type (or of one of several types)."""

    def __init__(self, *types: type, what: str | None = None):
        self.types, self.what = types, what

    def describe(self) -> str:
        if self.what:
            return self.what
        if self.types == (str,):
            return "strings" if getattr(self, "_plural", False) else "a string"
        return "an instance of " + " or ".join(t.__name__ for t in self.types)

    def convert(self, name, value):
        if not isinstance(value, self.types):
            self.fail(name, value, f"got {type(value).__name__}: {short_repr(value)}")
        return value


class IsCallable(Constraint):
    def describe(self) -> str:
        return "callable"

    def convert(self, name, value):
        if not callable(value):
            self.fail(name, value)
        return value


class PathLike(Constraint):
    """A path (``str`` or ``os.PathLike``), returned as an absolute, resolved ``Path``."""

    def __init__(self, must_exist: str | None = None):
        self.must_exist = must_exist  # None, "dir" or "file"

    def describe(self) -> str:
        return {None: "a path", "dir": "an existing folder", "file": "an existing file"}[self.must_exist]

    def convert(self, name, value):
        if isinstance(value, bytes) or not isinstance(value, (str, os.PathLike)) or str(value) == "":
            self.fail(name, value)
        path = Path(value).expanduser().resolve()
        if self.must_exist == "dir" and not path.is_dir():
            self.fail(name, value, f"got {str(path)!r}, which is not a folder")
        if self.must_exist == "file" and not path.is_file():
            self.fail(name, value, f"got {str(path)!r}, which is not a file")
        return path


class Sequence(Constraint):
    """A list or tuple (never a string) of items that each meet ``item``; returned as a tuple."""

    def __init__(
        self, item: Constraint | tuple | None = None, min_len: int = 0, max_len: int | None = None, unique: bool = False
    ):
        self.item, self.min_len, self.max_len, self.unique = item, min_len, max_len, unique

    def describe(self) -> str:
        length = ""
        if self.max_len is not None and self.max_len == self.min_len:
            length = f" of length {self.min_len}"
        elif self.min_len or self.max_len is not None:
            length = f" of length {_bounds(self.min_len or None, self.max_len, 'both')}".replace("in ", "in ")
        items = f" of {_describe_any(self.item)}" if self.item is not None else ""
        items = items.replace(" of a string", " of strings").replace(" of an integer", " of integers")
        unique = ", without repeats" if self.unique else ""
        return f"a list or tuple{length}{items}{unique}"

    def convert(self, name, value):
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, np.ndarray, range)):
            self.fail(name, value)
        items = list(value)
        if len(items) < self.min_len or (self.max_len is not None and len(items) > self.max_len):
            self.fail(name, value, f"got {len(items)} items: {short_repr(value)}")
        if self.item is not None:
            items = [_convert_any(f"{name}[{i}]", v, self.item) for i, v in enumerate(items)]
        if self.unique and len(set(map(repr, items))) != len(items):
            self.fail(name, value)
        return tuple(items)


class Array(Constraint):
    """Array-like numbers: dimensions or shape (``None`` = any size there), finite, value range; a NumPy array."""

    def __init__(
        self,
        ndim: int | Iterable[int] | None = None,
        shape: tuple | None = None,
        dtype=np.float64,
        finite: bool = True,
        low=None,
        high=None,
        min_size: int = 1,
        integer: bool = False,
    ):
        self.ndim = (ndim,) if isinstance(ndim, int) else (tuple(ndim) if ndim is not None else None)
        self.shape, self.dtype, self.finite = shape, dtype, finite
        self.low, self.high, self.min_size, self.integer = low, high, min_size, integer

    def describe(self) -> str:
        dims = (
            f"{' or '.join(map(str, self.ndim))}-dimensional " if self.ndim is not None and self.shape is None else ""
        )
        parts = [f"{'a' if dims else 'an'} {dims}array of " + ("integers" if self.integer else "numbers")]
        if self.shape is not None:
            parts.append(
                "of shape ("
                + ", ".join("any" if s is None else str(s) for s in self.shape)
                + ("," if len(self.shape) == 1 else "")
                + ")"
            )
        if self.low is not None or self.high is not None:
            parts.append(_bounds(self.low, self.high, "both"))
        return " ".join(parts)

    def convert(self, name, value):
        if isinstance(value, (str, bytes, dict)) or value is None:
            self.fail(name, value)
        try:
            array = np.asarray(value)
            if array.dtype == object or array.dtype.kind in "USVMm":
                raise TypeError(f"dtype {array.dtype}")
            if self.integer:
                with np.errstate(invalid="ignore"):  # inf % 1 is nan (refused below), not a warning
                    fractional = array.dtype.kind == "f" and not np.all(np.mod(array, 1) == 0)
                if array.dtype.kind == "b" or fractional:
                    raise TypeError("values that are not whole numbers")
                array = array.astype(np.int64)
            else:
                array = array.astype(self.dtype)
        except (TypeError, ValueError, OverflowError) as error:
            kind = "integers" if self.integer else "numeric"
            raise InvalidParameterError(f"{name} must be {kind}, got {short_repr(value)} ({error})") from None
        if self.ndim is not None and array.ndim not in self.ndim:
            dims = " or ".join(map(str, self.ndim))
            raise InvalidParameterError(f"{name} must be {dims}-dimensional, got shape {array.shape}")
        if self.shape is not None and (
            array.ndim != len(self.shape)
            or any(want is not None and want != got for want, got in zip(self.shape, array.shape))
        ):
            self.fail(name, value, f"got shape {array.shape}")
        if array.size < self.min_size:
            if self.min_size == 1:
                raise InvalidParameterError(f"{name} must not be empty")
            self.fail(name, value, f"got {array.size} values (at least {self.min_size} needed)")
        if self.finite and array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise InvalidParameterError(f"{name} must not contain NaN or infinity")
        if (self.low is not None and np.any(array < self.low)) or (self.high is not None and np.any(array > self.high)):
            self.fail(name, value, f"got values from {array.min().item()!r} to {array.max().item()!r}")
        return array


def _check_closed(closed: str) -> str:
    if closed not in ("both", "left", "right", "neither"):
        raise ValueError(f"closed must be 'both', 'left', 'right' or 'neither', got {closed!r}")
    return closed


def _describe_any(spec) -> str:
    if isinstance(spec, tuple):
        return " or ".join("None" if s is None else s.describe() for s in spec)
    return spec.describe()


def _convert_any(name: str, value: Any, spec) -> Any:
    """Check ``value`` against one constraint or a tuple of alternatives (``None`` allows ``None``)."""
    if not isinstance(spec, tuple):
        return spec.convert(name, value)
    if value is None and None in spec:
        return None
    errors = []
    for option in spec:
        if option is None:
            continue
        try:
            return option.convert(name, value)
        except InvalidParameterError as error:
            errors.append(error)
    if len(errors) == 1:  # one real option: its precise message, saying that None is also accepted
        if None in spec:
            raise InvalidParameterError(f"{errors[0]} (None is also accepted)")
        raise errors[0]
    raise InvalidParameterError(f"{name} must be {_describe_any(spec)}, got {short_repr(value)}")


def check(name: str, value: Any, constraint) -> Any:
    """Check one value against a constraint (or a tuple of alternatives); return the converted value."""
    return _convert_any(name, value, constraint)


def validate_params(**constraints) -> Callable:
    """Decorator: check the named parameters of a function (or ``__init__``), pass on converted values."""

    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)
        unknown = set(constraints) - set(signature.parameters)
        if unknown:
            raise TypeError(f"validate_params names parameters {sorted(unknown)} that {function.__name__} lacks")

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as error:  # a missing or unknown argument: Python's own message
                raise TypeError(f"{function.__qualname__}(): {error}") from None
            for name, spec in constraints.items():
                if name in bound.arguments:
                    bound.arguments[name] = _convert_any(name, bound.arguments[name], spec)
                else:  # a default: trusted, but converted the same way (e.g. a tuple default)
                    default = signature.parameters[name].default
                    if default is not inspect.Parameter.empty:
                        bound.arguments[name] = _convert_any(name, default, spec)
            return function(*bound.args, **bound.kwargs)

        wrapper.__dlopt_constraints__ = dict(constraints)
        return wrapper

    return decorate
