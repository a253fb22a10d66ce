"""The notebook-03 dashboards, driven headless: settings in, computed state and redrawn figure out."""

import asyncio
import json

import numpy as np
import pytest

from dlopt_helpers import optim
from dlopt_helpers.widgets import KerasTrainingDashboard, OptimizerDashboard


@pytest.fixture
def dashboard():
    return OptimizerDashboard(learning_rate=0.05, optimizer="sgd", steps=60, surface="quadratic")


def _texts(dash):
    return [t.get_text() for ax in dash.fig.axes for t in ax.texts]


def test_state_is_the_optimizer_run_of_the_controls(dashboard):
    expected = optim.run_optimizer(optim.get_surface("quadratic"), optim.make_optimizer("sgd", 0.05), 60)
    np.testing.assert_array_equal(dashboard.state.points, expected.points)
    np.testing.assert_array_equal(dashboard.path.get_xdata(), expected.points[:, 0])


def test_each_control_recomputes_and_redraws(dashboard):
    for name, value in [("learning_rate", 0.02), ("optimizer", "adam"), ("steps", 120), ("surface", "rosenbrock"),
                        ("momentum", 0.5)]:
        before, renders = dashboard.image.value, dashboard.render_count
        dashboard.controls[name].value = value
        assert dashboard.render_count == renders + 1
        assert dashboard.image.value != before or name == "momentum", name  # adam ignores momentum
    assert dashboard.state.optimizer == "adam" and len(dashboard.state.losses) == 121
    assert dashboard.ax_surface.get_xlim() == optim.get_surface("rosenbrock").xlim
    assert dashboard.controls["momentum"].disabled  # only momentum / nesterov use it


def test_divergence_is_shown_in_the_figure(dashboard):
    dashboard.controls["learning_rate"].value = 0.12  # past 2 / 20
    assert dashboard.state.diverged
    assert any("diverged at step" in text and "too large for this surface" in text for text in _texts(dashboard))
    dashboard.controls["learning_rate"].value = 0.05
    assert not any("diverged" in text for text in _texts(dashboard))


def test_settings_round_trip_through_json(dashboard):
    dashboard.controls["surface"].value = "digits"
    dashboard.controls["optimizer"].value = "nesterov"
    saved = dashboard.to_json()
    other = OptimizerDashboard()
    other.load_json(saved)
    assert other.values() == dashboard.values() and json.loads(saved)["dashboard"] == "OptimizerDashboard"
    np.testing.assert_array_equal(other.state.points, dashboard.state.points)


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "text must be a JSON object"),
        ("[1, 2]", "text must be a JSON object"),
        ('{"dashboard": "KerasTrainingDashboard"}', "dashboard must be 'OptimizerDashboard'"),
        ('{"speed": 3}', "settings must be among"),
        ('{"learning_rate": 10}', "learning_rate must be a number in \\[0.0001, 3\\]"),
        ('{"learning_rate": "fast"}', "learning_rate must be a number"),
        ('{"optimizer": "lion"}', "optimizer must be one of"),
        ('{"steps": 0}', "steps must be a number in \\[1, 300\\]"),
    ],
)
def test_bad_settings_are_refused_before_anything_changes(dashboard, text, message):
    before = dashboard.values()
    with pytest.raises(ValueError, match=message):
        dashboard.load_json(text)
    assert dashboard.values() == before


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"learning_rate": 0.0}, "learning_rate must be in"),
        ({"optimizer": "adagrad"}, "optimizer must be one of"),
        ({"momentum": 1.0}, "momentum must be in \\[0, 0.99\\]"),
        ({"steps": 301}, "steps must be in \\[1, 300\\]"),
        ({"surface": "bowl"}, "surface must be one of"),
    ],
)
def test_optimizer_dashboard_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        OptimizerDashboard(**kwargs)


@pytest.fixture(scope="module")
def trainer():
    return KerasTrainingDashboard(learning_rate=0.05, batches_per_chunk=5, max_chunks=6)


def test_learning_rate_slider_changes_the_running_model_without_rebuilding(trainer):
    trainer.reset()
    model, optimizer = trainer.model, trainer.model.optimizer
    variable = optimizer.learning_rate  # keras keeps the rate in a variable
    trainer.train(2)
    weights_after_two = [w.copy() for w in model.get_weights()]
    trainer.controls["learning_rate"].value = 0.5
    assert trainer.model is model and trainer.model.optimizer is optimizer
    assert float(optimizer.learning_rate.numpy()) == pytest.approx(0.5)
    assert int(optimizer.iterations.numpy()) == 10  # optimizer state carried on
    np.testing.assert_array_equal(model.get_weights()[0], weights_after_two[0])  # weights untouched by the change
    trainer.train(2)
    assert trainer.history["learning_rate"] == pytest.approx([0.05, 0.05, 0.5, 0.5])
    assert trainer.history["step"] == [5, 10, 15, 20]
    del variable


def test_training_is_reproducible_and_reset_restarts(trainer):
    trainer.controls["learning_rate"].value = 0.05
    trainer.reset()
    first = trainer.train(3)["val_loss"][:]
    trainer.reset()
    assert trainer.history["step"] == [] and int(trainer.model.optimizer.iterations.numpy()) == 0
    np.testing.assert_allclose(trainer.train(3)["val_loss"], first, rtol=1e-6)
    assert first[-1] < first[0]


def test_run_trains_in_the_background_until_max_chunks(trainer):
    trainer.reset()
    asyncio.run(trainer.run())
    assert len(trainer.history["step"]) == trainer.max_chunks and not trainer.running


def test_pause_stops_the_background_loop(trainer):
    trainer.reset()

    async def start_then_pause():
        trainer.start()
        await asyncio.sleep(0)  # let the first chunk start
        trainer.pause()
        await trainer._task

    asyncio.run(start_then_pause())
    assert 1 <= len(trainer.history["step"]) < trainer.max_chunks


def test_divergence_stops_training_with_a_message():
    trainer = KerasTrainingDashboard(learning_rate=1.0, optimizer="adam", batches_per_chunk=10, max_chunks=30)
    trainer.train(5)
    assert trainer.diverged_at == 10 and len(trainer.history["step"]) == 1  # stops at the first exploding chunk
    assert trainer.history["loss"][-1] > 10 * np.log(10)
    assert any("diverged at step" in text for text in _texts(trainer))
    trainer.controls["learning_rate"].value = 0.05
    trainer.reset()
    assert trainer.diverged_at is None and not any("diverged" in t for t in _texts(trainer))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"optimizer": "nesterov"}, "optimizer must be one of"),
        ({"batch_size": 4}, "batch_size must be in \\[8, 512\\]"),
        ({"batches_per_chunk": 0}, "batches_per_chunk must be in"),
        ({"learning_rate": 5.0}, "learning_rate must be in"),
    ],
)
def test_keras_dashboard_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        KerasTrainingDashboard(**kwargs)


def test_keras_dashboard_setup_round_trips_with_its_fixed_config(trainer):
    saved = trainer.to_json()
    settings = json.loads(saved)
    assert settings["optimizer"] == "sgd" and settings["batches_per_chunk"] == 5 and "learning_rate" in settings
    copy = KerasTrainingDashboard.from_json(saved)
    assert copy.to_json() == saved
    trainer.load_json(saved)  # same fixed config: fine
    with pytest.raises(ValueError, match="optimizer cannot change on a running dashboard; use .*from_json"):
        trainer.load_json(saved.replace('"sgd"', '"adam"'))


def test_optimizer_dashboard_from_json_builds_the_same_setup(dashboard):
    dashboard.controls["optimizer"].value = "rmsprop"
    assert OptimizerDashboard.from_json(dashboard.to_json()).values() == dashboard.values()
    with pytest.raises(ValueError, match="dashboard must be 'OptimizerDashboard'"):
        OptimizerDashboard.from_json('{"dashboard": "GradientDescentDashboard"}')


def test_augmentation_dashboard_recomputes_the_grid():
    from dlopt_helpers.widgets import AugmentationDashboard

    dash = AugmentationDashboard(rotation_range=0.0, width_shift_range=0.0, height_shift_range=0.0, zoom_range=0.0,
                                 horizontal_flip=False)
    assert dash.state.shape == (18, 96, 96, 3)
    np.testing.assert_allclose(dash.state, np.repeat(dash.source_image[None], 18, axis=0), atol=1e-5)  # identity
    assert "no augmentation" in dash.status.value
    before = dash.image.value
    dash.controls["horizontal_flip"].value = True
    mirrored = sum(np.allclose(im, dash.source_image[:, ::-1], atol=1e-5) for im in dash.state)
    assert 0 < mirrored < 18 and dash.image.value != before
    dash.controls["rotation_range"].value = 90.0
    assert not np.allclose(dash.state[0], dash.source_image, atol=1e-2)
    dash.load_json(dash.to_json().replace('"vertical_flip": false', '"vertical_flip": true'))
    assert dash.controls["vertical_flip"].value is True
    with pytest.raises(ValueError, match="vertical_flip must be true or false"):
        dash.load_json('{"vertical_flip": 1}')
    with pytest.raises(ValueError, match="rotation_range must be in \\[0, 180\\]"):
        AugmentationDashboard(rotation_range=200.0)
    with pytest.raises(ValueError, match="image must have shape"):
        AugmentationDashboard(image=np.zeros((4, 4, 2)))
