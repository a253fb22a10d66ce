"""The course's data sets as train / validation / test splits: the digits images and two tables."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn import datasets
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from .._validation import (
    SEED_MAX,
    Boolean,
    InvalidParameterError,
    check_choice,
    check_fraction_pair,
    check_int,
)

TABLES = ("diabetes", "breast_cancer")
_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area")


def _check_split_counts(n: int, n_classes: int | None, test_size: float, val_size: float) -> None:
    """The sample counts ``train_test_split`` will make (ceil for the held-out part), checked before it runs.

    A stratified split needs at least one sample of each class in every part; any split needs one sample.
    Without this, scikit-learn's message names its own ``test_size`` / ``train_size`` in samples.
    """
    need = n_classes or 1
    why = f"one sample of each of the {n_classes} classes" if n_classes else "one sample"
    n_test = math.ceil(test_size * n)
    n_rest = n - n_test
    if n_test < need:
        raise InvalidParameterError(
            f"test_size must give at least {need} test samples ({why}) out of {n}, got {test_size} ({n_test} samples)"
        )
    n_val = 0 if val_size == 0 else math.ceil(val_size / (1 - test_size) * n_rest)
    if val_size and n_val < need:
        raise InvalidParameterError(
            f"val_size must be 0 or give at least {need} validation samples ({why}) out of {n}, got {val_size} "
            f"({n_val} samples)"
        )
    if n_rest - n_val < need:
        raise InvalidParameterError(
            f"test_size + val_size must leave at least {need} training samples ({why}) out of {n}, got "
            f"{test_size} + {val_size} ({n_rest - n_val} samples)"
        )


@dataclass(frozen=True)
class Split:
    """A train / validation / test split with its description.

    ``x_*`` are float32 arrays (images ``(n, h, w, 1)`` in [0, 1], tables ``(n, d)``),
    ``y_*`` are int64 class labels or float32 regression targets.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    task: str  # "classification" or "regression"
    description: str

    @property
    def sizes(self) -> dict[str, int]:
        return {"train": len(self.x_train), "val": len(self.x_val), "test": len(self.x_test)}

    def __repr__(self) -> str:
        shape = self.x_train.shape[1:]
        return (
            f"Split({self.description}: train={len(self.x_train)}, val={len(self.x_val)}, "
            f"test={len(self.x_test)}, x shape={shape}, task={self.task})"
        )


def _three_way_split(x, y, test_size, val_size, seed, stratify):
    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y if stratify else None
    )
    if val_size == 0:
        empty_x = x_rest[:0]
        return x_rest, y_rest, empty_x, y_rest[:0], x_test, y_test
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest,
        y_rest,
        test_size=val_size / (1 - test_size),
        random_state=seed,
        stratify=y_rest if stratify else None,
    )
    return x_train, y_train, x_val, y_val, x_test, y_test


def load_digits_images(
    size: int = 8,
    test_size: float = 0.2,
    val_size: float = 0.1,
    seed: int = 0,
    interpolation: str = "bilinear",
) -> Split:
    """The running example: scikit-learn's 1,797 handwritten digits as images.

    Parameters
    ----------
    size : int in [8, 256]
        Side of the square images. 8 is the original resolution; larger sizes
        are upscaled with ``tf.image.resize`` (useful for augmentation and CNNs).
    test_size, val_size : float
        Fractions of all samples held out for test and validation (stratified).
    seed : int
        Seed of the split, so every notebook sees the same samples.
    interpolation : {'bilinear', 'nearest', 'bicubic', 'area'}
        How upscaled images are resampled.

    Returns
    -------
    Split
        ``x_*`` of shape ``(n, size, size, 1)`` float32 in [0, 1]; ``y_*`` int64 in 0..9.

    Examples
    --------
    >>> digits = load_digits_images()
    >>> digits.x_train.shape
    (1257, 8, 8, 1)
    """
    size = check_int("size", size, 8, 256)
    test_size, val_size = check_fraction_pair(test_size, val_size)
    seed = check_int("seed", seed, 0, SEED_MAX)
    check_choice("interpolation", interpolation, _INTERPOLATIONS)
    _check_split_counts(1797, 10, test_size, val_size)

    bunch = datasets.load_digits()
    images = (bunch.images / 16.0).astype(np.float32)[..., None]  # pixel values are 0..16
    if size != 8:
        import tensorflow as tf

        images = tf.image.resize(images, (size, size), method=interpolation).numpy()
        images = np.clip(images, 0.0, 1.0).astype(np.float32)
    labels = bunch.target.astype(np.int64)
    parts = _three_way_split(images, labels, test_size, val_size, seed, stratify=True)
    return Split(
        *parts,
        feature_names=tuple(f"pixel_{r}_{c}" for r in range(size) for c in range(size)),
        target_names=tuple(str(d) for d in range(10)),
        task="classification",
        description=f"digits {size}x{size}",
    )


def load_table(
    name: str,
    test_size: float = 0.2,
    val_size: float = 0.1,
    seed: int = 0,
    standardize: bool = True,
) -> Split:
    """A bundled tabular data set, split three ways.

    Parameters
    ----------
    name : {'diabetes', 'breast_cancer'}
        ``diabetes``: 442 patients, 10 features, regression of disease progression.
        ``breast_cancer``: 569 tumours, 30 features, binary classification.
    test_size, val_size : float
        Fractions held out (stratified for classification).
    seed : int
        Seed of the split.
    standardize : bool
        Scale features to zero mean and unit variance using statistics of the
        *training* part only (no leakage from validation or test).

    Returns
    -------
    Split
        ``x_*`` float32 ``(n, d)``; ``y_*`` float32 (diabetes) or int64 (breast_cancer).
    """
    check_choice("name", name, TABLES)
    test_size, val_size = check_fraction_pair(test_size, val_size)
    seed = check_int("seed", seed, 0, SEED_MAX)
    standardize = Boolean().convert("standardize", standardize)
    _check_split_counts(442 if name == "diabetes" else 569, None if name == "diabetes" else 2, test_size, val_size)

    if name == "diabetes":
        bunch = datasets.load_diabetes(scaled=False)
        y = bunch.target.astype(np.float32)
        task, target_names = "regression", ("disease progression after one year",)
    else:
        bunch = datasets.load_breast_cancer()
        y = bunch.target.astype(np.int64)
        task, target_names = "classification", tuple(bunch.target_names)
    x = bunch.data.astype(np.float32)
    x_train, y_train, x_val, y_val, x_test, y_test = _three_way_split(
        x, y, test_size, val_size, seed, stratify=(task == "classification")
    )
    if standardize:
        scaler = StandardScaler().fit(x_train)
        x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
        x_val = scaler.transform(x_val) if len(x_val) else x_val
    as32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    return Split(
        as32(x_train),
        y_train,
        as32(x_val),
        y_val,
        as32(x_test),
        y_test,
        feature_names=tuple(bunch.feature_names),
        target_names=target_names,
        task=task,
        description=name,
    )
