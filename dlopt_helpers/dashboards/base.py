"""The rendering framework of the dashboards: controls -> ``update`` -> one reused figure -> PNG widget.

A new dashboard subclasses ``FigureDashboard`` (see its docstring and ``CONTRIBUTING.md``), lives in a module
of its own in this package, and is listed in ``dashboards.DASHBOARDS``.
"""

from __future__ import annotations

import html
import io
import textwrap
from collections import OrderedDict
from typing import TYPE_CHECKING

from .._validation import short_repr
from ..i18n import gettext
from .controls import check_control_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FigureDashboard", "wrap_message"]

#: the box drawn behind a message in a figure (white, so curves and bars never run through the text)
MESSAGE_BOX = {"boxstyle": "round", "facecolor": "white", "alpha": 0.9, "edgecolor": "none"}
#: messages and legends are drawn above every moving artist (lines 2, patches 1, texts 3)
ON_TOP = 10


def message_text(ax, x: float = 0.5, ha: str = "center", fontsize: float = 9, animated: bool = False):
    """The empty status text in the top of ``ax`` (axes coordinates), boxed, above legends and data."""
    return ax.text(
        x,
        0.96,
        "",
        transform=ax.transAxes,
        ha=ha,
        va="top",
        fontsize=fontsize,
        animated=animated,
        zorder=ON_TOP,
        bbox=MESSAGE_BOX,
    )


def wrap_message(text: str, width: int = 56) -> str:
    """Wrap each line of a figure message longer than ``width`` (the usual short messages stay as they are)."""
    return "\n".join(textwrap.fill(line, width) if len(line) > width else line for line in text.split("\n"))


class FigureDashboard:
    """Base of the course's dashboards: controls -> ``update`` -> one reused figure -> PNG widget.

    Speed (the course's goal is < 50 ms per slider move on 2 CPU cores): the
    figure is drawn in full only when its layout changes (``layout_key``); the
    artists a subclass marks *animated* are redrawn on top of a cached
    background (blitting), in the order of their ``zorder``, and the result is
    encoded once as a PNG and pushed to an ``ipywidgets.Image``. No new figure,
    no ``clear_output`` flicker. The legend of an axes that holds moving artists
    is pasted back over them (its pixels from the background), so a curve never
    runs through its own legend; artists with ``zorder >= ON_TOP`` (messages in a
    box) are drawn last, above the legends.

    Subclasses set ``self.controls`` (name -> widget) and ``self.fig``, mark their
    moving artists with ``set_animated(True)``, and implement ``update(**values)``
    (recompute, move artists, return the state) and optionally ``layout_key``.
    """

    controls: dict
    fig: Figure
    #: the PNG's zlib level: 1 is the fastest and only a few percent larger than the default 6
    PNG_COMPRESSION = 1
    #: ``'png'`` (sharp lines and text) or ``'jpeg'`` (photos: encodes 5x faster than PNG, at ``JPEG_QUALITY``)
    IMAGE_FORMAT = "png"
    JPEG_QUALITY = 90
    #: finished frames kept, by the controls' values (0: none). Only for a dashboard whose frame, state and
    #: status depend on the controls alone and whose ``update`` changes nothing but its artists and the
    #: attributes named by ``_frame_extras``: going back to a setting then costs no recompute and no redraw.
    FRAME_CACHE = 0
    #: backgrounds kept, by ``layout_key`` (0: only the current one). Only for a dashboard whose background
    #: depends on its layout key alone (the same key always draws the same axes, ticks and labels).
    BACKGROUNDS = 0

    def __init__(self):
        from . import DASHBOARDS

        names = ", ".join(d.__name__ for d in DASHBOARDS)
        raise TypeError(f"FigureDashboard is the base class of the dashboards, not one to use: make one of {names}")

    def _start(self) -> None:
        """Call at the end of the subclass ``__init__``: first render, then live updates."""
        import ipywidgets as widgets
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if self.fig.get_layout_engine() is not None:
            raise ValueError("dashboard figures must be made with layout='none': a layout engine re-runs on every draw")
        self.canvas = FigureCanvasAgg(self.fig)
        self.image = widgets.Image(
            format=self.IMAGE_FORMAT, layout=widgets.Layout(width=f"{self.fig.bbox.width:.0f}px")
        )
        # the figure's message as text too: readable by screen readers, searchable, testable in a browser
        self.status = widgets.HTML(layout=widgets.Layout(width=f"{self.fig.bbox.width:.0f}px"))
        self._background_key = object()
        self._background = None
        self._moving = []
        self._overlays = []
        self._frames = OrderedDict()
        self._backgrounds = {}
        self.render_count = 0
        self.refused = None  # the last value a control refused, as a sentence (also in the status line)
        self.refresh()
        for name, control in self.controls.items():
            self._guard(name, control)
            control.observe(self._on_change, names="value")

    def _guard(self, name: str, control) -> None:
        """Refuse a value the control cannot take (NaN, out of range, not an option): keep the old one, say why.

        Installed as the control's own validator, so a refused value never reaches the control or
        ``update``: the dashboard keeps working and the status line explains what happened.
        """
        original = control._trait_validators.get("value")  # the widget's own check (clamping, options)

        def validate(owner, proposal):
            value = proposal["value"]
            try:
                if not isinstance(value, bool) and not isinstance(owner.value, bool):
                    check_control_value(name, owner, value)
            except ValueError as error:
                self._explain_refusal(
                    gettext("{error}; kept {value}").format(error=error, value=short_repr(owner.value))
                )
                return owner.value
            return original(owner, proposal) if original is not None else value

        control._register_validator(validate, ("value",))

    def _explain_refusal(self, sentence: str) -> None:
        self.refused = sentence
        self.status.value = f'<div class="dlopt-status" role="status">{html.escape(sentence)}</div>'

    def values(self) -> dict:
        """The current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    # -- settings as JSON, so a teacher can hand a class an exact setup -------------------------
    def config(self) -> dict:
        """Settings fixed when the dashboard is made (constructor arguments that have no control)."""
        return {}

    def to_json(self) -> str:
        """The dashboard's settings as a small JSON snippet (``load_json`` / ``from_json`` read it back)."""
        import json

        return json.dumps({"dashboard": type(self).__name__, **self.config(), **self.values()}, sort_keys=True)

    @classmethod
    def _parse_settings(cls, text: str) -> dict:
        import json

        try:
            settings = json.loads(text)
        except (TypeError, json.JSONDecodeError) as error:
            raise ValueError(f"text must be a JSON object saved by to_json(): {error}") from None
        if not isinstance(settings, dict):
            raise ValueError(f"text must be a JSON object saved by to_json(), got {type(settings).__name__}")
        kind = settings.pop("dashboard", cls.__name__)
        if kind != cls.__name__:
            raise ValueError(f"dashboard must be {cls.__name__!r}, got {kind!r}")
        return settings

    @classmethod
    def from_json(cls, text: str) -> FigureDashboard:
        """A new dashboard with the settings of a ``to_json`` snippet (a teacher's exact setup)."""
        return cls(**cls._parse_settings(text))

    def load_json(self, text: str) -> None:
        """Apply settings saved by ``to_json`` to this dashboard; every value is checked before any is set."""
        settings = self._parse_settings(text)
        fixed = self.config()
        changed = sorted(k for k in set(settings) & set(fixed) if settings[k] != fixed[k])
        if changed:
            raise ValueError(
                f"{', '.join(changed)} cannot change on a running dashboard; "
                f"use {type(self).__name__}.from_json(...) for a new one"
            )
        settings = {k: v for k, v in settings.items() if k not in fixed}
        unknown = sorted(set(settings) - set(self.controls))
        if unknown:
            raise ValueError(f"settings must be among {sorted(self.controls)}, got unknown {unknown}")
        for name, value in settings.items():
            check_control_value(name, self.controls[name], value)
        self._batch = True
        try:
            for name, value in settings.items():
                self.controls[name].value = value
        finally:
            self._batch = False
        self.refresh()

    def layout_key(self, **values):
        """Values that change axes limits or ticks: a new key redraws the background."""
        return None

    def update(self, **values):  # pragma: no cover - abstract
        raise NotImplementedError

    _batch = False

    def _on_change(self, change) -> None:
        if self._batch:
            return
        try:
            self.refresh()
        except (ValueError, ArithmeticError) as error:  # never leave the dashboard stuck on a bad setting
            self._batch = True
            try:
                change["owner"].value = change["old"]
            finally:
                self._batch = False
            self.refresh()
            self._explain_refusal(gettext("{error}; kept the previous settings").format(error=error))

    def refresh(self):
        """Recompute from the controls and redraw; returns the new state."""
        values = self.values()
        key = tuple(sorted(values.items())) if self.FRAME_CACHE else None
        if key in self._frames:  # this setting was shown before: its frame as it was
            self._frames.move_to_end(key)
            self.state, image, status, extras = self._frames[key]
            self.__dict__.update(extras)
        else:
            self.state = self.update(**values)
            self._draw(self.layout_key(**values))
            image = self.encode()
            status = f'<div class="dlopt-status" role="status">{html.escape(self.status_message())}</div>'
            if key is not None:
                self._frames[key] = (self.state, image, status, self._frame_extras())
                if len(self._frames) > self.FRAME_CACHE:
                    self._frames.popitem(last=False)
        self.image.value = image
        self.status.value = status
        self.render_count += 1
        return self.state

    def _frame_extras(self) -> dict:
        """Attributes besides ``state`` that ``status_message`` reads, kept with a cached frame."""
        return {}

    def status_message(self) -> str:
        """One line saying what the figure shows (divergence included); shown under the figure."""
        return getattr(self.state, "message", "")

    def _animated(self) -> list:
        """The moving artists, in drawing order (by ``zorder``; creation order within one)."""
        return sorted((a for a in self.fig.findobj() if a.get_animated()), key=lambda a: a.get_zorder())

    def _legends_over_moving(self) -> list:
        """The legends of the axes that hold moving artists: they must stay readable above the data."""
        axes = {a.axes for a in self._moving}
        return [ax.get_legend() for ax in self.fig.axes if ax in axes and ax.get_legend() is not None]

    def _draw(self, key) -> None:
        if key != self._background_key or self._background is None:
            # the moving artists change only with the layout: walking the figure's tree on every move
            # cost ~30 ms in the 18-tile augmentation grid
            self._moving = self._animated()
            if key is not None and key in self._backgrounds:  # this layout was drawn before
                self._background, self._overlays = self._backgrounds[key]
            else:
                self.canvas.draw()  # everything not animated
                self._background = self.canvas.copy_from_bbox(self.fig.bbox)
                # a legend's pixels as drawn in the background, pasted back over the moving data on every
                # frame: a curve never runs through its own legend, and no legend text is rendered again
                renderer = self.canvas.get_renderer()
                self._overlays = [
                    self.canvas.copy_from_bbox(legend.get_window_extent(renderer).padded(1))
                    for legend in self._legends_over_moving()
                    if legend.get_visible()
                ]
                if self.BACKGROUNDS and key is not None:
                    self._backgrounds[key] = (self._background, self._overlays)
                    while len(self._backgrounds) > self.BACKGROUNDS:
                        self._backgrounds.pop(next(iter(self._backgrounds)))
            self._background_key = key
        self.canvas.restore_region(self._background)
        on_top = []
        for artist in self._moving:
            if not artist.get_visible():
                continue
            if artist.get_zorder() >= ON_TOP:  # messages: above the legends too
                on_top.append(artist)
            else:
                self.fig.draw_artist(artist)
        for region in self._overlays:
            self.canvas.restore_region(region)
        for artist in on_top:
            self.fig.draw_artist(artist)

    def encode(self, image_format: str | None = None) -> bytes:
        """The figure as last drawn, as ``IMAGE_FORMAT`` bytes (what the widget shows)."""
        from PIL import Image

        rgba = self.canvas.buffer_rgba()
        width, height = self.canvas.get_width_height(physical=True)
        buffer = io.BytesIO()
        # the canvas' memory as it is (no copy); the encoding is ~5 ms of a frame
        image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
        if (image_format or self.IMAGE_FORMAT) == "jpeg":
            image.convert("RGB").save(buffer, format="jpeg", quality=self.JPEG_QUALITY)
        else:
            image.save(buffer, format="png", compress_level=self.PNG_COMPRESSION)
        return buffer.getvalue()

    def png(self) -> bytes:
        """The figure as last drawn, as PNG bytes."""
        return self.encode("png")

    @property
    def widget(self):
        """Controls above the figure, as one ipywidgets box."""
        import ipywidgets as widgets

        return widgets.VBox([self._controls_box(list(self.controls.values())), self.image, self.status])

    @staticmethod
    def _controls_box(children):
        import ipywidgets as widgets

        return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap"))  # wrap on narrow screens

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
