"""Gradient descent and its descendants from scratch, loss surfaces, trajectories.

Introduced in ``notebooks/03_gradient_descent.ipynb``. The NumPy optimizers
follow ``keras.optimizers`` update for update (same defaults, same epsilon
placement), so a trajectory computed here equals Keras' to float precision;
``tests/test_optim.py`` checks every one step by step.

One module per idea: ``rules`` (update rules, ``keras_optimizer``), ``schedules``, ``surfaces``, ``runs``
(``run_optimizer``), ``tensorflow_adam`` (``ScratchAdam``), ``line_fit`` (``gradient_descent_linear``).
"""

from .line_fit import GDRun, gradient_descent_linear
from .rules import OPTIMIZERS, Optimizer, keras_optimizer, make_optimizer
from .runs import RunReport, Trajectory, run_optimizer
from .schedules import cosine_decay, exponential_decay, step_decay
from .surfaces import MAX_GRID, SURFACES, Surface, get_surface, mlp_losses_along  # noqa: F401
from .tensorflow_adam import ScratchAdam

__all__ = [
    "OPTIMIZERS",
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
    "ScratchAdam",
    "GDRun",
    "gradient_descent_linear",
]
