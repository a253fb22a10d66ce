"""The declarative constraints of dlopt_helpers._validation, by example and by property (hypothesis)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlopt_helpers import _validation as v

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.binary(max_size=5),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


def test_the_error_is_both_value_error_and_type_error():
    assert issubclass(v.InvalidParameterError, ValueError) and issubclass(v.InvalidParameterError, TypeError)


@settings(max_examples=300, deadline=None)
@given(ANYTHING)
def test_integer_accepts_exactly_the_ints_in_range(value):
    constraint = v.Integer(1, 100_000)
    ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 100_000
    if ok:
        assert constraint.convert("steps", value) == value
    else:
        with pytest.raises(v.InvalidParameterError, match=r"^steps must be "):
            constraint.convert("steps", value)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(10**400), max_value=10**400))
def test_huge_integers_get_the_range_message_not_a_numpy_error(value):
    for constraint in (v.Integer(0, 2**32 - 1), v.Real(0, 1e6)):
        try:
            constraint.convert("seed", value)
        except v.InvalidParameterError as error:
            assert str(error).startswith("seed must be ")


@settings(max_examples=300, deadline=None)
@given(ANYTHING)
def test_real_refuses_nan_inf_bools_and_non_numbers(value):
    constraint = v.Real(0, None, closed="neither")
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = number and math.isfinite(float(value)) if not (isinstance(value, int) and abs(value) > 1e300) else False
    ok = ok and value > 0
    if ok:
        assert constraint.convert("learning_rate", value) == float(value)
    else:
        with pytest.raises(v.InvalidParameterError, match=r"^learning_rate must be "):
            constraint.convert("learning_rate", value)


@settings(max_examples=200, deadline=None)
@given(ANYTHING)
def test_boolean_is_only_a_bool(value):
    if isinstance(value, bool):
        assert v.check_bool("from_logits", value) is value
    else:
        with pytest.raises(v.InvalidParameterError, match="from_logits must be True or False"):
            v.check_bool("from_logits", value)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=6))
def test_a_string_is_never_a_sequence(text):
    with pytest.raises(v.InvalidParameterError, match="classes must be a list or tuple"):
        v.check("classes", text, v.Sequence(v.Instance(str)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=0, max_size=6))
def test_arrays_are_finite_and_non_empty_or_refused(values):
    if values and all(math.isfinite(x) for x in values):
        np.testing.assert_array_equal(v.check_finite_array("x", values, ndim=1), np.asarray(values, np.float64))
    else:
        with pytest.raises(v.InvalidParameterError, match=r"^x must "):
            v.check_finite_array("x", values, ndim=1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.integers(-3, 12), st.floats(-1, 12, allow_nan=False)), min_size=1, max_size=6))
def test_labels_are_whole_numbers_below_the_class_count(labels):
    ok = all(float(y).is_integer() and 0 <= y < 10 for y in labels)
    if ok:
        assert v.check_labels("y", labels, 10).tolist() == [int(y) for y in labels]
    else:
        with pytest.raises(v.InvalidParameterError, match=r"^y must "):
            v.check_labels("y", labels, 10)


def test_alternatives_allow_none_and_name_every_option():
    assert v.check("center", None, (None, v.Array(shape=(2,)))) is None
    np.testing.assert_array_equal(v.check("center", (1, 2), (None, v.Array(shape=(2,)))), [1.0, 2.0])
    with pytest.raises(v.InvalidParameterError, match=r"center must be an array of numbers of shape \(2,\)"):
        v.check("center", (1, 2, 3), (None, v.Array(shape=(2,))))
    with pytest.raises(v.InvalidParameterError, match="size must be an integer >= 1 or one of 'auto'"):
        v.check("size", "big", (v.Integer(1), v.Options("auto")))


def test_validate_params_checks_converts_and_keeps_defaults():
    @v.validate_params(rate=v.Real(0, None, closed="neither"), steps=v.Integer(1, 10), shape=v.Sequence(v.Integer(1)))
    def run(rate, steps=3, shape=(2, 2)):
        return rate, steps, shape

    assert run(np.float32(0.5)) == (0.5, 3, (2, 2))
    assert run(1, steps=np.int64(4), shape=[3, 1]) == (1.0, 4, (3, 1))
    with pytest.raises(v.InvalidParameterError, match=r"steps must be in \[1, 10\], got 11"):
        run(0.1, 11)
    with pytest.raises(TypeError, match="unexpected keyword"):
        run(0.1, stepz=3)
    assert run.__dlopt_constraints__["steps"].high == 10
    with pytest.raises(TypeError, match="lacks"):
        v.validate_params(nope=v.Boolean())(lambda x: x)


def test_messages_stay_short_for_huge_or_broken_values():
    class Broken:
        def __repr__(self):
            raise RuntimeError("no repr")

    with pytest.raises(v.InvalidParameterError) as error:
        v.check_int("steps", "x" * 10**7)
    assert len(str(error.value)) < 200
    with pytest.raises(v.InvalidParameterError, match="<Broken object>"):
        v.check_int("steps", Broken())


def test_paths_are_absolute_and_resolved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert v.check("directory", "sub", v.PathLike()) == tmp_path / "sub"
    with pytest.raises(v.InvalidParameterError, match="not a folder"):
        v.check("directory", "missing", v.PathLike(must_exist="dir"))
    with pytest.raises(v.InvalidParameterError, match="directory must be a path"):
        v.check("directory", 123, v.PathLike())
