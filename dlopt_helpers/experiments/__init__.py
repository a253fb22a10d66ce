"""Measured results: a comparison over seeds, its spread, and the claim the text makes.

Introduced in ``notebooks/00_background.ipynb``; every chapter after it reports a number
that depends on training through this module, as ``Stopwatch`` does for timings.

Why: a trained model's digits change with the CPU, the number of threads and the
library versions (floating-point sums are ordered differently and training amplifies
the last bit). A single run's accuracy is one draw from a distribution; the course
therefore runs each arm of a comparison over several seeds, prints every arm in one
recognisable format and *asserts the claim the text makes* against the spread::

    🎲 sgd   · val accuracy: 0.912 ± 0.011  [95% CI 0.898, 0.926]  5 seeds
    🎲 adam  · val accuracy: 0.951 ± 0.006  [95% CI 0.944, 0.958]  5 seeds
    🎲 adam − sgd · val accuracy: +0.039 ± 0.009  [95% CI +0.028, +0.050]  5 paired seeds
    ✔ claim: adam beats sgd on val accuracy (95% CI of the difference, 5 seeds)

``mean ± standard deviation`` over the runs, then the 95 % confidence interval of the mean
(Student's t). The test suite masks the digits of the ``🎲`` lines only (like ``⏱``);
the claim lines carry no measured digits and are compared exactly, so a real regression
(the claim no longer holds) fails on every machine while rounding noise cannot.

Seeds run in parallel worker processes (``joblib``'s loky backend, which also ships functions
defined in a notebook) when more than one core is available: one TensorFlow thread per worker,
which is faster than one process with several threads for the course's small models
(``benchmarks/seeds_parallel.py`` measures it).

Two modules: ``comparison`` (the measured numbers, ``🎲`` lines and claims) and ``runner`` (``compare`` runs every
arm over the same seeds, in loky worker processes; ``summarize`` takes values measured elsewhere).
"""

from ..env import usable_cores
from .comparison import MARK, ClaimError, Comparison, Summary
from .runner import compare, summarize

__all__ = [
    "MARK",
    "ClaimError",
    "Summary",
    "Comparison",
    "compare",
    "summarize",
    "usable_cores",
]
