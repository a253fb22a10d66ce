"""The dashboards, driven headless: settings in, computed state and redrawn figure out.

Notebook 03's two dashboards first, then what every dashboard of ``dashboards.DASHBOARDS`` shares and the
fixes from the browser review (docs: ../shared/reviews/browser-2026-11-25.md, issue 15).
"""

import asyncio
import importlib
import json
from pathlib import Path

import numpy as np
import pytest

import dlopt_helpers as dh
from dlopt_helpers import dashboards, optim
from dlopt_helpers.dashboards import KerasTrainingDashboard, OptimizerDashboard
from dlopt_helpers.dashboards.controls import learning_rate_slider


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
    for name, value in [
        ("learning_rate", 0.02),
        ("optimizer", "adam"),
        ("steps", 120),
        ("surface", "rosenbrock"),
        ("momentum", 0.5),
    ]:
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


@pytest.mark.slow
def test_training_is_reproducible_and_reset_restarts(trainer):
    trainer.controls["learning_rate"].value = 0.05
    trainer.reset()
    first = trainer.train(3)["val_loss"][:]
    trainer.reset()
    assert trainer.history["step"] == [] and int(trainer.model.optimizer.iterations.numpy()) == 0
    np.testing.assert_allclose(trainer.train(3)["val_loss"], first, rtol=1e-6)
    assert first[-1] < first[0]


@pytest.mark.slow
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


@pytest.mark.slow
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
    with pytest.raises(ValueError, match=r"optimizer cannot change on a running dashboard; use .*from_json"):
        trainer.load_json(saved.replace('"sgd"', '"adam"'))


def test_optimizer_dashboard_from_json_builds_the_same_setup(dashboard):
    dashboard.controls["optimizer"].value = "rmsprop"
    assert OptimizerDashboard.from_json(dashboard.to_json()).values() == dashboard.values()
    with pytest.raises(ValueError, match="dashboard must be 'OptimizerDashboard'"):
        OptimizerDashboard.from_json('{"dashboard": "GradientDescentDashboard"}')


def test_augmentation_dashboard_recomputes_the_grid():
    from dlopt_helpers.dashboards import AugmentationDashboard

    dash = AugmentationDashboard(
        rotation_range=0.0, width_shift_range=0.0, height_shift_range=0.0, zoom_range=0.0, horizontal_flip=False
    )
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


# ----------------------------------------------------------------------------- every dashboard (the registry)
def _rows():
    return [
        {"lr": lr, "l2": l2, "width": width, "score": lr * 10 + l2 * 100 + width / 10}
        for lr in (0.01, 0.1, 1.0)
        for l2 in (0.0, 0.001, 0.01)
        for width in (16, 64)
    ]


#: cheap settings of each registered dashboard (a new dashboard must add one here)
EXAMPLES = {
    "GradientDescentDashboard": lambda: dashboards.GradientDescentDashboard(steps=10),
    "OptimizerDashboard": lambda: dashboards.OptimizerDashboard(steps=10),
    "KerasTrainingDashboard": lambda: dashboards.KerasTrainingDashboard(batches_per_chunk=1, max_chunks=2),
    "RegularizationDashboard": lambda: dashboards.RegularizationDashboard(degree=3, n_train=10),
    "AugmentationDashboard": lambda: dashboards.AugmentationDashboard(image=np.zeros((8, 8, 3), np.uint8)),
    "SearchExplorer": lambda: dashboards.SearchExplorer(_rows()),
    "NetworkDoctorDashboard": lambda: dashboards.NetworkDoctorDashboard(depth=5),
}


def test_every_dashboard_class_is_registered_and_the_widgets_alias_has_them_all():
    import inspect
    import pkgutil

    found = set()
    for module in pkgutil.iter_modules(dashboards.__path__):
        mod = importlib.import_module(f"dlopt_helpers.dashboards.{module.name}")
        found |= {
            c
            for _, c in inspect.getmembers(mod, inspect.isclass)
            if issubclass(c, dashboards.FigureDashboard) and c is not dashboards.FigureDashboard
        }
    assert found == set(dashboards.DASHBOARDS)
    assert set(EXAMPLES) == {d.__name__ for d in dashboards.DASHBOARDS}
    for cls in dashboards.DASHBOARDS:  # notebooks written before the split keep working
        assert getattr(dh.widgets, cls.__name__) is cls
    assert dh.widgets.gradient_descent_linear is optim.gradient_descent_linear
    assert issubclass(optim.GDRun, optim.RunReport) and optim.GDRun.__module__.startswith("dlopt_helpers.optim")
    with pytest.raises(TypeError, match="SearchExplorer"):  # the base class names the registered ones
        dashboards.FigureDashboard()


def test_no_dashboard_module_is_a_hall():
    for path in [*Path(dashboards.__file__).parent.glob("*.py"), Path(dh.widgets.__file__)]:
        assert len(path.read_text().splitlines()) <= 500, path.name


@pytest.fixture(scope="module")
def every_dashboard():
    return {name: make() for name, make in EXAMPLES.items()}


def test_one_learning_rate_slider_for_every_dashboard_that_has_one(every_dashboard):
    sliders = [d.controls["learning_rate"] for d in every_dashboard.values() if "learning_rate" in d.controls]
    assert len(sliders) == 3
    made = learning_rate_slider(0.05)
    for slider in sliders:
        assert type(slider) is type(made) and slider.description == "learning rate"
        assert (slider.base, slider.step, slider.readout_format) == (made.base, made.step, made.readout_format)
    assert set(dashboards.KerasTrainingDashboard.OPTIMIZERS) < set(optim.OPTIMIZERS)  # one vocabulary


def test_no_control_label_is_cut(every_dashboard):
    """ipywidgets cuts a label to its description_width ("learning r…"): every label must fit."""
    for name, dashboard in every_dashboard.items():
        for control in dashboard.controls.values():
            if not control.description or type(control).__name__ == "Checkbox":  # a checkbox's label is never cut
                continue
            width = control.style.description_width
            assert width == "initial" or float(width.removesuffix("em")) >= 0.6 * len(control.description), (
                f"{name}: the label {control.description!r} does not fit in {width}"
            )


def _pixels(dashboard, bbox):
    x0, y0, x1, y1 = (round(v) for v in bbox.extents)
    height = dashboard.canvas.get_width_height()[1]
    return np.asarray(dashboard.canvas.buffer_rgba())[height - y1 : height - y0, x0:x1].copy()


@pytest.mark.parametrize("name", ["GradientDescentDashboard", "KerasTrainingDashboard", "RegularizationDashboard"])
def test_moving_data_is_never_drawn_over_a_legend(every_dashboard, name):
    dashboard = every_dashboard[name]
    if name == "KerasTrainingDashboard":
        dashboard.reset()
        dashboard.train(2)
    dashboard.refresh()
    legends = dashboard._legends_over_moving()
    assert legends and len(dashboard._overlays) == len(legends)
    renderer = dashboard.canvas.get_renderer()
    boxes = [legend.get_window_extent(renderer) for legend in legends]
    shown = [_pixels(dashboard, box) for box in boxes]
    for artist in dashboard._moving:
        artist.set_visible(False)
    try:
        dashboard._draw(dashboard._background_key)
        bare = [_pixels(dashboard, box) for box in boxes]  # the legends with no data at all
    finally:
        for artist in dashboard._moving:
            artist.set_visible(True)
        dashboard.refresh()
    for with_data, without in zip(shown, bare):
        np.testing.assert_array_equal(with_data, without)


# ----------------------------------------------------------------------------- the browser review's problems
def test_explorer_title_follows_the_best_mean_toggle():
    explorer = dashboards.SearchExplorer(_rows(), x="lr", y="l2", reduce="best")
    best_image = explorer.image.value
    assert explorer.ax.get_title().startswith("best score")
    explorer.controls["reduce"].value = "mean"
    assert explorer.ax.get_title().startswith("mean score") and explorer.image.value != best_image
    assert explorer.ax.title in explorer._moving  # drawn every frame, not frozen in the cached background
    fresh = dashboards.SearchExplorer(_rows(), x="lr", y="l2", reduce="mean")
    assert fresh.image.value == explorer.image.value  # toggled == made that way
    explorer.controls["reduce"].value = "best"  # a frame seen before: the same image and status again
    assert explorer.image.value == best_image and "best score" in explorer.status.value


def _contrast(first, second):
    from matplotlib.colors import to_rgb

    def luminance(color):
        c = np.array(to_rgb(color))
        c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return c @ [0.2126, 0.7152, 0.0722]

    high, low = sorted([luminance(first), luminance(second)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_heat_map_text_is_readable_on_its_cell_and_no_grid_crosses_the_cells():
    rows = [{"a": i, "b": j, "score": float(i * 4 + j)} for i in range(4) for j in range(4)]  # light to dark cells
    explorer = dashboards.SearchExplorer(rows, x="a", y="b")
    grid = explorer.state
    colours = explorer.mesh.cmap(explorer.mesh.norm(grid))
    shapes = list(np.ndindex(grid.shape))
    assert {t.get_color() for t in explorer.texts} == {"black", "white"}  # both, by the cell's colour
    for text, (i, j) in zip(explorer.texts, shapes):
        assert _contrast(text.get_color(), colours[i, j]) >= 4.5, (text.get_text(), colours[i, j])
    explorer.canvas.draw()
    assert not any(line.get_visible() for line in explorer.ax.get_xgridlines() + explorer.ax.get_ygridlines())


def test_regularization_shows_the_blow_up_instead_of_clipping_it():
    dashboard = dashboards.RegularizationDashboard(alpha=1e-5, penalty="l2", degree=12)
    coef = dashboard.state["coef"]
    low, high = dashboard.ax_coef.get_ylim()
    assert np.abs(coef).max() > 3  # what the old ±3 clipping hid
    assert -low >= np.abs(coef).max() and high >= np.abs(coef).max()  # the axis covers the largest coefficient
    heights = [bar.get_height() for bar in dashboard._bars]
    np.testing.assert_allclose(heights, coef)  # no bar cut
    assert all(len(line.get_xdata()) == 0 for line in dashboard.clipped.values())
    assert f"largest |coef| {np.abs(coef).max():.3g}" in dashboard.message.get_text()
    for alpha in dashboard.ALPHAS:  # covered at every alpha of the grid, for every penalty
        for penalty in ("l1", "l2"):
            model = dashboard._fit(alpha, penalty, 0.5, 12)
            assert np.abs(model.coef_).max() <= dashboard.coefficient_limit(penalty, 0.5, 12)


def test_regularization_layout_nothing_covers_the_text_or_the_labels():
    dashboard = dashboards.RegularizationDashboard(alpha=1e-3, degree=12)
    renderer = dashboard.canvas.get_renderer()
    message = dashboard.message.get_window_extent(renderer)
    assert message.y0 >= dashboard.ax_coef.get_window_extent(renderer).y1  # above the bars' axes
    ticks = dashboard.ax_error.get_yticklabels() + dashboard.ax_coef.get_yticklabels()
    label = dashboard.ax_error.yaxis.label.get_window_extent(renderer)
    assert not any(label.overlaps(t.get_window_extent(renderer)) for t in ticks if t.get_text())
    labels = [t.get_text() for t in dashboard.ax_error.get_legend().get_texts()]
    assert any(text.startswith("best α") for text in labels)  # the dotted line says what it is
    ticks = [t for t in dashboard.ax_coef.get_xticks() if 0.4 <= t <= 12.6]
    assert ticks and all(float(t).is_integer() for t in ticks)  # k is a whole number


def test_keras_trainer_says_when_it_reached_its_step_limit():
    trainer = dashboards.KerasTrainingDashboard(batches_per_chunk=2, max_chunks=3)
    trainer.train(5)  # stops at the limit
    assert len(trainer.history["step"]) == 3 and trainer.at_limit
    assert "reached the step limit 6: press Reset to train again" in trainer.status.value

    async def start_at_the_limit():
        trainer.start()  # nothing to train: says so, does not start a task
        assert trainer._task is None and not trainer.running

    asyncio.run(start_at_the_limit())
    assert "press Reset" in trainer.status.value
    trainer.reset()
    assert not trainer.at_limit and "step limit" not in trainer.status.value


def test_augmentation_photo_shows_flips():
    photo = dashboards.AugmentationDashboard().source_image
    assert photo.shape == (96, 96, 3)
    assert np.abs(photo - photo[:, ::-1]).mean() > 0.1  # a horizontal flip is plain to see
    assert np.abs(photo - photo[::-1]).mean() > 0.1
