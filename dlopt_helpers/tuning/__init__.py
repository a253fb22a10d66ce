"""Hyper-parameter tuning: the learning-rate range test, a scikit-learn wrapper for the running
example, search results as rows, and helpers to compare search strategies (notebook 07); search spaces
filled by grid, random or quasi-random search, and the checks on their results (notebook 08a).

Why our own scikit-learn wrapper and not SciKeras: SciKeras (the usual wrapper) has had no
release since 2024 and predates scikit-learn 1.6's estimator-tags API; the wrapper needed here
is small (``RunningExampleClassifier``: ``fit`` / ``predict`` / ``predict_proba`` / ``score``),
follows scikit-learn's estimator rules (``clone``, ``get_params``, ``set_params``) and is tested
with ``GridSearchCV`` and ``RandomizedSearchCV``.

One module per idea: ``range_test``, ``classifier`` (the scikit-learn wrapper), ``pruning`` (Optuna),
``results`` (tables, best-so-far, ``bin_values``), ``search`` (``SearchSpace`` of ``Dimension`` s: ``grid`` /
``random`` / ``quasi_random``, ``discrepancy``, ``edge_flags``, ``plot_dimensions``).
"""

from ._common import MAX_BATCH_SIZE, MAX_STEPS, OPTIMIZERS  # noqa: F401
from .classifier import RunningExampleClassifier
from .pruning import PruningCallback
from .range_test import LearningRateRangeTest, lr_range_test
from .results import best_so_far, bin_values, format_table, search_rows
from .search import Dimension, EdgeReport, SearchSpace, discrepancy, edge_flags, plot_dimensions

__all__ = [
    "LearningRateRangeTest",
    "lr_range_test",
    "RunningExampleClassifier",
    "PruningCallback",
    "OPTIMIZERS",
    "best_so_far",
    "search_rows",
    "format_table",
    "bin_values",
    "Dimension",
    "SearchSpace",
    "EdgeReport",
    "edge_flags",
    "discrepancy",
    "plot_dimensions",
]
