"""The dashboards under their first name: ``dh.widgets.X`` is ``dh.dashboards.X``.

Notebooks written before the split use ``dh.widgets``; new code should use ``dlopt_helpers.dashboards``
(one module per dashboard) and, for the algorithms, ``optim.gradient_descent_linear`` / ``tuning.bin_values``.
"""

from .dashboards import (
    DASHBOARDS,
    AugmentationDashboard,
    FigureDashboard,
    GradientDescentDashboard,
    KerasTrainingDashboard,
    NetworkDoctorDashboard,
    OptimizerDashboard,
    RegularizationDashboard,
    SearchExplorer,
)
from .optim import GDRun, gradient_descent_linear

__all__ = [
    "DASHBOARDS",
    "GDRun",
    "gradient_descent_linear",
    "FigureDashboard",
    "GradientDescentDashboard",
    "OptimizerDashboard",
    "KerasTrainingDashboard",
    "NetworkDoctorDashboard",
    "RegularizationDashboard",
    "AugmentationDashboard",
    "SearchExplorer",
]
