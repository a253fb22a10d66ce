"""Regression tests for issue 14, area "core": every row of the bad-input review
(../shared/reviews/bad-input-2026-11-25.md) for losses, concepts, regularization, tuning, trends,
parallel, plotting, references, exercises and models.

Each case makes the review's exact call (on tiny data) and asserts the clean outcome: an
``InvalidParameterError`` / ``ValueError`` naming the parameter, an actionable ``RuntimeError`` for a
state or process problem, or the documented correct result. Ids name the row: ``<class>-<module>-<what>``
with the review's classes E (hang), D (silently wrong), C (obscure internal error), B (vague message).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from dlopt_helpers import (
    concepts,
    exercises,
    losses,
    models,
    parallel,
    plotting,
    references,
    regularization,
    trends,
    tuning,
)
from dlopt_helpers._validation import InvalidParameterError

ROOT = Path(__file__).resolve().parents[1]
RNG = np.random.default_rng(0)
X8 = RNG.random((40, 8, 8, 1)).astype(np.float32)  # tiny digits-shaped inputs in [0, 1]
Y8 = np.arange(40) % 10
NAN8 = X8.copy()
NAN8[0, 0, 0, 0] = np.nan
IMG = np.arange(16.0).reshape(4, 4)


def raises(call, error, match):
    """Run ``call`` and check that it raises ``error`` whose message matches ``match`` (fast: no long runs)."""
    start = time.perf_counter()
    with pytest.raises(error, match=match):
        call()
    assert time.perf_counter() - start < 30, "a bad input must be refused up front"


# --------------------------------------------------------------------------- pure NumPy modules
PURE = [
    # E
    (
        "E-regularization-lasso_max_iter_1e9",
        lambda: regularization.lasso_coordinate_descent(
            RNG.random((200, 2000)), RNG.random(200), 1e-6, max_iter=10**9, tol=0
        ),
        r"max_iter must be in \[1, 100000\]",
    ),
    (
        "E-regularization-lasso_work_estimate",
        lambda: regularization.lasso_coordinate_descent(
            RNG.random((200, 2000)), RNG.random(200), 1e-6, max_iter=100_000, tol=0
        ),
        r"max_iter x n_features = .*minutes",
    ),
    # D
    (
        "D-concepts-rotation_center_3",
        lambda: concepts.rotation_matrix(90, center=(1, 2, 3)),
        r"center must be a list or tuple of length 2",
    ),
    (
        "D-concepts-warp_projective_inverse_22_zero",
        lambda: concepts.warp_nearest(IMG, [[0, 0, 1], [0, 1, 0], [1, 0, 0]]),
        r"matrix must map the image plane",
    ),
    (
        "D-losses-bce_from_logits_no",
        lambda: losses.binary_cross_entropy([1], [0.5], from_logits="no"),
        r"from_logits must be True or False",
    ),
    (
        "D-losses-cce_all_zero_row",
        lambda: losses.categorical_cross_entropy([[0, 1]], [[0, 0]]),
        r"y_pred must have a positive sum in every row",
    ),
    (
        "D-losses-naive_length_mismatch",
        lambda: losses.naive_softmax_cross_entropy([[1, 2], [3, 4]], [0]),
        r"labels must hold one label per sample \(2\)",
    ),
    (
        "D-losses-logit_gradients_broadcast",
        lambda: losses.logit_gradients(np.zeros((3, 1)), np.zeros(3)),
        r"z and y must have the same shape",
    ),
    (
        "D-regularization-ridge_fit_intercept_no",
        lambda: regularization.ridge_closed_form(RNG.random((10, 3)), RNG.random(10), 1, fit_intercept="no"),
        r"fit_intercept must be True or False",
    ),
    (
        "D-regularization-make_model_max_iter_many",
        lambda: regularization.make_model("l1", 0.1, max_iter="many"),
        r"max_iter must be an integer",
    ),
    # C
    ("C-concepts-rotation_center_5", lambda: concepts.rotation_matrix(90, center=5), r"center must be a list or tuple"),
    (
        "C-concepts-rotation_center_1",
        lambda: concepts.rotation_matrix(90, center=(1,)),
        r"center must be a list or tuple",
    ),
    (
        "C-concepts-rotation_center_None",
        lambda: concepts.rotation_matrix(90, center=None),
        r"center must be a list or tuple",
    ),
    ("C-concepts-warp_singular", lambda: concepts.warp_nearest(IMG, np.zeros((3, 3))), r"matrix must be invertible"),
    (
        "C-concepts-warp_fill_white",
        lambda: concepts.warp_nearest(IMG, np.eye(3), fill_value="white"),
        r"fill_value must be a real number",
    ),
    ("C-losses-log_sum_exp_axis_str", lambda: losses.log_sum_exp([1, 2], axis="0"), r"axis must be an integer"),
    (
        "C-losses-naive_1d_logits",
        lambda: losses.naive_softmax_cross_entropy([1, 2, 3], [0]),
        r"logits must be 2-dimensional",
    ),
    (
        "C-losses-naive_label_out_of_range",
        lambda: losses.naive_softmax_cross_entropy([[1, 2]], [5]),
        r"labels must be .*in \[0, 1\]",
    ),
    (
        "C-losses-naive_float_label",
        lambda: losses.naive_softmax_cross_entropy([[1, 2]], [0.5]),
        r"labels must be integers",
    ),
    (
        "C-losses-logit_gradients_lengths",
        lambda: losses.logit_gradients([1, 2], [0, 1, 1]),
        r"z and y must have the same shape",
    ),
    # B
    (
        "B-concepts-l2_penalty_None",
        lambda: concepts.l2_penalty(None, 0.1),
        r"weights must be an array of numbers, got None",
    ),
    ("B-losses-log_sum_exp_axis_5", lambda: losses.log_sum_exp([1, 2], axis=5), r"axis must be in \[-1, 0\]"),
    ("B-losses-softmax_axis_2", lambda: losses.softmax(np.zeros((2, 3)), axis=2), r"axis must be in \[-2, 1\]"),
    (
        "B-losses-mse_None",
        lambda: losses.mean_squared_error(None, None),
        r"y_true must be an array of numbers, got None",
    ),
    (
        "B-losses-naive_str",
        lambda: losses.naive_softmax_cross_entropy("abc", [0]),
        r"logits must be a 2-dimensional array of numbers, got .abc.",
    ),
    (
        "B-regularization-make_model_max_iter_-5",
        lambda: regularization.make_model("l1", 0.1, max_iter=-5),
        r"max_iter must be in \[1, 100000\], got -5",
    ),
]


@pytest.mark.parametrize("call, match", [pytest.param(c, m, id=i) for i, c, m in PURE])
def test_pure_numpy_rows(call, match):
    raises(call, InvalidParameterError, match)


def test_C_regularization_ridge_singular_solves_by_least_squares():
    from sklearn.linear_model import LinearRegression

    x = RNG.random((20, 2))
    x = np.column_stack([x, x[:, 0]])  # a duplicated column: X^T X is singular
    y = x @ [1.0, 2.0, 1.0] + 0.5
    coef, intercept = regularization.ridge_closed_form(x, y, alpha=0)
    reference = LinearRegression().fit(x, y)  # minimum-norm least squares as well
    np.testing.assert_allclose(coef, reference.coef_, atol=1e-8)
    np.testing.assert_allclose(intercept, reference.intercept_, atol=1e-8)
    np.testing.assert_allclose(coef[0], coef[2], atol=1e-8)  # the weight is shared between the two copies


def test_C_regularization_ridge_one_sample():
    coef, intercept = regularization.ridge_closed_form([[1.0, 2.0]], [3.0], alpha=0)
    np.testing.assert_array_equal(coef, [0.0, 0.0])  # nothing to learn from one point: the mean
    assert intercept == 3.0


def test_ridge_valid_input_unchanged():
    x, y = RNG.random((30, 3)), RNG.random(30)
    coef, _ = regularization.ridge_closed_form(x, y, 1.0)
    xc, yc = x - x.mean(0), y - y.mean()
    np.testing.assert_array_equal(coef, np.linalg.solve(xc.T @ xc + np.eye(3), xc.T @ yc))


# --------------------------------------------------------------------------- models
def test_C_models_build_running_example_too_many_weights():
    raises(
        lambda: models.build_running_example(input_shape=(30_000, 30_000, 1), hidden_units=4096),
        InvalidParameterError,
        r"input_shape x hidden_units gives .* weights, .* GB",
    )


# --------------------------------------------------------------------------- tuning (no training)
class Trial:
    def report(self, value, step):
        pass

    def should_prune(self):
        return False


ROWS = [{"lr": 0.1, "score": 0.5}, {"lr": 0.01, "score": 0.7}]

TUNING = [
    (
        "D-tuning-LearningRateRangeTest_steps_1e12",
        lambda: tuning.LearningRateRangeTest(steps=10**12),
        r"steps must be in \[2, 100000\]",
    ),
    ("D-tuning-best_so_far_all_nan", lambda: tuning.best_so_far([np.nan, np.nan]), r"scores must hold at least one"),
    (
        "D-tuning-search_rows_lengths",
        lambda: tuning.search_rows({"params": [{"a": 1}], "mean_test_score": [1, 2]}),
        r"mean_test_score'\] must hold one score per entry",
    ),
    ("C-tuning-search_rows_None", lambda: tuning.search_rows(None), r"cv_results must be a search's cv_results_"),
    ("C-tuning-format_table_digits_-1", lambda: tuning.format_table(ROWS, digits=-1), r"digits must be >= 0"),
    ("C-tuning-format_table_str", lambda: tuning.format_table("abc"), r"rows must be a list or tuple"),
    (
        "C-tuning-format_table_mixed_keys",
        lambda: tuning.format_table([{"a": 1}, {"b": 2}]),
        r"rows\[1\] must have the columns \['a'\]",
    ),
    (
        "C-tuning-PruningCallback_trial_None",
        lambda: tuning.PruningCallback(None, X8[:4], Y8[:4]),
        r"trial must be an Optuna trial",
    ),
    (
        "C-tuning-PruningCallback_length_mismatch",
        lambda: tuning.PruningCallback(Trial(), X8[:4], Y8[:3]),
        r"y_val must hold one label per sample \(4\)",
    ),
    ("B-tuning-best_so_far_str", lambda: tuning.best_so_far("abc"), r"scores must be"),
    (
        "B-tuning-search_rows_str_score",
        lambda: tuning.search_rows({"params": [{"a": 1}], "mean_test_score": ["abc"]}),
        r"mean_test_score'\] must be",
    ),
    ("B-tuning-format_table_sort_by", lambda: tuning.format_table(ROWS, sort_by="b"), r"sort_by must be one of"),
]


@pytest.mark.parametrize("call, match", [pytest.param(c, m, id=i) for i, c, m in TUNING])
def test_tuning_rows(call, match):
    raises(call, InvalidParameterError, match)


def test_C_tuning_format_table_none_sorts_like_nan():
    table = tuning.format_table([{"a": None}, {"a": 0.5}], sort_by="a")
    assert table.splitlines()[2].strip() == "0.5" and table.splitlines()[3].strip() == "None"


def test_tuning_valid_tables_and_curves_unchanged():
    assert tuning.format_table(ROWS, sort_by="score") == "  lr  score\n----  -----\n0.01    0.7\n 0.1    0.5"
    np.testing.assert_array_equal(tuning.best_so_far([np.nan, 0.5, 0.2, 0.9]), [-np.inf, 0.5, 0.5, 0.9])
    np.testing.assert_array_equal(tuning.best_so_far([1, None, 3]), [1, 1, 3])
    assert tuning.format_table(ROWS, digits=10**5)  # accepted (an OK probe)


def test_C_tuning_PruningCallback_wrong_input_shape():
    callback = tuning.PruningCallback(Trial(), X8[:4].reshape(4, 64), Y8[:4])
    raises(
        lambda: callback.set_model(models.build_running_example()),
        InvalidParameterError,
        r"x_val must have the model's input shape \(n, 8, 8, 1\), got \(4, 64\)",
    )


def test_C_tuning_suggestion_when_every_loss_is_nan():
    test = tuning.LearningRateRangeTest(steps=10)
    test.learning_rates, test.losses, test.raw_losses = [1e-4] * 5, [np.nan] * 5, [np.nan] * 5
    raises(test.suggestion, RuntimeError, r"recorded 0 finite loss\(es\) out of 5 batches.*lower min_lr")


def test_B_tuning_suggestion_after_an_early_divergence_says_so():
    test = tuning.LearningRateRangeTest(steps=10)
    test.learning_rates, test.losses, test.raw_losses, test.diverged = [1e-4], [np.nan], [np.nan], True
    raises(test.suggestion, RuntimeError, r"diverged after 1 batch\(es\).*lower min_lr, and check that the inputs")


LR_RANGE = [
    ("E-tuning-lr_range_test_steps_1e9", dict(x=X8, y=Y8, steps=10**9), r"steps must be in \[2, 100000\]"),
    ("D-tuning-lr_range_test_float_labels", dict(x=X8, y=np.full(40, 0.5)), r"y must be integers"),
    ("C-tuning-lr_range_test_labels_0_19", dict(x=X8, y=np.arange(40) % 20), r"y must be .*in \[0, 9\]"),
    ("C-tuning-lr_range_test_string_labels", dict(x=X8, y=np.array(["a"] * 40)), r"y must be integers"),
    ("C-tuning-lr_range_test_None", dict(x=None, y=None), r"x must be an array of numbers, got None"),
    ("B-tuning-lr_range_test_x_1d", dict(x=np.zeros(40), y=Y8), r"x must hold one input per row"),
    (
        "B-tuning-lr_range_test_batch_size",
        dict(x=X8, y=Y8, batch_size=1000),
        r"batch_size must be <= the number of "
        r"samples \(40\), got 1000",
    ),
    ("B-tuning-lr_range_test_nan_x", dict(x=NAN8, y=Y8), r"x must not contain NaN"),
    ("B-tuning-lr_range_test_str", dict(x="abc", y=[0]), r"x must be an array of numbers, got 'abc'"),
]


@pytest.mark.parametrize("kwargs, match", [pytest.param(k, m, id=i) for i, k, m in LR_RANGE])
def test_lr_range_test_rows(kwargs, match):
    raises(lambda: tuning.lr_range_test(**kwargs), InvalidParameterError, match)


@pytest.fixture(scope="module")
def classifier():
    return tuning.RunningExampleClassifier(epochs=1, hidden_units=4).fit(X8, Y8)


def test_B_tuning_classifier_fit_1d():
    raises(
        lambda: tuning.RunningExampleClassifier().fit(np.zeros(4), np.array([0, 1, 0, 1])),
        InvalidParameterError,
        r"X must hold one input per row",
    )


def test_C_tuning_classifier_callbacks_str():
    raises(
        lambda: tuning.RunningExampleClassifier(epochs=1).fit(X8, Y8, callbacks="x"),
        InvalidParameterError,
        r"callbacks must be a list of keras.callbacks.Callback",
    )


@pytest.mark.parametrize("shape", [(5, 64), (5, 16, 16, 1)], ids=["C-tuning-predict_flat", "C-tuning-predict_16x16"])
def test_C_tuning_classifier_predict_other_shape(classifier, shape):
    raises(
        lambda: classifier.predict(np.zeros(shape)),
        InvalidParameterError,
        r"X must have the shape the model was fitted on, \(n_samples, 8, 8, 1\)",
    )
    assert classifier.predict(X8[:3]).shape == (3,)


# --------------------------------------------------------------------------- trends
@pytest.fixture(scope="module")
def model():
    return models.build_running_example(hidden_units=4)


@pytest.fixture(scope="module")
def lite(model):
    return trends.LiteModel(trends.quantize(model, mode="float32"))


def test_D_trends_integrated_gradients_nan(model):
    raises(lambda: trends.integrated_gradients(model, NAN8[0]), InvalidParameterError, r"x must not contain NaN")


def test_D_trends_dp_sgd_train_nan():
    raises(
        lambda: trends.dp_sgd_train(NAN8, Y8, batch_size=8, epochs=1), InvalidParameterError, r"x must not contain NaN"
    )


def test_D_trends_pretrain_autoencoder_0_255():
    raises(
        lambda: trends.pretrain_autoencoder(X8 * 255, epochs=2),
        InvalidParameterError,
        r"x must be pixel values in \[0, 1\].*x / 255",
    )


def test_D_trends_pretrain_autoencoder_nan():
    raises(lambda: trends.pretrain_autoencoder(NAN8, epochs=1), InvalidParameterError, r"x must not contain NaN")


def test_D_trends_quantize_int8_nan_calibration(model):
    raises(
        lambda: trends.quantize(model, representative=NAN8, mode="int8"),
        InvalidParameterError,
        r"representative must not contain NaN",
    )


def test_D_trends_dp_sgd_step_gradient_negative_clip(model):
    raises(
        lambda: trends.dp_sgd_step_gradient(model, X8[:4], Y8[:4], l2_norm_clip=-1, noise_multiplier=1.0, noise_seed=0),
        InvalidParameterError,
        r"l2_norm_clip must be > 0",
    )


def test_D_trends_dp_sgd_step_gradient_is_public():
    assert "dp_sgd_step_gradient" in trends.__all__


def test_C_trends_dp_sgd_step_gradient_int_seed(model):
    import tensorflow as tf

    gradients, loss = trends.dp_sgd_step_gradient(model, X8[:4], Y8[:4], 1.0, 1.0, noise_seed=0)
    again, _ = trends.dp_sgd_step_gradient(
        model, tf.constant(X8[:4]), tf.constant(Y8[:4]), 1.0, 1.0, noise_seed=tf.constant([0, 0], tf.int64)
    )
    assert len(gradients) == len(model.trainable_variables) and np.isfinite(float(loss))
    for a, b in zip(gradients, again):  # an int seed s is the pair (s, 0)
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_C_trends_dp_sgd_train_labels_0_19():
    raises(
        lambda: trends.dp_sgd_train(X8, np.arange(40) % 20, batch_size=8, epochs=1),
        InvalidParameterError,
        r"y must be .*in \[0, 9\]",
    )


TRENDS_MODEL = [
    (
        "C-trends-saliency_wrong_shape",
        lambda m: trends.saliency(m, np.zeros((2, 64))),
        r"x must be a batch of inputs of shape \(n, 8, 8, 1\)",
    ),
    ("C-trends-saliency_target_10", lambda m: trends.saliency(m, X8[:2], target=10), r"target must be .*in \[0, 9\]"),
    ("C-trends-saliency_target_-1", lambda m: trends.saliency(m, X8[:2], target=-1), r"target must be .*in \[0, 9\]"),
    (
        "C-trends-saliency_3_targets_2_inputs",
        lambda m: trends.saliency(m, X8[:2], target=[0, 1, 2]),
        r"target must hold one label per sample \(2\), got 3",
    ),
    ("C-trends-saliency_target_1.7", lambda m: trends.saliency(m, X8[:2], target=1.7), r"target must be integers"),
    ("C-trends-saliency_not_a_model", lambda m: trends.saliency("not a model", X8[:2]), r"model must be a Keras model"),
    (
        "C-trends-integrated_gradients_target_10",
        lambda m: trends.integrated_gradients(m, X8[0], target=10),
        r"target must be in \[0, 9\], got 10",
    ),
    (
        "C-trends-quantize_not_a_model",
        lambda m: trends.quantize("not a model", mode="float32"),
        r"model must be a Keras model",
    ),
    ("C-trends-encode_not_a_model", lambda m: trends.encode("not a model", X8), r"encoder must be a Keras model"),
    (
        "B-trends-quantize_representative_wrong_size",
        lambda m: trends.quantize(m, representative=np.zeros((4, 10))),
        r"representative must be a batch of inputs of shape \(n, 8, 8, 1\)",
    ),
    ("B-trends-LiteModel_garbage", lambda m: trends.LiteModel(b"garbage"), r"flatbuffer must be the bytes returned"),
    ("B-trends-LiteModel_zeros", lambda m: trends.LiteModel(b"\x00" * 10**6), r"flatbuffer must be the bytes returned"),
]


@pytest.mark.parametrize("call, match", [pytest.param(c, m, id=i) for i, c, m in TRENDS_MODEL])
def test_trends_model_rows(model, call, match):
    raises(lambda: call(model), InvalidParameterError, match)


LITE = [
    ("C-trends-LiteModel_latency_empty", lambda lite: lite.latency([], repeats=5), r"x must not be empty"),
    (
        "B-trends-LiteModel_predict_2x64",
        lambda lite: lite.predict(np.zeros((2, 64))),
        r"x must be a batch of inputs of shape \(n, 8, 8, 1\)",
    ),
    ("B-trends-LiteModel_predict_empty", lambda lite: lite.predict([]), r"x must not be empty"),
    (
        "B-trends-LiteModel_latency_no_batch_axis",
        lambda lite: lite.latency(X8[0]),
        r"x must be a batch of inputs of shape \(n, 8, 8, 1\) for this model, got shape \(8, 8, 1\)",
    ),
]


@pytest.mark.parametrize("call, match", [pytest.param(c, m, id=i) for i, c, m in LITE])
def test_lite_model_rows(lite, call, match):
    raises(lambda: call(lite), InvalidParameterError, match)


def test_lite_model_valid_input(lite, model):
    np.testing.assert_allclose(lite.predict(X8[:3]), model(X8[:3]).numpy(), atol=1e-4)
    assert lite.latency(X8[:2], repeats=2) > 0


@pytest.mark.filterwarnings("ignore:.*tf.lite.Interpreter is deprecated")
def test_quantize_int8_really_holds_int8_tensors(model):
    import tensorflow as tf

    flatbuffer = trends.quantize(model, representative=X8, mode="int8")
    details = tf.lite.Interpreter(model_content=flatbuffer).get_tensor_details()
    assert any(d["dtype"] == np.int8 for d in details)


def test_quantize_int8_refuses_a_float_fallback(model, monkeypatch):
    import tensorflow as tf

    float_model = trends.quantize(model, mode="float32")

    class FloatFallback:  # a converter that ignores the int8 request, as one given NaN calibration did
        target_spec = type("Spec", (), {})()

        def convert(self):
            return float_model

    monkeypatch.setattr(tf.lite.TFLiteConverter, "from_keras_model", lambda model: FloatFallback())
    raises(
        lambda: trends.quantize(model, representative=X8, mode="int8"),
        RuntimeError,
        r"the int8 conversion produced a model without int8 tensors",
    )


# --------------------------------------------------------------------------- parallel
FAKE_JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16

PARALLEL = [
    ("D-parallel-strategy_verbose_quiet", lambda: parallel.strategy(verbose="quiet"), r"verbose must be True or False"),
    (
        "C-parallel-Throughput_zero_seconds",
        lambda: str(parallel.Throughput("x", 1, (0.0,))),
        r"seconds\[0\] must be > 0, got 0.0",
    ),
    (
        "C-parallel-Throughput_no_timings",
        lambda: str(parallel.Throughput("x", 1, ())),
        r"seconds must be a list or tuple",
    ),
    ("C-parallel-report_str", lambda: parallel.report(["a"]), r"results\[0\] must be a Throughput"),
    (
        "C-parallel-report_zero_seconds",
        lambda: parallel.report([parallel.Throughput("a", 1, (1.0,)), parallel.Throughput("b", 10, (0.0,))]),
        r"seconds\[0\] must be > 0",
    ),
    (
        "C-parallel-plot_throughputs_ints",
        lambda: parallel.plot_throughputs([1, 2]),
        r"results\[0\] must be a Throughput",
    ),
    ("C-parallel-photo_pipeline_None", lambda: parallel.photo_pipeline(None), r"files must be a non-empty sequence"),
    (
        "C-parallel-photo_pipeline_not_a_jpeg",
        lambda: parallel.photo_pipeline([b"not a jpeg"]),
        r"files\[0\] must be the bytes of an encoded image",
    ),
    (
        "C-parallel-photo_pipeline_ints",
        lambda: parallel.photo_pipeline([1, 2, 3]),
        r"files\[0\] must be the bytes of an encoded image",
    ),
    ("C-parallel-thread_scaling_int", lambda: parallel.thread_scaling(threads=4), r"threads must be a list or tuple"),
    (
        "C-parallel-train_replicated_str",
        lambda: parallel.train_replicated(distribution="mirrored"),
        r"distribution must be a tf.distribute strategy",
    ),
    (
        "C-parallel-make_tf_config_int_ports",
        lambda: parallel.make_tf_config(2, ports=5000),
        r"ports must be a list or tuple",
    ),
    (
        "B-parallel-compare_pipelines_modes_str",
        lambda: parallel.compare_pipelines([FAKE_JPEG], modes="serial"),
        r"modes must be a list or tuple",
    ),
]


@pytest.mark.parametrize("call, match", [pytest.param(c, m, id=i) for i, c, m in PARALLEL])
def test_parallel_rows(call, match):
    raises(call, InvalidParameterError, match)


def test_C_parallel_amdahl_huge_workers():
    assert parallel.amdahl_speedup(1, 10**30) == pytest.approx(1e30)
    assert parallel.amdahl_speedup(0.5, 10**30) == pytest.approx(2.0)


def test_B_parallel_thread_scaling_timeout_is_a_clear_error():
    raises(
        lambda: parallel.thread_scaling(threads=(1,), size=16, repeats=1, timeout=1),
        RuntimeError,
        r"did not finish within timeout=1 s",
    )


# --------------------------------------------------------------------------- references
@pytest.fixture()
def bib_files(tmp_path):
    empty = tmp_path / "empty.bib"
    empty.write_text("")
    broken = tmp_path / "broken.bib"
    broken.write_text("@article{a,\n")
    return empty, broken


def test_D_references_render_empty_bib(bib_files):
    raises(
        lambda: references.render(path=bib_files[0]),
        InvalidParameterError,
        r"path must be a BibTeX file with at "
        r"least one entry",
    )


REFERENCES = [
    ("D-references-load_README", lambda: references.load(ROOT / "README.md"), r"path must be a BibTeX file"),
    ("C-references-render_keys_5", lambda: references.render(keys=5), r"keys must be a list or tuple"),
    (
        "C-references-cited_keys_str",
        lambda: references.cited_keys(str(ROOT / "notebooks/00_background.ipynb")),
        r"notebook_paths must be a list or tuple",
    ),
    (
        "C-references-cited_keys_README",
        lambda: references.cited_keys([ROOT / "README.md"]),
        r"notebook_paths\[0\] must be a Jupyter notebook",
    ),
    ("C-references-cited_keys_None", lambda: references.cited_keys(None), r"notebook_paths must be a list or tuple"),
    ("B-references-load_None", lambda: references.load(None), r"path must be an existing .bib file, got None"),
    ("B-references-render_keys_str", lambda: references.render(keys="goyal2017"), r"keys must be a list or tuple"),
    (
        "B-references-cited_keys_missing",
        lambda: references.cited_keys(["nonexistent.ipynb"]),
        r"notebook_paths\[0\] must be an existing file",
    ),
]


@pytest.mark.parametrize("call, match", [pytest.param(c, m, id=i) for i, c, m in REFERENCES])
def test_references_rows(call, match):
    raises(call, InvalidParameterError, match)


def test_B_references_load_malformed(bib_files):
    raises(lambda: references.load(bib_files[1]), InvalidParameterError, r"path must be a BibTeX file that parses")


# --------------------------------------------------------------------------- plotting
def _surface():
    from dlopt_helpers import optim

    return optim.get_surface("quadratic")


PLOTTING = [
    ("D-plotting-new_figure_1e6", lambda: plotting.new_figure(figsize=(1e6, 1e6)), r"figsize\[0\] must be in \(0, 100"),
    (
        "D-plotting-show_images_0_255_floats",
        lambda: plotting.show_images(RNG.random((2, 8, 8)) * 255),
        r"images must be floats in \[0, 1\].*divide by 255",
    ),
    (
        "C-plotting-show_images_size_big",
        lambda: plotting.show_images(np.zeros((2, 8, 8)), size="big"),
        r"size must be a real number",
    ),
    (
        "C-plotting-plot_history_lengths",
        lambda: plotting.plot_history({"loss": [1, 2], "val_loss": [1]}),
        r"history\['val_loss'\] must have one value per epoch",
    ),
    ("C-plotting-plot_history_str", lambda: plotting.plot_history({"loss": "abc"}), r"history\['loss'\] must be"),
    (
        "C-plotting-plot_trajectories_list_value",
        lambda: plotting.plot_trajectories(_surface(), {"a": [[0, 0], [1, 1], [2]]}),
        r"trajectories\['a'\] must be",
    ),
    (
        "C-plotting-plot_trajectories_None",
        lambda: plotting.plot_trajectories(_surface(), None),
        r"trajectories must be a mapping",
    ),
    (
        "C-plotting-plot_trajectories_1d",
        lambda: plotting.plot_trajectories(_surface(), {"a": np.zeros(3)}),
        r"trajectories\['a'\] must be an array of numbers of shape \(any, 2\)",
    ),
    (
        "C-plotting-plot_trajectories_list",
        lambda: plotting.plot_trajectories(_surface(), [np.zeros((3, 2))]),
        r"trajectories must be a mapping",
    ),
    ("B-plotting-new_figure_negative", lambda: plotting.new_figure(figsize=(-1, 2)), r"figsize\[0\] must be in"),
    (
        "B-plotting-new_figure_big",
        lambda: plotting.new_figure(figsize="big"),
        r"figsize must be a list or tuple of length 2",
    ),
    (
        "B-plotting-new_figure_layout",
        lambda: plotting.new_figure(layout="bogus"),
        r"layout must be one of 'constrained'",
    ),
    (
        "B-plotting-show_images_2_channels",
        lambda: plotting.show_images(np.zeros((2, 8, 8, 2))),
        r"images must have 1, 3 \(RGB\) or 4 \(RGBA\) channels",
    ),
    (
        "B-plotting-show_images_10000",
        lambda: plotting.show_images(np.zeros((10**4, 8, 8))),
        r"images must hold at most 20 rows of ncols=10 images \(200\), got 10000",
    ),
]


@pytest.mark.parametrize("call, match", [pytest.param(c, m, id=i) for i, c, m in PLOTTING])
def test_plotting_rows(call, match):
    raises(call, InvalidParameterError, match)


def test_C_plotting_plot_trajectories_list_of_points_is_accepted():
    figure = plotting.plot_trajectories(_surface(), {"a": [[0, 0], [1, 1]]})
    assert figure.axes[0].lines[0].get_xdata().tolist() == [0, 1]


# --------------------------------------------------------------------------- exercises
class BadRepr:
    def __repr__(self):
        raise RuntimeError("repr boom")


def test_D_exercises_check_truncates_a_10_MB_answer():
    result = exercises.check("01.gd_step", "x" * 10**7)
    assert result.correct is False and len(result.message) < 1000 and "10,000,002 characters" in result.message


def test_C_exercises_check_guards_repr():
    result = exercises.check("01.gd_step", BadRepr())
    assert result.correct is False and "<BadRepr object>" in result.message


EXERCISES = [
    (
        "D-exercises-register_None",
        lambda: exercises.register(None, None, None, None)(lambda: 1),
        r"exercise_id must be a non-empty string, got None",
    ),
    ("C-exercises-check_list_id", lambda: exercises.check(["01.gd_step"], 0.6), r"exercise_id must be one of"),
    (
        "C-exercises-register_non_callable_expected",
        lambda: exercises.register("zz.bad", "zz", "q?", "h")(5),
        r"register\(...\) must decorate a function",
    ),
    (
        "C-exercises-register_non_callable_compare",
        lambda: exercises.register("zz.bad", "zz", "q?", "h", compare=5),
        r"compare must be callable",
    ),
]


@pytest.mark.parametrize("call, match", [pytest.param(c, m, id=i) for i, c, m in EXERCISES])
def test_exercises_rows(call, match):
    raises(call, InvalidParameterError, match)
    assert "zz.bad" not in exercises.EXERCISES and None not in exercises.EXERCISES


def test_C_exercises_check_unknown_after_bad_register():
    with pytest.raises(InvalidParameterError):
        exercises.register(None, None, None, None)
    raises(lambda: exercises.check("nonexistent", 1), InvalidParameterError, r"exercise_id must be one of \[")


# --------------------------------------------------------------------------- nothing lost
def test_a_learners_files_survive_the_core_helpers(tmp_path, monkeypatch, model):
    """These helpers read, or write only in their own temporary folders: a learner's files stay as they were."""
    monkeypatch.chdir(tmp_path)
    notes = tmp_path / "my_notes.txt"
    notes.write_text("mine")
    (tmp_path / "notebooks").mkdir()
    kept = tmp_path / "notebooks" / "draft.ipynb"
    kept.write_text("{}")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    trends.LiteModel(trends.quantize(model, mode="float32")).predict(X8[:2])
    references.render(keys=["goyal2017"])
    for call in (
        lambda: references.cited_keys([kept]),
        lambda: references.load(notes),
        lambda: plotting.show_images(X8[:2] * 255),
    ):
        with pytest.raises(InvalidParameterError):
            call()
    exercises.check("01.gd_step", "x" * 1000)
    assert notes.read_text() == "mine" and kept.read_text() == "{}"
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
