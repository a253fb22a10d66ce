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
        (lambda: optim.make_optimizer("adamax"), "name must be one of 'sgd', 'momentum'"),
        (lambda: optim.Optimizer("adagrad", initial_accumulator_value=-0.1), "initial_accumulator_value must be >= 0"),
        (lambda: optim.keras_optimizer("adamw", weight_decay=-1.0), "weight_decay must be >= 0"),
        (lambda: optim.adam_paper_step([1.0], [1.0, 2.0], [0.0], [0.0], 1), "grads must have the shape of params"),
        (lambda: optim.adam_paper_step([1.0], [1.0], [0.0], [0.0], 0), "t must be >= 1"),
        (lambda: optim.adam_forms(lambda p: p, steps=3), "start is needed when gradient is a callable"),
        (lambda: optim.adam_forms(lambda p: p[:1], start=[1.0, 2.0]), "gradient must return an array of start"),
        (lambda: optim.nesterov_lookahead("quadratic"), "gradient must be a Surface"),
        (lambda: optim.nesterov_lookahead(optim.get_surface("quadratic"), start=[1.0]), "start must be a point"),
        (lambda: optim.nesterov_lookahead(optim.get_surface("quadratic"), momentum=1.0), "momentum must be in"),
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


# ----------------------------------------------------------------------------- more rules (issue 16)
SHAPES = [(3,), (4, 2), (2, 3, 2)]
TARGETS = [np.random.default_rng(k).normal(size=shape) for k, shape in enumerate(SHAPES)]
SCALES = [np.random.default_rng(10 + k).uniform(0.2, 3.0, size=shape) for k, shape in enumerate(SHAPES)]


def _shaped_gradient(k, w):
    """The gradient of ``sum(c (w - target)² / 2 + cos(w))``: a different curvature per coordinate."""
    return SCALES[k] * (w - TARGETS[k]) - np.sin(w)


def _run_both(ours_factory, steps, dtype):
    """Our rule (one Optimizer per parameter array) and its Keras twin (one optimizer over all): max gap per step."""
    ours = [ours_factory() for _ in SHAPES]
    theirs = ours[0].to_keras()
    ws = [np.zeros(shape) for shape in SHAPES]
    variables = [tf.Variable(np.zeros(shape, dtype=dtype)) for shape in SHAPES]
    gaps = []
    for _ in range(steps):
        ws = [o.step(w, _shaped_gradient(k, w)) for k, (o, w) in enumerate(zip(ours, ws))]
        grads = [tf.constant(_shaped_gradient(k, v.numpy().astype(np.float64)), dtype) for k, v in enumerate(variables)]
        theirs.apply_gradients(zip(grads, variables))
        gaps.append(max(np.max(np.abs(w - v.numpy())) for w, v in zip(ws, variables)))
    assert all(o.iterations == steps for o in ours)
    return np.array(gaps), ws


def _schedule():
    return keras.optimizers.schedules.ExponentialDecay(0.0625, decay_steps=5, decay_rate=0.5)


# Keras rounds some settings to float32 even for float64 variables: the rate (a float32 variable), the accumulator's
# Constant start, and the numbers it passes through ops.cast (β1, β2 in Adam and Nadam, Nadam's 0.96). With settings
# exact in float32 (below), float64 variables give the same numbers as ours up to float64 rounding; Nadam's 0.96 is
# the one left (float32(0.96) = 0.96 - 2.1e-8), hence its looser bound. float32 variables: Keras' own rounding.
EXACT = {"beta_1": 0.875, "beta_2": 1 - 2.0**-10, "initial_accumulator_value": 0.125, "momentum": 0.75}


def _tolerance(name, dtype):
    if dtype is np.float32:
        return 3e-5
    return 1e-7 if name == "nadam" else 1e-12


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("scheduled", [False, True], ids=["constant", "schedule"])
@pytest.mark.parametrize("name", optim.MORE_OPTIMIZERS)
def test_more_optimizers_match_keras_step_by_step(name, scheduled, dtype):
    rate = _schedule() if scheduled else 0.0625
    settings = {} if dtype is np.float32 else EXACT  # float32: Keras' defaults
    if name == "adamw" and dtype is np.float64:
        settings = {**settings, "weight_decay": 2.0**-8}  # tf.cast rounds AdamW's default 0.004 to float32
    gaps, ws = _run_both(lambda: optim.Optimizer(name, rate, **settings), 30, dtype)
    tolerance = _tolerance(name, dtype)
    assert np.all(gaps <= tolerance), f"largest gap {gaps.max():.3g} at step {gaps.argmax() + 1} (bound {tolerance})"
    assert max(np.max(np.abs(w)) for w in ws) > 1e-4  # they moved: the comparison is not of two zeros


@pytest.mark.parametrize("name", ["sgd", "momentum", "rmsprop", "adam", "adagrad", "nadam", "adamw"])
def test_weight_decay_is_keras_decoupled_decay_for_every_rule(name):
    gaps, _ = _run_both(lambda: optim.Optimizer(name, _schedule(), weight_decay=0.125, **EXACT), 25, np.float64)
    assert np.all(gaps <= _tolerance(name, np.float64)), gaps.max()


def test_adamw_is_adam_with_keras_weight_decay_and_not_adam_with_l2():
    adamw = optim.Optimizer("adamw", 0.0625, weight_decay=0.125)
    adam_wd = optim.Optimizer("adam", 0.0625, weight_decay=0.125)
    adam_l2 = optim.Optimizer("adam", 0.0625)
    w1 = w2 = w3 = np.full(3, 2.0)
    for _ in range(30):
        w1 = adamw.step(w1, _shaped_gradient(0, w1))
        w2 = adam_wd.step(w2, _shaped_gradient(0, w2))
        w3 = adam_l2.step(w3, _shaped_gradient(0, w3) + 0.125 * w3)  # L2: λ θ added to the gradient
    np.testing.assert_array_equal(w1, w2)
    assert np.max(np.abs(w1 - w3)) > 1e-3


def test_new_rules_have_keras_defaults_and_twins():
    assert optim.OPTIMIZERS == ("sgd", "momentum", "nesterov", "rmsprop", "adam")  # notebooks and dashboards loop here
    assert optim.ALL_OPTIMIZERS == optim.OPTIMIZERS + optim.MORE_OPTIMIZERS
    classes = {"adagrad": "Adagrad", "adadelta": "Adadelta", "nadam": "Nadam", "adamw": "AdamW"}
    for name, cls in classes.items():
        ours, theirs = optim.Optimizer(name), getattr(keras.optimizers, cls)()
        assert type(ours.to_keras()) is type(theirs) is type(optim.keras_optimizer(name))
        for setting in ("rho", "epsilon", "beta_1", "beta_2", "initial_accumulator_value", "weight_decay"):
            if hasattr(theirs, setting):
                assert getattr(ours, setting) == getattr(theirs, setting), (name, setting)
    assert optim.Optimizer("rmsprop").rho == keras.optimizers.RMSprop().rho  # rmsprop keeps its 0.9
    assert optim.Optimizer("adam").weight_decay is None
    assert optim.keras_optimizer("adamw", weight_decay=0.1).weight_decay == 0.1
    from dlopt_helpers.models import build_running_example, compile_running_example

    for name in optim.MORE_OPTIMIZERS:
        model = compile_running_example(build_running_example(hidden_units=4, seed=0), name)
        assert type(model.optimizer).__name__ == classes[name]


def test_new_rules_run_on_the_surfaces():
    surface = optim.get_surface("quadratic")
    for name in optim.MORE_OPTIMIZERS:
        run = optim.run_optimizer(surface, optim.Optimizer(name, 1.0 if name == "adadelta" else 0.1), steps=200)
        shrink = 0.7 if name == "adadelta" else 0.5  # Adadelta's steps start at sqrt(ε): it is slow by design
        assert not run.diverged and run.losses[-1] < shrink * run.losses[0], (name, run.message)


# ----------------------------------------------------------------------------- Adam: the paper's form vs Keras'
def test_adam_paper_form_equals_keras_when_epsilon_is_rescaled():
    surface = optim.get_surface("rosenbrock")
    for epsilon in (1e-7, 1e-3, 0.1):
        matched = optim.adam_forms(surface, steps=60, learning_rate=0.01, epsilon=epsilon, match_epsilon=True)
        np.testing.assert_allclose(matched.paper, matched.keras, rtol=0, atol=1e-13)
        t = np.arange(1, 61)
        np.testing.assert_allclose(matched.epsilon_paper * np.sqrt(1 - 0.999**t), epsilon, rtol=1e-13)
    # and the Keras form is keras.optimizers.Adam itself (float64 variable, settings exact in float32)
    betas = {"beta_1": EXACT["beta_1"], "beta_2": EXACT["beta_2"]}
    forms = optim.adam_forms(surface, steps=40, learning_rate=0.0078125, epsilon=1e-3, **betas)
    variable, adam = tf.Variable(np.array(surface.start)), keras.optimizers.Adam(0.0078125, epsilon=1e-3, **betas)
    for t in range(1, 41):
        adam.apply_gradients([(tf.constant(surface.gradient(*variable.numpy())), variable)])
        np.testing.assert_allclose(variable.numpy(), forms.keras[t], rtol=0, atol=1e-12)


def test_adam_forms_differ_only_through_epsilon():
    rng = np.random.default_rng(0)
    params, m, v, g = rng.normal(size=5), rng.normal(size=5) * 0.1, rng.uniform(1e-8, 1e-4, 5), rng.normal(size=5)
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-4
    for t in (1, 2, 10, 100, 5000):
        keras_rule = optim.Optimizer("adam", lr, beta_1=b1, beta_2=b2, epsilon=eps)
        keras_rule.iterations = t - 1
        keras_rule._slots = {"m": m.copy(), "v": v.copy()}
        keras_step = keras_rule.step(params, g) - params
        _, m1, v1 = optim.adam_paper_step(params, g, m, v, t, lr, b1, b2, eps)
        # with ε_paper = ε_keras / sqrt(1 - β2^t) the paper's step is Keras' step
        paper_matched, _, _ = optim.adam_paper_step(params, g, m, v, t, lr, b1, b2, eps / np.sqrt(1 - b2**t))
        np.testing.assert_allclose(paper_matched - params, keras_step, rtol=1e-12, atol=1e-18)
        np.testing.assert_allclose(m1, keras_rule._slots["m"], rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(v1, keras_rule._slots["v"], rtol=1e-13, atol=1e-20)
        # with the same ε, the difference is exactly the ε term's: the size the docstring states
        paper, _, _ = optim.adam_paper_step(params, g, m, v, t, lr, b1, b2, eps)
        scale = lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m1
        expected = scale * (1 / (np.sqrt(v1) + eps) - 1 / (np.sqrt(v1) + eps * np.sqrt(1 - b2**t)))
        np.testing.assert_allclose((paper - params) - keras_step, expected, rtol=1e-9, atol=1e-18)
        assert (np.max(np.abs(expected)) > 1e-6) == (t < 1000)  # large early, gone once β2^t is small


def test_adam_forms_trajectories_differ_where_epsilon_matters():
    surface = optim.get_surface("quadratic")
    tiny = optim.adam_forms(surface, steps=50, learning_rate=0.01, epsilon=1e-7)
    large = optim.adam_forms(surface, steps=50, learning_rate=0.01, epsilon=1.0)
    assert tiny.max_difference < 1e-6 < 1e-3 < large.max_difference


# ----------------------------------------------------------------------------- Nesterov: look-ahead vs Keras'
@pytest.mark.parametrize("name, rate", [("quadratic", 2.0**-6), ("rosenbrock", 2.0**-11)])
def test_nesterov_lookahead_is_keras_nesterov_after_the_variable_change(name, rate):
    surface = optim.get_surface(name)
    forms = optim.nesterov_lookahead(surface, steps=60, learning_rate=rate, momentum=0.875)
    np.testing.assert_allclose(forms.keras, forms.shifted, rtol=0, atol=1e-12)  # φ_t = θ_t + μ v_t
    assert np.max(np.abs(forms.lookahead - forms.keras)) > 1e-2  # two different sequences of points
    variable = tf.Variable(np.array(surface.start))
    sgd = keras.optimizers.SGD(rate, momentum=0.875, nesterov=True)
    for t in range(1, 61):
        sgd.apply_gradients([(tf.constant(surface.gradient(*variable.numpy())), variable)])
        np.testing.assert_allclose(variable.numpy(), forms.shifted[t], rtol=0, atol=1e-10)


def test_nesterov_lookahead_takes_a_gradient_callable_in_any_dimension():
    forms = optim.nesterov_lookahead(lambda p: SCALES[0] * (p - TARGETS[0]), start=np.zeros(3), steps=40)
    np.testing.assert_allclose(forms.keras, forms.shifted, rtol=0, atol=1e-13)
    ours = optim.Optimizer("nesterov", 0.01, momentum=0.9)
    w = np.zeros(3)
    for _ in range(40):
        w = ours.step(w, SCALES[0] * (w - TARGETS[0]))
    np.testing.assert_allclose(forms.keras[-1], w, rtol=0, atol=1e-15)
