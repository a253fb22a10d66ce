"""The one divergence rule, used by every optimizer run, dashboard and training helper.

A run has *diverged* at the first point where one of these holds:

1. **non-finite**: the loss is NaN or infinite;
2. **exploding**: for a classifier with ``K`` classes the loss exceeds ``10 log K`` (ten times the loss of
   guessing uniformly); on a loss surface it exceeds ``EXPLOSION_FACTOR`` times the start loss, or the point
   runs more than ``FAR_FACTOR`` box widths away;
3. **stuck at chance after a spike** (classifiers): the loss rose above ``SPIKE_FACTOR`` times its start
   (or the validation accuracy had risen above ``1/K + LEARNED_MARGIN``: the network had learned), and
   afterwards ``PATIENCE`` points in a row sit at chance level:
   validation accuracy ``<= 1/K + ACCURACY_EPS`` where it is measured, else a loss within
   ``CHANCE_TOLERANCE`` of ``log K``. (Training at too large a rate often does not blow up: it jumps, the
   ReLUs die, and the network settles at the uniform guess, loss ``≈ log K``, accuracy ``1/K``.)
4. **leaving the surface**: the point leaves the region where a surface's loss is known (its ``domain``;
   the ``digits`` slice is only sampled inside its box).

The *cause* is named with it: ``"start"`` when the start itself is already out of bounds or non-finite
(step 0; the learning rate played no part), ``"left_surface"`` when the path left the surface's domain,
``"learning_rate"`` otherwise. Divergence is reported (a flag and a sentence), never raised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .i18n import N_, gettext

__all__ = [
    "EXPLOSION_FACTOR",
    "CHANCE_FACTOR",
    "FAR_FACTOR",
    "SPIKE_FACTOR",
    "CHANCE_TOLERANCE",
    "ACCURACY_EPS",
    "PATIENCE",
    "LEARNED_MARGIN",
    "Divergence",
    "exploding",
    "surface_divergence",
    "find_divergence",
]

#: on a surface: a loss this many times the start loss counts as exploding
EXPLOSION_FACTOR = 1e6
#: for a classifier: a loss above ``CHANCE_FACTOR × log K`` counts as exploding
CHANCE_FACTOR = 10.0
#: on a surface with no bounded domain: a point this many box widths from the origin has run away
FAR_FACTOR = 1e3
#: a spike: a loss this many times the start loss (the loss of guessing uniformly, log K, for a new network)
SPIKE_FACTOR = 1.2
#: "had learned": validation accuracy above 1/K plus this (falling back to chance afterwards is a collapse too)
LEARNED_MARGIN = 0.05
#: "at chance": a loss within this fraction of log K (used where no validation accuracy is measured)
CHANCE_TOLERANCE = 0.15
#: "at chance": validation accuracy at most 1/K plus this
ACCURACY_EPS = 0.02
#: points in a row at chance, after a spike, that make it a divergence
PATIENCE = 3

CAUSES = ("learning_rate", "start", "left_surface")
THIS_SURFACE = N_("this surface")  # what a learning rate is too large for, unless a caller names it


@dataclass(frozen=True)
class Divergence:
    """Where (``index`` into the recorded values) and why a run diverged.

    ``kind``: ``'non_finite'``, ``'exploding'``, ``'far'``, ``'chance'`` or ``'left_box'``;
    ``cause``: ``'learning_rate'``, ``'start'`` or ``'left_surface'``; ``note``: the evidence in words.
    """

    index: int
    kind: str
    cause: str
    note: str = ""

    def sentence(self, step: int, learning_rate: float, detail: str = "", what: str = THIS_SURFACE) -> str:
        """One readable sentence, e.g. ``diverged at step 39: learning rate 0.11 is too large for this surface``."""
        rate = gettext("learning rate {rate:.3g} is too large for {what}").format(
            rate=learning_rate, what=gettext(what)
        )
        if self.cause == "start":
            return gettext("diverged at step {step}: {note} (the start is the problem, not the learning rate)").format(
                step=step, note=self.note
            )
        if self.cause == "left_surface":
            return gettext("diverged at step {step}: {note}: {rate}{detail}").format(
                step=step, note=self.note, rate=rate, detail=detail
            )
        if self.kind == "chance":
            return gettext("diverged at step {step}: {note}; {rate}{detail}").format(
                step=step, note=self.note, rate=rate, detail=detail
            )
        return gettext("diverged at step {step}: {rate}{detail}").format(step=step, rate=rate, detail=detail)


def exploding(
    loss: float, *, start_loss: float | None = None, num_classes: int | None = None, factor: float = EXPLOSION_FACTOR
) -> str | None:
    """``'non_finite'`` or ``'exploding'`` if this one loss value counts as diverged, else ``None``."""
    if not math.isfinite(loss):
        return "non_finite"
    if num_classes is not None and loss > CHANCE_FACTOR * math.log(num_classes):
        return "exploding"
    if start_loss is not None and loss > factor * max(start_loss, 1e-12):
        return "exploding"
    return None


def _fmt_point(point) -> str:
    return "(" + ", ".join(f"{float(v):.3g}" for v in point) + ")"


def _fmt_box(box) -> str:
    (x0, x1), (y0, y1) = box
    return gettext("x in [{x0:g}, {x1:g}], y in [{y0:g}, {y1:g}]").format(x0=x0, x1=x1, y0=y0, y1=y1)


def surface_divergence(
    step: int, point, loss: float, start_loss: float | None, xlim, ylim, domain=None
) -> Divergence | None:
    """The rule for one step of an optimizer on a 2-D surface (``domain``: ``(xlim, ylim)`` or ``None``).

    At step 0 anything out of bounds is the start's fault; later, leaving ``domain`` is leaving the
    surface, and a non-finite, exploding or run-away point is the learning rate's.
    """
    x, y = float(point[0]), float(point[1])  # plain floats: this runs once per step, it must be cheap
    span = max(xlim[1] - xlim[0], ylim[1] - ylim[0])
    far = not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > FAR_FACTOR * span
    outside = domain is not None and not (domain[0][0] <= x <= domain[0][1] and domain[1][0] <= y <= domain[1][1])
    if step == 0:
        if far or outside or not math.isfinite(loss):
            box = _fmt_box(domain if domain is not None else (xlim, ylim))
            if far:
                note = gettext("the start {point} is far outside the box {box}; choose a start inside it")
            elif outside:
                note = gettext(
                    "the start {point} is outside the box, where the loss is unknown, {box}; choose a start inside it"
                )
            else:
                note = gettext(
                    "the start {point} is a point where the loss is not finite, for the box {box}; "
                    "choose a start inside it"
                )
            return Divergence(
                0,
                "far" if far else ("left_box" if outside else "non_finite"),
                "start",
                note.format(point=_fmt_point(point), box=box),
            )
        return None
    if outside and not far:
        return Divergence(
            step,
            "left_box",
            "left_surface",
            gettext("the path left the surface at {point}; its loss is only known for {box}").format(
                point=_fmt_point(point), box=_fmt_box(domain)
            ),
        )
    if far:
        return Divergence(step, "far", "learning_rate")
    kind = exploding(loss, start_loss=start_loss)
    return None if kind is None else Divergence(step, kind, "learning_rate")


def find_divergence(
    losses,
    *,
    num_classes: int | None = None,
    start_loss: float | None = None,
    val_accuracy=None,
    factor: float = EXPLOSION_FACTOR,
    patience: int = PATIENCE,
) -> Divergence | None:
    """The first divergence in a recorded loss history (per chunk or per epoch), or ``None``.

    ``num_classes`` switches on the classifier rules (``10 log K``, and stuck at chance after a spike);
    ``start_loss`` is the loss before the first recorded value (default: the first value is the
    reference); ``val_accuracy`` (same length as ``losses``, optional) is the evidence for "at chance".
    """
    losses = np.asarray(losses, dtype=np.float64).ravel()
    accuracy = None if val_accuracy is None else np.asarray(val_accuracy, dtype=np.float64).ravel()
    reference = None if start_loss is None else float(start_loss)
    chance_loss = math.log(num_classes) if num_classes else None
    armed, at_chance = None, 0  # what set off the watch for "stuck at chance", and points at chance since
    for i, loss in enumerate(losses):
        loss = float(loss)
        kind = exploding(
            loss,
            num_classes=num_classes,
            factor=factor,
            start_loss=None if num_classes else (reference if i > 0 or start_loss is not None else None),
        )
        if kind is not None:
            return Divergence(i, kind, "learning_rate", gettext("loss {loss:.3g}").format(loss=loss))
        if reference is None:
            reference = loss
        if chance_loss is None:
            continue
        measured = accuracy is not None and i < len(accuracy) and math.isfinite(accuracy[i])
        if measured and accuracy[i] > 1 / num_classes + LEARNED_MARGIN:  # it had learned something
            armed, at_chance = gettext("validation accuracy reached {accuracy:.3f}").format(accuracy=accuracy[i]), 0
            continue
        if loss > SPIKE_FACTOR * reference and (i > 0 or start_loss is not None):  # the loss rose above its start
            armed, at_chance = gettext("the loss spiked to {loss:.3g}").format(loss=loss), 0
            continue
        if armed is None:
            continue
        chance = (
            accuracy[i] <= 1 / num_classes + ACCURACY_EPS
            if measured
            else abs(loss - chance_loss) <= CHANCE_TOLERANCE * chance_loss
        )
        at_chance = at_chance + 1 if chance else 0
        if at_chance >= patience:
            evidence = (
                gettext("validation accuracy {accuracy:.3f}, chance 1/{k} = {chance:.3f}").format(
                    accuracy=accuracy[i], k=num_classes, chance=1 / num_classes
                )
                if measured
                else gettext("loss {loss:.3g} ≈ log {k} = {chance:.3g}").format(
                    loss=loss, k=num_classes, chance=chance_loss
                )
            )
            note = gettext("{armed}, then stuck at chance ({evidence})").format(armed=armed, evidence=evidence)
            return Divergence(i, "chance", "learning_rate", note)
    return None
