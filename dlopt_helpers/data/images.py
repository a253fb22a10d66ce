"""Photos: scikit-learn's two sample photos, and class folders of images written into the cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
from sklearn import datasets

from .._validation import (
    SEED_MAX,
    Boolean,
    Integer,
    InvalidParameterError,
    Options,
    PathLike,
    check_memory,
    check_size_pair,
    validate_params,
)
from ..env import cache_dir

#: the file that records what make_image_folder wrote (so a later call removes only its own files)
_MANIFEST = "dlopt_manifest.json"


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
