"""dlopt_helpers.losses against keras.losses, to 1e-6 on random inputs."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlopt_helpers import losses

rng = np.random.default_rng(42)
N, K = 64, 10


def _keras(loss, y_true, y_pred):
    return float(loss(y_true, y_pred))


@pytest.mark.parametrize("shape", [(N,), (N, 3)])
def test_mse_matches_keras(shape):
    y_true, y_pred = rng.normal(size=shape), rng.normal(size=shape)
    expected = _keras(keras.losses.MeanSquaredError(), y_true, y_pred)
    np.testing.assert_allclose(losses.mean_squared_error(y_true, y_pred), expected, rtol=1e-6)


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_cross_entropy_matches_keras(from_logits):
    y_true = rng.integers(0, 2, (N, 1)).astype(float)
    y_pred = rng.normal(0, 3, (N, 1)) if from_logits else rng.uniform(0, 1, (N, 1))
    y_pred[0] = 0.0 if not from_logits else y_pred[0]  # an exact 0 probability: clipped, not -inf
    expected = _keras(keras.losses.BinaryCrossentropy(from_logits=from_logits), y_true, y_pred)
    np.testing.assert_allclose(losses.binary_cross_entropy(y_true, y_pred, from_logits), expected, rtol=1e-6)


@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_and_sparse_cross_entropy_match_keras(from_logits):
    labels = rng.integers(0, K, N)
    one_hot = np.eye(K)[labels]
    logits = rng.normal(0, 2, (N, K))
    y_pred = logits if from_logits else rng.dirichlet(np.ones(K), N) * 3  # unnormalized rows: Keras renormalizes
    expected = _keras(keras.losses.CategoricalCrossentropy(from_logits=from_logits), one_hot, y_pred)
    np.testing.assert_allclose(losses.categorical_cross_entropy(one_hot, y_pred, from_logits), expected, rtol=1e-6)
    expected_sparse = _keras(keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits), labels, y_pred)
    np.testing.assert_allclose(
        losses.sparse_categorical_cross_entropy(labels, y_pred, from_logits), expected_sparse, rtol=1e-6
    )


def test_softmax_helpers_match_tensorflow():
    z = rng.normal(0, 5, (N, K))
    np.testing.assert_allclose(losses.log_sum_exp(z), tf.math.reduce_logsumexp(z, axis=-1).numpy(), rtol=1e-12)
    np.testing.assert_allclose(losses.log_softmax(z), tf.nn.log_softmax(z).numpy(), atol=1e-12)
    np.testing.assert_allclose(losses.softmax(z), tf.nn.softmax(z).numpy(), atol=1e-12)
    np.testing.assert_allclose(losses.sigmoid(z), tf.sigmoid(z).numpy(), atol=1e-12)


def test_large_logits_overflow_naive_formula_but_not_ours():
    logits = np.array([[1000.0, 990.0, 0.0]])
    naive = losses.naive_softmax_cross_entropy(logits, [0])
    assert np.isnan(naive[0])
    stable = losses.sparse_categorical_cross_entropy([0], logits, from_logits=True)
    expected = _keras(keras.losses.SparseCategoricalCrossentropy(from_logits=True), np.array([0]), logits)
    np.testing.assert_allclose(stable, np.log1p(np.exp(-10.0)), rtol=1e-9)
    np.testing.assert_allclose(stable, expected, atol=1e-7)  # Keras works in float32
    assert np.isfinite(losses.sigmoid(np.array([-1000.0, 1000.0]))).all()


def test_logit_gradients_match_gradient_tape():
    z = tf.Variable(rng.normal(0, 4, 20))
    y = rng.integers(0, 2, 20).astype(float)
    with tf.GradientTape(persistent=True) as tape:
        p = tf.sigmoid(z)
        mse = tf.reduce_sum((p - y) ** 2)
        bce = tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))
    grads = losses.logit_gradients(z.numpy(), y)
    np.testing.assert_allclose(grads["mse"], tape.gradient(mse, z).numpy(), atol=1e-12)
    np.testing.assert_allclose(grads["cross_entropy"], tape.gradient(bce, z).numpy(), atol=1e-12)
    wrong = losses.logit_gradients(np.array([-8.0]), np.array([1.0]))  # confidently wrong
    assert abs(wrong["cross_entropy"][0]) > 0.99 and abs(wrong["mse"][0]) < 0.001


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: losses.mean_squared_error([1.0, 2.0], [1.0]), "y_true and y_pred must have the same shape"),
        (lambda: losses.mean_squared_error([np.nan], [1.0]), "y_true must not contain NaN"),
        (lambda: losses.binary_cross_entropy([1.0], [1.5]), "y_pred must be probabilities in \\[0, 1\\]"),
        (lambda: losses.binary_cross_entropy([2.0], [0.5]), "y_true must be probabilities"),
        (lambda: losses.categorical_cross_entropy([1.0, 0.0], [0.5, 0.5]), "y_true must have shape \\(n, K\\)"),
        (lambda: losses.sparse_categorical_cross_entropy([3], [[0.5, 0.5]]), "y_true must be in \\[0, 1\\]"),
        (lambda: losses.sparse_categorical_cross_entropy([0.0], [[0.5, 0.5]]), "y_true must be 1 integer labels"),
        (lambda: losses.sparse_categorical_cross_entropy([0], [0.5, 0.5]), "y_pred must be 2-dimensional"),
        (lambda: losses.categorical_cross_entropy([[1.0, 0.0]], [[-0.5, 0.5]]), "y_pred must be non-negative"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.4, 1.0])
@pytest.mark.parametrize("from_logits", [False, True])
def test_label_smoothing_matches_keras(from_logits, smoothing):
    one_hot = np.eye(K)[rng.integers(0, K, N)]
    y_pred = rng.normal(0, 2, (N, K)) if from_logits else rng.dirichlet(np.ones(K), N) * 3
    expected = _keras(
        keras.losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=smoothing), one_hot, y_pred
    )
    ours = losses.categorical_cross_entropy(one_hot, y_pred, from_logits, label_smoothing=smoothing)
    np.testing.assert_allclose(ours, expected, rtol=1e-6)
    y_bin = rng.integers(0, 2, (N, 1)).astype(float)
    p_bin = rng.normal(0, 3, (N, 1)) if from_logits else rng.uniform(0, 1, (N, 1))
    expected_bin = _keras(
        keras.losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=smoothing), y_bin, p_bin
    )
    ours_bin = losses.binary_cross_entropy(y_bin, p_bin, from_logits, label_smoothing=smoothing)
    np.testing.assert_allclose(ours_bin, expected_bin, rtol=1e-6)


def test_smooth_labels_by_hand():
    one_hot = np.eye(4)[[0, 3]]
    smoothed = losses.smooth_labels(one_hot, 0.2)
    np.testing.assert_allclose(smoothed[0], [0.85, 0.05, 0.05, 0.05])  # 1 - ε + ε/K, ε/K
    np.testing.assert_allclose(smoothed.sum(axis=1), 1.0)
    np.testing.assert_array_equal(losses.smooth_labels(one_hot, 0.0), one_hot)
    np.testing.assert_allclose(losses.smooth_labels(one_hot, 1.0), 0.25)
    np.testing.assert_allclose(losses.smooth_labels([1.0, 0.0], 0.2, binary=True), [0.9, 0.1])
    # the smoothed loss is the plain loss of the smoothed targets, and never below the targets' entropy
    logits = rng.normal(0, 2, (2, 4))
    np.testing.assert_allclose(
        losses.categorical_cross_entropy(one_hot, logits, True, label_smoothing=0.2),
        losses.categorical_cross_entropy(smoothed, logits, True),
        rtol=1e-12,
    )
    entropy = -(smoothed * np.log(smoothed)).sum(axis=1).mean()
    perfect = np.log(smoothed)  # logits whose softmax is the smoothed targets: the minimum
    np.testing.assert_allclose(losses.categorical_cross_entropy(smoothed, perfect, True), entropy, rtol=1e-12)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: losses.smooth_labels(np.eye(3), 1.5), "label_smoothing"),
        (lambda: losses.smooth_labels(np.eye(3), -0.1), "label_smoothing"),
        (lambda: losses.smooth_labels([1.0, 0.0], 0.1), "y_true"),
        (lambda: losses.smooth_labels(np.eye(3) * 2, 0.1), "y_true"),
        (
            lambda: losses.categorical_cross_entropy(np.eye(3), np.eye(3), label_smoothing=float("nan")),
            "label_smoothing",
        ),
        (lambda: losses.binary_cross_entropy([1.0], [0.5], label_smoothing=True), "label_smoothing"),
    ],
)
def test_bad_label_smoothing(call, message):
    with pytest.raises(ValueError, match=message):
        call()
