"""dlopt_helpers.trends: quantization (sizes, accuracy kept, quiet), IG completeness, saliency, DP-SGD = SGD without
noise, the noise it adds, ε from dp_accounting (monotone, known value), the autoencoder, training from scratch on a
few labels, and bad input."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import dlopt_helpers as dh
from dlopt_helpers import trends

DIGITS = dh.data.load_digits_images(size=16, seed=0)
DIGITS8 = dh.data.load_digits_images(seed=0)


@pytest.fixture(scope="module")
def cnn():
    dh.set_seed(0)
    model = dh.models.build_cnn((16, 16, 1), seed=0)
    model.compile(
        optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    model.fit(DIGITS.x_train[:400], DIGITS.y_train[:400], epochs=8, verbose=0)
    return model


def test_quantize_float32_matches_keras_and_int8_is_smaller(cnn, capfd):
    lite_float = trends.LiteModel(trends.quantize(cnn, mode="float32"))
    lite_int8 = trends.LiteModel(trends.quantize(cnn, representative=DIGITS.x_train[:100], mode="int8"))
    x = DIGITS.x_test[:50]
    np.testing.assert_allclose(lite_float.predict(x), cnn(x).numpy(), atol=1e-4)
    assert lite_int8.size_bytes < 0.6 * lite_float.size_bytes
    agree = np.mean(np.argmax(lite_int8.predict(x), axis=1) == np.argmax(cnn(x).numpy(), axis=1))
    assert agree >= 0.9
    assert lite_int8.latency(x, repeats=5) > 0 and lite_int8.predict(x[:3]).shape == (3, 10)  # batch size changes
    out, err = capfd.readouterr()
    assert "Saved artifact" not in out + err and "TensorSpec" not in out + err  # the converter's chatter is captured


def test_train_from_scratch_learns_a_few_labels_and_is_seeded():
    few = np.concatenate([np.flatnonzero(DIGITS8.y_train == c)[:5] for c in range(10)])
    x, y = DIGITS8.x_train[few], DIGITS8.y_train[few]
    model = trends.train_from_scratch(x, y, epochs=60, seed=3)
    assert np.mean(np.argmax(model(x).numpy(), axis=1) == y) == 1.0  # 50 examples: memorized
    assert np.mean(np.argmax(model(DIGITS8.x_val).numpy(), axis=1) == DIGITS8.y_val) > 0.5  # and it generalizes
    again = trends.train_from_scratch(x, y, epochs=60, seed=3)
    np.testing.assert_array_equal(model.get_weights()[0], again.get_weights()[0])


def test_integrated_gradients_completeness_and_linear_model_exactness(cnn):
    attribution = trends.integrated_gradients(cnn, DIGITS.x_test[0], steps=64)
    assert attribution.completeness_gap < 0.02 * abs(attribution.score - attribution.baseline_score)
    linear = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    x = np.array([1.0, -2.0, 0.5])
    exact = trends.integrated_gradients(linear, x, target=1, steps=4)
    w = linear.layers[0].kernel.numpy()[:, 1]
    np.testing.assert_allclose(exact.attributions, x * w, rtol=1e-5)  # IG of a linear model: x_i w_i
    assert exact.completeness_gap < 1e-5


def test_saliency_is_the_absolute_gradient_of_the_target_logit(cnn):
    x = tf.constant(DIGITS.x_test[:2])
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = cnn(x)[:, 3]
    np.testing.assert_allclose(
        trends.saliency(cnn, x.numpy(), target=[3, 3]), np.abs(tape.gradient(score, x).numpy()), rtol=1e-5, atol=1e-8
    )
    assert trends.saliency(cnn, x.numpy()).shape == (2, 16, 16, 1)


def test_dp_sgd_gradient_is_sgd_without_noise_and_clips_each_example():
    model = dh.models.build_running_example(seed=0)
    x, y = tf.constant(DIGITS8.x_train[:16]), tf.constant(DIGITS8.y_train[:16])
    seed = tf.constant([0, 0], tf.int64)
    plain, _ = trends.dp_sgd_step_gradient(model, x, y, 1e6, 0.0, seed)
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model(x))
    for a, b in zip(plain, tape.gradient(loss, model.trainable_variables)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)
    clipped, _ = trends.dp_sgd_step_gradient(model, x, y, 1e-3, 0.0, seed)  # every example clipped to norm 1e-3
    norm = np.sqrt(sum(float(tf.reduce_sum(g**2)) for g in clipped))
    assert norm <= 1e-3 + 1e-9  # the mean of vectors of norm <= C has norm <= C
    noisy, _ = trends.dp_sgd_step_gradient(model, x, y, 1.0, 2.0, seed)
    again, _ = trends.dp_sgd_step_gradient(model, x, y, 1.0, 2.0, seed)
    np.testing.assert_array_equal(noisy[0].numpy(), again[0].numpy())  # seeded noise: reproducible


def test_dp_sgd_train_learns_and_reports_epsilon():
    run = trends.dp_sgd_train(DIGITS8.x_train, DIGITS8.y_train, noise_multiplier=1.0, epochs=3, seed=0)
    assert run.steps == 3 * (len(DIGITS8.x_train) // 64) and run.losses[-1] < run.losses[0]
    assert np.isfinite(run.epsilon()) and run.epsilon(1e-3) < run.epsilon(1e-7)


def test_dp_epsilon_from_dp_accounting():
    assert trends.dp_epsilon(0.0, 0.01, 100) == float("inf")
    loose, tight = trends.dp_epsilon(0.5, 0.05, 300), trends.dp_epsilon(2.0, 0.05, 300)
    assert tight < loose  # more noise, smaller ε
    assert trends.dp_epsilon(1.0, 0.05, 600) > trends.dp_epsilon(1.0, 0.05, 300)  # more steps spend more
    # the classic setting of Abadi et al. (q = 0.01, σ = 4, 10,000 steps, δ = 1e-5): RDP gives ε ≈ 1.2
    assert 1.0 < trends.dp_epsilon(4.0, 0.01, 10_000, 1e-5) < 1.5


def test_autoencoder_learns_without_labels():
    encoder, autoencoder, history = trends.pretrain_autoencoder(DIGITS8.x_train[:200], code_units=8, epochs=5)
    assert history["loss"][-1] < history["loss"][0]
    assert trends.encode(encoder, DIGITS8.x_test[:3]).shape == (3, 8)
    assert autoencoder.output_shape == (None, 8, 8, 1)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: trends.quantize(None, mode="int4"), "mode must be one of 'float32', 'int8'"),
        (lambda: trends.LiteModel(b""), "flatbuffer must be the bytes"),
        (lambda: trends.integrated_gradients(None, np.zeros(3), target=0, steps=0), r"steps must be in \[1, 100000\]"),
        (lambda: trends.integrated_gradients(None, np.zeros(3), baseline=np.zeros(2), target=0), "baseline must have"),
        (
            lambda: trends.dp_sgd_train(DIGITS8.x_train, DIGITS8.y_train, noise_multiplier=-1),
            "noise_multiplier must be >= 0",
        ),
        (lambda: trends.dp_sgd_train(DIGITS8.x_train, DIGITS8.y_train, l2_norm_clip=0), "l2_norm_clip must be > 0"),
        (
            lambda: trends.dp_sgd_train(DIGITS8.x_train[:10], DIGITS8.y_train[:10]),
            r"batch_size must be <= the number of samples \(10\), got 64",
        ),
        (lambda: trends.dp_epsilon(1.0, 0.0, 10), r"sample_rate must be in \(0, 1\]"),
        (lambda: trends.dp_epsilon(1.0, 0.1, 10, delta=1.0), r"delta must be in \(0, 1\)"),
        (lambda: trends.pretrain_autoencoder(np.zeros((0, 4))), "non-empty batch"),
        (lambda: trends.pretrain_autoencoder(np.zeros((5, 4)), code_units=0), r"code_units must be in \[1, 4096\]"),
        (
            lambda: trends.train_from_scratch(DIGITS8.x_train[:20], DIGITS8.y_train[:20], epochs=0),
            r"epochs must be in \[1, 100000\]",
        ),
        (lambda: trends.train_from_scratch(DIGITS8.x_train[:20], DIGITS8.y_train[:10]), "same number"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_exercises_registered_for_the_chapter():
    assert len(dh.exercises.exercises_for("09_future_trends")) >= 3
