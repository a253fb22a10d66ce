"""Image folders for ``flow_from_directory``: class names, and every image checked before training starts."""

from __future__ import annotations

import os
from pathlib import Path

from .._validation import (
    MAX_BYTES,
    Instance,
    InvalidParameterError,
    Sequence,
    check,
    gigabytes,
)


def _class_names(directory: Path, classes) -> list[str]:
    """The class folders: all visible sub-folders (sorted), or the ``classes`` asked for, each checked."""
    if classes is None:
        names = sorted(p.name for p in directory.iterdir() if p.is_dir() and not p.name.startswith("."))
        if not names:
            raise ValueError(f"directory {str(directory)!r} has no class sub-folders")
        return names
    names = list(check("classes", classes, Sequence(Instance(str), min_len=1, unique=True)))
    for name in names:
        if not name or name in (".", "..") or "/" in name or (os.sep in name) or (os.altsep and os.altsep in name):
            raise InvalidParameterError(f"classes must be names of sub-folders of directory, got {name!r}")
    missing = [name for name in names if not (directory / name).is_dir()]
    if missing:
        present = sorted(p.name for p in directory.iterdir() if p.is_dir() and not p.name.startswith("."))
        raise InvalidParameterError(
            f"classes must be sub-folders of {str(directory)!r}; not found: {', '.join(map(repr, missing))} "
            f"(found: {', '.join(map(repr, present)) or 'no sub-folders'})"
        )
    return names


def _check_images(directory: Path, files: list[str], channels: int, color_mode: str) -> None:
    """Decode every file as the pipeline will (TensorFlow, ``channels``); name every one that fails.

    A header check (PIL, no decoding) first refuses images too large to decode within the memory
    bound; then all files are decoded in parallel by tf.data, and the few that fail are decoded
    again one by one to get TensorFlow's reason.
    """
    import tensorflow as tf
    from PIL import Image

    problems: dict[int, str] = {}
    for index, path in enumerate(files):
        try:
            with Image.open(path) as image:
                width, height = image.size
        except Exception:
            continue
        nbytes = width * height * max(channels, 3) * 5  # uint8 decoded + float32 while resizing
        if nbytes > MAX_BYTES:
            problems[index] = (
                f"{width:,} x {height:,} pixels would need {gigabytes(nbytes)} to decode and resize "
                f"(at most {gigabytes(MAX_BYTES)}); make it smaller"
            )
    todo = [i for i in range(len(files)) if i not in problems]
    if todo:

        def decode(index, path):
            image = tf.io.decode_image(tf.io.read_file(path), channels=channels, expand_animations=False)
            return index, tf.shape(image)

        scan = tf.data.Dataset.from_tensor_slices((tf.constant(todo, tf.int64), [files[i] for i in todo]))
        options = tf.data.Options()
        options.deterministic = False
        scan = scan.with_options(options).map(decode, num_parallel_calls=min(4, os.cpu_count() or 1)).ignore_errors()
        decoded = {int(index) for index, _ in scan.as_numpy_iterator()}
        for index in sorted(set(todo) - decoded):
            try:
                tf.io.decode_image(tf.io.read_file(files[index]), channels=channels, expand_animations=False)
                problems[index] = "could not be decoded"
            except tf.errors.OpError as error:
                problems[index] = _tf_reason(error, channels, color_mode)
    if problems:
        lines = [f"{os.path.relpath(files[i], directory)}: {problems[i]}" for i in sorted(problems)]
        shown = "; ".join(lines[:10]) + (f"; and {len(lines) - 10} more" if len(lines) > 10 else "")
        raise ValueError(
            f"directory {str(directory)!r} holds {len(lines)} image file(s) that cannot be read "
            f"with color_mode={color_mode!r}: {shown}. Fix or remove them."
        )


def _tf_reason(error, channels: int, color_mode: str) -> str:
    """TensorFlow's message without its ``{{function_node ...}}`` prefix and ``[Op:...]`` suffix."""
    import re

    message = re.sub(r"\{\{[^}]*\}\}\s*", "", error.message or str(error))
    message = re.sub(r"\s*\[Op:[^\]]*\](\s*name:.*)?\s*$", "", message).strip()
    message = message.splitlines()[0] if message else "unreadable"
    if "channels" in message.lower() or "support" in message.lower():
        message += f" (color_mode={color_mode!r} needs {channels} channel(s); this file's format cannot give them)"
    return message.rstrip(".")
