"""``ImageDataGenerator``: the transforms as 3 x 3 matrices, one warp per image, ``flow`` and
``flow_from_directory`` on ``tf.data``."""

from __future__ import annotations

import math

import numpy as np

from .._validation import (
    SEED_MAX,
    Array,
    Boolean,
    Integer,
    InvalidParameterError,
    Options,
    PathLike,
    Real,
    check,
    check_float,
    check_memory,
    check_size_pair,
    short_repr,
    validate_params,
)
from .folders import _check_images, _class_names

FILL_MODES = ("constant", "nearest", "reflect", "wrap")
CLASS_MODES = ("categorical", "binary", "sparse", None)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
_BIG_BATCH = 64e6  # bytes: above this, fewer batches are prepared in parallel (tf.data's AUTOTUNE keeps several)

# legacy keras.preprocessing.image.ImageDataGenerator options this class does not have, and what to use instead
_LEGACY = {
    "featurewise_center": "standardize the arrays (or use keras.layers.Normalization) before augmenting",
    "featurewise_std_normalization": "standardize the arrays (or use keras.layers.Normalization) before augmenting",
    "samplewise_center": "standardize each image before augmenting (or use keras.layers.Normalization)",
    "samplewise_std_normalization": "standardize each image before augmenting (or use keras.layers.Normalization)",
    "zca_whitening": "whiten the arrays before augmenting",
    "zca_epsilon": "whiten the arrays before augmenting",
    "brightness_range": "add keras.layers.RandomBrightness to the model",
    "channel_shift_range": "add keras.layers.RandomBrightness / RandomContrast to the model",
    "preprocessing_function": "map the returned tf.data.Dataset: dataset.map(function)",
    "data_format": "images are channels-last (batch, height, width, channels)",
    "validation_split": "split the arrays first (dh.data's loaders return train / val / test)",
    "dtype": "batches are float32",
}


def _range_pair(name, value, low_limit=0.0):
    """``r`` -> ``(-r, r)``; a pair is kept; both checked."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be a number or a pair (low, high), got {value!r}")
        low = check_float(f"{name}[0]", value[0])
        high = check_float(f"{name}[1]", value[1])
        if low > high:
            raise ValueError(f"{name} must have low <= high, got {value!r}")
        return low, high
    value = check_float(name, value, low_limit)
    return -value, value


class ImageDataGenerator:
    """Random geometric augmentation of image batches, composed into one affine warp per image.

    Parameters
    ----------
    rotation_range : float in [0, 180], degrees; the angle is uniform in [-r, r]
    width_shift_range, height_shift_range : float in [0, 1), fraction of the width / height
    shear_range : float in [0, 80], degrees
    zoom_range : float in [0, 1) or pair (low, high) of positive factors; a float z means [1 - z, 1 + z]
    horizontal_flip, vertical_flip : bool, each flips half of the images
    fill_mode : 'constant', 'nearest', 'reflect' or 'wrap': what fills pixels mapped from outside
    cval : float, the fill value for ``fill_mode='constant'``
    rescale : float or None, multiplies the pixel values (``1/255`` to go from uint8 to [0, 1])
    crop_size : (height, width) or None, a random crop of this size (after the other transforms)
    interpolation : 'bilinear' (default, like the legacy class) or 'nearest' (faster, exact pixels)

    Examples
    --------
    >>> generator = ImageDataGenerator(rotation_range=20, width_shift_range=0.2, horizontal_flip=True)
    >>> dataset = generator.flow(images, labels, batch_size=32, seed=0)      # doctest: +SKIP
    >>> model.fit(dataset, steps_per_epoch=len(images) // 32, epochs=10)     # doctest: +SKIP
    """

    @validate_params(
        rotation_range=Real(0, 180),
        width_shift_range=Real(0, 1, closed="left"),
        height_shift_range=Real(0, 1, closed="left"),
        shear_range=Real(0, 80),
        horizontal_flip=Boolean(),
        vertical_flip=Boolean(),
        fill_mode=Options(*FILL_MODES),
        cval=Real(),
        rescale=(None, Real(0, None, closed="neither")),
        interpolation=Options("bilinear", "nearest"),
    )
    def __init__(
        self,
        rotation_range: float = 0.0,
        width_shift_range: float = 0.0,
        height_shift_range: float = 0.0,
        shear_range: float = 0.0,
        zoom_range=0.0,
        horizontal_flip: bool = False,
        vertical_flip: bool = False,
        fill_mode: str = "nearest",
        cval: float = 0.0,
        rescale: float | None = None,
        crop_size=None,
        interpolation: str = "bilinear",
        **legacy,
    ):
        for name in legacy:
            hint = _LEGACY.get(name)
            if hint is None:
                raise InvalidParameterError(f"ImageDataGenerator() got an unexpected keyword argument {name!r}")
            raise InvalidParameterError(
                f"{name} is an option of the legacy Keras ImageDataGenerator that this one does not have: {hint}"
            )
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        if isinstance(zoom_range, (tuple, list)):
            self.zoom_range = _range_pair("zoom_range", zoom_range)
            if self.zoom_range[0] <= 0:
                raise InvalidParameterError(f"zoom_range must contain positive factors, got {zoom_range!r}")
        else:
            zoom = check_float("zoom_range", zoom_range, 0, 1, high_inclusive=False)
            self.zoom_range = (1 - zoom, 1 + zoom)
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.fill_mode = fill_mode
        self.cval = cval
        self.rescale = rescale  # > 0: 0 would blank every image, a negative factor invert it
        self.crop_size = None if crop_size is None else check_size_pair("crop_size", crop_size)
        self.interpolation = interpolation

    def get_config(self) -> dict:
        return {
            k: getattr(self, k)
            for k in (
                "rotation_range",
                "width_shift_range",
                "height_shift_range",
                "shear_range",
                "zoom_range",
                "horizontal_flip",
                "vertical_flip",
                "fill_mode",
                "cval",
                "rescale",
                "crop_size",
                "interpolation",
            )
        }

    # -- the matrices ------------------------------------------------------------------------------
    def matrices(self, batch_size: int, height: int, width: int, seed):
        """Forward transforms ``(batch, 3, 3)`` (input pixel -> output pixel), drawn from ``seed`` (a pair of ints).

        ``M = C(crop) · T(shift) · T(c) · F(flips) · Z(zoom) · S(shear) · R(θ) · T(-c)``,
        ``c`` the image centre: rotate, shear and zoom about the centre, flip, then shift and crop.
        """
        import tensorflow as tf

        seeds = tf.random.experimental.stateless_split(_as_seed(seed), num=8)
        b = batch_size

        def uniform(i, low, high):
            return tf.random.stateless_uniform([b], seeds[i], low, high, dtype=tf.float32)

        one, zero = tf.ones([b]), tf.zeros([b])

        def matrix(rows):  # rows: 3 lists of 3 tensors (b,)
            return tf.stack([tf.stack(row, axis=-1) for row in rows], axis=-2)

        cx, cy = (width - 1) / 2, (height - 1) / 2
        theta = uniform(0, -self.rotation_range, self.rotation_range) * (math.pi / 180)
        shear = uniform(1, -self.shear_range, self.shear_range) * (math.pi / 180)
        zoom_x = uniform(2, *self.zoom_range)
        zoom_y = uniform(3, *self.zoom_range)
        shift_x = uniform(4, -self.width_shift_range, self.width_shift_range) * width
        shift_y = uniform(5, -self.height_shift_range, self.height_shift_range) * height
        flips = tf.random.stateless_uniform([b, 2], seeds[6]) < 0.5
        flip_x = tf.where(flips[:, 0] & self.horizontal_flip, -one, one)
        flip_y = tf.where(flips[:, 1] & self.vertical_flip, -one, one)

        to_origin = matrix([[one, zero, -cx * one], [zero, one, -cy * one], [zero, zero, one]])
        rotate = matrix(
            [[tf.cos(theta), -tf.sin(theta), zero], [tf.sin(theta), tf.cos(theta), zero], [zero, zero, one]]
        )
        shear_m = matrix([[one, -tf.sin(shear), zero], [zero, tf.cos(shear), zero], [zero, zero, one]])
        zoom_m = matrix([[zoom_x, zero, zero], [zero, zoom_y, zero], [zero, zero, one]])
        flip_m = matrix([[flip_x, zero, zero], [zero, flip_y, zero], [zero, zero, one]])
        back = matrix([[one, zero, cx + shift_x], [zero, one, cy + shift_y], [zero, zero, one]])
        forward = back @ flip_m @ zoom_m @ shear_m @ rotate @ to_origin
        if self.crop_size is not None:
            crop_h, crop_w = self.crop_size
            offset_x = tf.floor(tf.random.stateless_uniform([b], seeds[7], 0, 1) * (width - crop_w + 1))
            offset_y = tf.floor(
                tf.random.stateless_uniform([b], tf.reverse(seeds[7], [0]), 0, 1) * (height - crop_h + 1)
            )
            crop = matrix([[one, zero, -offset_x], [zero, one, -offset_y], [zero, zero, one]])
            forward = crop @ forward
        return forward

    def apply(self, images, seed):
        """Augment a batch ``(b, h, w, c)``: float32 out, ``rescale`` applied, one warp for all transforms.

        ``seed`` is a pair of integers (``tf.constant([0, 1], tf.int64)``, ``(0, 1)``): the same pair
        gives the same augmentation.
        """
        import tensorflow as tf

        if not isinstance(images, (tf.Tensor, tf.Variable)):
            images = _numeric_images("images", images)
        images = tf.convert_to_tensor(images)
        if not (images.dtype.is_floating or images.dtype.is_integer or images.dtype.is_bool):
            raise InvalidParameterError(f"images must hold numbers (pixel values), got dtype {images.dtype.name}")
        if images.shape.rank != 4:
            raise ValueError(f"images must have shape (batch, height, width, channels), got {images.shape}")
        seed = _as_seed(seed)
        height, width = images.shape[1], images.shape[2]
        self._check_crop_fits(height, width, "images")
        images = tf.cast(images, tf.float32)
        if self.rescale is not None:
            images = images * self.rescale
        shape = tf.shape(images)
        forward = self.matrices(shape[0], height, width, seed)
        inverse = tf.linalg.inv(forward)
        inverse = inverse / inverse[:, 2:3, 2:3]
        transforms = tf.reshape(inverse, [-1, 9])[:, :8]
        out_h, out_w = self.crop_size if self.crop_size is not None else (height, width)
        return tf.raw_ops.ImageProjectiveTransformV3(
            images=images,
            transforms=transforms,
            output_shape=tf.constant([out_h, out_w], tf.int32),
            fill_value=tf.constant(self.cval, tf.float32),
            interpolation=self.interpolation.upper(),
            fill_mode=self.fill_mode.upper(),
        )

    def _check_crop_fits(self, height, width, what: str) -> None:
        if self.crop_size is None or height is None or width is None:
            return
        if self.crop_size[0] > height or self.crop_size[1] > width:
            raise InvalidParameterError(
                f"crop_size must fit inside the {what} ({height} x {width}), got {self.crop_size}: a crop larger "
                "than the image would only add padding"
            )

    # -- datasets ----------------------------------------------------------------------------------
    def _pipeline(self, dataset, batch_size, shuffle, seed, repeat, size, load_batch=None, in_flight=None):
        import tensorflow as tf

        in_flight = tf.data.AUTOTUNE if in_flight is None else in_flight
        if shuffle:
            dataset = dataset.shuffle(size, seed=seed, reshuffle_each_iteration=True)
        if repeat:
            dataset = dataset.repeat()
        dataset = dataset.batch(batch_size)
        # one random seed per batch, different in every epoch, the same in every run with this seed
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        dataset = tf.data.Dataset.zip((dataset, seeds))

        def augment(batch, batch_seed):
            if load_batch is not None:
                batch = load_batch(batch)
            images, *rest = batch if isinstance(batch, tuple) else (batch,)
            augmented = self.apply(images, batch_seed)
            return (augmented, *rest) if rest else augmented

        return dataset.map(augment, num_parallel_calls=in_flight).prefetch(in_flight)

    @validate_params(batch_size=Integer(1), shuffle=Boolean(), seed=Integer(0, SEED_MAX), repeat=Boolean())
    def flow(self, x, y=None, batch_size: int = 32, shuffle: bool = True, seed: int = 0, repeat: bool = True):
        """Augmented batches of the arrays ``x: (n, h, w, c)`` (and labels ``y``) as a ``tf.data.Dataset``.

        ``repeat=True`` (default) repeats forever, like the legacy generator: pass
        ``steps_per_epoch`` to ``model.fit``. ``repeat=False`` gives one pass per epoch.
        ``x`` must hold finite numbers; a batch may take at most 1 GB (float32).
        """
        import tensorflow as tf

        x = _numeric_images("x", x)
        if x.ndim != 4 or x.shape[-1] not in (1, 3, 4) or len(x) == 0:
            raise ValueError(f"x must have shape (n, height, width, channels) with 1, 3 or 4 channels, got {x.shape}")
        if y is not None:
            labels_given, y = y, np.asarray(y)
            if y.ndim == 0:
                raise InvalidParameterError(
                    f"y must hold one label per image of x ({len(x)}), got {short_repr(labels_given)}"
                )
            if len(y) != len(x):
                raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
        self._check_crop_fits(x.shape[1], x.shape[2], "images of x")
        images_per_batch = batch_size if repeat else min(batch_size, len(x))
        batch_bytes = images_per_batch * int(np.prod(x.shape[1:])) * 4
        check_memory(
            "batch_size",
            batch_bytes,
            f"{images_per_batch:,} x {' x '.join(map(str, x.shape[1:]))} float32 values per batch",
        )
        # batches are gathered from the whole array by index: ~25x faster than slicing it image by image
        images = tf.constant(x)
        labels = None if y is None else tf.constant(y)

        def gather(indices):
            return (
                tf.gather(images, indices)
                if labels is None
                else (tf.gather(images, indices), tf.gather(labels, indices))
            )

        return self._pipeline(
            tf.data.Dataset.range(len(x)), batch_size, shuffle, seed, repeat, len(x), gather, _in_flight(batch_bytes)
        )

    @validate_params(
        color_mode=Options("rgb", "grayscale", "rgba"),
        class_mode=Options(*CLASS_MODES),
        batch_size=Integer(1),
        shuffle=Boolean(),
        seed=Integer(0, SEED_MAX),
        repeat=Boolean(),
    )
    def flow_from_directory(
        self,
        directory,
        target_size=(256, 256),
        color_mode: str = "rgb",
        classes=None,
        class_mode: str | None = "categorical",
        batch_size: int = 32,
        shuffle: bool = True,
        seed: int = 0,
        repeat: bool = True,
    ):
        """Augmented batches from a folder with one sub-folder of images per class.

        Returns a ``tf.data.Dataset`` of ``(images, labels)`` (images only for
        ``class_mode=None``), with ``class_indices`` and ``samples`` attributes like the
        legacy iterator. Labels: one-hot (``categorical``), 0/1 floats (``binary``, exactly
        two classes) or integers (``sparse``).

        Every image is decoded once while the folder is scanned, as ``color_mode`` asks
        (grayscale files are converted to RGB and back where the format allows): a file that
        cannot be read is named, with all others, in one ``ValueError`` before training starts.
        Hidden folders and files (``.ipynb_checkpoints``, names starting with ``.``) are skipped.
        ``classes``: a list of sub-folder names (default: all of them, sorted). One batch
        (``batch_size x target_size x channels`` float32 values) may take at most 1 GB.
        """
        import tensorflow as tf

        directory = check("directory", directory, PathLike())
        if not directory.is_dir():
            raise InvalidParameterError(f"directory {str(directory)!r} does not exist or is not a folder")
        target_size = check_size_pair("target_size", target_size)
        channels = {"rgb": 3, "grayscale": 1, "rgba": 4}[color_mode]
        batch_bytes = batch_size * target_size[0] * target_size[1] * channels * 4
        check_memory(
            "target_size x batch_size",
            batch_bytes,
            f"{batch_size:,} x {target_size[0]:,} x {target_size[1]:,} x {channels} float32 values per batch",
        )
        self._check_crop_fits(*target_size, "target_size")
        names = _class_names(directory, classes)
        files, labels = [], []
        for index, name in enumerate(names):
            found = sorted(
                p
                for p in (directory / name).glob("*")
                if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".") and p.is_file()
            )
            files += [str(p) for p in found]
            labels += [index] * len(found)
        if not files:
            raise ValueError(
                f"directory {str(directory)!r} has no images ({', '.join(IMAGE_SUFFIXES)}) in its class folders"
            )
        if class_mode == "binary" and len(names) != 2:
            raise ValueError(f"class_mode='binary' needs exactly 2 classes, found {len(names)}: {names}")
        _check_images(directory, files, channels, color_mode)
        in_flight = _in_flight(batch_bytes)

        def load(path, label):
            image = tf.io.decode_image(tf.io.read_file(path), channels=channels, expand_animations=False)
            image = tf.image.resize(image, target_size, method="bilinear")
            image.set_shape((*target_size, channels))
            if class_mode == "categorical":
                label = tf.one_hot(label, len(names))
            elif class_mode == "binary":
                label = tf.cast(label, tf.float32)
            return (image, label) if class_mode else image

        dataset = tf.data.Dataset.from_tensor_slices((files, labels))
        if shuffle:
            dataset = dataset.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)
        dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE if in_flight is None else in_flight)
        result = self._pipeline(dataset, batch_size, False, seed, repeat, len(files), in_flight=in_flight)
        result.class_indices = {name: i for i, name in enumerate(names)}
        result.samples = len(files)
        return result

    # -- inside a model ----------------------------------------------------------------------------
    def as_layer(self, seed: int = 0):
        """A Keras layer (``AugmentLayer``) doing the same augmentation inside a model (on the GPU when there is one).

        Random only in training (``model.fit``); at inference it applies ``rescale`` and the central crop, if any,
        and otherwise passes images through. A model holding it saves and reloads (``.keras``).
        """
        from .layer import AugmentLayer  # the layer module imports this one

        return AugmentLayer(self, check("seed", seed, Integer(0, SEED_MAX)))


def _in_flight(batch_bytes: float):
    """How many batches tf.data may prepare at once: AUTOTUNE for small batches, 1-3 for big ones."""
    if batch_bytes <= _BIG_BATCH:
        return None
    return max(1, min(3, int(4 * _BIG_BATCH // batch_bytes)))


def _numeric_images(name: str, images) -> np.ndarray:
    """An array of finite numbers (any dtype: uint8 stays uint8), else a named error."""
    try:
        array = np.asarray(images) if not isinstance(images, (str, bytes)) else np.asarray([images])
    except (ValueError, TypeError) as error:  # ragged nested lists
        raise InvalidParameterError(f"{name} must be an array of numbers, got {short_repr(images)} ({error})") from None
    if array.dtype.kind not in "biuf":
        raise InvalidParameterError(
            f"{name} must hold numbers (pixel values), got {short_repr(images)} (dtype {array.dtype})"
        )
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise InvalidParameterError(
            f"{name} must not contain NaN or infinity "
            f"({int(np.size(array) - np.count_nonzero(np.isfinite(array)))} values are)"
        )
    return array


def _as_seed(seed):
    """A seed pair as an int64 tensor: ``(a, b)`` of integers, or an integer tensor of shape (2,)."""
    import tensorflow as tf

    if isinstance(seed, (tf.Tensor, tf.Variable)):
        if not seed.dtype.is_integer or not seed.shape.is_compatible_with([2]):
            raise InvalidParameterError(
                f"seed must be a pair of integers such as tf.constant([0, 1], tf.int64), got a {seed.dtype.name} "
                f"tensor of shape {seed.shape}"
            )
        return tf.cast(seed, tf.int64)
    pair = Array(shape=(2,), integer=True, low=-(2**63), high=2**63 - 1)
    try:
        return tf.constant(pair.convert("seed", seed), tf.int64)
    except InvalidParameterError:
        raise InvalidParameterError(
            f"seed must be a pair of integers such as (0, 1) or tf.constant([0, 1], tf.int64), got {short_repr(seed)}"
        ) from None
