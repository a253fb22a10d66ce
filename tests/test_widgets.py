"""Dashboards driven headless: set a control from Python, assert on what was computed and drawn."""

import numpy as np
import pytest
import tensorflow as tf
from sklearn.linear_model import Ridge

from dlopt_helpers.dashboards import GradientDescentDashboard
from dlopt_helpers.optim import gradient_descent_linear

rng = np.random.default_rng(0)
X = rng.normal(size=80)
Y = 0.7 * X + 0.3 + rng.normal(scale=0.5, size=80)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_gradient_descent_reaches_ridge_minimum(l2):
    run = gradient_descent_linear(X, Y, learning_rate=0.3, l2=l2, steps=2000)
    ridge = Ridge(alpha=len(X) * l2).fit(X[:, None], Y)
    np.testing.assert_allclose([run.weights[-1], run.biases[-1]], [ridge.coef_[0], ridge.intercept_], atol=1e-8)
    assert not run.diverged and np.all(np.diff(run.losses) <= 1e-12)  # below the limit the loss never rises


def test_first_step_matches_gradient_tape():
    w, b = tf.Variable(0.4, dtype=tf.float64), tf.Variable(-0.2, dtype=tf.float64)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((w * X + b - Y) ** 2) + 0.1 * w**2
    grad_w, grad_b = tape.gradient(loss, [w, b])
    run = gradient_descent_linear(X, Y, learning_rate=0.05, l2=0.1, steps=1, w0=0.4, b0=-0.2)
    np.testing.assert_allclose(run.losses[0], loss.numpy())
    np.testing.assert_allclose(
        [run.weights[1], run.biases[1]], [0.4 - 0.05 * grad_w.numpy(), -0.2 - 0.05 * grad_b.numpy()]
    )


def test_divergence_is_detected_at_the_stability_limit():
    probe = gradient_descent_linear(X, Y, learning_rate=0.1, steps=1)
    limit = probe.stable_below
    hessian = 2 * np.array([[np.mean(X * X), np.mean(X)], [np.mean(X), 1.0]])
    np.testing.assert_allclose(limit, 2 / np.linalg.eigvalsh(hessian).max())
    assert not gradient_descent_linear(X, Y, learning_rate=0.95 * limit, steps=500).diverged
    run = gradient_descent_linear(X, Y, learning_rate=1.2 * limit, steps=500)
    assert run.diverged and run.message.startswith(f"diverged at step {run.diverged_at}: learning rate")
    assert np.isnan(run.losses[run.diverged_at :]).all() and np.isfinite(run.losses[: run.diverged_at]).all()
    overflow = gradient_descent_linear(X * 1e200, Y, learning_rate=1.0, steps=5)
    assert overflow.diverged  # inf / NaN is reported, not raised


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"learning_rate": 0.0}, "learning_rate must be > 0"),
        ({"learning_rate": 0.1, "l2": -1.0}, "l2 must be >= 0"),
        ({"learning_rate": 0.1, "steps": 0}, "steps must be in \\[1, 10000\\]"),
        ({"learning_rate": 0.1, "y": np.ones(3)}, "x and y must have the same length"),
        ({"learning_rate": 0.1, "x": np.array([1.0, np.nan])}, "x must not contain NaN"),
        ({"learning_rate": 0.1, "x": np.ones((2, 2))}, "x must be 1-dimensional"),
    ],
)
def test_gradient_descent_bad_input(kwargs, message):
    args = {"x": X, "y": Y, **kwargs}
    with pytest.raises(ValueError, match=message):
        gradient_descent_linear(**args)


@pytest.fixture
def dashboard():
    return GradientDescentDashboard(learning_rate=0.1, l2=0.0, steps=30)


def _figure_text(dash):
    return [t.get_text() for ax in dash.fig.axes for t in ax.texts]


def test_dashboard_default_data_and_first_render(dashboard):
    assert dashboard.x.shape == dashboard.y.shape and len(dashboard.x) > 100  # diabetes, training part
    assert dashboard.render_count == 1 and dashboard.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert not dashboard.state.diverged and len(dashboard.state.losses) == 31


def test_moving_the_learning_rate_slider_recomputes_and_redraws(dashboard):
    before = dashboard.image.value
    dashboard.controls["learning_rate"].value = 0.5
    assert dashboard.render_count == 2 and dashboard.state.learning_rate == pytest.approx(0.5)
    assert dashboard.image.value != before
    w_best, _b_best, _loss_best = dashboard.minimum(0.0)
    assert dashboard.state.weights[-1] == pytest.approx(w_best, abs=1e-4)
    np.testing.assert_allclose(dashboard.line_fit.get_ydata(), dashboard.line_best.get_ydata(), atol=1e-3)


def test_divergence_is_a_message_in_the_figure_not_an_exception(dashboard):
    dashboard.controls["learning_rate"].value = 2.0
    assert dashboard.state.diverged
    assert any(text.startswith("diverged at step") for text in _figure_text(dashboard))
    dashboard.controls["learning_rate"].value = 0.1
    assert not dashboard.state.diverged
    assert not any("diverged" in text for text in _figure_text(dashboard))


def test_l2_and_steps_controls(dashboard):
    dashboard.controls["l2"].value = 1.0
    assert dashboard.state.l2 == 1.0 and abs(dashboard.minimum(1.0)[0]) < abs(dashboard.minimum(0.0)[0])
    dashboard.controls["steps"].value = 150
    assert len(dashboard.state.losses) == 151 and dashboard.ax_loss.get_xlim()[1] == pytest.approx(200.5)


def test_dashboard_widget_tree(dashboard):
    box = dashboard.widget
    sliders, image, status = box.children
    assert list(sliders.children) == list(dashboard.controls.values()) and image is dashboard.image
    assert status is dashboard.status and 'role="status"' in status.value


def test_status_line_repeats_the_figures_message(dashboard):
    dashboard.controls["learning_rate"].value = 2.0
    assert (
        "diverged at step" in dashboard.status.value and dashboard.state.message.split(":")[0] in dashboard.status.value
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"learning_rate": 5.0}, "learning_rate must be in \\[0.001, 3\\]"),
        ({"l2": 3.0}, "l2 must be in \\[0, 2\\]"),
        ({"steps": 0}, "steps must be in \\[1, 200\\]"),
        ({"x": np.ones(3)}, "x and y must be given together"),
        ({"x": np.ones(3), "y": np.ones(4)}, "x and y must have the same length"),
    ],
)
def test_dashboard_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GradientDescentDashboard(**kwargs)
