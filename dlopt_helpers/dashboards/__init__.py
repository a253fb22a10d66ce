"""Live dashboards (ipywidgets 8): one figure, recomputed and redrawn as the controls move.

Where things are:

- ``base.py``: ``FigureDashboard``, the rendering framework (controls -> ``update`` -> one reused figure ->
  PNG widget; blitting over a cached background, settings as JSON);
- ``controls.py``: what several dashboards share (the one learning-rate slider, label widths, value checks);
- one module per dashboard, named after the notebook idea it shows.

A new dashboard: a module here with a ``FigureDashboard`` subclass, added to ``DASHBOARDS`` below (the tests,
the latency benchmark and the browser test count dashboards from it). Each dashboard separates
``update(**values)`` (recompute the state and move the existing matplotlib artists, no new figure) from its
display, so it can be driven and tested headless: set ``dashboard.controls[name].value`` from Python and read
``dashboard.state``. Divergence is drawn into the figure as a message, never raised as a traceback.
"""

from .augmentation import AugmentationDashboard
from .base import FigureDashboard
from .gradient_descent import GradientDescentDashboard
from .keras_trainer import KerasTrainingDashboard
from .network_doctor import NetworkDoctorDashboard
from .optimizer import OptimizerDashboard
from .regularization import RegularizationDashboard
from .search_explorer import SearchExplorer

__all__ = [
    "DASHBOARDS",
    "FigureDashboard",
    "GradientDescentDashboard",
    "OptimizerDashboard",
    "KerasTrainingDashboard",
    "NetworkDoctorDashboard",
    "RegularizationDashboard",
    "AugmentationDashboard",
    "SearchExplorer",
]

#: every dashboard of the course, in the order of the notebooks that introduce them
DASHBOARDS = (
    GradientDescentDashboard,
    OptimizerDashboard,
    KerasTrainingDashboard,
    NetworkDoctorDashboard,
    RegularizationDashboard,
    AugmentationDashboard,
    SearchExplorer,
)
