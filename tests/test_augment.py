"""dlopt_helpers.augment: shapes, dtypes, seeds, each class_mode, the matrices by hand, and bad input."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import dlopt_helpers as dh
from dlopt_helpers.augment import ImageDataGenerator
from dlopt_helpers.concepts import warp_nearest

DIGITS = dh.data.load_digits_images(size=32)
X, Y = DIGITS.x_train[:96], DIGITS.y_train[:96]
ALL = {
    "rotation_range": 25,
    "width_shift_range": 0.2,
    "height_shift_range": 0.1,
    "shear_range": 10,
    "zoom_range": 0.2,
    "horizontal_flip": True,
    "vertical_flip": True,
}


def _first(dataset):
    return next(iter(dataset))


def test_flow_shapes_dtypes_and_rescale():
    images, labels = _first(ImageDataGenerator(**ALL).flow(X, Y, batch_size=16, seed=0))
    assert images.shape == (16, 32, 32, 1) and images.dtype == tf.float32 and labels.shape == (16,)
    raw = (X * 255).astype(np.uint8)
    scaled = _first(ImageDataGenerator(rescale=1 / 255).flow(raw, batch_size=8, shuffle=False, seed=0))
    assert scaled.dtype == tf.float32
    np.testing.assert_allclose(scaled.numpy(), raw[:8] / 255, atol=1e-6)  # no transform: identity warp


def test_same_seed_same_batches_new_epoch_new_augmentation():
    generator = ImageDataGenerator(**ALL)
    a = _first(generator.flow(X, Y, batch_size=16, seed=3))
    b = _first(generator.flow(X, Y, batch_size=16, seed=3))
    c = _first(generator.flow(X, Y, batch_size=16, seed=4))
    np.testing.assert_array_equal(a[0].numpy(), b[0].numpy())
    np.testing.assert_array_equal(a[1].numpy(), b[1].numpy())
    assert not np.array_equal(a[0].numpy(), c[0].numpy())
    one_pass = generator.flow(X, Y, batch_size=32, shuffle=False, seed=3, repeat=False)
    epoch_1, epoch_2 = [x for x, _ in one_pass], [x for x, _ in one_pass]
    assert len(epoch_1) == 3 and not np.array_equal(epoch_1[0].numpy(), epoch_2[0].numpy())


def test_the_warp_is_the_composed_matrix_applied_by_hand():
    generator = ImageDataGenerator(**ALL, fill_mode="constant", interpolation="nearest")
    seed = tf.constant([7, 11], tf.int64)
    out = generator.apply(X[:12], seed).numpy()
    forward = generator.matrices(12, 32, 32, seed).numpy().astype(np.float64)
    mismatched = [np.mean(warp_nearest(X[i], forward[i]) != out[i]) for i in range(12)]
    # the same pixels, except where a source coordinate lies within float rounding of a half pixel
    assert max(mismatched) < 0.01, mismatched


def test_flips_are_exact_mirrors():
    out = ImageDataGenerator(horizontal_flip=True).apply(X[:32], tf.constant([1, 2], tf.int64)).numpy()
    mirrored = [np.array_equal(o, x[:, ::-1]) for o, x in zip(out, X[:32])]
    unchanged = [np.array_equal(o, x) for o, x in zip(out, X[:32])]
    assert all(m or u for m, u in zip(mirrored, unchanged)) and 4 < sum(mirrored) < 28


def test_random_crop_is_a_window_of_the_image():
    generator = ImageDataGenerator(crop_size=(20, 24), interpolation="nearest")
    out = generator.apply(X[:8], tf.constant([5, 6], tf.int64)).numpy()
    assert out.shape == (8, 20, 24, 1)
    for image, crop in zip(X[:8], out):
        windows = [np.array_equal(image[t : t + 20, x : x + 24], crop) for t in range(13) for x in range(9)]
        assert any(windows)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("folders")
    two = dh.data.make_image_folder(root / "two", source="sample_images", images_per_class=5, size=40)
    ten = dh.data.make_image_folder(root / "ten", source="digits", images_per_class=2, size=16)
    return two, ten


@pytest.mark.parametrize(
    "class_mode, label_shape, dtype",
    [("categorical", (4, 2), tf.float32), ("binary", (4,), tf.float32), ("sparse", (4,), tf.int32)],
)
def test_flow_from_directory_class_modes(folders, class_mode, label_shape, dtype):
    dataset = ImageDataGenerator(rotation_range=10).flow_from_directory(
        folders[0], target_size=(32, 48), class_mode=class_mode, batch_size=4, seed=0
    )
    images, labels = _first(dataset)
    assert images.shape == (4, 32, 48, 3) and labels.shape == label_shape and labels.dtype == dtype
    assert dataset.class_indices == {"china": 0, "flower": 1} and dataset.samples == 10


def test_flow_from_directory_grayscale_no_labels_and_fit(folders):
    generator = ImageDataGenerator(rescale=1 / 255, width_shift_range=0.1)
    images = _first(
        generator.flow_from_directory(
            folders[1], target_size=(16, 16), color_mode="grayscale", class_mode=None, batch_size=5
        )
    )
    assert images.shape == (5, 16, 16, 1) and float(tf.reduce_max(images)) <= 1.0
    dataset = generator.flow_from_directory(
        folders[1], target_size=(16, 16), color_mode="grayscale", class_mode="sparse", batch_size=5, seed=0
    )
    model = dh.models.build_running_example(input_shape=(16, 16, 1))
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(dataset, steps_per_epoch=4, epochs=2, verbose=0, shuffle=False)  # replaces fit_generator
    assert len(history.history["loss"]) == 2


def test_as_layer_augments_in_training_only():
    layer = ImageDataGenerator(**ALL).as_layer(seed=0)
    np.testing.assert_array_equal(layer(X[:4], training=False), X[:4])
    assert not np.allclose(layer(X[:4], training=True), X[:4])
    model = keras.Sequential(
        [
            keras.Input((32, 32, 1)),
            ImageDataGenerator(crop_size=(28, 28)).as_layer(),
            keras.layers.Flatten(),
            keras.layers.Dense(10),
        ]
    )
    assert model.output_shape == (None, 10)
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X, Y, epochs=1, batch_size=32, verbose=0)


def _write(path, mode, size=(8, 8)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size).save(path)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"rotation_range": -5}, "rotation_range must be in \\[0, 180\\]"),
        ({"width_shift_range": 1.0}, "width_shift_range must be in \\[0, 1\\)"),
        ({"height_shift_range": -0.1}, "height_shift_range must be in"),
        ({"shear_range": -1}, "shear_range must be in"),
        ({"zoom_range": -0.2}, "zoom_range must be in"),
        ({"zoom_range": (1.2, 0.8)}, "zoom_range must have low <= high"),
        ({"zoom_range": (0.0, 1.2)}, "zoom_range must contain positive factors"),
        ({"horizontal_flip": "yes"}, "horizontal_flip must be True or False"),
        ({"fill_mode": "mirror"}, "fill_mode must be one of"),
        ({"interpolation": "bicubic"}, "interpolation must be one of"),
        ({"crop_size": (0, 4)}, "crop_size must contain integers >= 1"),
    ],
)
def test_bad_generator_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ImageDataGenerator(**kwargs)


def test_bad_flow_input():
    generator = ImageDataGenerator()
    with pytest.raises(ValueError, match="x must have shape \\(n, height, width, channels\\)"):
        generator.flow(X[:, :, :, 0])
    with pytest.raises(ValueError, match="x and y must have the same length"):
        generator.flow(X, Y[:-1])
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        generator.flow(X, Y, batch_size=0)


def test_bad_directories(tmp_path, folders):
    generator = ImageDataGenerator()
    with pytest.raises(ValueError, match="does not exist or is not a folder"):
        generator.flow_from_directory(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="has no class sub-folders"):
        generator.flow_from_directory(tmp_path / "empty")
    (tmp_path / "no_images" / "cats").mkdir(parents=True)
    with pytest.raises(ValueError, match="has no images"):
        generator.flow_from_directory(tmp_path / "no_images")
    _write(tmp_path / "mixed" / "a" / "1.png", "RGB")
    _write(tmp_path / "mixed" / "b" / "2.gif", "L")  # GIF decodes to RGB only: no grayscale conversion
    generator.flow_from_directory(tmp_path / "mixed", target_size=(8, 8))  # rgb: both convert
    with pytest.raises(ValueError, match=r"cannot be read with color_mode='grayscale': b/2.gif"):
        generator.flow_from_directory(tmp_path / "mixed", color_mode="grayscale", target_size=(8, 8))
    with pytest.raises(ValueError, match="class_mode must be one of"):
        generator.flow_from_directory(folders[0], class_mode="onehot")
    with pytest.raises(ValueError, match="class_mode='binary' needs exactly 2 classes, found 10"):
        generator.flow_from_directory(folders[1], class_mode="binary")
    for size in [(32,), (0, 32), (32.0, 32), "128x128"]:
        with pytest.raises(ValueError, match="target_size must"):
            generator.flow_from_directory(folders[0], target_size=size)


# --------------------------------------------------------------------------- the layer inside a saved model
def _model_with_layer(generator, input_shape=(32, 32, 1)):
    model = keras.Sequential(
        [
            keras.Input(input_shape),
            generator.as_layer(seed=3),
            keras.layers.Conv2D(4, 3),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(10),
        ]
    )
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X, Y, epochs=1, batch_size=32, verbose=0)
    return model


@pytest.mark.parametrize(
    "options",
    [ALL, {**ALL, "rescale": 1 / 16, "crop_size": (28, 28), "zoom_range": (0.9, 1.2), "fill_mode": "constant"}],
    ids=["all", "rescale_crop"],
)
def test_a_saved_model_with_the_layer_reloads_and_predicts_the_same(tmp_path, options):
    model = _model_with_layer(ImageDataGenerator(**options))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    layer = loaded.layers[0]
    assert type(layer) is type(model.layers[0]) and layer.seed == 3
    assert layer.generator.get_config() == model.layers[0].generator.get_config()
    np.testing.assert_array_equal(loaded.predict(X[:16], verbose=0), model.predict(X[:16], verbose=0))
    # and it still augments in training (the seed generator's position is not part of the file)
    assert loaded.layers[0](X[:4], training=True).shape[0] == 4
    assert not np.allclose(loaded.layers[0](X[:4], training=True), layer(X[:4], training=False))


def test_layer_config_is_plain_values_and_round_trips():
    import json

    layer = ImageDataGenerator(**ALL, crop_size=(28, 28), rescale=0.5).as_layer(seed=7)
    config = layer.get_config()
    assert json.loads(json.dumps(config)) == config  # plain JSON values only
    again = type(layer).from_config(config)
    assert again.get_config() == config and again.generator.crop_size == (28, 28)
    assert keras.saving.get_registered_name(type(layer)) == "dlopt_helpers>AugmentLayer"


def test_layer_at_inference_rescales_and_crops_the_centre():
    image = np.arange(6 * 8, dtype=np.float32).reshape(1, 6, 8, 1)
    layer = ImageDataGenerator(rescale=0.5, crop_size=(2, 4), rotation_range=30).as_layer()
    np.testing.assert_array_equal(layer(image, training=False), image[:, 2:4, 2:6] * 0.5)
    assert layer(image, training=True).shape == (1, 2, 4, 1)


def test_layer_refuses_a_generator_of_another_kind():
    layer_class = type(ImageDataGenerator().as_layer())
    with pytest.raises(ValueError, match="generator must be an ImageDataGenerator"):
        layer_class("not a generator")
    with pytest.raises(ValueError, match="seed must"):
        layer_class(ImageDataGenerator(), seed=-1)


@pytest.mark.slow
def test_a_fresh_python_reloads_the_model_after_import_dlopt_helpers(tmp_path):
    import subprocess
    import sys

    model = keras.Sequential([keras.Input((32, 32, 1)), ImageDataGenerator(**ALL).as_layer(), keras.layers.Flatten()])
    model.save(tmp_path / "model.keras")
    np.save(tmp_path / "expected.npy", model.predict(X[:4], verbose=0))
    np.save(tmp_path / "x.npy", X[:4])
    code = (
        "import sys, numpy as np, dlopt_helpers, keras\n"
        "m = keras.models.load_model(sys.argv[1] + '/model.keras')\n"
        "np.testing.assert_array_equal(m.predict(np.load(sys.argv[1] + '/x.npy'), verbose=0), "
        "np.load(sys.argv[1] + '/expected.npy'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


# -- mixup ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.2, 1.0, 2.0])
def test_mixup_lambda_is_beta_alpha_alpha(alpha):
    from scipy import stats

    lam, permutation = dh.augment.mixup_weights(20_000, alpha, seed=0)
    assert lam.shape == (20_000,) and lam.dtype == np.float64 and lam.min() >= 0 and lam.max() <= 1
    assert abs(lam.mean() - 0.5) < 0.01  # symmetric Beta: mean 1/2
    np.testing.assert_allclose(lam.var(), 1 / (4 * (2 * alpha + 1)), rtol=0.05)  # Var Beta(α, α)
    assert stats.kstest(lam, stats.beta(alpha, alpha).cdf).pvalue > 1e-3
    np.testing.assert_array_equal(np.sort(permutation), np.arange(20_000))


def test_mixup_is_the_convex_combination_of_pairs():
    y_int = Y[:32]
    mixed_x, mixed_y = dh.augment.mixup(X[:32], y_int, alpha=0.4, seed=5, num_classes=10)
    lam, permutation = dh.augment.mixup_weights(32, 0.4, seed=5)
    assert mixed_x.dtype == tf.float32 and mixed_y.dtype == tf.float32
    assert mixed_x.shape == X[:32].shape and mixed_y.shape == (32, 10)
    weight = lam[:, None, None, None]
    np.testing.assert_allclose(mixed_x.numpy(), weight * X[:32] + (1 - weight) * X[:32][permutation], atol=1e-6)
    one_hot = np.eye(10)[y_int]
    expected_y = lam[:, None] * one_hot + (1 - lam[:, None]) * one_hot[permutation]
    np.testing.assert_allclose(mixed_y.numpy(), expected_y, atol=1e-6)
    np.testing.assert_allclose(mixed_y.numpy().sum(axis=1), 1.0, atol=1e-6)
    # float targets (one-hot or binary) are mixed as they are; uint8 images become float32
    soft_x, soft_y = dh.augment.mixup((X[:32] * 255).astype(np.uint8), one_hot, alpha=0.4, seed=5)
    np.testing.assert_allclose(soft_y.numpy(), expected_y, atol=1e-6)
    assert soft_x.dtype == tf.float32 and float(tf.reduce_max(soft_x)) <= 255
    _, binary = dh.augment.mixup(X[:32], (y_int % 2).astype("float32"), alpha=0.4, seed=5)
    assert binary.shape == (32,) and binary.numpy().min() >= 0 and binary.numpy().max() <= 1


def test_mixup_seeds_reproduce_and_differ():
    a = dh.augment.mixup(X[:16], Y[:16], 0.2, seed=3, num_classes=10)
    b = dh.augment.mixup(X[:16], Y[:16], 0.2, seed=(3, 0), num_classes=10)
    c = dh.augment.mixup(X[:16], Y[:16], 0.2, seed=4, num_classes=10)
    np.testing.assert_array_equal(a[0].numpy(), b[0].numpy())
    np.testing.assert_array_equal(a[1].numpy(), b[1].numpy())
    assert not np.array_equal(a[0].numpy(), c[0].numpy())


def test_mixup_dataset_reproducible_new_pairs_each_epoch():
    generator = ImageDataGenerator(rotation_range=10)

    def pipeline(seed):
        flow = generator.flow(X, Y, batch_size=32, shuffle=False, seed=0, repeat=False)
        return dh.augment.mixup_dataset(flow, alpha=0.2, num_classes=10, seed=seed)

    dataset = pipeline(1)
    epoch_1, epoch_2 = list(dataset), list(dataset)
    again = list(pipeline(1))
    assert len(epoch_1) == 3
    images, labels = epoch_1[0]
    assert images.shape == (32, 32, 32, 1) and images.dtype == tf.float32 and labels.shape == (32, 10)
    np.testing.assert_allclose(labels.numpy().sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(images.numpy(), again[0][0].numpy())
    np.testing.assert_array_equal(labels.numpy(), again[0][1].numpy())
    assert not np.array_equal(labels.numpy(), epoch_2[0][1].numpy())
    assert not np.array_equal(labels.numpy(), next(iter(pipeline(2)))[1].numpy())
    assert ((labels.numpy() > 0) & (labels.numpy() < 1)).any()  # mixed, not one-hot


def test_mixup_dataset_trains_a_model_for_an_epoch():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((32, 32, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    flow = ImageDataGenerator().flow(X, Y, batch_size=32, seed=0, repeat=False)
    history = model.fit(dh.augment.mixup_dataset(flow, 0.2, num_classes=10, seed=0), epochs=1, verbose=0, shuffle=False)
    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: dh.augment.mixup(X[:4], Y[:4], alpha=0, num_classes=10), "alpha must be > 0"),
        (lambda: dh.augment.mixup(X[:4], Y[:4], alpha=0.2), "pass num_classes"),
        (lambda: dh.augment.mixup(X[:4], Y[:4], num_classes=3), "y must be in \\[0, 2\\]"),
        (lambda: dh.augment.mixup(X[:4], np.eye(10)[Y[:4]], num_classes=10), "num_classes is for integer"),
        (lambda: dh.augment.mixup(X[:4], Y[:3], num_classes=10), "y must hold one label per example"),
        (lambda: dh.augment.mixup(X[:4], Y[:4], seed=-1, num_classes=10), "seed must be in"),
        (lambda: dh.augment.mixup(X[:4], Y[:4], seed=(1, 2, 3), num_classes=10), "seed must be a pair"),
        (lambda: dh.augment.mixup_weights(0), "batch_size must be"),
        (lambda: dh.augment.mixup_dataset(X, 0.2), "dataset must be a tf.data.Dataset"),
        (lambda: dh.augment.mixup_dataset(ImageDataGenerator().flow(X), 0.2), "dataset must yield \\(x, y\\)"),
        (lambda: dh.augment.mixup_dataset(ImageDataGenerator().flow(X, Y), 0.2), "pass num_classes"),
    ],
)
def test_bad_mixup_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
