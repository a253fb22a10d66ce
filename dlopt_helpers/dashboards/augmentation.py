"""Data augmentation: rotation, shifts, shear, zoom, flips -> a grid of augmented copies of one photo (notebook 05)."""

from __future__ import annotations

import numpy as np

from .._validation import SEED_MAX, InvalidParameterError, check_finite_array, check_float, check_int, short_repr
from ..i18n import N_, gettext
from ..plotting import new_figure
from .base import FigureDashboard
from .controls import fit_labels

__all__ = ["AugmentationDashboard", "default_photo"]


def default_photo() -> np.ndarray:
    """The dashboard's photo: 96 x 96 uint8, the temple of scikit-learn's ``china.jpg`` with the lake beside it.

    Chosen because it has no symmetry: the tower stands left of centre, sky above, trees below right, so a
    horizontal or vertical flip and every rotation visibly change the picture (the flower photo used before
    was nearly radially symmetric, and flips did not show).
    """
    from ..data import load_sample_images

    crop = load_sample_images()["china"][16:400, 110:494].astype(np.float32)  # 384 x 384
    return np.round(crop.reshape(96, 4, 96, 4, 3).mean(axis=(1, 3))).astype(np.uint8)  # 4 x 4 area average


#: the settings as the status line names them
SETTING_NAMES = {
    "rotation_range": N_("rotation"),
    "width_shift_range": N_("width_shift"),
    "height_shift_range": N_("height_shift"),
    "shear_range": N_("shear"),
    "zoom_range": N_("zoom"),
}
FLIPS = {"horizontal_flip": N_("horizontal flip"), "vertical_flip": N_("vertical flip")}


class AugmentationDashboard(FigureDashboard):
    """Rotation, shifts, shear, zoom and flips -> a grid of augmented copies of one image, live.

    Uses ``augment.ImageDataGenerator`` (one composed warp per image) with a fixed seed,
    so moving a slider changes the ranges while the random draws stay put: what you see
    change is the effect of that slider. Introduced in ``notebooks/05_data_augmentation.ipynb``.

    Pixel values: an integer image (``uint8`` always, any other integer type when its maximum is above 1)
    is read as 0–255 and divided by 255; a float image must be in [0, 1]: one outside it is rescaled
    linearly to [0, 1] (divided by its maximum, or min–max if it has negative values) and the status line
    says so. An image larger than ``MAX_SIDE`` pixels on its long side is downscaled (area averaging) to
    ``MAX_SIDE``, also said in the status line: 18 warped copies of a phone photo would take seconds and
    gigabytes per slider move; the tiles are ~135 px wide on screen anyway.

    Speed: the 18 copies are one batch (one warp op), laid out in one mosaic at the figure's own pixels
    (one image pasted, nothing resampled), encoded as JPEG; the last ``FRAME_CACHE`` frames are kept,
    so dragging a slider back over values already shown only swaps images.

    Parameters
    ----------
    image : (h, w) or (h, w, c) array, optional (default: ``default_photo()``, 96 x 96, asymmetric)
    rotation_range : float in [0, 180]; width_shift_range, height_shift_range : float in [0, 0.5];
    shear_range : float in [0, 45]; zoom_range : float in [0, 0.5]; horizontal_flip, vertical_flip : bool
    """

    ROWS, COLUMNS = 3, 6
    #: the long side of the image the dashboard works on, at most (larger images are downscaled)
    MAX_SIDE = 128
    #: pixels between two copies in the mosaic, and their grey level
    GAP, GAP_GREY = 4, 0.75
    #: a grid of photos: JPEG encodes in ~3 ms where PNG takes ~17 ms (photos compress badly without loss)
    IMAGE_FORMAT = "jpeg"
    #: finished frames kept (with their copies, 18 x 96 x 96 x 3 float32 = 2 MB each at most): dragging a
    #: slider back over values already shown only swaps images
    FRAME_CACHE = 32

    def __init__(
        self,
        image=None,
        rotation_range: float = 20.0,
        width_shift_range: float = 0.1,
        height_shift_range: float = 0.1,
        shear_range: float = 0.0,
        zoom_range: float = 0.1,
        horizontal_flip: bool = True,
        vertical_flip: bool = False,
        seed: int = 0,
    ):
        import ipywidgets as widgets

        if image is None:
            image = default_photo()
        self.source_image, self.image_note = self._prepare_image(image, self.MAX_SIDE)
        self.seed = check_int("seed", seed, 0, SEED_MAX)
        sliders = {
            "rotation_range": (rotation_range, 0, 180, 5, N_("rotation °")),
            "width_shift_range": (width_shift_range, 0, 0.5, 0.02, N_("width shift")),
            "height_shift_range": (height_shift_range, 0, 0.5, 0.02, N_("height shift")),
            "shear_range": (shear_range, 0, 45, 1, N_("shear °")),
            "zoom_range": (zoom_range, 0, 0.5, 0.02, N_("zoom")),
        }
        self.controls = {}
        for name, (value, low, high, step, label) in sliders.items():
            value = check_float(name, value, low, high)
            self.controls[name] = widgets.FloatSlider(
                value=value, min=low, max=high, step=step, description=label, continuous_update=True
            )
        for name, value in (("horizontal_flip", horizontal_flip), ("vertical_flip", vertical_flip)):
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be True or False, got {value!r}")
            self.controls[name] = widgets.Checkbox(value=value, description=FLIPS[name])
        fit_labels(self.controls, width="260px")
        self._build_figure()
        self._start()

    def _build_figure(self) -> None:
        self.fig, ax = new_figure(figsize=(1.35 * self.COLUMNS, 1.35 * self.ROWS), layout="none")
        ax.set_visible(False)  # the mosaic is a figure image at the canvas' own pixels: nothing to resample
        h, w, _ = self.source_image.shape
        shape = (self.ROWS * (h + self.GAP) - self.GAP, self.COLUMNS * (w + self.GAP) - self.GAP)
        # light grey between the copies: the white fill of a rotation or shift stays visible as part of its copy.
        # RGBA uint8, so drawing converts nothing on a move
        self._mosaic = np.full(shape + (4,), round(self.GAP_GREY * 255), dtype=np.uint8)
        self._mosaic[..., 3] = 255
        # nearest-neighbour enlargement to the figure's pixels, as index maps computed once
        width, height = round(self.fig.bbox.width), round(self.fig.bbox.height)
        self._rows = np.arange(height) * shape[0] // height
        self._columns = np.arange(width) * shape[1] // width
        self.mosaic = self.fig.figimage(self._enlarged(), animated=True)

    def _enlarged(self) -> np.ndarray:
        return self._mosaic.take(self._rows, axis=0).take(self._columns, axis=1)

    @staticmethod
    def _prepare_image(image, max_side: int) -> tuple[np.ndarray, str]:
        """``(h, w, c)`` float32 in [0, 1], at most ``max_side`` on the long side, and a note of what was changed."""
        try:
            raw = np.asarray(image)
        except (TypeError, ValueError):  # ragged lists
            raw = np.asarray(None)
        kind = raw.dtype.kind
        if kind not in "biuf":
            raise InvalidParameterError(
                f"image must be an array of numbers (uint8 0-255 or floats in [0, 1]), got {short_repr(image)}"
            )
        if raw.ndim not in (2, 3) or (raw.ndim == 3 and raw.shape[-1] not in (1, 3)) or min(raw.shape[:2]) < 1:
            raise InvalidParameterError(f"image must have shape (h, w) or (h, w, 1 or 3), got {raw.shape}")
        notes = []
        if kind in "iu":
            low, high = int(raw.min()), int(raw.max())
            if low < 0 or high > 255:
                raise InvalidParameterError(
                    f"image of integers must hold pixel values in [0, 255], got values from {low} to {high}"
                )
            image = raw.astype(np.float32)
            if raw.dtype == np.uint8 or high > 1:
                image = image / 255.0
        else:
            image = check_finite_array("image", raw, dtype=np.float32)
            low, high = float(image.min()), float(image.max())
            if low < 0 or high > 1:  # floats must be in [0, 1]: rescale, and say so
                image = (
                    (image - min(low, 0.0)) / (high - min(low, 0.0)) if high > min(low, 0.0) else np.zeros_like(image)
                )
                notes.append(
                    gettext(
                        "values {low:.3g} to {high:.3g} rescaled to [0, 1] (floats should be in [0, 1], integers 0-255)"
                    ).format(low=low, high=high)
                )
        if image.ndim == 2:
            image = image[..., None]
        height, width = image.shape[:2]
        if max(height, width) > max_side:
            import tensorflow as tf

            scale = max_side / max(height, width)
            size = (max(1, round(height * scale)), max(1, round(width * scale)))
            image = tf.image.resize(image, size, method="area").numpy().astype(np.float32)
            notes.append(
                gettext("downscaled from {height}x{width} to {new_height}x{new_width}").format(
                    height=height, width=width, new_height=size[0], new_width=size[1]
                )
            )
        return image.astype(np.float32, copy=False), "; ".join(notes)

    def _augment(self, values: dict) -> np.ndarray:
        """The ``ROWS x COLUMNS`` augmented copies ``(n, h, w, c)`` for these settings."""
        import tensorflow as tf

        from ..augment import ImageDataGenerator

        generator = ImageDataGenerator(**values, fill_mode="constant", cval=1.0)
        batch = np.repeat(self.source_image[None], self.ROWS * self.COLUMNS, axis=0)
        images = np.clip(generator.apply(batch, tf.constant([self.seed, 0], tf.int64)).numpy(), 0, 1)
        images.flags.writeable = False  # kept with its frame (FRAME_CACHE)
        return images

    def mosaic_of(self, images: np.ndarray) -> np.ndarray:
        """The copies laid out ``ROWS x COLUMNS``, ``GAP`` grey pixels between them: RGBA uint8 (what is drawn)."""
        h, w = images.shape[1:3]
        step_h, step_w = h + self.GAP, w + self.GAP
        pixels = np.round(images * 255).astype(np.uint8)
        for index, tile in enumerate(pixels):
            row, column = divmod(index, self.COLUMNS)
            self._mosaic[row * step_h : row * step_h + h, column * step_w : column * step_w + w, :3] = tile
        return self._mosaic

    def update(self, **values) -> np.ndarray:
        """Augment ``ROWS x COLUMNS`` copies with these settings; returns them ``(n, h, w, c)``."""
        images = self._augment(values)
        self.mosaic_of(images)
        self.mosaic.set_data(self._enlarged())
        self._values = values
        return images

    def _frame_extras(self) -> dict:
        return {"_values": self._values}

    def status_message(self) -> str:
        on = [f"{gettext(SETTING_NAMES[k])} {v:g}" for k, v in self._values.items() if not isinstance(v, bool) and v]
        flips = [gettext(FLIPS[k]) for k, v in self._values.items() if v is True]
        note = gettext(" (image {note})").format(note=self.image_note) if self.image_note else ""
        listed = gettext(", ").join(on + flips) or gettext("no augmentation (all identical)")
        return gettext("{n} samples: {settings}").format(n=len(self.state), settings=listed) + note
