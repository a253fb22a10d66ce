import numpy as np
import pytest

from dlopt_helpers.concepts import l2_penalty
from dlopt_helpers.models import build_running_example


def test_running_example_shape_parameters_and_logits():
    model = build_running_example()
    assert model.count_params() == 64 * 32 + 32 + 32 * 10 + 10
    out = model(np.zeros((5, 8, 8, 1), dtype=np.float32)).numpy()
    assert out.shape == (5, 10)
    assert model.layers[-1].activation.__name__ == "linear"  # logits, not probabilities


def test_same_seed_same_initial_weights():
    a, b, c = build_running_example(seed=1), build_running_example(seed=1), build_running_example(seed=2)
    np.testing.assert_array_equal(a.get_layer("hidden").kernel.numpy(), b.get_layer("hidden").kernel.numpy())
    assert not np.allclose(a.get_layer("hidden").kernel.numpy(), c.get_layer("hidden").kernel.numpy())


def test_l2_penalty_and_dropout_are_wired():
    model = build_running_example(l2=0.01, dropout=0.5)
    assert any(layer.__class__.__name__ == "Dropout" for layer in model.layers)
    expected = sum(l2_penalty(model.get_layer(n).kernel.numpy(), 0.01) for n in ("hidden", "logits"))
    np.testing.assert_allclose(float(sum(model.losses)), expected, rtol=1e-5)


def test_l1_penalty_is_wired():
    model = build_running_example(l1=0.01, l2=0.02)
    kernels = [model.get_layer(n).kernel.numpy() for n in ("hidden", "logits")]
    expected = sum(0.01 * abs(k).sum() + 0.02 * (k**2).sum() for k in kernels)
    np.testing.assert_allclose(float(sum(model.losses)), expected, rtol=1e-5)


def test_other_input_shapes():
    model = build_running_example(input_shape=(30,), num_classes=2, hidden_units=4)
    assert model(np.zeros((2, 30), dtype=np.float32)).shape == (2, 2)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"input_shape": [8, 8, 1]}, "input_shape must be a tuple of positive ints"),
        ({"input_shape": (8, 0)}, "input_shape must be a tuple of positive ints"),
        ({"num_classes": 1}, "num_classes must be in \\[2, 1000\\]"),
        ({"hidden_units": 0}, "hidden_units must be in"),
        ({"l2": -0.1}, "l2 must be >= 0"),
        ({"l1": -0.1}, "l1 must be >= 0"),
        ({"dropout": 1.0}, "dropout must be in \\[0, 1\\)"),
        ({"seed": -3}, "seed must be in"),
    ],
)
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_running_example(**kwargs)
