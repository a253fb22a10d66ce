import json

import numpy as np
import pytest

from dlopt_helpers import data


@pytest.fixture(scope="module")
def digits():
    return data.load_digits_images()


def test_digits_split_shapes_ranges_and_sizes(digits):
    assert digits.x_train.shape == (1257, 8, 8, 1) and digits.x_train.dtype == np.float32
    assert digits.sizes == {"train": 1257, "val": 180, "test": 360}
    assert sum(digits.sizes.values()) == 1797
    assert digits.x_train.min() >= 0.0 and digits.x_train.max() == 1.0
    assert digits.y_train.dtype == np.int64 and set(digits.y_train) == set(range(10))
    assert digits.task == "classification" and digits.target_names == tuple("0123456789")


def test_digits_split_is_disjoint_stratified_and_seeded(digits):
    flat = lambda a: {row.tobytes() for row in a.reshape(len(a), -1)}  # noqa: E731
    # a few digits occur twice in the data set, so compare counts rather than demand empty overlap
    assert len(flat(digits.x_train) & flat(digits.x_test)) <= 2
    train_share = np.bincount(digits.y_train) / len(digits.y_train)
    test_share = np.bincount(digits.y_test) / len(digits.y_test)
    np.testing.assert_allclose(train_share, test_share, atol=0.01)
    again = data.load_digits_images()
    np.testing.assert_array_equal(again.x_test, digits.x_test)
    other = data.load_digits_images(seed=1)
    assert not np.array_equal(other.y_test, digits.y_test)


def test_digits_upscaled_keeps_labels_and_range(digits):
    big = data.load_digits_images(size=32)
    assert big.x_train.shape == (1257, 32, 32, 1)
    np.testing.assert_array_equal(big.y_train, digits.y_train)
    assert big.x_train.min() >= 0.0 and big.x_train.max() <= 1.0
    # downscaling the upscaled image again gives back roughly the original
    import tensorflow as tf

    back = tf.image.resize(big.x_train[:50], (8, 8), method="area").numpy()
    assert np.abs(back - digits.x_train[:50]).mean() < 0.08


def test_digits_without_validation_part():
    split = data.load_digits_images(val_size=0.0)
    assert split.sizes["val"] == 0 and split.sizes["train"] + split.sizes["test"] == 1797


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"size": 4}, "size must be in \\[8, 256\\]"),
        ({"size": 8.0}, "size must be an integer"),
        ({"test_size": 0}, "test_size must be in \\(0, 1\\)"),
        ({"val_size": -0.1}, "val_size must be in \\[0, 1\\)"),
        ({"test_size": 0.5, "val_size": 0.5}, "test_size \\+ val_size must be < 1"),
        ({"seed": -1}, "seed must be in"),
        ({"interpolation": "cubic"}, "interpolation must be one of"),
    ],
)
def test_digits_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.load_digits_images(**kwargs)


def test_diabetes_table_standardized_on_training_part_only():
    split = data.load_table("diabetes")
    assert split.task == "regression" and split.x_train.shape[1] == 10
    assert split.feature_names[2] == "bmi"
    np.testing.assert_allclose(split.x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(split.x_train.std(axis=0), 1, atol=1e-4)
    assert not np.allclose(split.x_test.mean(axis=0), 0, atol=1e-3)  # test statistics were not used
    raw = data.load_table("diabetes", standardize=False)
    assert raw.x_train[:, 0].max() > 10  # ages in years


def test_breast_cancer_table_is_stratified_classification():
    split = data.load_table("breast_cancer")
    assert split.task == "classification" and split.x_train.shape[1] == 30
    assert split.target_names == ("malignant", "benign")
    assert abs(split.y_train.mean() - split.y_test.mean()) < 0.02


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": "iris"}, "name must be one of 'diabetes', 'breast_cancer'"),
        ({"name": "diabetes", "standardize": "yes"}, "standardize must be True or False"),
        ({"name": "diabetes", "test_size": 1.0}, "test_size must be in"),
    ],
)
def test_table_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.load_table(**kwargs)


def test_sample_images_and_resize():
    images = data.load_sample_images()
    assert set(images) == {"china", "flower"}
    assert images["china"].shape == (427, 640, 3) and images["china"].dtype == np.uint8
    small = data.load_sample_images(size=(32, 48))
    assert small["flower"].shape == (32, 48, 3) and small["flower"].dtype == np.uint8
    with pytest.raises(ValueError, match="size must"):
        data.load_sample_images(size=(0, 10))


def test_make_image_folder_layout_and_keras_reads_it(tmp_path):
    import keras

    folder = data.make_image_folder(tmp_path / "digits", images_per_class=3, size=16)
    classes = sorted(p.name for p in folder.iterdir() if p.is_dir())
    assert classes == [str(d) for d in range(10)]
    assert all(len(list((folder / c).glob("*.png"))) == 3 for c in classes)
    dataset = keras.utils.image_dataset_from_directory(
        folder, image_size=(16, 16), color_mode="grayscale", batch_size=64, shuffle=False
    )
    images, labels = next(iter(dataset))
    assert images.shape == (30, 16, 16, 1) and dataset.class_names == classes
    np.testing.assert_array_equal(labels.numpy(), np.repeat(np.arange(10), 3))


def test_make_image_folder_default_goes_to_cache_and_is_reused(tmp_path):
    folder = data.make_image_folder(source="sample_images", images_per_class=2, size=24)
    assert str(folder).startswith(str(tmp_path))  # DLOPT_CACHE_DIR, set by conftest
    from PIL import Image

    first = folder / "china" / "000.png"
    assert Image.open(first).mode == "RGB" and Image.open(first).size == (24, 24)
    stamp = first.stat().st_mtime_ns
    assert data.make_image_folder(source="sample_images", images_per_class=2, size=24) == folder
    assert first.stat().st_mtime_ns == stamp  # reused, not rewritten
    data.make_image_folder(folder, source="sample_images", images_per_class=2, size=24, overwrite=True)
    assert json.loads((folder / "dlopt_manifest.json").read_text())["size"] == 24


def test_make_image_folder_refuses_foreign_folder_and_rewrites_changed_settings_on_request(tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="was not written by make_image_folder"):
        data.make_image_folder(foreign)
    folder = data.make_image_folder(tmp_path / "f", images_per_class=2, size=8)
    with pytest.raises(ValueError, match="overwrite must be True"):  # other settings: only with overwrite=True
        data.make_image_folder(folder, images_per_class=4, size=8)
    data.make_image_folder(folder, images_per_class=4, size=8, overwrite=True)
    assert len(list((folder / "0").glob("*.png"))) == 4


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"source": "mnist"}, "source must be one of"),
        ({"images_per_class": 0}, "images_per_class must be in"),
        ({"images_per_class": 200}, "images_per_class must be <= 174"),
        ({"size": 7}, "size must be in"),
    ],
)
def test_make_image_folder_bad_input(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.make_image_folder(tmp_path / "x", **kwargs)


def test_last_marked_labels_are_the_digit_at_the_last_marker():
    split = data.make_last_marked(n_train=200, n_test=40, length=12, marker_rate=0.2, seed=1)
    assert (
        split.x_train.shape == (200, 12, 11)
        and split.x_val.shape == (20, 12, 11)
        and split.x_test.shape == (40, 12, 11)
    )
    for x, y in ((split.x_train, split.y_train), (split.x_test, split.y_test)):
        assert np.all(x[:, :, :10].sum(axis=2) == 1) and np.all(x[:, :, 10].sum(axis=1) >= 1)
        for sequence, label in zip(x, y):
            last = max(i for i in range(12) if sequence[i, 10] == 1)  # by hand, step by step
            assert sequence[last, :10].argmax() == label
    again = data.make_last_marked(n_train=200, n_test=40, length=12, marker_rate=0.2, seed=1)
    np.testing.assert_array_equal(split.x_train, again.x_train)
    assert set(np.unique(split.y_train)) == set(range(10))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"length": 1}, r"length must be in \[2, 10000\], got 1"),
        ({"marker_rate": 1.5}, r"marker_rate must be in \[0, 1\], got 1.5"),
        ({"n_train": 0}, r"n_train must be in \[10, 1000000\], got 0"),
        ({"n_test": 1}, r"n_test must be in \[2, 1000000\], got 1"),
    ],
)
def test_last_marked_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.make_last_marked(**kwargs)
