import numpy as np
import pytest

from dlopt_helpers import _validation as v


def test_check_int_accepts_numpy_ints_and_rejects_bools_and_floats():
    assert v.check_int("steps", np.int64(3), 1) == 3
    with pytest.raises(ValueError, match="steps must be an integer, got True"):
        v.check_int("steps", True, 1)
    with pytest.raises(ValueError, match=r"steps must be an integer, got 2.5"):
        v.check_int("steps", 2.5, 1)


@pytest.mark.parametrize(
    "kwargs, value, message",
    [
        ({"low": 0, "low_inclusive": False}, 0.0, r"learning_rate must be > 0, got 0.0"),
        ({"low": 0, "high": 1}, 1.5, r"learning_rate must be in \[0, 1\], got 1.5"),
        ({"low": 0, "high": 1, "high_inclusive": False}, 1.0, r"learning_rate must be in \[0, 1\), got 1.0"),
        ({"high": 3}, 4.0, r"learning_rate must be <= 3, got 4.0"),
    ],
)
def test_check_float_names_parameter_and_range(kwargs, value, message):
    with pytest.raises(ValueError, match=message):
        v.check_float("learning_rate", value, **kwargs)


def test_check_float_rejects_nan_and_strings():
    with pytest.raises(ValueError, match="must be finite"):
        v.check_float("alpha", float("nan"))
    with pytest.raises(ValueError, match="must be a real number"):
        v.check_float("alpha", "0.1")


def test_check_choice_lists_allowed_values():
    with pytest.raises(ValueError, match="name must be one of 'a', 'b', got 'c'"):
        v.check_choice("name", "c", ["a", "b"])


def test_check_fraction_pair():
    assert v.check_fraction_pair(0.2, 0.1) == (0.2, 0.1)
    with pytest.raises(ValueError, match="test_size must be in"):
        v.check_fraction_pair(0.0, 0.1)
    with pytest.raises(ValueError, match="test_size \\+ val_size must be < 1"):
        v.check_fraction_pair(0.6, 0.5)


def test_check_finite_array():
    with pytest.raises(ValueError, match="x must not contain NaN"):
        v.check_finite_array("x", [1.0, np.nan])
    with pytest.raises(ValueError, match="x must be 1-dimensional"):
        v.check_finite_array("x", [[1.0]], ndim=1)
    with pytest.raises(ValueError, match="x must not be empty"):
        v.check_finite_array("x", [])
    with pytest.raises(ValueError, match="x must be numeric"):
        v.check_finite_array("x", ["a"])


def test_check_size_pair():
    assert v.check_size_pair("target_size", (32, 48)) == (32, 48)
    for bad in [(32,), (0, 3), (2.0, 3), "32x32", (True, 3)]:
        with pytest.raises(ValueError, match="target_size must"):
            v.check_size_pair("target_size", bad)
