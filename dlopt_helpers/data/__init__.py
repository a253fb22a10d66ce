"""Offline data for the course: bundled scikit-learn sets, ready to train on.

Nothing here downloads. Introduced in ``notebooks/00_background.ipynb``
(the digits running example) and ``notebooks/01_core_concepts.ipynb``.

Three modules: ``splits`` (``Split``, ``load_digits_images``, ``load_table``), ``synthetic`` (``make_curve``,
``make_last_marked``), ``images`` (``load_sample_images``, ``make_image_folder``).
"""

from .images import load_sample_images, make_image_folder
from .splits import TABLES, Split, load_digits_images, load_table
from .synthetic import make_curve, make_last_marked

__all__ = [
    "Split",
    "load_digits_images",
    "load_table",
    "load_sample_images",
    "make_image_folder",
    "make_curve",
    "make_last_marked",
    "TABLES",
]
