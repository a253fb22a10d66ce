"""dlopt_helpers.optim: each from-scratch optimizer against keras.optimizers, step by step."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlopt_helpers import optim

rng = np.random.default_rng(3)
X = rng.normal(size=(40, 3))
Y = X @ np.array([1.5, -2.0, 0.5]) + 0.3


def _gradient(w):
    return 2 * X.T @ (X @ w - Y) / len(X)


@pytest.mark.parametrize("name", optim.OPTIMIZERS)
def test_optimizer_matches_keras_step_by_step(name):
    ours = optim.make_optimizer(name, learning_rate=0.05, momentum=0.8)
    theirs = ours.to_keras()
    w_ours = np.zeros(3)
    variable = tf.Variable(np.zeros(3, dtype=np.float32))
    for _ in range(50):
        grad = _gradient(w_ours)
        w_ours = ours.step(w_ours, grad)
        theirs.apply_gradients([(tf.constant(_gradient(variable.numpy().astype(np.float64)), tf.float32), variable)])
        np.testing.assert_allclose(w_ours, variable.numpy(), atol=1e-5)
    assert ours.iterations == 50


def test_schedule_as_learning_rate_matches_keras():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=5, decay_rate=0.5)
    ours = optim.Optimizer("momentum", learning_rate=schedule)
    theirs = ours.to_keras()
    w, variable = np.zeros(3), tf.Variable(np.zeros(3, dtype=np.float32))
    for _ in range(20):
        w = ours.step(w, _gradient(w))
        theirs.apply_gradients([(tf.constant(_gradient(variable.numpy().astype(np.float64)), tf.float32), variable)])
    np.testing.assert_allclose(w, variable.numpy(), atol=1e-5)


@pytest.mark.parametrize("step", [0, 1, 7, 10, 25, 99, 150])
def test_schedules_match_keras(step):
    keras_step = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    keras_exp = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    keras_cos = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=100, alpha=0.1)
    np.testing.assert_allclose(optim.step_decay(step, 0.1, 0.5, 10), float(keras_step(step)), rtol=1e-6)
    np.testing.assert_allclose(optim.exponential_decay(step, 0.1, 0.5, 10), float(keras_exp(step)), rtol=1e-6)
    np.testing.assert_allclose(optim.cosine_decay(step, 0.1, 100, 0.1), float(keras_cos(step)), rtol=1e-6)


@pytest.mark.parametrize("step", [0, 1, 9, 10, 11, 50, 109, 110, 150])
@pytest.mark.parametrize("initial", [0.0, 0.02])
def test_cosine_with_warmup_matches_keras(step, initial):
    keras_warm = keras.optimizers.schedules.CosineDecay(
        initial, decay_steps=100, alpha=0.1, warmup_target=0.3, warmup_steps=10
    )
    ours = optim.cosine_decay(step, initial, 100, 0.1, warmup_target=0.3, warmup_steps=10)
    np.testing.assert_allclose(ours, float(keras_warm(step)), rtol=1e-6, atol=1e-9)


def test_scratch_adam_matches_keras_adam_inside_tf_function():
    init = rng.normal(size=(4, 2)).astype(np.float32)
    ours_var, keras_var = tf.Variable(init), tf.Variable(init)
    ours, theirs = optim.ScratchAdam(0.01), keras.optimizers.Adam(0.01)
    ours.build([ours_var])
    theirs.build([keras_var])

    @tf.function
    def step(seed):
        g = tf.random.stateless_normal((4, 2), seed=[seed, 0])
        ours.apply_gradients([g], [ours_var])
        theirs.apply_gradients([(g, keras_var)])

    for i in range(30):
        step(tf.constant(i))
    np.testing.assert_allclose(ours_var.numpy(), keras_var.numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="call build"):
        optim.ScratchAdam().apply_gradients([tf.zeros(2)], [tf.Variable(tf.zeros(2))])


@pytest.mark.parametrize("name", ["quadratic", "rosenbrock", pytest.param("digits", marks=pytest.mark.slow)])
def test_surface_gradients_are_derivatives_of_the_loss(name):
    surface = optim.get_surface(name)
    for point in [surface.start, (0.3, -0.2), (-0.5, 0.4)]:
        h = 1e-5
        numeric = [
            (surface.loss(point[0] + h, point[1]) - surface.loss(point[0] - h, point[1])) / (2 * h),
            (surface.loss(point[0], point[1] + h) - surface.loss(point[0], point[1] - h)) / (2 * h),
        ]
        np.testing.assert_allclose(surface.gradient(*point), numeric, rtol=1e-4, atol=1e-6)
    assert surface.loss(*surface.minimum) <= surface.loss(*surface.start)


def test_digits_surface_is_the_keras_models_loss():
    surface = optim.get_surface("digits")
    weights, directions, x, labels = surface._parts
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)])
    for alpha, beta in [(0.0, 0.0), (0.5, -0.25), (-1.0, 1.0)]:
        model.set_weights([w + alpha * d1 + beta * d2 for w, d1, d2 in zip(weights, *directions)])
        expected = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, model(x))
        ours = optim.mlp_losses_along(weights, directions, x, labels, np.array([alpha]), np.array([beta]))[0]
        np.testing.assert_allclose(ours, float(expected), rtol=1e-5)
        np.testing.assert_allclose(surface.loss(alpha, beta), ours, rtol=1e-3)  # the spline between grid points


def test_quadratic_stability_limit_separates_convergence_from_divergence():
    surface = optim.get_surface("quadratic")
    limit = surface.stable_learning_rate
    below = optim.run_optimizer(surface, optim.make_optimizer("sgd", 0.95 * limit), steps=500)
    above = optim.run_optimizer(surface, optim.make_optimizer("sgd", 1.05 * limit), steps=500)
    assert not below.diverged and below.losses[-1] < 1e-6
    assert above.diverged and above.message.startswith(f"diverged at step {above.diverged_at}: learning rate")
    assert np.isnan(above.points[above.diverged_at :]).all()


def test_momentum_beats_plain_gd_on_the_ill_conditioned_valley():
    surface = optim.get_surface("quadratic")
    plain = optim.run_optimizer(surface, optim.make_optimizer("sgd", 0.05), steps=60)
    heavy = optim.run_optimizer(surface, optim.make_optimizer("momentum", 0.05, momentum=0.6), steps=60)
    assert heavy.losses[-1] < plain.losses[-1] / 10


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: optim.make_optimizer("adagrad"), "name must be one of 'sgd', 'momentum'"),
        (lambda: optim.make_optimizer("sgd", 0.0), "learning_rate must be > 0"),
        (lambda: optim.make_optimizer("momentum", 0.1, momentum=1.0), "momentum must be in \\[0, 1\\)"),
        (lambda: optim.make_optimizer("sgd").step(np.zeros(2), np.zeros(3)), "grads must have the shape"),
        (lambda: optim.get_surface("himmelblau"), "name must be one of"),
        (
            lambda: optim.run_optimizer(optim.get_surface("quadratic"), optim.make_optimizer("sgd"), steps=0),
            "steps must be in",
        ),
        (lambda: optim.run_optimizer("quadratic", optim.make_optimizer("sgd")), "surface must be a Surface"),
        (lambda: optim.run_optimizer(optim.get_surface("quadratic"), "adam"), "optimizer must be an Optimizer"),
        (
            lambda: optim.run_optimizer(optim.get_surface("quadratic"), optim.make_optimizer("sgd"), start=[1.0]),
            "start must be a point",
        ),
        (lambda: optim.cosine_decay(-1, 0.1, 10), "step must be >= 0"),
        (lambda: optim.step_decay(1, 0.1, 0.5, 0), "every must be >= 1"),
        (lambda: optim.cosine_decay(1, 0.0, 10), "initial must be > 0"),
        (lambda: optim.cosine_decay(1, 0.1, 10, warmup_steps=5), "warmup_steps=5 needs a warmup_target"),
        (lambda: optim.cosine_decay(1, 0.0, 10, warmup_target=0.1), r"warmup_target=0.1 needs warmup_steps >= 1"),
        (lambda: optim.cosine_decay(1, -0.1, 10, warmup_target=0.1, warmup_steps=2), "initial must be >= 0"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
