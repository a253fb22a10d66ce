"""Parameter constraints: one declarative way to say what a public helper accepts.

Every public function and class states its parameters' constraints once, in the spirit of
scikit-learn's ``_parameter_constraints`` (which is private to scikit-learn, so not imported here)::

    @validate_params(learning_rate=Real(0, None, closed="neither"), steps=Integer(1, MAX_STEPS),
                     from_logits=Boolean(), optimizer=Options("sgd", "adam"), start=(None, Array(shape=(2,))))
    def run(learning_rate, steps=100, from_logits=False, optimizer="sgd", start=None): ...

The decorator checks each named argument and passes the *converted* value on (``int`` for an
``Integer``, a float array for an ``Array``, ...). A tuple of constraints means "any of these"
(``None`` in it allows ``None``). Inside a body, ``check(name, value, constraint)`` does the same
for one value.

A value that breaks its constraint raises :class:`InvalidParameterError`, which is both a
``ValueError`` (scikit-learn's convention for a bad value) and a ``TypeError`` (Python's for a
wrong type), so either ``except`` catches it. Messages name the parameter, what is allowed and
what was received: ``learning_rate must be a real number > 0, got -0.1``. Booleans are booleans
(``"no"`` is not False), numbers are not booleans, a string is not a sequence, NaN and infinity
are refused unless a constraint allows them, and integers of any size are compared exactly.

Two modules: ``constraints`` (the constraint types, ``check``, ``validate_params``, the house bounds) and
``checks`` (the one-call checks used inside bodies).
"""

from .checks import (
    check_bool,
    check_choice,
    check_finite_array,
    check_float,
    check_fraction_pair,
    check_int,
    check_labels,
    check_memory,
    check_size_pair,
    check_xy,
    gigabytes,
)
from .constraints import (
    MAX_BYTES,
    MAX_STEPS,
    SEED_MAX,
    Array,
    Boolean,
    Constraint,
    Instance,
    Integer,
    InvalidParameterError,
    IsCallable,
    Options,
    PathLike,
    Real,
    Sequence,
    check,
    short_repr,
    sub_seed,
    validate_params,
)

__all__ = [
    "InvalidParameterError",
    "Constraint",
    "Integer",
    "Real",
    "Boolean",
    "Options",
    "Array",
    "Sequence",
    "Instance",
    "IsCallable",
    "PathLike",
    "validate_params",
    "check",
    "check_int",
    "check_float",
    "check_bool",
    "check_choice",
    "check_size_pair",
    "check_fraction_pair",
    "check_finite_array",
    "check_xy",
    "check_labels",
    "check_memory",
    "gigabytes",
    "MAX_BYTES",
    "MAX_STEPS",
    "short_repr",
    "SEED_MAX",
    "sub_seed",
]
