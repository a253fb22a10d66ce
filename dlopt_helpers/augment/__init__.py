"""An ``ImageDataGenerator`` for Keras 3, on ``tf.data``, with every geometric transform in one warp.

Keras 3 removed ``keras.preprocessing.image.ImageDataGenerator``, ``flow_from_directory``
and ``Model.fit_generator``. This module gives the source article's code a working,
faster replacement. Rotation, shift, shear, zoom, flips and the random crop are each a
3 x 3 matrix in homogeneous pixel coordinates; their product is one matrix per image,
applied to a whole batch by a single ``ImageProjectiveTransformV3`` op (bilinear by
default, like the legacy class). Introduced in ``notebooks/05_data_augmentation.ipynb``.

Differences from the legacy class: ranges are fractions (``width_shift_range=0.2``),
not pixels; ``zoom > 1`` magnifies (the legacy class inverts it); ``flow`` and
``flow_from_directory`` return a ``tf.data.Dataset`` that ``model.fit`` takes directly;
the random draws come from ``tf.random.stateless_*`` with a seed, so a run is
reproducible and each epoch still sees different augmentations.

One module per part: ``generator`` (the class and its transforms), ``folders`` (image folders for
``flow_from_directory``), ``layer`` (``AugmentLayer``, the same augmentation inside a model), ``mixup``
(``mixup`` of a batch, ``mixup_dataset`` of a ``tf.data`` pipeline, ``mixup_weights`` for its draws).
"""

from .generator import (  # noqa: F401  (private names kept reachable for the tests)
    _BIG_BATCH,
    CLASS_MODES,
    FILL_MODES,
    IMAGE_SUFFIXES,
    ImageDataGenerator,
    _in_flight,
)
from .layer import AugmentLayer
from .mixup import mixup, mixup_dataset, mixup_weights

__all__ = [
    "ImageDataGenerator",
    "FILL_MODES",
    "CLASS_MODES",
    "IMAGE_SUFFIXES",
    "AugmentLayer",
    "mixup",
    "mixup_dataset",
    "mixup_weights",
]
