"""dlopt_helpers.optim schedules: 1cycle (scratch = formula landmarks = ``OneCycle``), warm-up + cosine = Keras'
``CosineDecay`` at every step, ``plateau_schedule`` = ``keras.callbacks.ReduceLROnPlateau`` epoch by epoch."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlopt_helpers import optim
from dlopt_helpers._validation import InvalidParameterError

CONFIGS = [
    {"max_lr": 0.1, "total_steps": 100},
    {"max_lr": 0.5, "total_steps": 37, "pct_start": 0.25, "div_factor": 10.0, "final_div_factor": 100.0},
    {"max_lr": 0.01, "total_steps": 1000, "pct_start": 0.45, "anneal": "linear"},
]


def _curve(**config):
    return np.array([optim.one_cycle(s, **config) for s in range(config["total_steps"])])


# ----------------------------------------------------------------------------- 1cycle: the formula's landmarks
@pytest.mark.parametrize("config", CONFIGS)
def test_one_cycle_landmarks(config):
    settings = {"pct_start": 0.3, "div_factor": 25.0, "final_div_factor": 1e4, **config}
    max_lr, total, pct = settings["max_lr"], settings["total_steps"], settings["pct_start"]
    initial = max_lr / settings["div_factor"]
    final = initial / settings["final_div_factor"]
    curve = _curve(**config)
    peak = pct * total - 1
    np.testing.assert_allclose(curve[0], initial, rtol=1e-12)
    np.testing.assert_allclose(curve[-1], final, rtol=1e-9)
    assert curve.max() <= max_lr * (1 + 1e-12)
    if float(peak).is_integer():  # the peak falls on a step: max_lr exactly there
        np.testing.assert_allclose(curve[int(peak)], max_lr, rtol=1e-12)
    assert int(np.argmax(curve)) in (int(np.floor(peak)), int(np.floor(peak)) + 1)  # the peak sits between steps
    rising, falling = np.diff(curve[: int(np.floor(peak)) + 1]), np.diff(curve[int(np.floor(peak)) + 1 :])
    assert np.all(rising > 0) and np.all(falling < 0)  # monotone on each phase
    assert optim.one_cycle(total - 1, **config) == optim.one_cycle(total + 50, **config)  # held after the end


def test_one_cycle_cosine_and_linear_shapes_at_the_midpoints():
    # 200 steps, pct_start 0.3: warm-up over steps 0..59, annealing over 59..199 (midpoints 29.5, 129)
    lr0, lr_max, lr_min = 0.1 / 25, 0.1, 0.1 / 25 / 1e4
    cos = dict(max_lr=0.1, total_steps=200)
    np.testing.assert_allclose(optim.one_cycle(129, **cos), (lr_max + lr_min) / 2, rtol=1e-12)
    quarter = lr_min + (lr_max - lr_min) * (1 + np.cos(np.pi / 4)) / 2  # cosine at a quarter of the annealing
    np.testing.assert_allclose(optim.one_cycle(94, **cos), quarter, rtol=1e-12)
    warm_quarter = lr_max + (lr0 - lr_max) * (1 + np.cos(np.pi * 14.75 / 59)) / 2
    np.testing.assert_allclose(optim.one_cycle(15, **cos) - warm_quarter, 0, atol=abs(warm_quarter) * 0.05)
    np.testing.assert_allclose(optim.one_cycle(15, **cos), lr_max + (lr0 - lr_max) * (1 + np.cos(np.pi * 15 / 59)) / 2)
    lin = dict(cos, anneal="linear")
    np.testing.assert_allclose(optim.one_cycle(129, **lin), (lr_max + lr_min) / 2, rtol=1e-12)
    np.testing.assert_allclose(optim.one_cycle(94, **lin), lr_max - (lr_max - lr_min) / 4, rtol=1e-12)
    assert optim.one_cycle(94, **cos) > optim.one_cycle(94, **lin)  # cosine lingers near the peak


def test_one_cycle_refuses_a_warm_up_of_one_step_or_less():
    with pytest.raises(InvalidParameterError, match=r"pct_start=0\.1 and total_steps=10"):
        optim.one_cycle(0, 0.1, 10, pct_start=0.1)
    with pytest.raises(InvalidParameterError, match="pct_start must be"):
        optim.one_cycle(0, 0.1, 10, pct_start=1.0)
    with pytest.raises(InvalidParameterError, match="anneal must be"):
        optim.OneCycle(0.1, 10, anneal="cosine")


# ----------------------------------------------------------------------------- 1cycle: OneCycle = one_cycle
@pytest.mark.parametrize("config", CONFIGS)
def test_keras_one_cycle_equals_scratch_at_every_step_in_and_out_of_tf_function(config):
    schedule = optim.OneCycle(**config)
    steps = np.arange(config["total_steps"] + 20)
    ours = np.array([optim.one_cycle(int(s), **config) for s in steps])
    eager = np.array([float(schedule(int(s))) for s in steps])
    traced = tf.function(lambda s: tf.map_fn(schedule, s, fn_output_signature=tf.float32))(tf.constant(steps))
    for theirs in (eager, traced.numpy()):
        np.testing.assert_allclose(theirs, ours, rtol=1e-6, atol=0)  # float32 rounding of a float64 computation


def test_one_cycle_drives_sgd_and_survives_serialization():
    schedule = optim.OneCycle(0.1, total_steps=30, pct_start=0.4, anneal="linear")
    copy = keras.optimizers.schedules.deserialize(keras.optimizers.schedules.serialize(schedule))
    assert isinstance(copy, optim.OneCycle) and copy.get_config() == schedule.get_config()
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    restored = keras.optimizers.SGD.from_config(optimizer.get_config())
    variable = tf.Variable([1.0, -2.0])
    for step in range(35):
        expected = optim.one_cycle(step, 0.1, 30, 0.4, anneal="linear")
        np.testing.assert_allclose(float(optimizer.learning_rate), expected, rtol=1e-6)
        np.testing.assert_allclose(float(restored.learning_rate), float(optimizer.learning_rate))
        variable.assign([0.0, 0.0])  # from 0, one SGD step with gradient 1 lands on -lr (no float32 cancellation)
        optimizer.apply_gradients([(tf.constant([1.0, 1.0]), variable)])
        np.testing.assert_allclose(-variable.numpy(), expected, rtol=1e-6)
        restored.iterations.assign(optimizer.iterations)


# ----------------------------------------------------------------------------- warm-up + cosine = Keras' CosineDecay
@pytest.mark.parametrize(
    ("initial", "decay_steps", "alpha", "warmup_target", "warmup_steps"),
    [(0.0, 100, 0.0, 0.1, 10), (0.02, 90, 0.1, 0.3, 25), (0.001, 7, 0.5, 0.01, 1)],
)
def test_keras_cosine_decay_with_warmup_is_cosine_decay_at_every_step(
    initial, decay_steps, alpha, warmup_target, warmup_steps
):
    keras_schedule = keras.optimizers.schedules.CosineDecay(
        initial, decay_steps, alpha=alpha, warmup_target=warmup_target, warmup_steps=warmup_steps
    )
    steps = np.arange(warmup_steps + decay_steps + 20)
    ours = [optim.cosine_decay(int(s), initial, decay_steps, alpha, warmup_target, warmup_steps) for s in steps]
    eager = [float(keras_schedule(int(s))) for s in steps]
    traced = tf.function(lambda s: tf.map_fn(keras_schedule, s, fn_output_signature=tf.float32))(tf.constant(steps))
    for theirs in (eager, traced.numpy()):  # Keras computes in float32: cos(π x) + 1 cancels near the end
        np.testing.assert_allclose(theirs, ours, rtol=1e-6, atol=1e-7 * warmup_target)


# ----------------------------------------------------------------------------- plateau_schedule = ReduceLROnPlateau
def _keras_plateau(values, initial, mode="min", **settings):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(initial), loss="mse")
    callback = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", mode=mode, **settings)
    callback.set_model(model)
    callback.on_train_begin()
    rates = []
    for epoch, value in enumerate(values):
        rates.append(float(model.optimizer.learning_rate))
        callback.on_epoch_end(epoch, logs={"val_loss": value})
    return np.array(rates)


_rng = np.random.default_rng(16)
_NOISY = (np.exp(-np.arange(60) / 12) + 0.05 * _rng.random(60)).tolist()
SEQUENCES = {
    "flat": [1.0] * 25,
    "improve-then-stall": [1.0, 0.8, 0.7, 0.69995, 0.7, 0.71, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6],
    "noisy-decay": _NOISY,
    "with-nan": [1.0, 0.9, float("nan"), 0.85, 0.9, 0.95, 0.8, 0.8, 0.8, 0.8],
}
SETTINGS = [
    {"factor": 0.5, "patience": 2, "min_delta": 1e-4, "cooldown": 0, "min_lr": 0.0},
    {"factor": 0.1, "patience": 1, "min_delta": 0.05, "cooldown": 2, "min_lr": 1e-4},
    {"factor": 0.3, "patience": 0, "min_delta": 0.0, "cooldown": 1, "min_lr": 0.002},
    {"factor": 0.5, "patience": 3, "min_delta": 1e-3, "cooldown": 3, "min_lr": 0.0},
]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: f"p{s['patience']}c{s['cooldown']}d{s['min_delta']}")
@pytest.mark.parametrize("name", SEQUENCES)
@pytest.mark.parametrize("mode", ["min", "max"])
def test_plateau_schedule_equals_keras_reduce_lr_on_plateau(name, settings, mode):
    values = SEQUENCES[name] if mode == "min" else [-v for v in SEQUENCES[name]]
    ours = optim.plateau_schedule(values, 0.1, mode=mode, **settings)
    theirs = _keras_plateau(values, 0.1, mode=mode, **settings)
    np.testing.assert_array_equal(ours, theirs)


def test_plateau_schedule_reduces_after_patience_and_respects_cooldown_and_floor():
    rates = optim.plateau_schedule([1.0] * 12, 1.0, factor=0.5, patience=2, cooldown=1, min_lr=0.1)
    # best = 1.0 at epoch 0; waits 1, 2 -> cut after epoch 2; epoch 3 ends the cooldown and already waits 1;
    # epoch 4 waits 2 -> cut; ... ; at the floor (min_lr) no more cuts
    expected = [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.1, 0.1, 0.1]
    np.testing.assert_allclose(rates, expected, rtol=1e-7)  # float32 storage of 0.1
    floor = optim.plateau_schedule([1.0] * 30, 1.0, factor=0.5, patience=1, min_lr=0.1)
    np.testing.assert_allclose(floor[-1], 0.1, rtol=1e-7)
    # min_delta is absolute: an improvement smaller than it is no improvement
    assert optim.plateau_schedule([1.0, 0.99, 0.98], 1.0, factor=0.5, patience=1, min_delta=0.05).tolist() == [
        1,
        1,
        0.5,
    ]
    assert optim.plateau_schedule([1.0, 0.99, 0.98], 1.0, factor=0.5, patience=1, min_delta=0.0).tolist() == [1, 1, 1]
