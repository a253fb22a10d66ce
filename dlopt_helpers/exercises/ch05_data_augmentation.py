"""Exercises of notebooks/05_data_augmentation.ipynb: flip and rotation matrices, crops.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it.
"""

from __future__ import annotations

import numpy as np

from .registry import register

NOTEBOOK = "05_data_augmentation"


@register(
    "05.flip_matrix",
    NOTEBOOK,
    r"Write the $3 \times 3$ matrix that flips an image 32 pixels wide horizontally (column $x$ goes to "
    "$31 - x$).",
    "x' = -1·x + 0·y + 31 and y' = y; the third row of a homogeneous matrix is [0, 0, 1].",
)
def _():
    import tensorflow as tf

    from ..augment import ImageDataGenerator

    forward = ImageDataGenerator(horizontal_flip=True).matrices(64, 32, 32, tf.constant([0, 0], tf.int64)).numpy()
    flipped = forward[forward[:, 0, 0] < 0]  # the draws that flipped
    return np.round(flipped[0].astype(np.float64), 6)


@register(
    "05.compose_rotations",
    NOTEBOOK,
    r"The product $R(30°)\,R(45°)$ is a rotation by how many degrees?",
    "Multiply the two matrices, or add the angles: rotations about the same point compose by adding.",
)
def _():
    from ..concepts import rotation_matrix

    product = rotation_matrix(30) @ rotation_matrix(45)
    return float(np.degrees(np.arctan2(product[1, 0], product[0, 0])))


@register(
    "05.crop_positions",
    NOTEBOOK,
    r"How many different positions can a $24 \times 24$ random crop take in a $32 \times 32$ image?",
    "The top-left corner can be at 32 - 24 + 1 rows and as many columns.",
)
def _():
    return (32 - 24 + 1) ** 2
