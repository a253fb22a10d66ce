"""A real Keras model steered while it trains: the learning-rate slider acts on the running model (notebook 03)."""

from __future__ import annotations

import numpy as np

from .. import optim
from .._validation import SEED_MAX, check_choice, check_float, check_int
from ..divergence import find_divergence
from ..i18n import gettext
from ..plotting import COLORS, new_figure
from .base import FigureDashboard, message_text
from .controls import learning_rate_slider

__all__ = ["KerasTrainingDashboard"]


class KerasTrainingDashboard(FigureDashboard):
    """Train the real running-example Keras model in steps; the learning-rate slider acts on the running model.

    Moving the slider sets ``model.optimizer.learning_rate`` of the model being
    trained: nothing is rebuilt, the weights and optimizer state carry on (as in
    TensorFlow Playground, on real Keras). *Start* trains in the background of the
    kernel (the slider stays live), *Pause* stops after the current chunk, *Reset*
    restores the initial weights and a fresh optimizer. At ``max_chunks`` chunks the
    figure and the status line say that the step limit is reached and *Reset* starts
    again. Introduced in ``notebooks/03_gradient_descent.ipynb``.

    Parameters
    ----------
    learning_rate : float in [1e-4, 3]
    optimizer : ``'sgd'``, ``'momentum'``, ``'rmsprop'`` or ``'adam'`` (fixed for the dashboard's life)
    batch_size : int in [8, 512]
    batches_per_chunk : int in [1, 200]; one chunk = one point of the learning curve
    max_chunks : int in [1, 10000]; *Start* stops there
    seed : int in [0, 2**31 - 1], initial weights and batch order
    """

    #: the optimizers of ``optim.OPTIMIZERS`` offered here (Nesterov adds nothing new to this lesson)
    OPTIMIZERS = tuple(name for name in optim.OPTIMIZERS if name != "nesterov")

    def __init__(
        self,
        learning_rate: float = 0.05,
        optimizer: str = "sgd",
        batch_size: int = 32,
        batches_per_chunk: int = 10,
        max_chunks: int = 200,
        seed: int = 0,
    ):
        import ipywidgets as widgets

        from ..data import load_digits_images
        from ..models import build_running_example

        learning_rate = check_float("learning_rate", learning_rate, 1e-4, 3)
        self.optimizer_name = check_choice("optimizer", optimizer, self.OPTIMIZERS)
        self.batch_size = check_int("batch_size", batch_size, 8, 512)
        self.batches_per_chunk = check_int("batches_per_chunk", batches_per_chunk, 1, 200)
        self.max_chunks = check_int("max_chunks", max_chunks, 1, 10_000)
        self.seed = check_int("seed", seed, 0, SEED_MAX)
        self.data = load_digits_images(seed=0)
        #: a chunk's mean loss above this (10x a uniform guess, 10 log K) or non-finite counts as diverged;
        #: so does a spike followed by chance level (``dlopt_helpers.divergence.find_divergence``)
        self.num_classes = len(self.data.target_names)
        self.explosion_loss = 10 * np.log(self.num_classes)
        self.model = build_running_example(seed=self.seed)
        self._initial_weights = self.model.get_weights()
        self.controls = {"learning_rate": learning_rate_slider(learning_rate, 1e-4, 3, continuous_update=False)}
        # plain-text symbols, not icon fonts: Voila loads its icon font from a CDN, which fails offline
        self.buttons = {
            name: widgets.Button(description=label, layout=widgets.Layout(width="6.5em"))
            for name, label in (
                ("start", gettext("▶ Start")),
                ("pause", gettext("⏸ Pause")),
                ("reset", gettext("↺ Reset")),
            )
        }
        self.buttons["start"].on_click(lambda _: self.start())
        self.buttons["pause"].on_click(lambda _: self.pause())
        self.buttons["reset"].on_click(lambda _: self.reset())
        self._task = None
        self.running = False
        self._new_training_run(learning_rate)
        self.fig, (self.ax_loss, self.ax_lr) = new_figure(
            1, 2, figsize=(8.8, 3.2), layout="none", gridspec_kw={"width_ratios": [1.6, 1]}
        )
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.92, wspace=0.28)
        (self.line_train,) = self.ax_loss.plot([], [], color=COLORS[0], label="train (chunk mean)", animated=True)
        (self.line_val,) = self.ax_loss.plot([], [], color=COLORS[1], label="validation", animated=True)
        (self.line_lr,) = self.ax_lr.step([], [], where="pre", color=COLORS[2], animated=True)
        self.ax_loss.set(yscale="log", ylim=(0.01, 10), xlabel="training step (batches)", ylabel="loss")
        self.ax_loss.legend(loc="lower left", fontsize=8)  # drawn over the curves (FigureDashboard._animated)
        self.ax_lr.set(yscale="log", ylim=(1e-4, 3), xlabel="training step (batches)", ylabel="learning rate")
        self.message = message_text(self.ax_loss, x=0.98, ha="right", animated=True)
        self._start()

    def config(self) -> dict:
        return {
            "optimizer": self.optimizer_name,
            "batch_size": self.batch_size,
            "batches_per_chunk": self.batches_per_chunk,
            "max_chunks": self.max_chunks,
            "seed": self.seed,
        }

    # -- training ------------------------------------------------------------------------------------
    def _new_training_run(self, learning_rate: float) -> None:
        from ..models import compile_running_example

        self.model.set_weights(self._initial_weights)
        compile_running_example(self.model, self.optimizer_name, learning_rate, metrics=["accuracy"])
        self._rng = np.random.default_rng(self.seed)
        self._order = np.empty(0, dtype=int)
        self.history = {"step": [], "loss": [], "val_loss": [], "val_accuracy": [], "learning_rate": []}
        self.diverged_at = None
        self.divergence = None  # ``divergence.Divergence``: kind and evidence, once diverged

    def _next_batch(self):
        if len(self._order) < self.batch_size:
            self._order = np.concatenate([self._order, self._rng.permutation(len(self.data.x_train))])
        index, self._order = self._order[: self.batch_size], self._order[self.batch_size :]
        return self.data.x_train[index], self.data.y_train[index]

    @property
    def steps_done(self) -> int:
        return self.history["step"][-1] if self.history["step"] else 0

    @property
    def step_limit(self) -> int:
        """The training steps (batches) *Start* trains at most: ``max_chunks * batches_per_chunk``."""
        return self.max_chunks * self.batches_per_chunk

    @property
    def at_limit(self) -> bool:
        """True once ``max_chunks`` chunks are trained: *Start* does nothing more until *Reset*."""
        return len(self.history["step"]) >= self.max_chunks

    def train(self, chunks: int = 1) -> dict:
        """Train ``chunks`` chunks synchronously (what *Start* does, one chunk at a time); returns ``history``.

        Stops early at a divergence or at ``max_chunks`` chunks (the figure then says so).
        """
        chunks = check_int("chunks", chunks, 1, 10_000)
        for _ in range(chunks):
            if self.diverged_at is not None or self.at_limit:
                break
            losses = [float(self.model.train_on_batch(*self._next_batch())[0]) for _ in range(self.batches_per_chunk)]
            val_loss, val_accuracy = self.model.evaluate(
                self.data.x_val, self.data.y_val, verbose=0, batch_size=len(self.data.x_val)
            )
            step = self.steps_done + self.batches_per_chunk
            for key, value in (
                ("step", step),
                ("loss", float(np.mean(losses))),
                ("val_loss", float(val_loss)),
                ("val_accuracy", float(val_accuracy)),
                ("learning_rate", float(self.model.optimizer.learning_rate.numpy())),
            ):
                self.history[key].append(value)
            # the untrained network guesses about uniformly: its loss starts near log K
            found = find_divergence(
                self.history["loss"],
                num_classes=self.num_classes,
                start_loss=float(np.log(self.num_classes)),
                val_accuracy=self.history["val_accuracy"],
            )
            if found is not None:
                self.divergence = found
                self.diverged_at = self.history["step"][found.index]
                self.running = False
        self.refresh()
        return self.history

    async def run(self) -> None:
        """Train chunk after chunk until paused, diverged or ``max_chunks``; yields to the kernel in between."""
        import asyncio

        self.running = True
        try:
            while self.running and not self.at_limit and self.diverged_at is None:
                self.train(1)
                await asyncio.sleep(0.02)  # let the kernel handle slider and button events
        finally:
            self.running = False
            self.refresh()

    def start(self) -> None:
        """Start training in the background of the running event loop (a Jupyter kernel has one).

        At the step limit (or after a divergence) nothing trains: the figure and status line say why
        and that *Reset* starts again.
        """
        import asyncio

        if self.running:
            return
        if self.at_limit or self.diverged_at is not None:
            self.refresh()  # the message says what to do (press Reset)
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a plain script: a task scheduled now would never run
            message = (
                "start() trains in the background of a running event loop (a Jupyter kernel has one) "
                "and none is running here: call train(chunks) instead, or await run()"
            )
            self._explain_refusal(message)
            raise RuntimeError(message) from None
        self._task = loop.create_task(self.run())

    def pause(self) -> None:
        """Stop after the current chunk."""
        self.running = False

    def reset(self) -> None:
        """Initial weights, a fresh optimizer at the slider's learning rate, an empty learning curve."""
        self.running = False
        self._new_training_run(self.controls["learning_rate"].value)
        self.refresh()

    # -- drawing -------------------------------------------------------------------------------------
    def layout_key(self, learning_rate):
        end = self.batches_per_chunk * 10
        while end < self.steps_done:
            end *= 2
        return end

    def _text(self) -> str:
        steps = self.history["step"]
        if self.diverged_at is not None:
            if self.divergence is not None and self.divergence.kind == "chance":
                what = self.divergence.note.replace(", then", ",\nthen", 1)
            else:
                what = gettext("loss {loss:.3g}").format(loss=self.history["loss"][-1])
            return gettext("diverged at step {step}: {what}\nlearning rate too large; lower it and press Reset").format(
                step=self.diverged_at, what=what
            )
        if not steps:
            return gettext("press Start")
        text = gettext("step {step}: validation accuracy {accuracy:.3f}").format(
            step=steps[-1], accuracy=self.history["val_accuracy"][-1]
        )
        if self.at_limit:
            return gettext("{text}\nreached the step limit {limit}: press Reset to train again").format(
                text=text, limit=self.step_limit
            )
        return text + (gettext("  (training…)") if self.running else "")

    def update(self, learning_rate):
        """Apply the slider to the running model (no rebuild) and redraw; returns ``history``."""
        current = float(self.model.optimizer.learning_rate.numpy())
        if not np.isclose(current, learning_rate, rtol=1e-9, atol=0):
            self.model.optimizer.learning_rate = learning_rate  # assigns the existing variable
        steps = self.history["step"]
        self.line_train.set_data(steps, np.clip(self.history["loss"], 1e-3, 1e3))
        self.line_val.set_data(steps, np.clip(self.history["val_loss"], 1e-3, 1e3))
        self.line_lr.set_data(
            [0, *steps], [self.history["learning_rate"][0] if steps else learning_rate, *self.history["learning_rate"]]
        )
        end = self.layout_key(learning_rate)
        self.ax_loss.set_xlim(0, end)
        self.ax_lr.set_xlim(0, end)
        self.message.set_text(self._text())
        self.message.set_color(COLORS[3] if self.diverged_at is not None else "black")
        return self.history

    @property
    def widget(self):
        import ipywidgets as widgets

        return widgets.VBox(
            [self._controls_box([*self.buttons.values(), *self.controls.values()]), self.image, self.status]
        )

    def status_message(self) -> str:
        return " ".join(self.message.get_text().split())
