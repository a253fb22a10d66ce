import numpy as np
import pytest

import dlopt_helpers as dh
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


def test_cnn_counts_and_translation_equivariance():
    cnn = dh.models.build_cnn((16, 16, 1), filters=16, seed=0)
    assert cnn.count_params() == (3 * 3 * 1 * 16 + 16) + (3 * 3 * 16 * 32 + 32) + (32 * 10 + 10)
    assert cnn.output_shape == (None, 10)
    image = np.zeros((1, 16, 16, 1), dtype=np.float32)
    image[0, 4:8, 5:7] = 1.0
    conv = cnn.get_layer("conv1")
    shifted = np.roll(image, (3, 2), axis=(1, 2))
    np.testing.assert_allclose(np.roll(conv(image).numpy(), (3, 2), axis=(1, 2)), conv(shifted).numpy(), atol=1e-6)
    a, b = dh.models.build_cnn(seed=3), dh.models.build_cnn(seed=3)
    for x, y in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("cell, gates", [("simple", 1), ("gru", 3), ("lstm", 4)])
def test_rnn_counts_and_image_rows_as_steps(cell, gates):
    d, n = 11, 8
    model = dh.models.build_rnn((30, d), num_classes=10, cell=cell, units=n)
    recurrent = gates * (d * n + n * n + n) + (3 * n if cell == "gru" else 0)  # GRU: reset_after's second bias
    assert model.count_params() == recurrent + n * 10 + 10
    image_model = dh.models.build_rnn((16, 16, 1), cell=cell, units=n)
    assert image_model.output_shape == (None, 10)
    assert image_model.layers[0].output.shape[1:] == (16, 16)  # rows become the time steps


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: dh.models.build_cnn((16, 16)), "input_shape must have 3 dimensions"),
        (lambda: dh.models.build_cnn((2, 16, 1)), "at least 4 x 4"),
        (lambda: dh.models.build_cnn(filters=0), r"filters must be in \[1, 512\], got 0"),
        (lambda: dh.models.build_cnn(pooling="sum"), "pooling must be one of"),
        (lambda: dh.models.build_rnn((16, 16, 3)), r"\(steps, features\) or \(rows, columns, 1\)"),
        (lambda: dh.models.build_rnn((16,)), r"\(steps, features\) or \(rows, columns, 1\)"),
        (lambda: dh.models.build_rnn(cell="transformer"), "cell must be one of 'simple', 'gru', 'lstm'"),
        (lambda: dh.models.build_rnn(units=0), r"units must be in \[1, 4096\], got 0"),
    ],
)
def test_cnn_rnn_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
