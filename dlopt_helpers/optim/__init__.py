"""Gradient descent and its descendants from scratch, loss surfaces, trajectories.

Introduced in ``notebooks/03_gradient_descent.ipynb``. The NumPy optimizers (``ALL_OPTIMIZERS``: the
classic five of ``OPTIMIZERS`` and ``MORE_OPTIMIZERS``) follow ``keras.optimizers`` update for update (same defaults, same epsilon
placement), so a trajectory computed here equals Keras' to float precision;
``tests/test_optim.py`` checks every one step by step.

One module per idea: ``rules`` (update rules, ``keras_optimizer``), ``forms`` (Adam as in the paper,
Nesterov's look-ahead, each beside Keras' form), ``schedules`` (step, exponential, cosine with warm-up, 1cycle, ``plateau_schedule``: ``ReduceLROnPlateau``'s rule),
``keras_schedules`` (``OneCycle``), ``surfaces``, ``runs``
(``run_optimizer``), ``tensorflow_adam`` (``ScratchAdam``), ``line_fit`` (``gradient_descent_linear``).
"""

from .forms import AdamForms, NesterovForms, adam_forms, adam_paper_step, nesterov_lookahead
from .keras_schedules import OneCycle
from .line_fit import GDRun, gradient_descent_linear
from .rules import ALL_OPTIMIZERS, MORE_OPTIMIZERS, OPTIMIZERS, Optimizer, keras_optimizer, make_optimizer
from .runs import RunReport, Trajectory, run_optimizer
from .schedules import cosine_decay, exponential_decay, one_cycle, plateau_schedule, step_decay
from .surfaces import MAX_GRID, SURFACES, Surface, get_surface, mlp_losses_along  # noqa: F401
from .tensorflow_adam import ScratchAdam

__all__ = [
    "OPTIMIZERS",
    "MORE_OPTIMIZERS",
    "ALL_OPTIMIZERS",
    "Optimizer",
    "make_optimizer",
    "keras_optimizer",
    "Surface",
    "SURFACES",
    "get_surface",
    "RunReport",
    "Trajectory",
    "run_optimizer",
    "step_decay",
    "exponential_decay",
    "cosine_decay",
    "one_cycle",
    "OneCycle",
    "plateau_schedule",
    "ScratchAdam",
    "GDRun",
    "gradient_descent_linear",
    "adam_paper_step",
    "adam_forms",
    "AdamForms",
    "nesterov_lookahead",
    "NesterovForms",
]
