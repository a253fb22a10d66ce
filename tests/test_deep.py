"""dlopt_helpers.deep against Keras: initializers in distribution, the variance argument, gradient norms
through depth, batch / layer norm to 1e-5, clipping and Keras optimizers' clip options to float precision."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy import stats
from sklearn.datasets import load_digits

from dlopt_helpers import deep
from dlopt_helpers._validation import InvalidParameterError

rng = np.random.default_rng(16)
KERAS_NAMED = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_normal", "random_normal"]


# --- initialization -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", KERAS_NAMED)
def test_initializers_match_keras_in_distribution(name):
    shape = (300, 200)  # 60,000 weights
    ours = deep.initialize(name, shape, seed=1)
    theirs = np.asarray(deep.keras_initializer(name, seed=1)(shape), dtype=np.float64)
    spec = deep.initializer_spec(name, shape)
    # the sample variance of 60,000 draws has a relative sd of sqrt((kurtosis - 1) / n) <= sqrt(2 / 6e4) ~ 0.6 %:
    # 4 % is over 6 sd
    for w in (ours, theirs):
        assert w.shape == shape
        np.testing.assert_allclose(w.var(), spec.variance, rtol=0.04)
        assert abs(w.mean()) < 5 * np.sqrt(spec.variance / w.size)
    if spec.distribution == "uniform":  # the same support, reached at both ends
        for w in (ours, theirs):
            assert np.abs(w).max() <= spec.limit and np.abs(w).max() > 0.999 * spec.limit
    if spec.distribution == "truncated_normal":  # cut at 2 stddev, as Keras
        for w in (ours, theirs):
            assert np.abs(w).max() <= spec.bound * (1 + 1e-6) and np.abs(w).max() > 0.99 * spec.bound
    # the same distribution: a two-sample Kolmogorov-Smirnov test (fixed seeds: deterministic)
    assert stats.ks_2samp(ours.ravel(), theirs.ravel()).pvalue > 1e-3


def test_initializer_spec_limits_are_the_textbook_formulas():
    fan_in, fan_out = 300, 100
    spec = lambda name: deep.initializer_spec(name, (fan_in, fan_out))  # noqa: E731
    assert spec("glorot_uniform").limit == pytest.approx(np.sqrt(6 / (fan_in + fan_out)))
    assert spec("he_uniform").limit == pytest.approx(np.sqrt(6 / fan_in))
    assert spec("he_normal").variance == pytest.approx(2 / fan_in)
    assert spec("lecun_normal").variance == pytest.approx(1 / fan_in)
    assert spec("glorot_normal").stddev == pytest.approx(np.sqrt(2 / (fan_in + fan_out)) / 0.87962566103423978)
    assert deep.compute_fans((3, 3, 16, 32)) == (144, 288)  # convolution kernels: receptive field x channels


def test_first_layer_variance_is_the_formula():
    # Var[z_1] = width * Var[w] * E[x^2] averaged over 512 x 256 entries: the sampling error of the weights'
    # squared norm (sqrt(2) / width ~ 0.6 %) and of the inputs (sqrt(2 / (n width)) ~ 0.4 %): 5 % is ~ 7 sd
    for activation, init in [("linear", "lecun_normal"), ("relu", "he_uniform"), ("tanh", "glorot_normal")]:
        measured = deep.activation_variances(1, 256, activation, init, n=512, seed=3)
        np.testing.assert_allclose(measured, deep.predicted_variances(1, 256, activation, init), rtol=0.05)


@pytest.mark.parametrize(
    "activation, init, approximation",
    [
        ("linear", "glorot_uniform", "first_order"),
        ("relu", "he_normal", "first_order"),
        ("relu", "glorot_uniform", "first_order"),  # halves every layer: 2^-12
        ("tanh", "glorot_uniform", "gaussian"),  # saturates: the first-order factor 1 is far off
        ("sigmoid", "glorot_normal", "gaussian"),
        ("tanh", "random_normal", "gaussian"),  # variance -> 0 quickly, where tanh(z) ~ z
    ],
)
def test_variance_through_depth_follows_the_argument(activation, init, approximation):
    depth, width = 12, 256
    predicted = deep.predicted_variances(depth, width, activation, init, approximation=approximation)
    logs = np.log(
        [deep.activation_variances(depth, width, activation, init, n=256, seed=s) / predicted for s in (0, 1)]
    )
    # at finite width, log(Var) drifts like a random walk: its sd after L ReLU layers is about
    # sqrt(5 L / width) (Hanin & Nica 2019), 0.49 here, less for linear / tanh and for a batch of inputs;
    # 1.5 allows 3 sd, and the predictions compared span 2^-12 to 1
    assert np.abs(logs).max() < 1.5, logs.round(2)
    if init == "random_normal":  # near 0, tanh(z) ~ z: each layer multiplies Var by width * 0.05^2 = 0.64
        measured = deep.activation_variances(depth, width, activation, init, n=256, seed=0)
        np.testing.assert_allclose(measured[-4:] / measured[-5:-1], 0.64, rtol=0.1)


def test_he_keeps_relu_variance_and_glorot_halves_it():
    he = deep.predicted_variances(30, 100, "relu", "he_normal")
    glorot = deep.predicted_variances(30, 100, "relu", "glorot_uniform")
    np.testing.assert_allclose(he, 2.0)  # Var[z_1] = 100 * 2/100 * 1, then 100 * 2/100 * Var/2
    np.testing.assert_allclose(glorot, 2.0 ** -np.arange(30))


# --- gradients through depth ------------------------------------------------------------------------------

X, Y = load_digits(return_X_y=True)
X = (X[:128] / 16).astype(np.float32)
Y = Y[:128]


def test_gradient_norms_vanish_for_sigmoid_and_not_for_relu_he():
    sigmoid = deep.layer_gradient_norms(deep.build_deep_mlp(30, 64, "sigmoid", "glorot_uniform", seed=0), X, Y)
    relu_he = deep.layer_gradient_norms(deep.build_deep_mlp(30, 64, "relu", "he_normal", seed=0), X, Y)
    assert sigmoid.shape == relu_he.shape == (31,)  # 30 hidden kernels + the logits' kernel
    assert sigmoid[0] < 1e-6 * sigmoid[-1]  # sigmoid' <= 1/4 per layer: the first layers get nothing
    assert relu_he[0] > 1e-2 * relu_he[-1]


def test_residual_and_normalized_models_are_built_as_asked():
    model = deep.build_deep_mlp(4, 16, "tanh", "he_uniform", normalization="batch", residual=True, seed=2)
    names = [layer.name for layer in model.layers]
    assert [n for n in names if n.startswith("skip_")] == ["skip_2", "skip_3", "skip_4"]  # the first maps 64 -> 16
    assert sum(n.startswith("batch_norm_") for n in names) == 4
    assert deep.kernel_names(model) == ["dense_1", "dense_2", "dense_3", "dense_4", "logits"]
    moving = [v.numpy().copy() for v in model.non_trainable_variables]
    norms = deep.layer_gradient_norms(model, X, Y)
    assert np.all(np.isfinite(norms)) and np.all(norms > 0)
    for before, v in zip(moving, model.non_trainable_variables):  # measuring does not move the statistics
        np.testing.assert_array_equal(before, v.numpy())
    # the same seed builds the same weights
    again = deep.build_deep_mlp(4, 16, "tanh", "he_uniform", normalization="batch", residual=True, seed=2)
    np.testing.assert_array_equal(model.get_weights()[0], again.get_weights()[0])
    ln = deep.build_deep_mlp(2, 8, "relu", normalization="layer")
    assert any(isinstance(layer, keras.layers.LayerNormalization) for layer in ln.layers)


def test_gradient_norms_equal_a_tape_by_hand():
    model = deep.build_deep_mlp(3, 8, "relu", "he_normal", seed=5)
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(Y, model(X, training=True))
    kernels = [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    expected = [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
    np.testing.assert_allclose(deep.layer_gradient_norms(model, X, Y), expected, rtol=1e-5)


def test_gradient_norms_refuse_mismatched_inputs():
    model = deep.build_deep_mlp(2, 8, "relu")
    with pytest.raises(InvalidParameterError, match="x must have shape"):
        deep.layer_gradient_norms(model, X[:, :10], Y)
    with pytest.raises(InvalidParameterError, match="y"):
        deep.layer_gradient_norms(model, X, Y[:5])
    with pytest.raises(InvalidParameterError, match="model"):
        deep.layer_gradient_norms("model", X, Y)


# --- normalization -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(32, 6), (8, 5, 5, 3)])
def test_batch_norm_matches_keras_in_training_and_inference(shape):
    features = shape[-1]
    layer = keras.layers.BatchNormalization(momentum=0.9)  # a low momentum: the moving statistics move visibly
    layer.build(shape)
    gamma, beta = rng.normal(1, 0.3, features), rng.normal(0, 0.5, features)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    moving_mean, moving_variance = None, None
    for step in range(5):  # five training steps on batches with other means and scales
        x = rng.normal(step, 1 + step, shape).astype(np.float32)
        expected = layer(x, training=True).numpy()
        ours = deep.batch_norm(x, gamma, beta, moving_mean, moving_variance, training=True, momentum=0.9)
        moving_mean, moving_variance = ours.moving_mean, ours.moving_variance
        np.testing.assert_allclose(ours.output, expected, atol=1e-5, rtol=1e-5)
        np.testing.assert_allclose(moving_mean, layer.moving_mean.numpy(), atol=1e-5, rtol=1e-5)
        np.testing.assert_allclose(moving_variance, layer.moving_variance.numpy(), atol=1e-5, rtol=1e-5)
    x = rng.normal(2, 3, shape).astype(np.float32)
    inference = deep.batch_norm(x, gamma, beta, moving_mean, moving_variance, training=False)
    np.testing.assert_allclose(inference.output, layer(x, training=False).numpy(), atol=1e-5, rtol=1e-5)
    np.testing.assert_array_equal(inference.moving_mean, moving_mean)  # inference leaves them alone


def test_batch_norm_defaults_are_keras_defaults():
    x = rng.normal(3, 2, (16, 4)).astype(np.float32)
    for training in (True, False):  # a fresh layer each time: training moves the moving statistics
        ours = deep.batch_norm(x, training=training)
        expected = keras.layers.BatchNormalization()(x, training=training).numpy()
        np.testing.assert_allclose(ours.output, expected, atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(
        deep.batch_norm(x, training=True).moving_mean, 0.01 * x.mean(axis=0), rtol=1e-5
    )  # momentum 0.99: one step moves 1 %


@pytest.mark.parametrize("shape", [(16, 7), (4, 5, 6)])
def test_layer_norm_matches_keras(shape):
    x = rng.normal(1, 3, shape).astype(np.float32)
    layer = keras.layers.LayerNormalization()
    layer.build(shape)
    gamma, beta = rng.normal(1, 0.3, shape[-1]), rng.normal(0, 0.5, shape[-1])
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    np.testing.assert_allclose(deep.layer_norm(x, gamma, beta), layer(x).numpy(), atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(deep.layer_norm(x[:1]), deep.layer_norm(x)[:1], atol=1e-12)  # batch-independent


def test_normalization_refuses_wrong_feature_counts():
    with pytest.raises(InvalidParameterError, match="gamma"):
        deep.batch_norm(np.ones((4, 3)), gamma=np.ones(2))
    with pytest.raises(InvalidParameterError, match="x"):
        deep.batch_norm(np.ones((1, 3)), training=True)


# --- clipping ----------------------------------------------------------------------------------------------


def _grads():
    return [rng.normal(0, 3, (5, 4)), rng.normal(0, 0.1, (4,)), rng.normal(0, 1, (3, 3))]


def test_clipping_matches_tensorflow():
    grads = _grads()
    for g in grads:
        np.testing.assert_allclose(deep.clip_by_value(g, -0.5, 0.7), tf.clip_by_value(g, -0.5, 0.7).numpy())
        for c in (0.05, 1.0, 100.0):  # clipped, clipped, untouched
            np.testing.assert_allclose(deep.clip_by_norm(g, c), tf.clip_by_norm(g, c).numpy(), rtol=1e-12)
    for c in (0.5, 5.0, 1e3):
        ours, norm = deep.clip_by_global_norm(grads, c)
        theirs, their_norm = tf.clip_by_global_norm(grads, c)
        assert norm == pytest.approx(float(their_norm), rel=1e-12)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b.numpy(), rtol=1e-12)
    assert deep.global_norm(grads) == pytest.approx(float(tf.linalg.global_norm(grads)), rel=1e-12)
    np.testing.assert_array_equal(deep.clip_by_norm(np.zeros(3), 1.0), np.zeros(3))  # a zero gradient stays 0
    clipped, norm = deep.clip_by_global_norm([np.array([np.inf, 1.0])], 1.0)  # TensorFlow: all NaN
    assert norm == np.inf and np.all(np.isnan(clipped[0]))


@pytest.mark.parametrize("option", [{"clipvalue": 0.3}, {"clipnorm": 1.0}, {"global_clipnorm": 2.0}])
def test_one_sgd_step_with_keras_clip_options_equals_scratch_clip(option):
    grads = [g.astype(np.float32) for g in _grads()]
    weights = [rng.normal(size=g.shape).astype(np.float32) for g in grads]
    variables = [keras.Variable(w) for w in weights]
    keras.optimizers.SGD(learning_rate=0.1, **option).apply_gradients(zip([tf.constant(g) for g in grads], variables))
    clipped = deep.clip_gradients(grads, **option)
    assert any(not np.allclose(c, g) for c, g in zip(clipped, grads))  # the option did clip something
    for v, w, c in zip(variables, weights, clipped):
        np.testing.assert_allclose(v.numpy(), w - 0.1 * c, rtol=1e-6, atol=1e-6)


def test_clip_gradients_takes_one_option_at_most():
    grads = _grads()
    for a, b in zip(deep.clip_gradients(grads), grads):  # no option: unchanged
        np.testing.assert_array_equal(a, b)
    with pytest.raises(InvalidParameterError, match="clipnorm"):
        deep.clip_gradients(grads, clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(InvalidParameterError, match="clip_value_min"):
        deep.clip_by_value(grads[0], 1.0, -1.0)


# -- the logged training loop ---------------------------------------------------------------------------------


def _tiny_data(n=96):
    digits = load_digits()
    return (digits.data[:n] / 16).astype(np.float32), digits.target[:n]


@pytest.mark.parametrize("normalization", [None, "batch"])
def test_train_logged_updates_the_weights_as_model_fit_does(normalization):
    x, y = _tiny_data()
    ours = deep.build_deep_mlp(depth=3, width=16, activation="relu", normalization=normalization, seed=4)
    theirs = deep.build_deep_mlp(depth=3, width=16, activation="relu", normalization=normalization, seed=4)
    log = deep.train_logged(ours, keras.optimizers.SGD(0.05, momentum=0.9), x, y, steps=6, batch_size=32, shuffle=False)
    theirs.compile(
        keras.optimizers.SGD(0.05, momentum=0.9), keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    theirs.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)  # 96 / 32 = 3 steps per epoch
    for a, b in zip(ours.weights, theirs.weights):  # moving statistics included
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5)
    assert log.losses.shape == log.gradient_norms.shape == (6,) and not log.diverged and log.val_accuracy is None


def test_train_logged_norms_are_the_raw_global_norm_before_clipping():
    x, y = _tiny_data(32)
    model = deep.build_deep_mlp(depth=2, width=8, seed=1)
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model(x, training=True))
    expected = deep.global_norm([g.numpy() for g in tape.gradient(loss, model.trainable_variables)])
    log = deep.train_logged(
        model, keras.optimizers.SGD(0.1, global_clipnorm=1e-3), x, y, steps=1, batch_size=32, shuffle=False
    )
    assert log.gradient_norms[0] == pytest.approx(expected, rel=1e-5) and log.losses[0] == pytest.approx(float(loss))


def test_train_logged_stops_at_divergence_and_reports_chance_accuracy():
    x, y = _tiny_data()
    model = deep.build_deep_mlp(depth=4, width=16, activation="relu", initializer="he_normal", seed=0)
    log = deep.train_logged(model, keras.optimizers.SGD(1e6), x, y, steps=50, batch_size=32, x_val=x, y_val=y)
    assert log.diverged and log.diverged_at < 49 and len(log.losses) == log.diverged_at + 1
    assert not np.isfinite(log.losses[-1]) or not np.isfinite(log.gradient_norms[-1])
    assert log.val_accuracy == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "net"}, "model must be a Keras model"),
        ({"optimizer": "sgd"}, "optimizer must be a Keras optimizer"),
        ({"steps": 0}, "steps must be"),
        ({"y": np.full(96, 10)}, "y must"),
        ({"x_val": np.zeros((2, 64), np.float32)}, "x_val and y_val must be given together"),
        ({"shuffle": "yes"}, "shuffle must be a boolean"),
    ],
)
def test_train_logged_refuses_bad_input(kwargs, message):
    x, y = _tiny_data()
    arguments = {
        "model": deep.build_deep_mlp(depth=1, width=4),
        "optimizer": keras.optimizers.SGD(0.1),
        "x": x,
        "y": y,
        "steps": 2,
    }
    with pytest.raises(InvalidParameterError, match=message):
        deep.train_logged(**{**arguments, **kwargs})


def test_numpy_mlp_clipped_sgd_step_equals_keras_global_clipnorm():
    x, y = _tiny_data(32)
    mlp = deep.NumpyMLP(depth=3, width=16, activation="relu", initializer="he_normal", input_dim=64, seed=2)
    model = mlp.to_keras()
    x64 = x.astype(np.float64)
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    threshold = 0.25 * deep.global_norm([g.numpy() for g in grads])
    keras.optimizers.SGD(0.1, global_clipnorm=threshold).apply(grads, model.trainable_variables)
    mlp.sgd_step(x64, y, learning_rate=0.1, global_clipnorm=threshold)
    assert mlp.last_gradient_norm == pytest.approx(4 * threshold, rel=1e-4)
    for ours, theirs in zip(mlp.to_keras().trainable_variables, model.trainable_variables):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-5)


def test_numpy_mlp_fit_takes_a_schedule_and_logs_gradient_norms():
    x, y = _tiny_data(96)
    seen = []
    mlp = deep.NumpyMLP(depth=2, width=8, input_dim=64, seed=0)
    losses = mlp.fit(x, y, epochs=2, batch_size=32, learning_rate=lambda step: seen.append(step) or 0.01 * (step + 1))
    assert seen == list(range(6)) and len(losses) == 6
    assert mlp.gradient_norms_logged.shape == (6,) and np.all(mlp.gradient_norms_logged > 0)


def test_clip_by_global_norm_leaves_all_zero_gradients_as_they_are():
    import tensorflow as tf

    from dlopt_helpers.deep import clip_by_global_norm

    zeros = [np.zeros((2, 3)), np.zeros(3)]
    clipped, norm = clip_by_global_norm(zeros, 1.0)
    expected, tf_norm = tf.clip_by_global_norm([tf.constant(z) for z in zeros], 1.0)
    assert norm == float(tf_norm) == 0.0
    assert all(np.array_equal(c, e.numpy()) for c, e in zip(clipped, expected))
