"""The network doctor: depth, activation, initializer, normalization, skips -> per-layer gradient norms and loss.

Introduced in the deep-network chapter (``notebooks/03a_deep_networks.ipynb``, issue 16).
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import SEED_MAX, check_bool, check_choice, check_float, check_int
from ..env import one_blas_thread
from ..i18n import gettext
from ..plotting import COLORS, new_figure
from .base import ON_TOP, FigureDashboard, wrap_message
from .controls import fit_labels

__all__ = ["NetworkDoctorDashboard"]

#: initializer -> its label in the dropdown (the names of ``deep.INITIALIZERS``)
INITIALIZER_LABELS = {
    "random_normal": "random normal σ 0.05",
    "glorot_uniform": "Glorot uniform (Keras)",
    "glorot_normal": "Glorot normal",
    "he_normal": "He normal",
    "he_uniform": "He uniform",
    "lecun_normal": "LeCun normal",
}
ACTIVATIONS = ("sigmoid", "tanh", "relu")
NORMALIZATIONS = {"none": None, "batch": "batch", "layer": "layer"}
NORMALIZATION_LABELS = {"none": "none", "batch": "batch norm", "layer": "layer norm"}
VERDICT_COLORS = {"healthy": COLORS[2], "vanish": COLORS[3], "explode": COLORS[3], "overflow": COLORS[3]}


def _text_above(ax):
    """An empty message above ``ax`` (axes coordinates), drawn every frame, over nothing but the margin."""
    return ax.text(
        0.5, 1.02, "", transform=ax.transAxes, ha="center", va="bottom", fontsize=8.5, animated=True, zorder=ON_TOP
    )


class NetworkDoctorDashboard(FigureDashboard):
    """Depth, activation, initializer, normalization and skip connections -> what makes a deep MLP train.

    Left, live on every control change: ``||∂L/∂W_l||`` of every Dense kernel of the MLP at initialization
    (first hidden layer to the logits, log scale) on a fixed batch of ``batch_size`` training digits
    (8×8 → 64 inputs, ``width`` units, 10 classes, softmax cross-entropy), computed by
    ``deep.NumpyMLP`` (``build_deep_mlp``'s network from scratch in NumPy: a few milliseconds where Keras
    takes seconds), and the verdict of ``deep.gradient_verdict`` (vanish / explode / healthy, its rule
    stated there). Right, behind the *train* button: the same network (same initial weights) trained with
    SGD (momentum 0.9, ``learning_rate``) for ``epochs`` epochs on the digits' training split, the loss of
    every batch, with a progress bar. SGD, not Adam: its updates are proportional to the gradients, so the
    left panel predicts what the right one shows (Adam rescales every weight's step and hides small
    gradients down to its ε). Divergence follows ``divergence.py`` and is written into the figure, never
    raised: a loss that is not finite, or above ``10 ln 10``; when the first batch's loss is already above
    ``10 ln 10`` (the residual sum without normalization grows with depth: huge logits before any step), the
    start is the problem, as the divergence rule's ``"start"`` cause, and the run is judged from its own
    start (not finite, or a million times it). A control change clears a curve that no longer fits the
    controls ("press ▶ train").

    Parameters
    ----------
    depth : int in [2, 50], hidden layers
    activation : 'sigmoid', 'tanh' or 'relu'
    initializer : a name of ``deep.INITIALIZERS`` ('random_normal' is Keras' ``RandomNormal()``, σ 0.05)
    normalization : 'none', 'batch' or 'layer' (``None`` is 'none')
    residual : bool, skip connections around every hidden layer after the first
    width : int in [8, 128]; batch_size : int in [16, 512], digits in the gradient batch
    epochs : int in [1, 10]; learning_rate : float in [1e-4, 1] (fixed: not a control)
    seed : int in [0, 2**31 - 1], the initial weights and the batch order
    """

    #: settings seen before (the depth slider dragged back, a toggle flipped back) cost no recompute
    FRAME_CACHE = 128
    #: batches per point of the divergence rule (their mean loss)
    CHUNK = 4
    #: the loss axis (log scale): chance level ln 10 = 2.3 in the middle
    LOSS_LIMITS = (0.02, 300.0)

    def __init__(
        self,
        depth: int = 20,
        activation: str = "sigmoid",
        initializer: str = "random_normal",
        normalization: str | None = "none",
        residual: bool = False,
        width: int = 64,
        batch_size: int = 64,
        epochs: int = 3,
        learning_rate: float = 0.01,
        seed: int = 0,
    ):
        import ipywidgets as widgets

        from ..data import load_digits_images

        depth = check_int("depth", depth, 2, 50)
        check_choice("activation", activation, ACTIVATIONS)
        check_choice("initializer", initializer, tuple(INITIALIZER_LABELS))
        normalization = (
            "none" if normalization is None else check_choice("normalization", normalization, NORMALIZATIONS)
        )
        residual = check_bool("residual", residual)
        self.width = check_int("width", width, 8, 128)
        self.batch_size = check_int("batch_size", batch_size, 16, 512)
        self.epochs = check_int("epochs", epochs, 1, 10)
        self.learning_rate = check_float("learning_rate", learning_rate, 1e-4, 1)
        self.seed = check_int("seed", seed, 0, SEED_MAX)
        data = load_digits_images(seed=0)
        self.x_train = data.x_train.reshape(len(data.x_train), -1).astype(np.float64)
        self.y_train = data.y_train
        self.num_classes = len(data.target_names)
        self.x_batch, self.y_batch = self.x_train[: self.batch_size], self.y_train[: self.batch_size]
        self.controls = {
            "depth": widgets.IntSlider(value=depth, min=2, max=50, description="depth", continuous_update=True),
            "activation": widgets.Dropdown(options=list(ACTIVATIONS), value=activation, description="activation"),
            "initializer": widgets.Dropdown(
                options=[(label, name) for name, label in INITIALIZER_LABELS.items()],
                value=initializer,
                description="initializer",
            ),
            "normalization": widgets.Dropdown(
                options=[(label, name) for name, label in NORMALIZATION_LABELS.items()],
                value=normalization,
                description="normalization",
            ),
            "residual": widgets.Checkbox(value=residual, description="skip connections (residual)", indent=False),
        }
        fit_labels(self.controls, width="300px")
        # a text symbol: no icon font
        label = (gettext("▶ train {n} epochs") if self.epochs > 1 else gettext("▶ train {n} epoch")).format(
            n=self.epochs
        )
        self.train_button = widgets.Button(description=label, layout=widgets.Layout(width="11em"))
        self.train_button.on_click(lambda _: self.train())
        self.progress = widgets.IntProgress(value=0, min=0, max=self.steps, description="", bar_style="")
        self.history = None  # the last training run: {"values", "losses", "divergence", "start"}
        self._build_figure()
        self._start()

    def config(self) -> dict:
        return {
            "width": self.width,
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "learning_rate": self.learning_rate,
            "seed": self.seed,
        }

    @property
    def steps_per_epoch(self) -> int:
        """Batches of 32 per epoch (a last batch of one sample would be dropped: batch norm needs two)."""
        return len(range(0, len(self.x_train) - 1, 32))

    @property
    def steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    # -- the figure ----------------------------------------------------------------------------------
    def _build_figure(self) -> None:
        from matplotlib.ticker import FixedLocator, LogLocator, NullFormatter

        self.fig, (self.ax_grad, self.ax_loss) = new_figure(
            1, 2, figsize=(9.6, 3.7), layout="none", gridspec_kw={"width_ratios": [1.25, 1]}
        )
        # room above the axes for the two messages: no data point is ever hidden under a text box
        self.fig.subplots_adjust(left=0.075, right=0.985, bottom=0.14, top=0.8, wspace=0.24)
        ax = self.ax_grad
        # one fixed axis for every setting: a healthy network is a flat line near 1, a vanishing one falls away
        ax.set(yscale="log", ylim=(1e-36, 1e12), xlim=(0, 52), xlabel="layer (input → output; ■ logits)")
        ax.set_ylabel("||∂L/∂W|| at initialization")
        ax.yaxis.set_major_locator(FixedLocator([10.0**k for k in range(-36, 13, 6)]))
        ax.yaxis.set_minor_locator(LogLocator(numticks=60))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xticks([1, 10, 20, 30, 40, 50])
        ax.axhspan(1e-2, 1e3, color=COLORS[2], alpha=0.08, lw=0)  # the verdict's "every norm in [0.01, 1000]"
        ax.text(51, 30, "healthy range", ha="right", va="bottom", fontsize=7.5, color=COLORS[2])
        (self.line_grad,) = ax.plot([], [], "-o", color=COLORS[0], ms=2.5, lw=1.3, animated=True)
        (self.marker_logits,) = ax.plot([], [], "s", color=COLORS[0], ms=5, animated=True)
        (self.marker_below,) = ax.plot([], [], "v", ls="none", color=COLORS[3], ms=5, animated=True)
        self.verdict = _text_above(ax)

        ax = self.ax_loss
        ax.set(yscale="log", ylim=self.LOSS_LIMITS, xlim=(0, self.epochs), ylabel="training loss (each batch)")
        ax.set_xlabel(f"epoch (SGD, η = {self.learning_rate:g}, momentum 0.9)")
        ax.set_xticks(range(self.epochs + 1))
        ax.axhline(math.log(self.num_classes), color="0.45", ls="--", lw=1)
        ax.text(
            self.epochs * 0.98,
            math.log(self.num_classes) * 1.2,
            "chance: ln 10",
            ha="right",
            fontsize=7.5,
            color="0.3",
        )
        (self.line_loss,) = ax.plot([], [], color=COLORS[1], lw=1.2, animated=True)
        (self.marker_diverged,) = ax.plot([], [], "X", color=COLORS[3], ms=8, animated=True, clip_on=False)
        self.message = _text_above(ax)

    # -- live: gradient norms at initialization ------------------------------------------------------
    def network(self, depth, activation, initializer, normalization, residual):
        """The ``deep.NumpyMLP`` of these settings, at initialization."""
        from ..deep import NumpyMLP

        return NumpyMLP(
            depth,
            self.width,
            activation,
            initializer,
            NORMALIZATIONS[normalization],
            residual,
            self.x_train.shape[1],
            self.num_classes,
            self.seed,
        )

    def update(self, depth, activation, initializer, normalization, residual):
        """Recompute the gradient norms, move the artists; returns a dict (norms, verdict, message)."""
        from ..deep import gradient_verdict

        values = (depth, activation, initializer, normalization, residual)
        with one_blas_thread():
            norms = self.network(*values).gradient_norms(self.x_batch, self.y_batch)
        kind, sentence = gradient_verdict(norms)
        low = self.ax_grad.get_ylim()[0]
        layers = np.arange(1, depth + 2)
        shown = np.where(np.isfinite(norms), np.maximum(norms, low), np.nan)
        self.line_grad.set_data(layers, shown)
        self.marker_logits.set_data([depth + 1], [shown[-1]])
        below = norms < low
        self.marker_below.set_data(layers[below], np.full(below.sum(), low * 3))
        described = f"at initialization: {activation}, {INITIALIZER_LABELS[initializer]}, depth {depth}"
        extras = [NORMALIZATION_LABELS[normalization]] if normalization != "none" else []
        extras += ["skips"] if residual else []
        header = described + (f", {' + '.join(extras)}" if extras else "")
        floor = f"\n▼ {below.sum()} layers below {low:.0e}" if below.any() else ""
        # the figure says only the verdict (the controls show the setting): text is the costliest artist to draw
        self.verdict.set_text(sentence.replace(": ", ":\n", 1) + floor)
        self.verdict.set_color("black" if kind == "healthy" else VERDICT_COLORS[kind])
        self._draw_history()
        training = self._training_text()
        return {"norms": norms, "verdict": kind, "message": f"{header}: {sentence}. {training}"}

    def refresh(self):
        """Recompute and redraw; a training curve of other settings is dropped first (stale: "press train").

        Frames without a curve depend on the controls alone and are kept (``FRAME_CACHE``); a frame with a
        curve is never served from, nor kept in, that cache.
        """
        values = self.values()
        if self.history is not None and self.history["values"] != tuple(values.values()):
            self.history = None
            self.progress.value, self.progress.bar_style = 0, ""
        trained = self.history is not None
        key = tuple(sorted(values.items()))
        if trained:
            self._frames.pop(key, None)
        state = super().refresh()
        if trained:
            self._frames.pop(key, None)
        return state

    # -- behind the button: training -----------------------------------------------------------------
    def train(self) -> dict:
        """Train the network of the current controls for ``epochs`` epochs (SGD); fills the progress bar.

        Returns the training record ``history``: the controls' values, the batches' losses, and the divergence
        (``divergence.Divergence`` or ``None``). Synchronous: a few seconds at most on 2 cores.
        """
        from .. import divergence

        values = tuple(self.values().values())
        mlp = self.network(*values)
        self.progress.max, self.progress.value = self.steps, 0
        self.progress.bar_style = ""
        chance = math.log(self.num_classes)
        start_too_large = []  # the first batch already above 10 ln K: the start is the problem

        def on_batch(step: int, loss: float):
            if step == 1 and divergence.exploding(loss, num_classes=self.num_classes) == "exploding":
                start_too_large.append(loss)
            if step % 4 == 0 or step == self.steps or not math.isfinite(loss):
                self.progress.value = step
            so_far.append(loss)
            if step % self.steps_per_epoch == 0 and step < self.steps:  # the curve grows epoch by epoch
                self.history = {"values": values, "losses": np.array(so_far), "divergence": None}
                self.refresh()
            return math.isfinite(loss)

        so_far: list[float] = []
        self.train_button.disabled = True
        try:
            with one_blas_thread():
                losses = mlp.fit(
                    self.x_train,
                    self.y_train,
                    epochs=self.epochs,
                    batch_size=32,
                    learning_rate=self.learning_rate,
                    momentum=0.9,
                    seed=self.seed,
                    on_batch=on_batch,
                )
        finally:
            self.train_button.disabled = False
        # the rule reads means of CHUNK batches (as the Keras trainer's chunks): one noisy batch of 32 is no spike
        means = [float(np.mean(losses[i : i + self.CHUNK])) for i in range(0, len(losses), self.CHUNK)]
        if start_too_large:  # as divergence.py's "start" cause: judge the run from its own start
            found = divergence.find_divergence(means, start_loss=losses[0])
        else:
            found = divergence.find_divergence(means, num_classes=self.num_classes, start_loss=chance)
        self.progress.value = len(losses)
        self.progress.bar_style = "danger" if found is not None else "success"
        self.history = {
            "values": values,
            "losses": losses,
            "divergence": found,
            # the last batch of the chunk where the rule fired (1-based, as the x axis counts batches)
            "diverged_at": None if found is None else min((found.index + 1) * self.CHUNK, len(losses)),
            "chunk_loss": None if found is None else means[found.index],
            "start": losses[0] if start_too_large else None,
        }
        self.refresh()
        return self.history

    def _draw_history(self) -> None:
        """The training curve (clipped to the axis: a loss above it runs along the top edge) and its message."""
        found = None if self.history is None else self.history.get("divergence")
        if self.history is None:
            self.line_loss.set_data([], [])
        else:
            losses = self.history["losses"]
            low, high = self.LOSS_LIMITS
            steps = np.arange(1, len(losses) + 1) / self.steps_per_epoch
            self.line_loss.set_data(steps, np.clip(np.nan_to_num(losses, nan=high, posinf=high), low, high))
        if found is None:
            self.marker_diverged.set_data([], [])
        else:
            x, y = self.line_loss.get_data()
            at = self.history["diverged_at"] - 1
            self.marker_diverged.set_data([x[at]], [y[at]])
        self.message.set_text(self._training_text())
        self.message.set_color("black" if found is None else COLORS[3])

    def _training_text(self) -> str:
        label = self.train_button.description.removeprefix("▶ ")
        if self.history is None:
            return gettext("press ▶ {label}").format(label=label)
        losses, found = self.history["losses"], self.history.get("divergence")
        if "start" not in self.history:  # between epochs, while training
            return gettext("training… epoch {epoch} of {epochs}").format(
                epoch=len(losses) // self.steps_per_epoch, epochs=self.epochs
            )
        if found is not None:
            why = {
                "non_finite": gettext("the activations or the updates overflowed"),
                "exploding": gettext("a million times its start: exploding updates")
                if self.history["start"] is not None
                else gettext("above 10 ln 10 = {limit:.3g}: exploding updates").format(
                    limit=10 * math.log(self.num_classes)
                ),
            }.get(found.kind, found.note)
            loss = self.history["chunk_loss"]
            return wrap_message(
                gettext("diverged at step {step}: loss {loss:.3g}\n{why}").format(
                    step=self.history["diverged_at"], loss=loss, why=why
                ),
                60,
            )
        per_epoch = self.steps_per_epoch
        first, last = float(np.mean(losses[:per_epoch])), float(np.mean(losses[-per_epoch:]))
        text = gettext("mean loss: epoch 1 {first:.3g}, epoch {epochs} {last:.3g}").format(
            first=first, epochs=self.epochs, last=last
        )
        if self.history["start"] is not None:  # the first batch: the network's outputs are huge before any step
            text += "\n" + gettext(
                "the first batch's loss {loss:.3g} is above 10 ln 10: huge logits at the start"
            ).format(loss=self.history["start"])
        return wrap_message(text, 60)

    # -- display -------------------------------------------------------------------------------------
    @property
    def widget(self):
        import ipywidgets as widgets

        row = widgets.HBox([self.train_button, self.progress])
        return widgets.VBox([self._controls_box(list(self.controls.values())), row, self.image, self.status])

    def status_message(self) -> str:
        return " ".join(self.state["message"].split())
