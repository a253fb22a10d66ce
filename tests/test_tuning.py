"""dlopt_helpers.tuning and widgets.SearchExplorer: the range test's schedule and losses, the scikit-learn
wrapper inside GridSearchCV / RandomizedSearchCV (reproducible), Optuna pruning, tables, and bad input."""

import keras
import numpy as np
import optuna
import pytest
import tensorflow as tf
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, PredefinedSplit, RandomizedSearchCV

import dlopt_helpers as dh
from dlopt_helpers.tuning import (
    LearningRateRangeTest,
    PruningCallback,
    RunningExampleClassifier,
    best_so_far,
    format_table,
    lr_range_test,
    search_rows,
)

DIGITS = dh.data.load_digits_images(seed=0)
X, Y = DIGITS.x_train[:320], DIGITS.y_train[:320]
XV, YV = DIGITS.x_val, DIGITS.y_val


def test_range_test_schedule_is_exponential_and_reaches_the_optimizer():
    test = lr_range_test(X, Y, min_lr=1e-3, max_lr=1.0, steps=12, batch_size=32)
    assert len(test.learning_rates) == 12 and not test.diverged
    np.testing.assert_allclose(test.learning_rates, 1e-3 * 1000 ** (np.arange(12) / 11), rtol=1e-12)
    assert test.rate(0) == pytest.approx(1e-3) and test.rate(11) == pytest.approx(1.0)
    assert test.model.optimizer.learning_rate.numpy() == pytest.approx(test.rate(11), rel=1e-6)


def test_range_test_records_each_batch_loss_not_the_running_mean():
    """With a negligible learning rate the weights stay put, so batch i's loss is the initial model's loss on it."""
    model = dh.models.build_running_example(seed=0)
    model.compile(
        optimizer=keras.optimizers.SGD(1e-12), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    initial = model(X, training=False)
    per_example = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)(Y, initial).numpy()
    expected = per_example[: 9 * 32].reshape(9, 32).mean(axis=1)
    test = LearningRateRangeTest(min_lr=1e-12, max_lr=2e-12, steps=9, smoothing=0.0)
    model.fit(
        tf.data.Dataset.from_tensor_slices((X, Y)).batch(32), epochs=1, verbose=0, shuffle=False, callbacks=[test]
    )
    np.testing.assert_allclose(test.raw_losses, expected, rtol=1e-4)
    np.testing.assert_allclose(test.losses, expected, rtol=1e-4)  # smoothing 0: nothing averaged


def test_range_test_smoothing_is_bias_corrected_and_divergence_stops_it():
    test = lr_range_test(X, Y, min_lr=1e-2, max_lr=1e4, steps=60, batch_size=32)
    assert test.diverged and len(test.losses) < 60  # rates of thousands blow the loss up
    raw = np.array(test.raw_losses)
    average, smoothed = 0.0, []
    for i, value in enumerate(raw):
        average = 0.9 * average + 0.1 * value
        smoothed.append(average / (1 - 0.9 ** (i + 1)))
    np.testing.assert_allclose(test.losses, smoothed, rtol=1e-9)
    assert test.losses[0] == pytest.approx(raw[0])  # the correction removes the start-up bias
    steepest, safe = test.suggestion(), test.suggestion("minimum/10")
    assert 1e-2 <= steepest <= 1e4 and 1e-3 <= safe <= 1e3


def test_wrapper_is_a_proper_sklearn_estimator_and_reproducible():
    model = RunningExampleClassifier(epochs=3, learning_rate=0.3)
    assert clone(model).get_params() == model.get_params()
    first = model.fit(X, Y).predict_proba(XV)
    again = clone(model).fit(X, Y).predict_proba(XV)
    np.testing.assert_array_equal(first, again)  # fit seeds Keras: the same trial gives the same model
    np.testing.assert_allclose(first.sum(axis=1), 1.0, rtol=1e-6)
    assert model.score(XV, YV) == pytest.approx(np.mean(model.predict(XV) == YV))
    assert model.score(XV, YV) > 0.5 and not model.diverged_
    keras_logits = model.model_(XV, training=False).numpy()
    np.testing.assert_allclose(first, keras.ops.softmax(keras_logits).numpy(), rtol=1e-5, atol=1e-7)


def test_wrapper_keeps_label_values_and_reports_divergence():
    labels = np.where(Y % 2 == 0, "even", "odd")
    model = RunningExampleClassifier(epochs=2).fit(X, labels)
    assert set(model.predict(XV)) <= {"even", "odd"} and list(model.classes_) == ["even", "odd"]
    wild = RunningExampleClassifier(epochs=2, learning_rate=1e6).fit(X, Y)
    assert wild.diverged_ and wild.predict(XV).shape == YV.shape


@pytest.mark.slow
def test_grid_and_random_search_run_on_the_wrapper_and_repeat():
    xs, ys = np.concatenate([X, XV]), np.concatenate([Y, YV])
    holdout = PredefinedSplit(np.r_[np.full(len(X), -1), np.zeros(len(XV))])
    grid = {"learning_rate": [0.01, 0.5], "l2": [0.0, 1e-3]}
    one = GridSearchCV(RunningExampleClassifier(epochs=2), grid, cv=holdout, refit=False).fit(xs, ys)
    two = GridSearchCV(RunningExampleClassifier(epochs=2), grid, cv=holdout, refit=False).fit(xs, ys)
    np.testing.assert_array_equal(one.cv_results_["mean_test_score"], two.cv_results_["mean_test_score"])
    rows = search_rows(one.cv_results_)
    assert len(rows) == 4 and set(rows[0]) == {"learning_rate", "l2", "score"}
    assert one.best_params_["learning_rate"] == 0.5  # 2 epochs at 0.01 barely move
    random = RandomizedSearchCV(
        RunningExampleClassifier(epochs=2),
        {"learning_rate": loguniform(1e-2, 1.0)},
        n_iter=3,
        cv=holdout,
        refit=False,
        random_state=0,
    ).fit(xs, ys)
    assert len(search_rows(random.cv_results_)) == 3


def test_pruning_callback_reports_every_epoch_and_stops_a_pruned_trial():
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=0),
        pruner=optuna.pruners.ThresholdPruner(lower=0.99, n_warmup_steps=1),
    )
    trial = study.ask()
    callback = PruningCallback(trial, XV, YV)
    RunningExampleClassifier(epochs=6, learning_rate=0.001).fit(X, Y, callbacks=[callback])
    assert callback.pruned and len(callback.accuracies) == 2  # epoch 0 is warm-up, epoch 1 falls below 0.99
    assert trial.storage.get_trial(trial._trial_id).intermediate_values == dict(enumerate(callback.accuracies))


def test_best_so_far_and_format_table():
    np.testing.assert_array_equal(best_so_far([0.5, np.nan, 0.4, 0.7, 0.6]), [0.5, 0.5, 0.5, 0.7, 0.7])
    rows = [
        {"lr": 0.1, "l2": 0.0, "score": 0.9},
        {"lr": 1.0, "l2": 1e-4, "score": 0.95},
        {"lr": 3.0, "l2": 0.0, "score": 0.1},
    ]
    table = format_table(rows, sort_by="score", limit=2).splitlines()
    assert table[0].split() == ["lr", "l2", "score"] and table[2].split() == ["1", "0.0001", "0.95"]
    assert len(table) == 4 and table[3].split() == ["0.1", "0", "0.9"]


def test_search_explorer_heat_map_cells_and_status():
    rows = [
        {"lr": lr, "l2": l2, "width": w, "score": lr * 10 + l2 * 100 + w}
        for lr in (0.01, 0.1)
        for l2 in (0.0, 0.001, 0.01)
        for w in (1, 2)
    ]
    explorer = dh.widgets.SearchExplorer(rows, x="lr", y="l2")
    grid, counts = explorer.table("lr", "l2", "best")
    assert grid.shape == (3, 2) and (counts == 2).all()
    assert grid[2, 1] == pytest.approx(0.1 * 10 + 0.01 * 100 + 2)  # best over the widths
    assert explorer.status_message() == "12 trials; best score 4.0000: one trial at lr 0.1, l2 0.01"
    explorer.controls["reduce"].value = "mean"
    np.testing.assert_allclose(explorer.state[0], [0.01 * 10 + 1.5, 0.1 * 10 + 1.5])
    # the status line follows the toggle: the best cell's mean over the widths, not the best trial
    assert explorer.status_message() == "12 trials; best mean score 3.5000: the 2 trials at lr 0.1, l2 0.01"
    explorer.controls["y"].value = "lr"
    assert "two different" in explorer.status_message()
    explorer.controls["y"].value = "width"
    assert explorer.state.shape == (2, 2)


def test_search_explorer_bins_continuous_values_on_a_log_scale():
    rng = np.random.default_rng(0)
    rows = [
        {"lr": float(10 ** rng.uniform(-3, 0)), "width": int(rng.choice([16, 64])), "score": float(rng.random())}
        for _ in range(40)
    ]
    explorer = dh.widgets.SearchExplorer(rows, bins=3)
    assert explorer.labels["lr"] == ["0.001–0.01", "0.01–0.1", "0.1–1"]  # whole decades: 3 bins over 3 decades
    assert explorer.labels["width"] == ["16", "64"]
    assert explorer.table("lr", "width", "best")[1].sum() == 40  # every trial in exactly one cell
    assert dh.widgets.SearchExplorer(rows, bins=6).labels["lr"][:2] == ["0.001–0.0032", "0.0032–0.01"]


def test_search_explorer_gives_zero_l2_its_own_bin_and_shows_the_l2_dependence():
    # grid values (0, 1e-4, 1e-2) mixed with log-uniform draws: a linear bin [0, 0.02] would hold nearly all
    rng = np.random.default_rng(0)
    l2 = [0.0, 1e-4, 1e-2] * 4 + list(10 ** rng.uniform(-6, -1, 48))
    rows = [{"lr": 0.1 * (1 + i % 2), "l2": value, "score": 1.0 - 5 * value} for i, value in enumerate(l2)]
    explorer = dh.widgets.SearchExplorer(rows, x="lr", y="l2", bins=6)
    assert explorer.labels["l2"] == ["0", "1e-06–1e-05", "1e-05–0.0001", "0.0001–0.001", "0.001–0.01", "0.01–0.1"]
    grid, counts = explorer.table("lr", "l2", "mean")
    assert counts[0].sum() == 4 and counts.sum() == len(rows)  # the four zeros, alone in their row
    means = np.nanmean(grid, axis=1)
    assert means[0] == 1.0 and np.all(np.diff(means[1:]) < 0)  # the score falls with l2, bin by bin
    # fewer bins: wider steps (here 3 decades), still at most `bins` columns with the zero
    assert dh.widgets.SearchExplorer(rows, bins=3).labels["l2"] == ["0", "1e-06–0.001", "0.001–1"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: LearningRateRangeTest(min_lr=1.0, max_lr=1.0), "min_lr must be < max_lr"),
        (lambda: LearningRateRangeTest(min_lr=0.0), "min_lr must be > 0"),
        (lambda: LearningRateRangeTest(steps=1), r"steps must be in \[2, 100000\], got 1"),
        (lambda: LearningRateRangeTest(steps=0), r"steps must be in \[2, 100000\], got 0"),
        (lambda: LearningRateRangeTest(smoothing=1.0), r"smoothing must be in \[0, 1\)"),
        (lambda: LearningRateRangeTest(stop_factor=1.0), "stop_factor must be > 1"),
        (lambda: LearningRateRangeTest().suggestion(), "fewer than 3 batches"),
        (lambda: LearningRateRangeTest().suggestion("middle"), "method must be one of"),
        (lambda: lr_range_test(X, Y[:10]), r"same number \(>= 1\) of samples, got 320 and 10"),
        (lambda: lr_range_test(X, Y, optimizer="lbfgs"), "optimizer must be one of"),
        (lambda: RunningExampleClassifier(learning_rate=-1).fit(X, Y), "learning_rate must be > 0"),
        (lambda: RunningExampleClassifier(epochs=0).fit(X, Y), r"epochs must be in \[1, 100000\], got 0"),
        (lambda: RunningExampleClassifier().fit(X, np.zeros(len(X))), "at least 2 classes"),
        (lambda: RunningExampleClassifier().fit(X[:0], Y[:0]), "non-zero number of samples"),
        (lambda: best_so_far([]), "non-empty 1-D"),
        (lambda: search_rows({}), "cv_results_"),
        (lambda: format_table([]), "at least one row"),
        (lambda: format_table([{"a": 1}], sort_by="b"), "unknown"),
        (lambda: dh.widgets.SearchExplorer([]), "non-empty list of dicts"),
        (lambda: dh.widgets.SearchExplorer([{"a": 1, "score": 1}, {"a": 2, "score": 2}]), "at least two"),
        (
            lambda: dh.widgets.SearchExplorer([{"a": 1, "b": 1, "score": 1}, {"a": 2, "b": 2, "score": 2}], x="c"),
            "x must be one of",
        ),
        (
            lambda: dh.widgets.SearchExplorer([{"a": 1, "b": 1, "score": 1}, {"a": 2, "b": 2, "score": 2}], bins=1),
            r"bins must be in \[2, 12\]",
        ),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_exercises_registered_for_the_chapter():
    assert len(dh.exercises.exercises_for("07_hyperparameter_tuning")) >= 3
