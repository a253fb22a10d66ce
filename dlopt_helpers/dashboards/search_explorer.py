"""Results of a hyper-parameter search -> a heat map of the score over two chosen hyper-parameters (notebook 07)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .._validation import InvalidParameterError, check_choice, check_int, short_repr
from ..i18n import N_, gettext
from ..plotting import new_figure, text_color
from ..tuning import bin_values
from .base import FigureDashboard
from .controls import fit_labels

__all__ = ["SearchExplorer"]


class SearchExplorer(FigureDashboard):
    """Results of a hyper-parameter search -> a heat map of the score over two chosen hyper-parameters.

    Each cell shows the best (or mean) score of the trials that fall into it, over all
    values of the other hyper-parameters; the number of trials per cell is written
    under the score, in black or white, whichever reads better on the cell's colour.
    Numeric hyper-parameters with more than ``bins`` distinct values are grouped by
    ``tuning.bin_values`` (log-scale intervals on whole or half decades, 0 in a group of
    its own). The title and the status line follow the ``reduce`` toggle: the best single
    trial (``best``) or the cell with the best mean (``mean``). Everything is computed once
    per pair of axes; a change of control only looks the answer up and redraws.
    Introduced in ``notebooks/07_hyperparameter_tuning.ipynb``.

    Parameters
    ----------
    rows : sequence of dicts
        One per trial: hyper-parameter values plus the ``score`` key (``tuning.search_rows``).
    x, y : str, optional
        The two hyper-parameters shown first (default: the first two).
    reduce : {'best', 'mean'}
    score : str
        The key of the score in each row (higher is better).
    bins : int in [2, 12]
    """

    REDUCTIONS = (N_("best"), N_("mean"))  # marked for the catalog: the title names the one chosen
    #: every (x, y, reduce) frame shown is kept: toggling back and forth only swaps images
    FRAME_CACHE = 64
    #: and the background of every pair of axes (ticks, labels, colour bar): a pair seen before redraws no axes
    BACKGROUNDS = 16

    def __init__(
        self,
        rows,
        x: str | None = None,
        y: str | None = None,
        reduce: str = "best",
        score: str = "score",
        bins: int = 5,
    ):
        import ipywidgets as widgets

        if not isinstance(score, str) or not score:
            raise InvalidParameterError(
                f"score must be the name (a non-empty string) of the score key in the rows, got {short_repr(score)}"
            )
        if isinstance(rows, (str, bytes, dict)) or not isinstance(rows, Iterable):
            raise InvalidParameterError(f"rows must be a non-empty list of dicts, got {short_repr(rows)}")
        rows = list(rows)
        if not rows or not all(isinstance(r, dict) and score in r for r in rows):
            raise InvalidParameterError(
                f"rows must be a non-empty list of dicts, each with a {score!r} entry (the score key)"
            )
        self.bins = check_int("bins", bins, 2, 12)
        self.score_name = score
        names = [k for k in rows[0] if k != score and len({repr(r.get(k)) for r in rows}) > 1]
        if len(names) < 2:
            raise ValueError(f"rows must vary at least two hyper-parameters, got {names}")
        self.scores = np.array([self._score(i, r[score], score) for i, r in enumerate(rows)])
        self.codes, self.labels = {}, {}
        for name in names:
            self.codes[name], self.labels[name] = bin_values([r.get(name) for r in rows], self.bins)
        x = names[0] if x is None else check_choice("x", x, names)
        y = (names[1] if names[1] != x else names[0]) if y is None else check_choice("y", y, names)
        check_choice("reduce", reduce, self.REDUCTIONS)
        self.controls = {
            "x": widgets.Dropdown(options=names, value=x, description="x axis"),
            "y": widgets.Dropdown(options=names, value=y, description="y axis"),
            "reduce": widgets.ToggleButtons(options=self.REDUCTIONS, value=reduce, description="per cell"),
        }
        fit_labels(self.controls)
        self._tables = {}
        finite = self.scores[np.isfinite(self.scores)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self.fig, self.ax = new_figure(figsize=(6.4, 4.4), layout="none")
        self.fig.subplots_adjust(left=0.2, right=0.93, bottom=0.15, top=0.9)
        self.mesh = self.ax.imshow(
            np.zeros((2, 2)),
            cmap="viridis",
            vmin=low,
            vmax=high if high > low else low + 1,
            origin="lower",
            aspect="auto",
            animated=True,
        )
        self.ax.grid(False)  # no grid lines through the cells
        colorbar = self.fig.colorbar(self.mesh, ax=self.ax, label=score)
        colorbar.ax.grid(False)
        self.ax.title.set_animated(True)  # it follows the best / mean toggle: not part of the cached background
        self.texts = []
        self._layout = None
        self._start()

    @staticmethod
    def _score(index: int, value, name: str) -> float:
        """A trial's score as a float; ``None`` (a failed or pruned trial, as Optuna reports them) is NaN."""
        if value is None:
            return np.nan
        if isinstance(value, (bool, str, bytes)) or not isinstance(value, (int, float, np.number)):
            raise InvalidParameterError(
                f"rows[{index}][{name!r}] must be a number (or None for a failed trial), got {short_repr(value)}"
            )
        return float(value)

    def table(self, x: str, y: str, reduce: str) -> tuple[np.ndarray, np.ndarray]:
        """Scores ``(len(y labels), len(x labels))`` and trial counts per cell (NaN / 0 where empty)."""
        key = (x, y, reduce)
        if key not in self._tables:
            shape = (len(self.labels[y]), len(self.labels[x]))
            grid, counts = np.full(shape, np.nan), np.zeros(shape, dtype=int)
            for i, j in np.ndindex(shape):
                inside = (self.codes[y] == i) & (self.codes[x] == j)
                counts[i, j] = inside.sum()
                values = self.scores[inside]
                values = values[np.isfinite(values)]
                if values.size:
                    grid[i, j] = values.max() if reduce == "best" else values.mean()
            self._tables[key] = (grid, counts)
        return self._tables[key]

    def layout_key(self, x, y, reduce):
        return (x, y)

    def _set_layout(self, x, y) -> None:
        nx, ny = len(self.labels[x]), len(self.labels[y])
        crowded = nx > 5 or sum(len(label) for label in self.labels[x]) > 45  # labels would run together
        self.ax.set_xticks(
            range(nx), self.labels[x], rotation=30 if crowded else 0, ha="right" if crowded else "center"
        )
        self.ax.set_yticks(range(ny), self.labels[y])
        self.ax.set_xlabel(x)
        self.ax.set_ylabel(y)
        self.mesh.set_extent((-0.5, nx - 0.5, -0.5, ny - 0.5))
        for text in self.texts:
            text.remove()
        self.texts = [
            self.ax.text(j, i, "", ha="center", va="center", fontsize=8, animated=True) for i, j in np.ndindex(ny, nx)
        ]
        self._layout = (x, y)

    def update(self, x, y, reduce):
        if x == y:
            self.mesh.set_data(np.full((1, 1), np.nan))
            for text in self.texts:
                text.set_text("")
            self.ax.set_title(gettext("choose two different hyper-parameters for the axes"))
            self._message = gettext("choose two different hyper-parameters for the axes")
            return None
        if self._layout != (x, y):
            self._set_layout(x, y)
        grid, counts = self.table(x, y, reduce)
        self.mesh.set_data(grid)
        colours = self.mesh.cmap(self.mesh.norm(grid))
        for text, (i, j) in zip(self.texts, np.ndindex(grid.shape)):
            text.set_text("" if counts[i, j] == 0 else f"{grid[i, j]:.3f}\n({counts[i, j]})")
            text.set_color(text_color(colours[i, j]) if np.isfinite(grid[i, j]) else "black")
        self.ax.set_title(
            gettext("{reduce} {score} per cell (trials in brackets)").format(
                reduce=gettext(reduce), score=gettext(self.score_name)
            )
        )
        if not np.isfinite(grid).any():
            self._message = gettext("{n} trials; no finite {score}").format(
                n=len(self.scores), score=gettext(self.score_name)
            )
            return grid
        i, j = np.unravel_index(int(np.nanargmax(grid)), grid.shape)  # the first best cell, as the toggle reduces
        where = f"{x} {self.labels[x][j]}, {y} {self.labels[y][i]}"
        if reduce == "best":
            self._message = gettext("{n} trials; best {score} {value:.4f}: one trial at {where}").format(
                n=len(self.scores), score=gettext(self.score_name), value=grid[i, j], where=where
            )
        else:
            self._message = gettext("{n} trials; best mean {score} {value:.4f}: the {count} trials at {where}").format(
                n=len(self.scores), score=gettext(self.score_name), value=grid[i, j], count=counts[i, j], where=where
            )
        return grid

    def status_message(self) -> str:
        return self._message

    def _frame_extras(self) -> dict:
        return {"_message": self._message}
