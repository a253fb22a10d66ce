import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure

from dlopt_helpers import plotting


def test_use_style_applies_course_style():
    with mpl.rc_context():
        plotting.use_style()
        assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == plotting.COLORS[0]


def test_show_images_grid_and_labels():
    fig = plotting.show_images(np.zeros((7, 8, 8, 1)), labels=list("abcdefg"), ncols=4, title="t")
    assert isinstance(fig, Figure)
    axes = fig.get_axes()
    assert len(axes) == 8  # 2 rows x 4 columns, the last one empty
    assert [ax.get_title() for ax in axes[:7]] == list("abcdefg")
    assert len(axes[7].images) == 0
    rgb = plotting.show_images(np.zeros((2, 5, 5, 3), dtype=np.uint8))
    assert rgb.get_axes()[0].images[0].get_array().shape == (5, 5, 3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"images": np.zeros((8, 8))}, "images must have shape"),
        ({"images": np.zeros((0, 8, 8))}, "images must have shape"),
        ({"images": np.zeros((2, 8, 8)), "labels": [1]}, "labels must have one entry per image"),
        ({"images": np.zeros((2, 8, 8)), "ncols": 0}, "ncols must be in"),
        ({"images": np.zeros((2, 8, 8)), "size": 0}, r"size must be in \(0, 10\]"),
    ],
)
def test_show_images_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plotting.show_images(**kwargs)


def test_plot_history_from_mapping_draws_train_and_validation():
    history = {"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 2], "accuracy": [0.1, 0.5, 0.9]}
    fig = plotting.plot_history(history, metrics=("loss", "accuracy"))
    loss_ax, acc_ax = fig.get_axes()
    assert [line.get_label() for line in loss_ax.lines] == ["train", "validation"]
    np.testing.assert_array_equal(loss_ax.lines[1].get_ydata(), [3.5, 2.5, 2])
    assert len(acc_ax.lines) == 1


def test_plot_history_bad_input():
    with pytest.raises(ValueError, match="metrics must be names found in history"):
        plotting.plot_history({"loss": [1]}, metrics=("accuracy",))
    with pytest.raises(ValueError, match="history must be a keras History or a mapping"):
        plotting.plot_history([1, 2])


def test_new_figure_is_not_registered_with_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    _fig, axes = plotting.new_figure(2, 3)
    assert axes.shape == (2, 3) and plt.get_fignums() == before
    with pytest.raises(ValueError, match="nrows must be in"):
        plotting.new_figure(0, 1)


def test_plot_trajectories_draws_each_path_on_the_contour():
    from dlopt_helpers import optim

    surface = optim.get_surface("quadratic")
    runs = {name: optim.run_optimizer(surface, optim.make_optimizer(name, 0.05), 20) for name in ("sgd", "adam")}
    fig = plotting.plot_trajectories(surface, runs)
    ax = fig.get_axes()[0]
    labels = [line.get_label() for line in ax.lines]
    assert labels[:2] == ["sgd", "adam"] and len(ax.collections) > 0  # the filled contour
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), runs["adam"].points[:, 0])
    assert ax.get_xlim() == surface.xlim
    with pytest.raises(ValueError, match=r"surface must be an optim.Surface"):
        plotting.plot_trajectories("quadratic", runs)


def test_plot_trajectories_labels_axes_draws_a_colour_bar_and_keeps_given_colours():
    from dlopt_helpers import optim

    surface = optim.get_surface("quadratic")
    runs = {name: optim.run_optimizer(surface, optim.make_optimizer(name, 0.05), 20) for name in ("sgd", "adam")}
    fig = plotting.plot_trajectories(surface, runs, colors={"sgd": "red", "adam": "blue"})
    ax, bar = fig.get_axes()
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")
    assert bar.get_ylabel() == "loss (log scale)" and len(bar.get_yticks()) == 4
    assert [line.get_color() for line in ax.lines[:2]] == ["red", "blue"]
    assert not any(line.get_visible() for line in ax.get_xgridlines())  # no grid through the contours
    alone = plotting.plot_trajectories(surface, runs, colorbar=False)
    assert len(alone.get_axes()) == 1
    with pytest.raises(ValueError, match="colors must give a matplotlib colour for every path"):
        plotting.plot_trajectories(surface, runs, colors={"sgd": "red"})


@pytest.mark.parametrize(
    "background, expected",
    [("white", "black"), ("black", "white"), ("#fde725", "black"), ("#440154", "white"), ((0.5, 0.5, 0.5), "black")],
)
def test_text_color_follows_the_luminance_of_the_background(background, expected):
    assert plotting.text_color(background) == expected


def test_heatmap_writes_each_value_in_a_readable_colour_with_a_colour_bar():
    import matplotlib as mpl

    values = np.array([[0.889, 0.900, np.nan], [0.1, 0.5, 0.95]])
    fig = plotting.heatmap(values, ["a", "b", "c"], [1, 2], vmin=0, vmax=1, colorbar_label="accuracy", title="t")
    ax, bar = fig.get_axes()
    texts = {t.get_text(): t.get_color() for t in ax.texts}
    assert set(texts) == {"0.89", "0.90", "0.10", "0.50", "0.95"}  # the NaN cell stays empty
    viridis = mpl.colormaps["viridis"]
    for text, color in texts.items():
        assert color == plotting.text_color(viridis(float(text)))
    assert texts["0.89"] == texts["0.90"] == "black" and texts["0.10"] == "white"  # light cells: dark text
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2"]
    assert bar.get_ylabel() == "accuracy" and ax.get_title() == "t"
    assert not any(line.get_visible() for line in ax.get_xgridlines() + ax.get_ygridlines())


def test_heatmap_draws_on_a_given_axes_and_formats_values():
    fig, ax = plotting.new_figure()
    assert plotting.heatmap(np.eye(2), ["x", "y"], ["p", "q"], ax=ax, fmt="{:.0%}") is fig
    assert sorted(t.get_text() for t in ax.texts) == ["0%", "0%", "100%", "100%"]
    flat = plotting.heatmap(np.full((1, 2), 3.0), ["x", "y"], ["p"])  # one value everywhere: still a scale
    assert [t.get_text() for t in flat.get_axes()[0].texts] == ["3.00", "3.00"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"values": np.zeros((2, 3)), "x_labels": ["a", "b"]}, "x_labels and y_labels must give one label per"),
        ({"values": np.zeros(3)}, "values must be 2-dimensional"),
        ({"values": np.array([[np.inf, 0.0]]), "x_labels": ["a", "b"], "y_labels": ["p"]}, "values must be finite"),
        ({"fmt": "{:d}"}, "fmt must be a format string"),
        ({"fmt": "{0} {1}"}, "fmt must be a format string"),
        ({"cmap": "no such map"}, "cmap must be a matplotlib colour map"),
        ({"vmin": 1.0, "vmax": 0.0}, "vmin must be below vmax"),
        ({"ax": "axes"}, "ax must be a matplotlib Axes"),
    ],
)
def test_heatmap_bad_input(kwargs, message):
    call = {"values": np.zeros((1, 2)), "x_labels": ["a", "b"], "y_labels": ["p"], **kwargs}
    with pytest.raises(ValueError, match=message):
        plotting.heatmap(**call)
