"""The network doctor (issue 16, item 9): the NumPy deep MLP = Keras' ``build_deep_mlp``, and its dashboard headless.

``deep.NumpyMLP`` computes the per-layer gradient norms the dashboard draws live; with the same weights copied
into ``build_deep_mlp``'s model, Keras' ``layer_gradient_norms`` gives the same numbers (float32 tolerance),
and one SGD step with momentum equals ``keras.optimizers.SGD``'s.
"""

import json
import math

import keras
import numpy as np
import pytest

from dlopt_helpers import deep
from dlopt_helpers._validation import InvalidParameterError
from dlopt_helpers.dashboards import NetworkDoctorDashboard
from dlopt_helpers.data import load_digits_images

DIGITS = load_digits_images(seed=0)
X = DIGITS.x_train[:64].reshape(64, -1)
Y = DIGITS.y_train[:64]
NAN = float("nan")


# ----------------------------------------------------------------------------- NumPy = Keras
@pytest.mark.parametrize(
    "depth, activation, initializer, normalization, residual",
    [
        (6, "sigmoid", "random_normal", None, False),
        (5, "tanh", "glorot_uniform", "batch", False),
        (5, "relu", "he_normal", "layer", True),
        (4, "sigmoid", "glorot_uniform", "batch", True),
        (6, "relu", "he_uniform", None, True),
        (4, "tanh", "lecun_normal", "layer", False),
    ],
)
def test_numpy_gradient_norms_equal_keras_with_the_same_weights(
    depth, activation, initializer, normalization, residual
):
    mlp = deep.NumpyMLP(depth, 16, activation, initializer, normalization, residual, seed=3)
    model = mlp.to_keras()
    expected = deep.layer_gradient_norms(model, X, Y)
    np.testing.assert_allclose(mlp.gradient_norms(X, Y), expected, rtol=1e-4)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(Y, model(X, training=True))
    assert mlp.loss_and_gradients(X, Y)[0] == pytest.approx(float(loss), rel=1e-5)
    if normalization != "batch":  # batch norm at inference uses the moving statistics: equal too, below
        np.testing.assert_allclose(mlp.predict(X), model(X).numpy(), rtol=1e-4, atol=1e-5)


def test_numpy_gradient_norms_function_is_the_class():
    norms = deep.numpy_gradient_norms(5, 16, "relu", "he_normal", "batch", True, X, Y, seed=1)
    np.testing.assert_array_equal(
        norms, deep.NumpyMLP(5, 16, "relu", "he_normal", "batch", True, seed=1).gradient_norms(X, Y)
    )
    assert norms.shape == (6,)


@pytest.mark.parametrize("normalization", [None, "batch"])
def test_sgd_steps_equal_keras_sgd_with_momentum(normalization):
    mlp = deep.NumpyMLP(3, 8, "tanh", "glorot_uniform", normalization, residual=True, seed=2)
    model = mlp.to_keras()
    model.compile(
        optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss=keras.losses.SparseCategoricalCrossentropy(True)
    )
    for batch in (slice(0, 32), slice(32, 64), slice(0, 32)):
        keras_loss = float(model.train_on_batch(X[batch], Y[batch]))
        assert mlp.sgd_step(X[batch], Y[batch], learning_rate=0.05, momentum=0.9) == pytest.approx(keras_loss, rel=1e-4)
    for ours, theirs in zip(mlp.to_keras().get_weights(), model.get_weights()):  # moving statistics included
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(mlp.predict(X), model(X).numpy(), rtol=1e-3, atol=1e-5)


def test_gradient_norms_vanish_for_deep_sigmoid_and_recover_with_normalization_or_skips():
    def norms(**kwargs):
        settings = {"depth": 30, "activation": "sigmoid", "initializer": "random_normal", **kwargs}
        return deep.NumpyMLP(**settings).gradient_norms(X, Y)

    plain = norms()
    assert plain[0] < 1e-20 * plain[-2]  # sigmoid' <= 1/4 and Var[w]·n = 0.16: ~0.1 per layer
    assert deep.gradient_verdict(plain)[0] == "vanish"
    for fixed in (norms(normalization="batch"), norms(residual=True)):
        assert fixed[0] > 1e-3 * fixed[-2]
        assert deep.gradient_verdict(fixed)[0] == "healthy"
    relu_he = deep.NumpyMLP(30, 64, "relu", "he_normal").gradient_norms(X, Y)
    assert deep.gradient_verdict(relu_he)[0] == "healthy"
    exploding = deep.NumpyMLP(30, 64, "relu", "he_normal", residual=True).gradient_norms(X, Y)
    assert deep.gradient_verdict(exploding)[0] == "explode"  # the residual sum doubles its variance per block


@pytest.mark.parametrize(
    "norms, kind, words",
    [
        ([1e-9, 1e-1, 1.0, 1.0], "vanish", "first layer 1e-09 × the last hidden"),
        ([1e-3, 2e-3, 1e-3], "vanish", "in every layer: the largest norm is 0.002"),
        ([1e4, 1.0, 1.0], "explode", "toward the input"),
        ([1.0, 2.0, 5e3], "explode", "norm 5e+03 in layer 3"),
        ([1.0, math.inf, 1.0], "overflow", "inf in layer 2"),
        ([0.5, 1.0, 0.3], "healthy", "first layer 0.5 × the last hidden layer's"),
        ([0.0, 0.0, 0.0], "vanish", "the largest norm is 0"),
    ],
)
def test_gradient_verdict_rule(norms, kind, words):
    got, sentence = deep.gradient_verdict(norms)
    assert got == kind and words in sentence


def test_numpy_mlp_refuses_bad_batches():
    mlp = deep.NumpyMLP(2, 8, normalization="batch")
    with pytest.raises(InvalidParameterError, match=r"x must have shape \(n, 64\)"):
        mlp.gradient_norms(X[:, :10], Y)
    with pytest.raises(InvalidParameterError, match="y must"):
        mlp.gradient_norms(X, Y[:5])
    with pytest.raises(InvalidParameterError, match="at least 2 samples for batch norm"):
        mlp.gradient_norms(X[:1], Y[:1])
    with pytest.raises(InvalidParameterError, match="depth must be"):
        deep.NumpyMLP(depth=0)
    with pytest.raises(InvalidParameterError, match="norms must hold at least 2"):
        deep.gradient_verdict([1.0])


def test_overflow_is_a_value_not_an_exception():
    mlp = deep.NumpyMLP(50, 64, "relu", "he_normal", residual=True)
    losses = mlp.fit(X, Y, epochs=3, batch_size=16, learning_rate=0.5, momentum=0.9)
    assert not np.isfinite(losses[-1]) and np.isfinite(losses[:-1]).all()  # stopped at the first non-finite loss


# ----------------------------------------------------------------------------- the dashboard
@pytest.fixture
def doctor():
    return NetworkDoctorDashboard(depth=20, activation="sigmoid", initializer="random_normal")


def test_default_shows_vanishing_gradients_and_the_state_is_the_numpy_computation(doctor):
    expected = deep.numpy_gradient_norms(
        20, 64, "sigmoid", "random_normal", None, False, doctor.x_batch, doctor.y_batch, seed=0
    )
    np.testing.assert_array_equal(doctor.state["norms"], expected)
    assert doctor.state["verdict"] == "vanish" and "gradients vanish" in doctor.status.value
    np.testing.assert_array_equal(doctor.line_grad.get_xdata(), np.arange(1, 22))
    assert "press ▶ train 3 epochs" in doctor.status.value
    assert NetworkDoctorDashboard().values() == doctor.values()  # the defaults show the problem at first sight


def test_each_control_recomputes_and_redraws(doctor):
    for name, value in [
        ("depth", 30),
        ("activation", "tanh"),
        ("initializer", "glorot_uniform"),
        ("normalization", "layer"),
        ("residual", True),
    ]:
        before, renders, norms = doctor.image.value, doctor.render_count, doctor.state["norms"]
        doctor.controls[name].value = value
        assert doctor.render_count == renders + 1, name
        assert doctor.image.value != before and not np.array_equal(doctor.state["norms"], norms), name
    expected = deep.numpy_gradient_norms(
        30, 64, "tanh", "glorot_uniform", "layer", True, doctor.x_batch, doctor.y_batch
    )
    np.testing.assert_array_equal(doctor.state["norms"], expected)


def test_normalization_and_skips_heal_the_deep_sigmoid(doctor):
    doctor.controls["depth"].value = 30
    assert doctor.state["verdict"] == "vanish"
    vanished = doctor.state["norms"]
    assert vanished[0] < 1e-25 * vanished[-2]
    doctor.controls["normalization"].value = "batch"
    assert doctor.state["verdict"] == "healthy" and "healthy" in doctor.status.value
    doctor.controls["normalization"].value = "none"
    doctor.controls["residual"].value = True
    assert doctor.state["verdict"] == "healthy"
    assert doctor.state["norms"][0] > 1e20 * vanished[0]


def test_the_train_button_trains_fills_the_progress_bar_and_a_change_clears_the_curve(doctor):
    doctor.controls["normalization"].value = "batch"
    doctor.train_button.click()
    steps = doctor.steps
    assert doctor.progress.value == doctor.progress.max == steps and doctor.progress.bar_style == "success"
    losses = doctor.history["losses"]
    assert len(losses) == steps == 3 * math.ceil((len(doctor.x_train) - 1) / 32)
    assert losses[-doctor.steps_per_epoch :].mean() < losses[: doctor.steps_per_epoch].mean() < math.log(10)
    assert len(doctor.line_loss.get_xdata()) == steps and "mean loss: epoch 1" in doctor.status.value
    again = deep.NumpyMLP(20, 64, "sigmoid", "random_normal", "batch", False).fit(
        doctor.x_train, doctor.y_train, epochs=3, batch_size=32, learning_rate=0.01, momentum=0.9, seed=0
    )
    np.testing.assert_array_equal(losses, again)  # the network of the left panel, trained
    doctor.controls["depth"].value = 10  # another network: the curve is stale
    assert doctor.history is None and len(doctor.line_loss.get_xdata()) == 0
    assert "press ▶ train" in doctor.status.value and doctor.progress.value == 0
    doctor.controls["depth"].value = 20  # back to the trained network: a new frame, not the trained one cached
    assert doctor.history is None and "press ▶ train" in doctor.status.value
    assert len(doctor.line_loss.get_xdata()) == 0


def test_the_vanishing_network_does_not_learn(doctor):
    doctor.train()
    losses = doctor.history["losses"]
    assert abs(losses[-doctor.steps_per_epoch :].mean() - math.log(10)) < 0.05 and doctor.history["divergence"] is None


def test_divergence_is_a_message_in_the_figure_never_a_traceback(doctor):
    doctor.load_json(
        '{"activation": "relu", "initializer": "he_normal", "normalization": "none", "residual": true, "depth": 30}'
    )
    assert doctor.state["verdict"] == "explode"
    doctor.train()
    found = doctor.history["divergence"]
    assert found is not None and len(doctor.history["losses"]) < doctor.steps
    assert "diverged at step" in doctor.status.value and doctor.progress.bar_style == "danger"
    assert doctor.message.get_color() != "black" and len(doctor.marker_diverged.get_xdata()) == 1
    doctor.controls["residual"].value = False  # the next setting starts clean
    assert "diverged" not in doctor.status.value and len(doctor.marker_diverged.get_xdata()) == 0


def test_settings_round_trip_through_json(doctor):
    doctor.load_json('{"depth": 12, "activation": "relu", "initializer": "he_normal", "normalization": "layer"}')
    saved = doctor.to_json()
    settings = json.loads(saved)
    assert settings["dashboard"] == "NetworkDoctorDashboard" and settings["normalization"] == "layer"
    copy = NetworkDoctorDashboard.from_json(saved)
    assert copy.values() == doctor.values() and copy.to_json() == saved
    np.testing.assert_array_equal(copy.state["norms"], doctor.state["norms"])
    with pytest.raises(ValueError, match="epochs cannot change on a running dashboard"):
        doctor.load_json(saved.replace('"epochs": 3', '"epochs": 5'))


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"depth": 51}', r"depth must be a number in \[2, 50\]"),
        ('{"depth": 10.5}', "depth must be a whole number"),
        ('{"activation": "gelu"}', "activation must be one of"),
        ('{"initializer": "zeros"}', "initializer must be one of"),
        ('{"normalization": "group"}', "normalization must be one of"),
        ('{"residual": "yes"}', "residual must be true or false"),
        ('{"dropout": 0.5}', "settings must be among"),
    ],
)
def test_bad_settings_are_refused_before_anything_changes(doctor, text, message):
    before = doctor.values()
    with pytest.raises(ValueError, match=message):
        doctor.load_json(text)
    assert doctor.values() == before


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"depth": 1}, r"depth must be in \[2, 50\]"),
        ({"activation": "linear"}, "activation must be one of"),
        ({"initializer": "orthogonal"}, "initializer must be one of"),
        ({"normalization": "batchnorm"}, "normalization must be one of"),
        ({"residual": 1}, "residual must be"),
        ({"width": 4}, r"width must be in \[8, 128\]"),
        ({"batch_size": 8}, r"batch_size must be in \[16, 512\]"),
        ({"epochs": 0}, r"epochs must be in \[1, 10\]"),
        ({"learning_rate": NAN}, "learning_rate must be"),
        ({"seed": -1}, "seed must be"),
    ],
)
def test_bad_constructor_input_names_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NetworkDoctorDashboard(**kwargs)


def test_a_bad_control_value_is_refused_and_explained(doctor):
    renders = doctor.render_count
    doctor.controls["depth"].value = 1000  # an IntSlider would clamp it silently to 50
    assert doctor.controls["depth"].value == 20 and doctor.render_count == renders
    assert "depth" in doctor.status.value and "kept" in doctor.status.value
    doctor.controls["activation"].value = "relu"  # it keeps working
    assert doctor.render_count == renders + 1 and "kept" not in doctor.status.value


def test_normalization_none_is_accepted_as_python_none():
    assert NetworkDoctorDashboard(normalization=None, depth=3).values()["normalization"] == "none"


def test_labels_fit_and_the_widget_holds_button_progress_figure_and_status(doctor):
    for control in doctor.controls.values():
        if type(control).__name__ != "Checkbox":
            assert float(control.style.description_width.removesuffix("em")) >= 0.6 * len(control.description)
    children = doctor.widget.children
    assert children[1].children == (doctor.train_button, doctor.progress)
    assert children[2] is doctor.image and children[3] is doctor.status
    assert (
        "learning_rate" not in doctor.controls
    )  # fixed: the course has one learning-rate slider per dashboard that has one
