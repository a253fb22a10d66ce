"""Exercises of notebooks/05_data_augmentation.ipynb: a rotation about the centre, composing rotations, crops, and a
reading question on section 1's check of the flip.

Each question is the text of the notebook's exercise paragraph (``**Exercise <id>.**``), word for word;
tests/test_exercise_registry.py checks it. ``05.rotate_about_centre`` is a code exercise (``same_function``),
compared with ``concepts.rotation_matrix`` about the image's centre, the matrix ``dh.augment`` composes.
"""

from __future__ import annotations

import numpy as np

from .registry import case, choice, register, same_function

NOTEBOOK = "05_data_augmentation"


@register(
    "05.rotate_about_centre",
    NOTEBOOK,
    r"Write `rotate_about_centre(degrees, height, width)`: the $3 \times 3$ homogeneous matrix that rotates the "
    r"pixel coordinates $(x, y, 1)$ of an image `height` rows high and `width` columns wide by `degrees` about its "
    r"centre $c$ of section 1's table, with $R(\theta)$ of the same table. Pass the function itself to `dh.check`; "
    r"it is compared with `dh.concepts.rotation_matrix(degrees, center=c)` on cases you do not see.",
    "Section 1's check of the flip builds a transform about the centre the same way. In a product of matrices the "
    "rightmost acts on the point first; x runs along the width, y along the height.",
    compare=same_function(
        case(30.0, 32, 32, why="a square image"),
        case(90.0, 20, 40, why="an image wider than it is high"),
        case(-45.0, 9, 5, why="a negative angle, an image higher than it is wide"),
        case(0.0, 32, 32, why="an angle of 0"),
        case(180.0, 1, 1, why="an image of one pixel"),
        atol=1e-9,
    ),
)
def _():
    from ..concepts import rotation_matrix

    def rotate_about_centre(degrees, height, width):
        return rotation_matrix(degrees, center=((width - 1) / 2, (height - 1) / 2))

    return rotate_about_centre


@register(
    "05.compose_rotations",
    NOTEBOOK,
    r"The product $R(30°)\,R(45°)$ is a rotation by how many degrees?",
    "Multiply the two matrices of section 1's table and compare the product with R(θ) of the same table: which θ has "
    "that cosine and that sine?",
)
def _():
    from ..concepts import rotation_matrix

    product = rotation_matrix(30) @ rotation_matrix(45)
    return float(np.degrees(np.arctan2(product[1, 0], product[0, 0])))


@register(
    "05.crop_positions",
    NOTEBOOK,
    r"How many different positions can a $24 \times 24$ random crop take in a $32 \times 32$ image?",
    "Section 1's table: a crop is placed by its offset (o_x, o_y). Count the values each offset can take (both "
    "ends included), then combine the two.",
)
def _():
    return (32 - 24 + 1) ** 2


@register(
    "05.flip_centring",
    NOTEBOOK,
    r"A reading question on section 1's check of the table. It multiplies $T(c)\,F\,T(-c)$ twice. What did it "
    r"show? (a) both the pure reflection $\mathrm{diag}(-1, 1, 1)$ and $F_x$ give $F_x$ inside the centring; "
    r"(b) the pure reflection inside the centring gives $F_x$, while $F_x$ inside the centring sends column 0 "
    r"outside the frame; (c) $F_x$ inside the centring gives the pure reflection; (d) neither gives $F_x$: "
    r"`dh.augment` flips with a different matrix.",
    "Section 1, the cell that checks the table in NumPy: which matrix goes inside the centring in its "
    "`assert_allclose`, and which column does its printed line send column 0 to, for a frame 32 pixels wide?",
    compare=choice("a", "b", "c", "d"),
)
def _():
    width = 32
    centre = (width - 1) / 2
    shift = np.array([[1, 0, centre], [0, 1, centre], [0, 0, 1.0]])
    back = np.linalg.inv(shift)
    flip_x = np.array([[-1, 0, width - 1], [0, 1, 0], [0, 0, 1.0]])
    pure = shift @ np.diag([-1.0, 1.0, 1.0]) @ back
    column_0 = (shift @ flip_x @ back @ [0, 0, 1])[0]
    return "b" if np.allclose(pure, flip_x) and not 0 <= column_0 <= width - 1 else "?"
