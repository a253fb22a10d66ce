"""The from-scratch pieces of notebook 01, checked against TensorFlow / Keras."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlopt_helpers import concepts

rng = np.random.default_rng(0)


def test_softmax_matches_keras_and_survives_large_logits():
    logits = rng.normal(0, 3, (20, 7))
    np.testing.assert_allclose(concepts.softmax(logits), keras.activations.softmax(logits).numpy(), atol=1e-6)
    huge = np.array([[1000.0, 0.0, -1000.0]])
    np.testing.assert_allclose(concepts.softmax(huge), [[1.0, 0.0, 0.0]])


def test_cross_entropy_matches_keras():
    logits = rng.normal(0, 2, (64, 10))
    labels = rng.integers(0, 10, 64)
    expected = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
    np.testing.assert_allclose(concepts.softmax_cross_entropy(logits, labels), float(expected), rtol=1e-6)


def test_softmax_regression_gradients_match_gradient_tape():
    x = rng.normal(size=(50, 6))
    labels = rng.integers(0, 4, 50)
    weights, bias = rng.normal(size=(6, 4)), rng.normal(size=4)
    w, b = tf.Variable(weights), tf.Variable(bias)
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, tf.constant(x) @ w + b)
    tape_w, tape_b = tape.gradient(loss, [w, b])
    grad_w, grad_b = concepts.softmax_regression_gradients(x, labels, weights, bias)
    np.testing.assert_allclose(grad_w, tape_w.numpy(), atol=1e-7)
    np.testing.assert_allclose(grad_b, tape_b.numpy(), atol=1e-7)


def test_l2_penalty_matches_keras_regularizer():
    weights = rng.normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_allclose(
        concepts.l2_penalty(weights, 0.03), float(keras.regularizers.L2(0.03)(weights)), rtol=1e-6
    )


@pytest.mark.parametrize("degrees", [0, 13, 25, 45, 90, -37, 180])
def test_warp_nearest_matches_tensorflow_projective_transform(degrees):
    image = rng.random((21, 17, 2)).astype(np.float32)
    h, w = image.shape[:2]
    matrix = concepts.rotation_matrix(degrees, center=((w - 1) / 2, (h - 1) / 2))
    matrix = matrix @ np.array([[1.1, 0.2, 1.5], [0.0, 0.9, -2.0], [0.0, 0.0, 1.0]])  # plus shear, zoom, shift
    inverse = np.linalg.inv(matrix)
    transform = (inverse / inverse[2, 2]).ravel()[:8].astype(np.float32)
    expected = tf.raw_ops.ImageProjectiveTransformV3(
        images=image[None],
        transforms=transform[None],
        output_shape=[h, w],
        fill_value=0.0,
        interpolation="NEAREST",
        fill_mode="CONSTANT",
    )[0].numpy()
    np.testing.assert_array_equal(concepts.warp_nearest(image, matrix), expected)


def test_rotation_matrix_properties():
    m = concepts.rotation_matrix(90)
    np.testing.assert_allclose(m[:2, :2] @ [1, 0], [0, 1], atol=1e-12)
    centered = concepts.rotation_matrix(33, center=(4.0, 2.0))
    np.testing.assert_allclose(centered @ [4.0, 2.0, 1.0], [4.0, 2.0, 1.0])  # the centre stays put
    image = np.arange(12.0).reshape(3, 4)
    flip = np.array([[-1.0, 0, 3], [0, 1, 0], [0, 0, 1]])
    np.testing.assert_array_equal(concepts.warp_nearest(image, flip), image[:, ::-1])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: concepts.softmax([1.0, 2.0]), "logits must be 2-dimensional"),
        (lambda: concepts.softmax_cross_entropy([[1.0, 2.0]], [2]), "labels must be in \\[0, 1\\]"),
        (lambda: concepts.softmax_cross_entropy([[1.0, 2.0]], [0.5]), "labels must be 1 integer class ids"),
        (
            lambda: concepts.softmax_regression_gradients(np.ones((2, 3)), [0, 1], np.ones((4, 2)), np.ones(2)),
            "shapes must chain",
        ),
        (lambda: concepts.l2_penalty([1.0], -1), "strength must be >= 0"),
        (lambda: concepts.rotation_matrix(float("inf")), "degrees must be finite"),
        (lambda: concepts.warp_nearest(np.ones(4), np.eye(3)), "image must have shape"),
        (lambda: concepts.warp_nearest(np.ones((4, 4)), np.eye(2)), "matrix must have shape \\(3, 3\\)"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
