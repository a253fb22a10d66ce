"""``AugmentLayer``: the generator's augmentation inside a Keras model (saves and reloads with it)."""

from __future__ import annotations

import keras

from .._validation import (
    SEED_MAX,
    Integer,
    InvalidParameterError,
    check,
    short_repr,
)
from .generator import ImageDataGenerator


@keras.saving.register_keras_serializable(package="dlopt_helpers")
class AugmentLayer(keras.layers.Layer):
    """``ImageDataGenerator.apply`` as a Keras layer: random in training, deterministic at inference.

    Made by ``ImageDataGenerator.as_layer(seed)``. In training (``model.fit``) each batch gets new random
    transforms; at inference only the deterministic part runs: ``rescale`` and, with ``crop_size``, the
    central crop (so a model built for the crop size also predicts); without either, images pass through
    unchanged. The layer saves with its model (``model.save("model.keras")``) and
    ``keras.models.load_model`` rebuilds it once ``dlopt_helpers`` is imported (registered as
    ``dlopt_helpers>AugmentLayer``); its config holds plain values only.
    """

    def __init__(self, generator, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(generator, dict):  # from a saved config
            generator = ImageDataGenerator(**generator)
        if not isinstance(generator, ImageDataGenerator):
            raise InvalidParameterError(
                f"generator must be an ImageDataGenerator or its get_config(), got {short_repr(generator)}"
            )
        self.generator = generator
        self.seed = check("seed", seed, Integer(0, SEED_MAX))
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def call(self, inputs, training=None):
        if training:
            return self.generator.apply(inputs, self.seed_generator.next())
        crop, rescale = self.generator.crop_size, self.generator.rescale
        if crop is None and rescale is None:
            return inputs
        import tensorflow as tf

        images = tf.cast(inputs, tf.float32)
        if rescale is not None:
            images = images * rescale
        if crop is not None:
            self.generator._check_crop_fits(inputs.shape[1], inputs.shape[2], "images")
            shape = tf.shape(images)  # works for images of any size, known only when the model runs
            top, left = (shape[1] - crop[0]) // 2, (shape[2] - crop[1]) // 2
            images = images[:, top : top + crop[0], left : left + crop[1], :]
        return images

    def compute_output_shape(self, input_shape):
        if self.generator.crop_size is None:
            return input_shape
        return (input_shape[0], *self.generator.crop_size, input_shape[-1])

    def get_config(self) -> dict:
        generator = {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in self.generator.get_config().items()
        }  # tuples become lists: what JSON gives back
        return {**super().get_config(), "generator": generator, "seed": self.seed}
