"""One figure style for the whole course, and the figures every chapter reuses.

Introduced in ``notebooks/00_background.ipynb``. Functions here return a
``matplotlib.figure.Figure`` that is *not* registered with pyplot: Jupyter shows
it once when it is the cell's value (or through ``display``), and a dashboard can
keep redrawing the same figure without leaking new ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from ._validation import (
    Array,
    Boolean,
    Instance,
    InvalidParameterError,
    Options,
    Real,
    check,
    check_int,
    short_repr,
    validate_params,
)
from ._validation import Sequence as Items

__all__ = [
    "COLORS",
    "STYLE",
    "use_style",
    "new_figure",
    "show_images",
    "plot_history",
    "plot_trajectories",
    "heatmap",
    "text_color",
]

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "figure.constrained_layout.use": True,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.frameon": False,
    "image.cmap": "gray_r",
}


#: the largest figure side in inches (8,000 pixels at the style's 80 dpi)
MAX_INCHES = 100.0
LAYOUTS = ("constrained", "compressed", "tight", "none")


def use_style() -> None:
    """Apply the course style to matplotlib (call once per notebook, after importing pyplot)."""
    mpl.rcParams.update(STYLE)


@validate_params(
    figsize=(None, Items(Real(0, MAX_INCHES, closed="right"), min_len=2, max_len=2)), layout=(None, Options(*LAYOUTS))
)
def new_figure(
    nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] | None = None, layout: str | None = None, **kwargs
):
    """A figure and its axes, outside pyplot's registry.

    Returns ``(fig, axes)`` like ``plt.subplots`` (``axes`` squeezed the same way).
    ``layout`` is matplotlib's layout engine (``None``: the style's constrained layout;
    ``'none'`` for dashboards that place their axes once with ``subplots_adjust``).
    ``figsize``: (width, height) in inches, each in (0, 100].
    """
    nrows = check_int("nrows", nrows, 1, 20)
    ncols = check_int("ncols", ncols, 1, 20)
    fig = Figure(figsize=figsize, layout=layout)
    axes = fig.subplots(nrows, ncols, squeeze=True, **kwargs)
    return fig, axes


def show_images(
    images,
    labels: Sequence | None = None,
    ncols: int = 10,
    title: str | None = None,
    size: float = 0.9,
) -> Figure:
    """A grid of images with optional labels.

    Parameters
    ----------
    images : array (n, h, w), (n, h, w, 1) or (n, h, w, 3)
        Floats in [0, 1] or uint8.
    labels : sequence of length n, optional
        Shown above each image.
    ncols : int in [1, 20]
        Images per row.
    title : str, optional
    size : float > 0
        Inches per image.
    """
    images = np.asarray(images)
    if images.dtype == object or images.dtype.kind not in "biuf":
        raise InvalidParameterError(f"images must be an array of numbers, got dtype {images.dtype}")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError(f"images must have shape (n, h, w[, c]) with n >= 1, got {images.shape}")
    if images.ndim == 4 and images.shape[-1] not in (3, 4):
        raise InvalidParameterError(f"images must have 1, 3 (RGB) or 4 (RGBA) channels, got shape {images.shape}")
    if labels is not None and (isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__")):
        raise InvalidParameterError(f"labels must be a sequence with one entry per image, got {short_repr(labels)}")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"labels must have one entry per image ({len(images)}), got {len(labels)}")
    ncols = min(check_int("ncols", ncols, 1, 20), len(images))
    size = check("size", size, Real(0, 10, closed="right"))
    if len(images) > 20 * ncols:
        raise InvalidParameterError(
            f"images must hold at most 20 rows of ncols={ncols} images ({20 * ncols}), got "
            f"{len(images)}: show a slice, e.g. images[:{20 * ncols}]"
        )
    if images.dtype.kind == "f":
        finite = images[np.isfinite(images)]
        if finite.size and (finite.min() < -0.01 or finite.max() > 1.01):
            hint = " (pixel values 0..255? divide by 255, or pass uint8)" if finite.max() > 1.01 else ""
            raise InvalidParameterError(
                f"images must be floats in [0, 1] or integers (uint8), got floats from "
                f"{finite.min():g} to {finite.max():g}{hint}"
            )
    nrows = int(np.ceil(len(images) / ncols))
    extra = 0.3 if title else 0.0
    fig, axes = new_figure(nrows, ncols, figsize=(ncols * size, nrows * size * 1.15 + extra))
    axes = np.atleast_1d(axes).ravel()
    for index, ax in enumerate(axes):
        ax.set_axis_off()
        if index < len(images):
            kwargs = {"vmin": 0, "vmax": 1} if images.dtype.kind == "f" else {}
            ax.imshow(images[index], interpolation="nearest", **kwargs)
            if labels is not None:
                ax.set_title(str(labels[index]), fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


def plot_history(history, metrics: Sequence[str] = ("loss",), title: str | None = None) -> Figure:
    """Learning curves: each metric per epoch, training and validation.

    Parameters
    ----------
    history : keras ``History`` or mapping of metric name -> list of values
    metrics : names of the metrics to plot (``val_<name>`` is added when present)
    """
    values = history.history if hasattr(history, "history") else history
    if not isinstance(values, Mapping):
        raise ValueError(f"history must be a keras History or a mapping, got {type(history).__name__}")
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not isinstance(metrics, (list, tuple)):
        raise InvalidParameterError(f"metrics must be a list of metric names, got {short_repr(metrics)}")
    missing = [m for m in metrics if m not in values]
    if not metrics or missing:
        raise ValueError(f"metrics must be names found in history {sorted(values, key=str)}, got {list(metrics)}")
    curves = {}
    for metric in metrics:
        for name in (metric, f"val_{metric}"):
            if name in values:
                curves[name] = check(f"history[{name!r}]", values[name], Array(ndim=1, finite=False))
        if f"val_{metric}" in curves and len(curves[f"val_{metric}"]) != len(curves[metric]):
            raise InvalidParameterError(
                f"history[{'val_' + metric!r}] must have one value per epoch like history[{metric!r}] "
                f"({len(curves[metric])}), got {len(curves['val_' + metric])}"
            )
    fig, axes = new_figure(1, len(metrics), figsize=(3.4 * len(metrics) + 0.4, 3.0))
    axes = np.atleast_1d(axes)
    for ax, metric in zip(axes, metrics):
        epochs = np.arange(1, len(curves[metric]) + 1)
        ax.plot(epochs, curves[metric], label="train")
        if f"val_{metric}" in curves:
            ax.plot(epochs, curves[f"val_{metric}"], label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    if title:
        fig.suptitle(title)
    return fig


#: how the contour panels name their axes: the formula surfaces' own variables, or the two directions of a slice
_SURFACE_AXES = {"digits": ("direction 1 (filter-normalized)", "direction 2 (filter-normalized)")}


@validate_params(title=(None, Instance(str)), colorbar=Boolean(), colors=(None, Instance(Mapping, what="a mapping")))
def plot_trajectories(
    surface, trajectories: Mapping, ax=None, title: str | None = None, colorbar: bool = True, colors=None
):
    """Contour of a 2-D loss ``surface`` (``optim.Surface``) with optimizer paths on it.

    Parameters
    ----------
    surface : optim.Surface
    trajectories : mapping label -> ``optim.Trajectory`` (or an ``(n, 2)`` array of points)
    ax : matplotlib Axes, optional (a new figure otherwise)
    title : str, optional (default: the surface's description)
    colorbar : bool
        Draw a colour bar of the loss (log scale) beside the panel.
    colors : mapping label -> matplotlib colour, optional
        Keeps one colour per optimizer across several panels (default: the course colours in order).

    Returns
    -------
    The Figure (new or the one of ``ax``).
    """
    from matplotlib.axes import Axes
    from matplotlib.colors import LogNorm, to_rgba
    from matplotlib.ticker import MaxNLocator

    if not hasattr(surface, "grid"):
        raise ValueError(f"surface must be an optim.Surface, got {type(surface).__name__}")
    if not isinstance(trajectories, Mapping):
        raise InvalidParameterError(
            f"trajectories must be a mapping label -> optim.Trajectory (or (n, 2) array), "
            f"got {type(trajectories).__name__}: {short_repr(trajectories)}"
        )
    if ax is not None and not isinstance(ax, Axes):
        raise InvalidParameterError(f"ax must be a matplotlib Axes or None, got {short_repr(ax)}")
    paths = {
        label: check(f"trajectories[{label!r}]", getattr(run, "points", run), Array(shape=(None, 2), finite=False))
        for label, run in trajectories.items()
    }
    colors = dict(zip(paths, COLORS[1:] * (len(paths) // len(COLORS[1:]) + 1))) if colors is None else dict(colors)
    for label in paths:
        try:
            to_rgba(colors[label])
        except (KeyError, ValueError, TypeError):
            raise InvalidParameterError(
                f"colors must give a matplotlib colour for every path, got {short_repr(colors.get(label))} "
                f"for {label!r}"
            ) from None
    if ax is None:
        _fig, ax = new_figure(1, 1, figsize=(5.2, 3.6))
    X, Y, Z = surface.grid(90)
    levels = np.geomspace(max(Z.min(), 1e-3 * Z.max() if Z.min() <= 0 else Z.min()), Z.max(), 25)
    filled = ax.contourf(X, Y, Z, levels=levels, norm=LogNorm(), cmap="viridis", alpha=0.85)
    for label, points in paths.items():
        ax.plot(points[:, 0], points[:, 1], "-", color=colors[label], lw=1.6, label=label)
    ax.plot(*surface.minimum, "*", color="white", ms=11, mec="black", label="_minimum")
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)
    ax.grid(False)  # grid lines would cut through the contours
    xlabel, ylabel = _SURFACE_AXES.get(getattr(surface, "name", ""), ("x", "y"))
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(5))  # readable ticks in a narrow panel
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.set_title(title or surface.description, fontsize=10)
    if colorbar:
        bar = ax.figure.colorbar(filled, ax=ax, fraction=0.05, pad=0.02)
        ticks = np.geomspace(levels[0], levels[-1], 4)  # four round labels instead of one per contour level
        bar.set_ticks(ticks, labels=[f"{tick:.2g}" for tick in ticks])
        bar.ax.minorticks_off()
        bar.set_label("loss (log scale)")
    return ax.figure


def text_color(color) -> str:
    """``'black'`` or ``'white'``, whichever reads better on a background of ``color``.

    Chosen by the colour's relative luminance (WCAG 2): above 0.179 black text has more contrast
    than white. Use it for numbers written on heat-map cells, so light cells get dark text
    whatever the colour map.
    """
    from matplotlib.colors import to_rgba

    try:
        rgba = to_rgba(color)
    except (ValueError, TypeError):
        raise InvalidParameterError(f"color must be a matplotlib colour, got {short_repr(color)}") from None
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3]]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "black" if luminance > 0.179 else "white"


@validate_params(
    values=Array(ndim=2, finite=False),
    x_labels=Items(min_len=1, max_len=100),
    y_labels=Items(min_len=1, max_len=100),
    fmt=Instance(str),
    cmap=Instance(str),
    vmin=(None, Real()),
    vmax=(None, Real()),
    colorbar_label=(None, Instance(str)),
    xlabel=(None, Instance(str)),
    ylabel=(None, Instance(str)),
    title=(None, Instance(str)),
    fontsize=Real(1, 50),
)
def heatmap(
    values,
    x_labels,
    y_labels,
    ax=None,
    fmt: str = "{:.2f}",
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar_label: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    fontsize: float = 8,
) -> Figure:
    """A table of numbers as coloured cells, each with its value written on it, and a colour bar.

    The text on each cell is black or white by the cell colour's luminance (``text_color``), and
    no grid lines cross the cells.

    Parameters
    ----------
    values : 2-D array (rows = ``y_labels``, columns = ``x_labels``); NaN cells stay empty
    x_labels, y_labels : sequences of tick labels, one per column / row (first row at the top)
    ax : matplotlib Axes, optional (a new figure otherwise)
    fmt : str
        Format of each value, e.g. ``"{:.2f}"`` or ``"{:.0%}"``.
    cmap : str
        A matplotlib colour map name.
    vmin, vmax : float, optional
        The colour scale (default: the finite values' range).
    colorbar_label, xlabel, ylabel, title : str, optional
    fontsize : float
        Size of the numbers on the cells.

    Returns
    -------
    The Figure (new or the one of ``ax``).
    """
    from matplotlib.axes import Axes

    if values.shape != (len(y_labels), len(x_labels)):
        raise InvalidParameterError(
            f"x_labels and y_labels must give one label per column and row of values {values.shape}, "
            f"got {len(x_labels)} x_labels and {len(y_labels)} y_labels"
        )
    if np.isinf(values).any():
        raise InvalidParameterError("values must be finite numbers or NaN (an empty cell), got infinity")
    try:
        fmt.format(0.5)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as error:
        raise InvalidParameterError(
            f"fmt must be a format string for one number like '{{:.2f}}', got {fmt!r}: {error}"
        ) from None
    try:
        colormap = mpl.colormaps[cmap]
    except KeyError:
        raise InvalidParameterError(
            f"cmap must be a matplotlib colour map name such as 'viridis', got {cmap!r}"
        ) from None
    if ax is not None and not isinstance(ax, Axes):
        raise InvalidParameterError(f"ax must be a matplotlib Axes or None, got {short_repr(ax)}")
    finite = values[np.isfinite(values)]
    low = vmin if vmin is not None else (float(finite.min()) if finite.size else 0.0)
    high = vmax if vmax is not None else (float(finite.max()) if finite.size else 1.0)
    if not low < high:
        if vmin is not None and vmax is not None:
            raise InvalidParameterError(f"vmin must be below vmax, got vmin={vmin!r} and vmax={vmax!r}")
        # one value everywhere, or a given bound beyond the data: a scale one unit wide keeps the colours defined
        low, high = (low, low + 1) if vmax is None else (high - 1, high)
    if ax is None:
        ny, nx = values.shape
        _fig, ax = new_figure(1, 1, figsize=(min(1.0 * nx + 2.4, MAX_INCHES), min(0.5 * ny + 1.4, MAX_INCHES)))
    image = ax.imshow(values, cmap=colormap, vmin=low, vmax=high, aspect="auto", interpolation="nearest")
    ax.grid(False)  # grid lines would cut through the cells
    ax.set_xticks(range(len(x_labels)), [str(label) for label in x_labels])
    ax.set_yticks(range(len(y_labels)), [str(label) for label in y_labels])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            color = text_color(colormap(image.norm(value)))
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=fontsize, color=color)
    bar = ax.figure.colorbar(image, ax=ax)
    bar.outline.set_visible(False)
    if colorbar_label:
        bar.set_label(colorbar_label)
    ax.set(xlabel=xlabel or "", ylabel=ylabel or "")
    if title:
        ax.set_title(title)
    return ax.figure
