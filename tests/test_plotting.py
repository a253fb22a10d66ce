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
    fig, axes = plotting.new_figure(2, 3)
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
    with pytest.raises(ValueError, match="surface must be an optim.Surface"):
        plotting.plot_trajectories("quadratic", runs)
