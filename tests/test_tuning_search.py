"""dlopt_helpers.tuning.search: search spaces filled by grid, random and quasi-random search; edge flags; the plot."""

import itertools
import math

import numpy as np
import pytest
from matplotlib.axes import Axes
from scipy import stats

from dlopt_helpers.plotting import COLORS, new_figure
from dlopt_helpers.tuning import Dimension, EdgeReport, SearchSpace, discrepancy, edge_flags, plot_dimensions

LR = Dimension("learning_rate", 1e-4, 1.0, scale="log")
DROPOUT = Dimension("dropout", 0.0, 0.5)
UNITS = Dimension("units", 8, 64, kind="int")
SPACE = SearchSpace([LR, DROPOUT, UNITS])


def _inside(points, space):
    for point in points:
        assert set(point) == set(space.names)
        for d in space.dimensions:
            assert d.low <= point[d.name] <= d.high
            assert isinstance(point[d.name], int if d.kind == "int" else float)


# ----------------------------------------------------------------------------- grid


@pytest.mark.parametrize("n_trials, shape", [(16, (4, 4)), (10, (3, 3)), (12, (4, 3)), (3, (2, 1)), (1, (1, 1))])
def test_grid_is_the_most_even_grid_within_the_budget(n_trials, shape):
    space = SearchSpace([LR, DROPOUT])
    points = space.grid(n_trials)
    assert len(points) == math.prod(shape) <= n_trials
    assert len({p["learning_rate"] for p in points}) == shape[0]
    assert len({p["dropout"] for p in points}) == shape[1]


def test_grid_hits_the_corners_and_is_even_in_each_scale():
    points = SearchSpace([LR, DROPOUT]).grid(25)
    rates = sorted({p["learning_rate"] for p in points})
    dropouts = sorted({p["dropout"] for p in points})
    assert rates[0] == 1e-4 and rates[-1] == 1.0 and dropouts[0] == 0.0 and dropouts[-1] == 0.5  # exactly
    np.testing.assert_allclose(np.diff(np.log10(rates)), 1.0)  # even in log space: one decade apart
    np.testing.assert_allclose(np.diff(dropouts), 0.125)
    corners = {(p["learning_rate"], p["dropout"]) for p in points}
    assert set(itertools.product((1e-4, 1.0), (0.0, 0.5))) <= corners


def test_grid_gives_an_int_dimension_at_most_its_integers_and_the_rest_to_the_others():
    space = SearchSpace([Dimension("layers", 1, 2, kind="int"), DROPOUT])
    points = space.grid(16)
    assert len(points) == 16
    assert sorted({p["layers"] for p in points}) == [1, 2]
    assert len({p["dropout"] for p in points}) == 8


def test_one_level_sits_in_the_middle_of_its_scale():
    points = SearchSpace([LR, DROPOUT, Dimension("beta", 0.0, 1.0)]).grid(4)  # 2 x 2 x 1
    assert {p["beta"] for p in points} == {0.5}


# ----------------------------------------------------------------------------- random and quasi-random


@pytest.mark.parametrize("method", ["random", "quasi_random"])
def test_random_and_quasi_random_are_reproducible_by_seed_and_inside_the_space(method):
    first = getattr(SPACE, method)(50, seed=3)
    assert first == getattr(SPACE, method)(50, seed=3)
    assert first != getattr(SPACE, method)(50, seed=4)
    assert len(first) == 50
    _inside(first, SPACE)


@pytest.mark.parametrize("method", ["random", "quasi_random"])
def test_a_log_dimension_is_uniform_in_log_space_and_ints_take_equal_shares(method):
    space = SearchSpace([LR, Dimension("layers", 1, 4, kind="int")])
    points = getattr(space, method)(2000, seed=0)
    exponents = np.log10([p["learning_rate"] for p in points])
    assert stats.kstest(exponents, "uniform", args=(-4, 4)).pvalue > 0.01
    assert stats.kstest([p["learning_rate"] for p in points], "uniform", args=(1e-4, 1.0)).pvalue < 1e-6
    counts = np.bincount([p["layers"] for p in points], minlength=5)[1:]
    assert stats.chisquare(counts).pvalue > 0.01  # every integer equally likely, the end ones included


@pytest.mark.parametrize("d", [2, 3])
def test_quasi_random_fills_the_space_more_evenly_than_random(d):
    space = SearchSpace([LR, DROPOUT, UNITS][:d])
    quasi = [discrepancy(space.quasi_random(16, seed=seed), space) for seed in range(10)]
    rand = [discrepancy(space.random(16, seed=seed), space) for seed in range(10)]
    assert all(q < r for q, r in zip(quasi, rand)), (quasi, rand)
    assert np.mean(quasi) < 0.5 * np.mean(rand)


def test_to_unit_and_from_unit_are_inverse():
    u = np.random.default_rng(0).random((20, 3))
    points = SPACE.from_unit(u)
    back = SPACE.to_unit(points)
    np.testing.assert_allclose(back[:, :2], u[:, :2], atol=1e-12)  # floats: exact inverse
    assert np.all(np.abs(back[:, 2] - u[:, 2]) <= 0.5 / 57 + 1e-12)  # ints: the centre of their share
    assert SPACE.from_unit(back) == points
    assert SPACE.to_unit(points[0]).shape == (3,)
    point = SPACE.from_unit([0.5, 0.0, 1.0])
    assert point["learning_rate"] == pytest.approx(1e-2) and point["dropout"] == 0.0 and point["units"] == 64


# ----------------------------------------------------------------------------- edge flags


def _scored_trials(best_point, n=30, seed=0):
    """Quasi-random trials whose score is the distance to ``best_point`` in the unit cube, plus that point."""
    points = [*SPACE.quasi_random(n, seed=seed), best_point]
    target = SPACE.to_unit(best_point)
    return points, [float(np.linalg.norm(u - target)) for u in SPACE.to_unit(points)]


def test_edge_flags_find_a_best_point_planted_at_an_edge():
    points, scores = _scored_trials({"learning_rate": 1.0, "dropout": 0.25, "units": 8})
    report = edge_flags(points, scores, SPACE, top_k=1)
    assert isinstance(report, EdgeReport)
    assert report.best == (len(points) - 1,)
    assert set(report.flags) == {("learning_rate", "high"), ("units", "low")}
    assert "widen" in str(report)
    assert edge_flags(points, [-s for s in scores], SPACE, top_k=1, higher_is_better=True).flags == report.flags


def test_edge_flags_leave_a_best_point_in_the_middle_alone():
    points, scores = _scored_trials({"learning_rate": 1e-2, "dropout": 0.25, "units": 36})
    report = edge_flags(points, scores, SPACE, top_k=1)
    assert report.flags == () and report.diverged == 0
    assert "no best trial near an edge" in str(report)


def test_edge_margin_is_a_fraction_of_the_range_in_the_dimension_scale():
    space = SearchSpace([LR])
    points = [{"learning_rate": 10**-3.5}, {"learning_rate": 1e-2}]  # 1/8 of the decades above low
    assert edge_flags(points, [0.1, 0.2], space, top_k=1, margin=0.1).flags == ()
    assert edge_flags(points, [0.1, 0.2], space, top_k=1, margin=0.15).flags == (("learning_rate", "low"),)


def test_diverged_trials_are_counted_and_left_out_of_the_ranking():
    space = SearchSpace([LR])
    points = [{"learning_rate": r} for r in (1.0, 0.9, 1e-2, 1e-3)]
    report = edge_flags(points, [np.nan, np.inf, 0.4, 0.5], space, top_k=2)
    assert report.diverged == 2 and report.best == (2, 3) and report.flags == ()
    assert str(report).startswith("2 of 4 trials diverged")
    assert edge_flags(points, [-np.inf, np.nan, 0.4, 0.5], space, top_k=2).best == (2, 3)
    everything = edge_flags(points, [np.nan] * 4, space)
    assert everything.diverged == 4 and everything.best == () and everything.flags == ()


# ----------------------------------------------------------------------------- plot


def test_plot_draws_one_panel_per_dimension_and_marks_diverged_trials():
    points = SPACE.quasi_random(12, seed=0)
    scores = np.linspace(0.2, 1.0, 12)
    scores[[3, 7]] = [np.nan, np.inf]
    axes = plot_dimensions(points, scores, SPACE, score_label="validation loss")
    assert axes.shape == (3,) and all(isinstance(ax, Axes) for ax in axes)
    assert len(axes[0].figure.axes) == 3
    assert [ax.get_xlabel() for ax in axes] == list(SPACE.names)
    assert axes[0].get_xscale() == "log" and axes[1].get_xscale() == "linear"
    assert axes[0].get_ylabel() == "validation loss"
    for ax in axes:
        crosses = [c for c in ax.collections if c.get_label().startswith("diverged")]
        assert len(crosses) == 1 and crosses[0].get_label() == "diverged (2)"
        assert len(crosses[0].get_offsets()) == 2
        assert np.allclose(crosses[0].get_facecolor()[0][:3], _rgb(COLORS[3])) or np.allclose(
            crosses[0].get_edgecolor()[0][:3], _rgb(COLORS[3])
        )
        (star,) = [line for line in ax.lines if line.get_label() == "best"]
        assert star.get_ydata()[0] == 0.2  # the lowest finite score


def _rgb(color):
    from matplotlib.colors import to_rgb

    return to_rgb(color)


def test_plot_draws_on_given_axes_and_highlights_the_highest_when_higher_is_better():
    space = SearchSpace([LR, DROPOUT])
    _fig, given = new_figure(1, 2)
    points = space.random(6, seed=1)
    axes = plot_dimensions(points, [0.1, 0.9, 0.5, 0.3, 0.2, 0.4], space, ax=given, higher_is_better=True)
    assert list(axes) == list(given)
    (star,) = [line for line in axes[0].lines if line.get_label() == "best"]
    assert star.get_ydata()[0] == 0.9
    assert not [c for c in axes[0].collections if c.get_label().startswith("diverged")]


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: Dimension("learning rate", 1e-4, 1.0), "name"),
        (lambda: Dimension("lr", 1.0, 1e-4), "low"),
        (lambda: Dimension("lr", 0.0, 1.0, scale="log"), "low"),
        (lambda: Dimension("lr", 1e-4, 1.0, scale="ln"), "scale"),
        (lambda: Dimension("units", 8, 64.5, kind="int"), "high"),
        (lambda: Dimension("units", 8, 64, kind="integer"), "kind"),
        (lambda: Dimension("lr", math.nan, 1.0), "low"),
        (lambda: SearchSpace([]), "dimensions"),
        (lambda: SearchSpace([LR, LR]), "dimensions"),
        (lambda: SearchSpace([LR, (0, 1)]), "dimensions"),
        (lambda: SPACE.grid(0), "n_trials"),
        (lambda: SPACE.random(10**6), "n_trials"),
        (lambda: SPACE.quasi_random(4, seed=-1), "seed"),
        (lambda: SPACE.from_unit([0.5, 0.5]), "u"),
        (lambda: SPACE.from_unit([0.5, 0.5, 1.5]), "u"),
        (lambda: SPACE.to_unit({"learning_rate": 0.1}), "point"),
        (lambda: SPACE.to_unit({"learning_rate": 2.0, "dropout": 0.1, "units": 8}), "point"),
        (lambda: edge_flags([{"learning_rate": 0.1}], [0.1, 0.2], SearchSpace([LR])), "scores"),
        (lambda: edge_flags([{"learning_rate": 0.1}], [0.1], SearchSpace([LR]), margin=0.5), "margin"),
        (lambda: edge_flags([{"learning_rate": 0.1}], [0.1], SearchSpace([LR]), top_k=0), "top_k"),
        (lambda: edge_flags([{"learning_rate": 0.1}], [0.1], [LR]), "space"),
        (lambda: edge_flags("lr=0.1", [0.1], SearchSpace([LR])), "points"),
        (lambda: edge_flags([{"learning_rate": 0.1}], None, SearchSpace([LR])), "scores"),
        (lambda: discrepancy([{"learning_rate": 0.1}], SearchSpace([LR]), method="XX"), "method"),
        (lambda: plot_dimensions(SPACE.grid(8), [0.1] * 8, SPACE, ax=new_figure(1, 2)[1]), "ax"),
    ],
)
def test_bad_input_raises_a_value_error_naming_the_parameter(call, parameter):
    with pytest.raises(ValueError, match=parameter):
        call()
