"""Search spaces and three ways to fill them: grid, random and quasi-random; then read the results.

Introduced in the tuning-playbook chapter (``notebooks/08a_tuning_playbook.ipynb``). Quasi-random search is the Deep
Learning Tuning Playbook's choice for exploring: a scrambled Halton sequence (``scipy.stats.qmc``) covers the space
more evenly than random draws (``discrepancy`` measures it) and, unlike a grid, takes any number of trials. Not
Sobol: its balance holds for powers of 2 only (``qmc.Sobol`` warns otherwise). ``edge_flags``: the playbook's
"best point at the edge of the search space: widen it" check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .._validation import (
    SEED_MAX,
    Array,
    Boolean,
    Instance,
    Integer,
    InvalidParameterError,
    Options,
    Real,
    check,
    short_repr,
    validate_params,
)
from .._validation import Sequence as Items

#: the most trials one call fills, and the most dimensions a space holds
MAX_TRIALS, MAX_DIMENSIONS = 10_000, 32
_SCALE, _KIND = Options("log", "linear"), Options("float", "int")


@dataclass(frozen=True)
class Dimension:
    """One hyper-parameter's range: ``low`` to ``high`` on a ``'log'`` or ``'linear'`` scale, ``'float'`` or ``'int'``.

    A log dimension needs ``low > 0`` and is uniform in log space; an int one needs whole-number bounds and
    gives each integer the same share of the unit interval. ``to_unit`` / ``from_unit`` map values to [0, 1].

    Examples
    --------
    >>> round(Dimension("learning_rate", 1e-4, 1.0, scale="log").from_unit(0.5), 6)
    0.01
    """

    name: str
    low: float
    high: float
    scale: str = "linear"
    kind: str = "float"

    def __post_init__(self):
        if not check("name", self.name, Instance(str)).isidentifier():
            raise InvalidParameterError(f"name must be a Python identifier such as 'learning_rate', got {self.name!r}")
        scale, kind = check("scale", self.scale, _SCALE), check("kind", self.kind, _KIND)
        number = Integer() if kind == "int" else Real()
        low, high = check("low", self.low, number), check("high", self.high, number)
        if not low < high:
            raise InvalidParameterError(f"low must be < high, got low={low!r} and high={high!r}")
        if scale == "log" and low <= 0:
            raise InvalidParameterError(f"low must be > 0 on a log scale, got {low!r}")
        bound = 10**15 if kind == "int" else 1e300  # ints: exact as floats; floats: a range that stays finite
        if max(abs(low), abs(high)) > bound:
            raise InvalidParameterError(f"low and high must be within ±{bound:.0e}, got {low!r} and {high!r}")
        for key, value in {"scale": scale, "kind": kind, "low": low, "high": high}.items():
            object.__setattr__(self, key, value)  # frozen: converted once, here

    def _scaled(self, values) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        return np.log(values) if self.scale == "log" else values

    def position(self, values, widen: float = 0.0) -> np.ndarray:
        """Where values lie from ``low`` (0) to ``high`` (1) in the dimension's own scale (``low - widen`` ...)."""
        low, high = self._scaled([self.low - widen, self.high + widen])
        return (self._scaled(values) - low) / (high - low)

    def to_unit(self, values) -> np.ndarray:
        """Positions in [0, 1] of values (an integer maps to the centre of its equal share of [0, 1])."""
        return np.clip(self.position(values, 0.5 if self.kind == "int" else 0.0), 0, 1)

    def from_unit(self, u):
        """Values for positions ``u`` in [0, 1] (scalar or array), the inverse of ``to_unit``; ints rounded."""
        values = self._from_scaled(np.clip(np.asarray(u, dtype=np.float64), 0, 1), 0.5 if self.kind == "int" else 0.0)
        values = np.clip(np.floor(values + 0.5).astype(np.int64) if self.kind == "int" else values, self.low, self.high)
        return values.item() if values.ndim == 0 else values

    def _from_scaled(self, position: np.ndarray, widen: float = 0.0) -> np.ndarray:
        low, high = self._scaled([self.low - widen, self.high + widen])
        return np.exp(low + position * (high - low)) if self.scale == "log" else low + position * (high - low)

    def levels(self, count: int) -> np.ndarray:
        """``count`` values evenly spaced in the dimension's scale, ``low`` and ``high`` included (1: the middle)."""
        values = self._from_scaled(np.linspace(0, 1, count) if count > 1 else np.array([0.5]))
        if count > 1:
            values[[0, -1]] = self.low, self.high  # exactly, not exp(log(low))
        return np.unique(np.round(values).astype(np.int64)) if self.kind == "int" else values


class SearchSpace:
    """Hyper-parameter ranges (``dimensions``: 1 to 32 ``Dimension`` s, distinct names), and three ways to fill them.

    Examples
    --------
    >>> space = SearchSpace([Dimension("learning_rate", 1e-3, 1.0, "log"), Dimension("units", 8, 64, kind="int")])
    >>> [round(p["learning_rate"], 4) for p in space.grid(4)]
    [0.001, 0.001, 1.0, 1.0]
    >>> len(space.quasi_random(10, seed=0)), space.names
    (10, ('learning_rate', 'units'))
    """

    @validate_params(dimensions=Items(Instance(Dimension, what="a Dimension"), min_len=1, max_len=MAX_DIMENSIONS))
    def __init__(self, dimensions):
        names = [d.name for d in dimensions]
        if len(set(names)) != len(names):
            raise InvalidParameterError(f"dimensions must have distinct names, got {names}")
        self.dimensions, self.names = dimensions, tuple(names)

    def __len__(self) -> int:
        return len(self.dimensions)

    def _unit(self, values: np.ndarray) -> np.ndarray:
        return np.stack([d.to_unit(values[:, j]) for j, d in enumerate(self.dimensions)], axis=1)

    def from_unit(self, u):
        """A point (dict) for ``u`` of shape (d,), or a list of points for ``u`` of shape (n, d), in [0, 1]."""
        u = check("u", u, Array(ndim=(1, 2), low=0, high=1))
        if u.shape[-1] != len(self):
            raise InvalidParameterError(f"u must have one column per dimension ({len(self)}), got shape {u.shape}")
        columns = [d.from_unit(u[..., j]) for j, d in enumerate(self.dimensions)]
        rows = [{n: c[i].item() for n, c in zip(self.names, columns)} for i in range(len(u))] if u.ndim == 2 else None
        return rows if rows is not None else {n: c for n, c in zip(self.names, columns)}

    def to_unit(self, point) -> np.ndarray:
        """The position in [0, 1]^d of a point (shape (d,)) or of a list of points (shape (n, d))."""
        units = self._unit(_values("point", [point] if isinstance(point, Mapping) else point, self))
        return units[0] if isinstance(point, Mapping) else units

    @validate_params(n_trials=Integer(1, MAX_TRIALS))
    def grid(self, n_trials: int) -> list[dict]:
        """The most even grid with at most ``n_trials`` points; it includes the corners.

        Levels per dimension start at 1 and grow one at a time on the dimension with the fewest (the first on a
        tie; an int dimension stops at its number of integers) while the product stays within ``n_trials``:
        16 trials on 2 dimensions give 4 x 4, 10 give 3 x 3, 12 give 4 x 3. One level sits in the middle.
        """
        caps, counts = [d.high - d.low + 1 if d.kind == "int" else n_trials for d in self.dimensions], [1] * len(self)
        while growable := [j for j in range(len(self)) if counts[j] < caps[j]]:
            j = min(growable, key=counts.__getitem__)
            if math.prod(counts) // counts[j] * (counts[j] + 1) > n_trials:
                break
            counts[j] += 1
        mesh = [m.ravel() for m in np.meshgrid(*map(Dimension.levels, self.dimensions, counts), indexing="ij")]
        return [{n: m[i].item() for n, m in zip(self.names, mesh)} for i in range(len(mesh[0]))]

    @validate_params(n_trials=Integer(1, MAX_TRIALS), seed=Integer(0, SEED_MAX))
    def random(self, n_trials: int, seed: int = 0) -> list[dict]:
        """``n_trials`` points drawn independently and uniformly (in each dimension's scale)."""
        return self.from_unit(np.random.default_rng(seed).random((n_trials, len(self))))

    @validate_params(n_trials=Integer(1, MAX_TRIALS), seed=Integer(0, SEED_MAX))
    def quasi_random(self, n_trials: int, seed: int = 0) -> list[dict]:
        """The first ``n_trials`` points of a scrambled Halton sequence (``seed`` picks the scrambling)."""
        from scipy.stats import qmc

        try:
            halton = qmc.Halton(len(self), scramble=True, rng=np.random.default_rng(seed))
        except TypeError:  # SciPy < 1.15 names it seed
            halton = qmc.Halton(len(self), scramble=True, seed=np.random.default_rng(seed))
        return self.from_unit(halton.random(n_trials))


def _values(name: str, points, space, *scores):
    """Points (a list of dicts holding every dimension) as an (n, d) array, each value inside its range (+ scores)."""
    space = check("space", space, Instance(SearchSpace, what="a SearchSpace"))
    points = check(name, points, Items(Instance(Mapping, what="a dict {name: value}"), min_len=1, max_len=MAX_TRIALS))
    for i, point in enumerate(points):
        if missing := [n for n in space.names if n not in point]:
            raise InvalidParameterError(f"{name}[{i}] must hold every dimension {list(space.names)}, lacks {missing}")
    values = np.array([[check(f"{name}[{i}][{n!r}]", p[n], Real()) for n in space.names] for i, p in enumerate(points)])
    lows, highs = np.array([[d.low, d.high] for d in space.dimensions], dtype=np.float64).T
    for i, j in np.argwhere((values < lows) | (values > highs))[:1]:
        d = space.dimensions[j]
        raise InvalidParameterError(f"{name}[{i}][{d.name!r}] must be in [{d.low:g}, {d.high:g}], got {values[i, j]:g}")
    if not scores:  # a call without scores (None is a bad score, not their absence)
        return values
    scores = check("scores", scores[0], Array(ndim=1, finite=False))
    if len(scores) != len(values):
        raise InvalidParameterError(f"scores must hold one score per point ({len(values)}), got {len(scores)}")
    return values, scores


@dataclass(frozen=True)
class EdgeReport:
    """What ``edge_flags`` found: ``flags`` ((name, 'low' | 'high'), ...), the ``best`` trials' indices, ``diverged``."""

    flags: tuple[tuple[str, str], ...]
    best: tuple[int, ...]
    diverged: int
    n_trials: int

    def __str__(self) -> str:
        lines = [f"{self.diverged} of {self.n_trials} trials diverged (score not finite)"]
        lines += [f"⚠ {n}: a best trial lies near the {side} edge; widen the range there" for n, side in self.flags]
        return "\n".join(lines if self.flags else [*lines, "no best trial near an edge"])


@validate_params(top_k=Integer(1, MAX_TRIALS), margin=Real(0, 0.5, closed="neither"), higher_is_better=Boolean())
def edge_flags(points, scores, space, top_k: int = 3, margin: float = 0.1, higher_is_better: bool = False):
    """Which dimensions have one of the ``top_k`` best trials within ``margin`` of their low or high edge.

    ``margin`` is a fraction of the range in the dimension's own scale (a log dimension: of its decades).
    Trials with a non-finite score (diverged) are left out of the ranking and counted in ``diverged``.

    Examples
    --------
    >>> space = SearchSpace([Dimension("learning_rate", 1e-4, 1.0, "log")])
    >>> points = [{"learning_rate": r} for r in (1e-4, 1e-2, 0.9)]
    >>> report = edge_flags(points, [0.5, 0.4, float("nan")], space, top_k=1)
    >>> report.flags, report.diverged
    ((), 1)
    """
    values, scores = _values("points", points, space, scores)
    finite = np.flatnonzero(np.isfinite(scores))
    best = finite[np.argsort(-scores[finite] if higher_is_better else scores[finite], kind="stable")][:top_k]
    flags = []
    for j, d in enumerate(space.dimensions):
        near = {"low": d.position(values[best, j]) <= margin, "high": d.position(values[best, j]) >= 1 - margin}
        flags += [(d.name, side) for side, close in near.items() if close.any()]
    return EdgeReport(tuple(flags), tuple(int(i) for i in best), int(len(scores) - len(finite)), len(scores))


@validate_params(method=Options("CD", "WD", "MD", "L2-star"))
def discrepancy(points, space, method: str = "CD") -> float:
    """How unevenly points fill the space: ``scipy.stats.qmc.discrepancy`` of their unit-cube positions (lower: more even).

    Examples
    --------
    >>> space = SearchSpace([Dimension("a", 0, 1), Dimension("b", 0, 1)])
    >>> discrepancy(space.quasi_random(16), space) < discrepancy(space.random(16), space)
    True
    """
    from scipy.stats import qmc

    values = _values("points", points, space)  # checks space too
    return float(qmc.discrepancy(space._unit(values), method=method))


@validate_params(higher_is_better=Boolean(), score_label=Instance(str), title=(None, Instance(str)))
def plot_dimensions(
    points, scores, space, ax=None, higher_is_better: bool = False, score_label: str = "score", title: str | None = None
) -> np.ndarray:
    """One panel per dimension: the score against that hyper-parameter (log x for a log dimension).

    Diverged trials (score not finite) are red × at the top of every panel, the best trial a star.
    ``ax``: one matplotlib Axes per dimension (a new figure otherwise). Returns the axes, shape (d,).

    Examples
    --------
    >>> space = SearchSpace([Dimension("learning_rate", 1e-4, 1.0, "log"), Dimension("dropout", 0.0, 0.5)])
    >>> points = space.quasi_random(8)
    >>> plot_dimensions(points, [0.3, 0.2, float("nan"), 0.4, 0.5, 0.3, 0.1, 0.2], space).shape
    (2,)
    """
    from matplotlib.axes import Axes

    from ..plotting import COLORS, new_figure

    values, scores = _values("points", points, space, scores)
    d = len(space.names)
    if ax is None:
        fig, grid = new_figure(-(-d // 3), min(d, 3), figsize=(3.0 * min(d, 3) + 0.4, 2.8 * -(-d // 3)))
        axes = list(np.ravel(grid))
        for extra in axes[d:]:
            fig.delaxes(extra)
    else:
        axes = [ax] if isinstance(ax, Axes) else list(np.ravel(np.asarray(ax, dtype=object)))
        if len(axes) != d or not all(isinstance(a, Axes) for a in axes):
            raise InvalidParameterError(f"ax must be None or {d} Axes (one per dimension), got {short_repr(ax)}")
    finite = np.isfinite(scores)
    best = edge_flags(points, scores, space, top_k=1, higher_is_better=higher_is_better).best
    for j, (panel, dim) in enumerate(zip(axes, space.dimensions)):
        panel.scatter(values[finite, j], scores[finite], s=16, color=COLORS[0], alpha=0.7, label="trial")
        if best:
            panel.plot(values[best[0], j], scores[best[0]], "*", ms=13, color=COLORS[1], mec="black", label="best")
        if not finite.all():  # x in data, y in axes coordinates: the top of the panel, above every score
            low, high = panel.get_ylim()
            panel.set_ylim(low, high + 0.15 * (high - low))
            top = np.full((~finite).sum(), 0.96)
            red = {"marker": "x", "s": 30, "color": COLORS[3], "zorder": 3, "label": f"diverged ({len(top)})"}
            panel.scatter(values[~finite, j], top, transform=panel.get_xaxis_transform(), **red)
        panel.set(xscale=dim.scale, xlabel=dim.name, ylabel=score_label if j % 3 == 0 else "")
    axes[0].legend(fontsize=8)
    if title:
        axes[0].figure.suptitle(title)
    return np.array(axes, dtype=object)
