"""Augmentation throughput: legacy ImageDataGenerator vs a chain of Keras Random* layers vs dlopt_helpers.augment.

Same 2,000 RGB images of 128 x 128 (random crops of scikit-learn's two bundled photos), same transforms
(rotation 20°, shifts 0.2, horizontal flip), bilinear interpolation, batch 32, in the same run; each
pipeline makes a full pass over the images 3 times and the median images per second is reported.
Also measured: ours with nearest interpolation, and on uint8 input. Prints last
`augment_throughput ratio=<ours/legacy> vs_keras_layers=<ours/keras chain>`. Goal: ratio >= 4, vs_keras_layers >= 2.

    python benchmarks/augment_throughput.py
"""

import _timing
import keras
import numpy as np
import tensorflow as tf

import dlopt_helpers as dh
from dlopt_helpers.augment import ImageDataGenerator

N, SIZE, BATCH, REPEATS = (400, 128, 32, 1) if _timing.QUICK else (2000, 128, 32, 3)


def images_uint8():
    rng = np.random.default_rng(0)
    photos = list(dh.data.load_sample_images().values())
    out = np.empty((N, SIZE, SIZE, 3), dtype=np.uint8)
    for i in range(N):
        photo = photos[i % 2]
        top, left = rng.integers(0, photo.shape[0] - SIZE), rng.integers(0, photo.shape[1] - SIZE)
        out[i] = photo[top : top + SIZE, left : left + SIZE]
    return out


def rate(make_batches):
    seconds = _timing.time_calls(lambda _: sum(1 for _ in make_batches()), range(REPEATS + 1))[1:]  # first: warm-up
    return N / np.median(seconds)


def main():
    x8 = images_uint8()
    x = x8.astype(np.float32)
    settings = {"rotation_range": 20, "width_shift_range": 0.2, "height_shift_range": 0.2, "horizontal_flip": True}

    legacy = tf.keras.preprocessing.image.ImageDataGenerator(**settings, fill_mode="nearest")
    legacy_rate = rate(
        lambda: (legacy.flow(x, batch_size=BATCH, shuffle=False, seed=0)[i] for i in range(int(np.ceil(N / BATCH))))
    )

    chain = keras.Sequential(
        [
            keras.layers.RandomRotation(20 / 360, fill_mode="nearest", interpolation="bilinear", seed=0),
            keras.layers.RandomTranslation(0.2, 0.2, fill_mode="nearest", interpolation="bilinear", seed=1),
            keras.layers.RandomFlip("horizontal", seed=2),
        ]
    )
    # the Keras chain gets the same fast source as ours: batches gathered by index from one tensor
    images = tf.constant(x)

    def keras_batch(indices):
        return chain(tf.gather(images, indices), training=True)

    def plain_batch(indices):
        return tf.gather(images, indices)

    indices = tf.data.Dataset.range(N).batch(BATCH)
    keras_dataset = indices.map(keras_batch, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    keras_rate = rate(lambda: iter(keras_dataset))

    # each dataset is built once and iterated epoch after epoch, as model.fit does
    ours = ImageDataGenerator(**settings, fill_mode="nearest")
    ours_dataset = ours.flow(x, batch_size=BATCH, shuffle=False, seed=0, repeat=False)
    ours_rate = rate(lambda: iter(ours_dataset))
    nearest = ImageDataGenerator(**settings, fill_mode="nearest", interpolation="nearest")
    nearest_dataset = nearest.flow(x, batch_size=BATCH, shuffle=False, seed=0, repeat=False)
    nearest_rate = rate(lambda: iter(nearest_dataset))
    uint8_dataset = ours.flow(x8, batch_size=BATCH, shuffle=False, seed=0, repeat=False)
    uint8_rate = rate(lambda: iter(uint8_dataset))
    plain_rate = rate(
        lambda: iter(indices.map(plain_batch, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE))
    )

    for name, value in [
        ("legacy ImageDataGenerator.flow", legacy_rate),
        ("keras Random* chain in tf.data", keras_rate),
        ("dlopt augment, bilinear, float32", ours_rate),
        ("dlopt augment, nearest, float32", nearest_rate),
        ("dlopt augment, bilinear, uint8 in", uint8_rate),
        ("tf.data, no augmentation", plain_rate),
    ]:
        print(f"{name:<34} {value:8.0f} img/s   {value / legacy_rate:5.1f}x legacy")
    _timing.goal("augment_throughput_vs_legacy", ours_rate / legacy_rate, 4)
    _timing.goal("augment_throughput_vs_keras_layers", ours_rate / keras_rate, 2)
    print(f"augment_throughput ratio={ours_rate / legacy_rate:.1f} vs_keras_layers={ours_rate / keras_rate:.1f}")


if __name__ == "__main__":
    main()
