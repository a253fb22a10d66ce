"""Offline data for the course: bundled scikit-learn sets, ready to train on.

Nothing here downloads. Introduced in ``notebooks/00_background.ipynb``
(the digits running example) and ``notebooks/01_core_concepts.ipynb``.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn import datasets
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from ._validation import (
    SEED_MAX,
    Boolean,
    Integer,
    InvalidParameterError,
    Options,
    PathLike,
    Real,
    check_choice,
    check_fraction_pair,
    check_int,
    check_memory,
    check_size_pair,
    validate_params,
)
from .env import cache_dir

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

TABLES = ("diabetes", "breast_cancer")
_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area")
_MANIFEST = "dlopt_manifest.json"


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


@validate_params(
    n_train=Integer(5, 100_000), n_val=Integer(1, 100_000), noise=Real(0, 10, closed="left"), seed=Integer(0, SEED_MAX)
)
def make_curve(n_train: int = 30, n_val: int = 200, noise: float = 0.3, seed: int = 0) -> Split:
    """A 1-D regression that a high-degree polynomial over-fits: ``y = sin(π x) + x/2 + noise``, ``x`` in [-1, 1].

    Generated, so it is the same everywhere and needs nothing downloaded. The test
    part is a second, independent sample of ``n_val`` points. Introduced in
    ``notebooks/04_regularization.ipynb``.

    Returns
    -------
    Split
        ``x_*`` float64 ``(n, 1)``, ``y_*`` float64 ``(n,)``.
    """
    rng = np.random.default_rng(seed)

    def sample(n):
        x = rng.uniform(-1, 1, (n, 1))
        return x, np.sin(np.pi * x[:, 0]) + 0.5 * x[:, 0] + rng.normal(0, noise, n)

    x_train, y_train = sample(n_train)
    x_val, y_val = sample(n_val)
    x_test, y_test = sample(n_val)
    return Split(
        x_train,
        y_train,
        x_val,
        y_val,
        x_test,
        y_test,
        feature_names=("x",),
        target_names=("y",),
        task="regression",
        description=f"curve sin(πx) + x/2, noise {noise}",
    )


@validate_params(
    n_train=Integer(10, 1_000_000),
    n_test=Integer(2, 1_000_000),
    length=Integer(2, 10_000),
    marker_rate=Real(0, 1),
    seed=Integer(0, SEED_MAX),
)
def make_last_marked(
    n_train: int = 3000, n_test: int = 1000, length: int = 30, marker_rate: float = 0.15, seed: int = 0
) -> Split:
    """A sequence task where order matters: report the digit at the **last** marked step.

    Each step carries a digit 0-9 (one-hot) and a marker bit (the 11th feature); every
    sequence has at least one marker. The label is the digit at the last marked step. A
    recurrent network solves it with one rule ("when the marker is on, remember this
    digit"); a model that sees all steps at once must learn, for every position, "marked
    and no later marker". Generated, so it needs nothing downloaded. Introduced in
    ``notebooks/08_model_choice.ipynb``.

    Returns
    -------
    Split
        ``x_*`` float32 ``(n, length, 11)``, ``y_*`` int64 ``(n,)``; ``x_val`` / ``y_val`` hold
        ``n_test // 2`` further sequences. All of them together may take at most 1 GB
        (``(n_train + n_test + n_test // 2) * length * 11`` float32 values); more is refused
        with the estimate.
    """
    sequences = n_train + n_test + n_test // 2
    check_memory(
        "n_train, n_test and length",
        sequences * length * 11 * 4,
        f"{sequences:,} sequences x {length:,} steps x 11 float32 features",
    )
    rng = np.random.default_rng(seed)

    def sample(n):
        digits = rng.integers(0, 10, (n, length))
        marked = rng.random((n, length)) < marker_rate
        marked[np.arange(n), rng.integers(0, length, n)] = True  # at least one marker
        last = length - 1 - np.argmax(marked[:, ::-1], axis=1)
        x = np.concatenate([np.eye(10, dtype=np.float32)[digits], marked[..., None].astype(np.float32)], axis=-1)
        return x, digits[np.arange(n), last].astype(np.int64)

    x_train, y_train = sample(n_train)
    x_val, y_val = sample(n_test // 2)
    x_test, y_test = sample(n_test)
    return Split(
        x_train,
        y_train,
        x_val,
        y_val,
        x_test,
        y_test,
        feature_names=tuple(f"digit_{d}" for d in range(10)) + ("marker",),
        target_names=tuple(str(d) for d in range(10)),
        task="classification",
        description=f"last marked digit, length {length}, marker rate {marker_rate}",
    )


def load_sample_images(size: tuple[int, int] | None = None) -> dict[str, np.ndarray]:
    """scikit-learn's two bundled photos (``china.jpg``, ``flower.jpg``).

    Parameters
    ----------
    size : (height, width) or None
        Resize to this size (bilinear). ``None`` keeps 427 x 640. A size whose resizing would
        need more than 1 GB (``height * width * 3`` float32 values, about 9,000 x 9,000) is refused.

    Returns
    -------
    dict
        ``{'china': uint8 (h, w, 3), 'flower': uint8 (h, w, 3)}``.
    """
    if size is not None:
        size = check_size_pair("size", size)
        check_memory("size", size[0] * size[1] * 3 * 4, f"{size[0]:,} x {size[1]:,} x 3 float32 values per image")
    bunch = datasets.load_sample_images()
    names = [Path(f).stem for f in bunch.filenames]
    images = {}
    for name, image in zip(names, bunch.images):
        if size is not None:
            import tensorflow as tf

            image = tf.image.resize(image, size, method="bilinear").numpy()
            image = np.clip(np.round(image), 0, 255).astype(np.uint8)
        images[name] = image
    return images


@validate_params(
    directory=(None, PathLike()),
    source=Options("digits", "sample_images"),
    images_per_class=Integer(1, 500),
    size=Integer(8, 256),
    seed=Integer(0, SEED_MAX),
    overwrite=Boolean(),
)
def make_image_folder(
    directory: str | os.PathLike | None = None,
    source: str = "digits",
    images_per_class: int = 20,
    size: int = 32,
    seed: int = 0,
    overwrite: bool = False,
) -> Path:
    """Write a small labelled image folder: one sub-folder of PNGs per class.

    The layout is the one ``flow_from_directory`` and
    ``keras.utils.image_dataset_from_directory`` read::

        directory/0/000.png, directory/0/001.png, ..., directory/9/019.png

    Parameters
    ----------
    directory : path or None
        Where to write. ``None`` uses the course cache
        (``cache_dir('image_folders', ...)``), never the repository.
    source : {'digits', 'sample_images'}
        ``digits``: grayscale digits upscaled to ``size``, classes ``0``..``9``.
        ``sample_images``: RGB crops of the two bundled photos, classes ``china`` and ``flower``.
    images_per_class : int in [1, 500]
        Images written per class (digits has at least 174 of each class; crops are random).
    size : int in [8, 256]
        Side of the square PNGs.
    seed : int
        Which samples / crops are taken.
    overwrite : bool (True or False)
        Replace an image folder written earlier with *other* settings. Otherwise a folder
        written earlier with the same settings is reused, one written with other settings is
        an error naming ``overwrite``, and a non-empty folder without ``dlopt_manifest.json``
        is an error.

    Nothing else is ever deleted: the manifest lists the files this function wrote, and only
    those are replaced (a file you added to the folder stays; a file of yours in the way of a
    new one is an error, not overwritten).

    Returns
    -------
    pathlib.Path
        The folder (absolute).
    """
    if source == "digits" and images_per_class > 174:
        raise InvalidParameterError(f"images_per_class must be <= 174 for source='digits', got {images_per_class}")
    settings = {"source": source, "images_per_class": images_per_class, "size": size, "seed": seed}
    if directory is None:
        directory = cache_dir("image_folders") / f"{source}_{size}px_{images_per_class}x_seed{seed}"
    if directory.exists() and not directory.is_dir():
        raise InvalidParameterError(f"directory must be a folder, got {str(directory)!r}, which is a file")
    new_files = _planned_files(settings)
    old_files: list[str] = []
    if directory.is_dir() and any(directory.iterdir()):
        written = _read_manifest(directory)
        if written is None:
            raise InvalidParameterError(
                f"directory {str(directory)!r} exists and was not written by make_image_folder; "
                "choose an empty or new folder"
            )
        old_settings, old_files = written
        complete = all((directory / name).is_file() for name in old_files)
        if old_settings == settings and complete and not overwrite:
            return directory
        if old_settings != settings and not overwrite:
            raise InvalidParameterError(
                f"overwrite must be True to replace the image folder in {str(directory)!r}, written with other "
                f"settings ({_describe(old_settings)}; asked for {_describe(settings)}); only the files it wrote "
                "are replaced, anything else in the folder is kept"
            )
        mine = set(old_files)
        in_the_way = [name for name in new_files if (directory / name).exists() and name not in mine]
        if in_the_way:
            shown = ", ".join(in_the_way[:5]) + (f" and {len(in_the_way) - 5} more" if len(in_the_way) > 5 else "")
            raise InvalidParameterError(
                f"directory {str(directory)!r} holds files that make_image_folder did not write where it would "
                f"write new ones ({shown}); move them or choose an empty or new folder"
            )

    from PIL import Image

    rng = np.random.default_rng(seed)
    classes = _folder_images(source, images_per_class, size, rng)
    manifest = directory / _MANIFEST
    try:
        directory.mkdir(parents=True, exist_ok=True)
        keep = {*new_files, _MANIFEST}
        for name in old_files:  # the earlier run's files that this run does not write again
            if name not in keep:
                (directory / name).unlink(missing_ok=True)
        # its class folders, if nothing else is in them
        for name in {str(Path(n).parent) for n in old_files if n != _MANIFEST}:
            folder = directory / name
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        for class_name, images in classes.items():
            class_dir = directory / class_name
            class_dir.mkdir(exist_ok=True)
            for index, image in enumerate(images):
                Image.fromarray(image).save(class_dir / f"{index:03d}.png")
        manifest.write_text(json.dumps({**settings, "files": new_files}))
    except OSError as error:
        raise InvalidParameterError(
            f"directory {str(directory)!r} cannot be written ({error.strerror or error}): choose a folder you can "
            "write to, or None for the course cache"
        ) from None
    return directory


def _describe(settings: dict) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in settings.items())


def _planned_files(settings: dict) -> list[str]:
    """The files ``make_image_folder`` writes for these settings, relative to the folder (manifest excluded)."""
    names = [str(d) for d in range(10)] if settings["source"] == "digits" else ["china", "flower"]
    return [f"{name}/{index:03d}.png" for name in names for index in range(settings["images_per_class"])]


def _read_manifest(directory: Path) -> tuple[dict, list[str]] | None:
    """``(settings, files written)`` from the folder's manifest, or None if it has no readable manifest.

    Manifests from before the file list was recorded hold the settings only; the files are the
    ones those settings write (the file names follow from them).
    """
    try:
        content = json.loads((directory / _MANIFEST).read_text())
        settings = {key: content[key] for key in ("source", "images_per_class", "size", "seed")}
        if settings["source"] not in ("digits", "sample_images") or not isinstance(settings["images_per_class"], int):
            return None
        files = content.get("files", _planned_files(settings))
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    safe = [f for f in files if ".." not in Path(f).parts and not Path(f).is_absolute()]
    return settings, safe + [_MANIFEST]


def _folder_images(source, per_class, size, rng) -> dict[str, list[np.ndarray]]:
    if source == "digits":
        import tensorflow as tf

        bunch = datasets.load_digits()
        result = {}
        for digit in range(10):
            indices = rng.choice(np.flatnonzero(bunch.target == digit), per_class, replace=False)
            images = (bunch.images[indices] / 16.0)[..., None].astype(np.float32)
            resized = tf.image.resize(images, (size, size), method="bilinear").numpy()
            result[str(digit)] = [np.clip(np.round(img[..., 0] * 255), 0, 255).astype(np.uint8) for img in resized]
        return result
    result = {}
    for name, photo in load_sample_images().items():
        crop = min(photo.shape[:2]) // 2
        crops = []
        for _ in range(per_class):
            top = rng.integers(0, photo.shape[0] - crop + 1)
            left = rng.integers(0, photo.shape[1] - crop + 1)
            patch = photo[top : top + crop, left : left + crop]
            from PIL import Image

            crops.append(np.asarray(Image.fromarray(patch).resize((size, size), Image.BILINEAR)))
        result[name] = crops
    return result
