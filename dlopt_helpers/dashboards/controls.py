"""Controls shared by the dashboards: the one learning-rate slider, label widths, and control-value checks.

Every dashboard that has a learning rate builds it with ``learning_rate_slider``, so the slider looks and
behaves the same everywhere (log scale, readout to 3 significant digits, a label that is never cut).
"""

from __future__ import annotations

import math
import unicodedata

from .._validation import short_repr
from ..i18n import gettext

__all__ = ["learning_rate_slider", "fit_labels", "label_width", "check_control_value"]

#: average width of one label character in ``em`` (13 px sans-serif; a little generous, so nothing is cut)
_EM_PER_CHAR = 0.62


def label_width(descriptions) -> str:
    """A ``description_width`` (in ``em``) that shows the longest of ``descriptions`` in full."""
    longest = max((_ems(d) for d in descriptions), default=0)
    return f"{max(1.0, math.ceil(longest * 2) / 2):g}em"


def _ems(text: str) -> float:
    """The width of ``text`` in ``em``: a Chinese character is a full em wide, a Latin one about 0.62."""
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    return wide + (len(text) - wide) * _EM_PER_CHAR


def fit_labels(controls, width: str | None = None) -> None:
    """Give every control of ``controls`` (name -> widget) one label width wide enough for all labels.

    The widgets then line up in columns, and no label is cut to "learning r…" (ipywidgets' default
    label width is about 8 characters). ``width`` sets the width of each control (e.g. ``"300px"``).
    """
    for control in controls.values():  # the dashboards' labels in the course's language (dh.set_language)
        if getattr(control, "description", ""):
            control.description = gettext(control.description)
    labelled = [c for c in controls.values() if _has_left_label(c)]
    common = label_width(c.description for c in labelled)
    for control in labelled:
        control.style.description_width = common
    if width is not None:
        for control in controls.values():
            control.layout.width = width


def _has_left_label(control) -> bool:
    """A checkbox writes its description to the right of the box, where it is never cut."""
    return bool(getattr(control, "description", "")) and type(control).__name__ != "Checkbox"


def learning_rate_slider(
    value: float,
    low: float = 1e-4,
    high: float = 3.0,
    *,
    continuous_update: bool = True,
    description: str = "learning rate",
):
    """The course's learning-rate slider: log scale from ``low`` to ``high``, steps of 10**0.05 (about 12 %).

    ``continuous_update=False`` (the Keras trainer) sends a value only when the handle is released.
    """
    import ipywidgets as widgets

    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=math.log10(low),
        max=math.log10(high),
        step=0.05,
        description=description,
        continuous_update=continuous_update,
        readout_format=".3g",
        style={"description_width": "initial"},
    )


def check_control_value(name, control, value):
    """Raise ``ValueError`` unless ``value`` is one the control can take (sliders would clamp silently)."""
    if isinstance(control.value, bool):  # a checkbox
        if not isinstance(value, bool):
            raise ValueError(gettext("{name} must be true or false, got {value!r}").format(name=name, value=value))
        return
    options = getattr(control, "options", None)
    if options is not None:
        labels = [o[1] if isinstance(o, tuple) else o for o in options]
        if value not in labels:
            raise ValueError(
                gettext("{name} must be one of {labels}, got {value!r}").format(name=name, labels=labels, value=value)
            )
        return
    low, high = control.min, control.max
    if hasattr(control, "base"):  # FloatLogSlider: min and max are exponents
        low, high = control.base**low, control.base**high
    slack = 1e-9 * max(abs(low), abs(high))  # 10 ** log10(3) is 3 only up to rounding
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low - slack <= value <= high + slack:
        raise ValueError(
            gettext("{name} must be a number in [{low:.4g}, {high:.4g}], got {value}").format(
                name=name, low=low, high=high, value=short_repr(value)
            )
        )
    if isinstance(control.value, int) and not isinstance(value, int):  # an IntSlider would truncate 10.5 to 10
        raise ValueError(
            gettext("{name} must be a whole number in [{low:.4g}, {high:.4g}], got {value}").format(
                name=name, low=low, high=high, value=short_repr(value)
            )
        )
