"""Issue 14, area ``data``: every row of env, data and augment in the bad-input review, as a regression test.

Each row of ``shared/reviews/bad-input-2026-11-25.md`` (tables F, E, D, C, B) for these modules is one
parametrized case, its id naming the module, the table and the call. A case makes the exact call and
asserts the clean outcome: an error naming the parameter (``match=``), or the documented result.
The last tests plant a learner's files and prove that no helper that writes deletes them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dlopt_helpers import data, env
from dlopt_helpers._validation import InvalidParameterError
from dlopt_helpers.augment import ImageDataGenerator as IDG

IMAGES = np.random.default_rng(0).random((2, 8, 8, 1)).astype(np.float32)


def _png(path: Path, mode: str = "RGB", size=(8, 8)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    channels = {"L": 1, "RGB": 3}[mode]
    pixels = np.random.default_rng(len(str(path))).integers(0, 255, (size[1], size[0], channels), dtype=np.uint8)
    Image.fromarray(pixels[..., 0] if mode == "L" else pixels, mode).save(path)
    return path


def _folder(root: Path, classes=("a", "b"), per_class=2, mode="RGB") -> Path:
    for name in classes:
        for i in range(per_class):
            _png(root / name / f"{i}.png", mode)
    return root


def _truncated(root: Path) -> Path:
    folder = _folder(root)
    whole = (folder / "a" / "0.png").read_bytes()
    (folder / "a" / "0.png").write_bytes(whole[: len(whole) // 2])
    return folder


def _other_settings_with_user_file(tmp: Path) -> dict:
    folder = data.make_image_folder(tmp / "d", images_per_class=1, size=8)
    (folder / "my_notes.txt").write_text("keep me")
    try:
        data.make_image_folder(folder, images_per_class=2, size=8, overwrite=False)
    finally:
        assert (folder / "my_notes.txt").read_text() == "keep me"  # never deleted


def _relative_cache_make_image_folder(tmp: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp)  # stands in for notebooks/ inside the repository
    monkeypatch.setenv("DLOPT_CACHE_DIR", "relcache")
    try:
        data.make_image_folder(images_per_class=1, size=8)
    finally:
        assert not (tmp / "relcache").exists()  # nothing written under the kernel's cwd


def _cache_is_a_file(tmp: Path, monkeypatch) -> None:
    (tmp / "cachefile").write_text("x")
    monkeypatch.setenv("DLOPT_CACHE_DIR", str(tmp / "cachefile"))
    env.cache_dir("probe_sub")


def _relative_cache_dir(tmp: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp)
    monkeypatch.setenv("DLOPT_CACHE_DIR", "relcache")
    try:
        env.cache_dir("probe_sub")
    finally:
        assert not (tmp / "relcache").exists()


def _tiny_model():
    import keras

    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    return model


def _unwritable():
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc (Linux): a folder nobody, not even root, can write into; macOS and Windows have none")
    data.make_image_folder("/proc/dlopt_x", images_per_class=1, size=8)


# (id, call(tmp_path, monkeypatch), expected error type, match)
ERRORS = [
    # --- env ---------------------------------------------------------------------------------------
    (
        "env-F-relative-DLOPT_CACHE_DIR-make_image_folder",
        _relative_cache_make_image_folder,
        InvalidParameterError,
        r"DLOPT_CACHE_DIR must be an absolute path, got 'relcache'",
    ),
    (
        "env-D-cache_dir-create-no",
        lambda t, m: env.cache_dir("x", create="no"),
        InvalidParameterError,
        r"create must be True or False, got 'no'",
    ),
    (
        "env-D-relative-DLOPT_CACHE_DIR-cache_dir",
        _relative_cache_dir,
        InvalidParameterError,
        r"DLOPT_CACHE_DIR must be an absolute path",
    ),
    (
        "env-D-Stopwatch-verbose-no",
        lambda t, m: env.Stopwatch(label=None, verbose="no"),
        InvalidParameterError,
        r"label must be a string, got NoneType",
    ),
    (
        "env-D-Stopwatch-verbose-no-alone",
        lambda t, m: env.Stopwatch(verbose="no"),
        InvalidParameterError,
        r"verbose must be True or False, got 'no'",
    ),
    (
        "env-C-DLOPT_CACHE_DIR-is-a-file",
        _cache_is_a_file,
        InvalidParameterError,
        r"DLOPT_CACHE_DIR must name a folder, got .*cachefile.*which is a file",
    ),
    (
        "env-C-Stopwatch-exit-without-enter",
        lambda t, m: env.Stopwatch("x").__exit__(None, None, None),
        RuntimeError,
        r"__exit__ was called before __enter__",
    ),
    # --- data --------------------------------------------------------------------------------------
    (
        "data-D-make_image_folder-other-settings-user-file-overwrite-False",
        lambda t, m: _other_settings_with_user_file(t),
        InvalidParameterError,
        r"overwrite must be True to replace",
    ),
    (
        "data-D-make_image_folder-overwrite-no",
        lambda t, m: data.make_image_folder(t / "d", overwrite="no"),
        InvalidParameterError,
        r"overwrite must be True or False, got 'no'",
    ),
    (
        "data-C-load_digits_images-val_size-0.001",
        lambda t, m: data.load_digits_images(val_size=0.001),
        InvalidParameterError,
        r"val_size must be 0 or give at least 10 validation samples .*got 0.001 \(2 samples\)",
    ),
    (
        "data-C-load_digits_images-test_size-0.98-val_size-0.015",
        lambda t, m: data.load_digits_images(test_size=0.98, val_size=0.015),
        InvalidParameterError,
        r"test_size \+ val_size must leave at least 10 training samples",
    ),
    (
        "data-C-make_image_folder-directory-is-a-file",
        lambda t, m: ((t / "f").write_text("x"), data.make_image_folder(directory=t / "f")),
        InvalidParameterError,
        r"directory must be a folder, got .*which is a file",
    ),
    (
        "data-C-make_image_folder-not-writable",
        lambda t, m: _unwritable(),
        InvalidParameterError,
        r"directory '/proc/dlopt_x' cannot be written",
    ),
    (
        "data-C-make_last_marked-product",
        lambda t, m: data.make_last_marked(n_train=10**6, length=10_000),
        InvalidParameterError,
        r"n_train, n_test and length would need 441 GB .*at most 1 GB",
    ),
    (
        "data-C-load_sample_images-huge-size",
        lambda t, m: data.load_sample_images(size=(100_000, 100_000)),
        InvalidParameterError,
        r"size would need 120 GB \(100,000 x 100,000 x 3 float32 .*at most 1 GB",
    ),
    (
        "data-B-load_digits_images-test_size-0.001",
        lambda t, m: data.load_digits_images(test_size=0.001),
        InvalidParameterError,
        r"test_size must give at least 10 test samples .*got 0.001 \(2 samples\)",
    ),
    (
        "data-B-make_image_folder-directory-123",
        lambda t, m: data.make_image_folder(directory=123),
        InvalidParameterError,
        r"directory must be a path, got 123",
    ),
    # --- augment -----------------------------------------------------------------------------------
    (
        "augment-E-flow_from_directory-4096x4096-batch-32",
        lambda t, m: next(iter(IDG().flow_from_directory(_folder(t / "d"), target_size=(4096, 4096), batch_size=32))),
        InvalidParameterError,
        r"target_size x batch_size would need 6.44 GB \(32 x 4,096 x 4,096 x 3 float32 values "
        r"per batch\); at most 1 GB",
    ),
    ("augment-D-rescale-0", lambda t, m: IDG(rescale=0), InvalidParameterError, r"rescale must be > 0, got 0"),
    ("augment-D-rescale-negative", lambda t, m: IDG(rescale=-1 / 255), InvalidParameterError, r"rescale must be > 0"),
    (
        "augment-D-crop-larger-than-image",
        lambda t, m: IDG(crop_size=(32, 32)).apply(IMAGES, (0, 1)),
        InvalidParameterError,
        r"crop_size must fit inside the images \(8 x 8\), got \(32, 32\)",
    ),
    (
        "augment-D-apply-float-seed",
        lambda t, m: IDG().apply(IMAGES, seed=[0.5, 1.5]),
        InvalidParameterError,
        r"seed must be a pair of integers",
    ),
    (
        "augment-D-flow-shuffle-no",
        lambda t, m: IDG().flow(IMAGES, shuffle="no"),
        InvalidParameterError,
        r"shuffle must be True or False, got 'no'",
    ),
    (
        "augment-D-flow-NaN",
        lambda t, m: IDG().flow(np.where(IMAGES > 0.5, np.nan, IMAGES)),
        InvalidParameterError,
        r"x must not contain NaN or infinity",
    ),
    (
        "augment-D-classes-str",
        lambda t, m: IDG().flow_from_directory(_folder(t / "d", ("0", "1")), classes="01"),
        InvalidParameterError,
        r"classes must be a list or tuple .*got '01'",
    ),
    (
        "augment-D-classes-duplicate",
        lambda t, m: IDG().flow_from_directory(_folder(t / "d", ("0", "1")), classes=["0", "0"]),
        InvalidParameterError,
        r"classes must be a list or tuple .*without repeats",
    ),
    (
        "augment-C-apply-int-seed",
        lambda t, m: IDG().apply(IMAGES, seed=5),
        InvalidParameterError,
        r"seed must be a pair of integers .*got 5",
    ),
    (
        "augment-C-apply-seed-None",
        lambda t, m: IDG().apply(IMAGES, seed=None),
        InvalidParameterError,
        r"seed must be a pair of integers .*got None",
    ),
    (
        "augment-C-apply-seed-3-ints",
        lambda t, m: IDG().apply(IMAGES, seed=[0, 1, 2]),
        InvalidParameterError,
        r"seed must be a pair of integers .*got \[0, 1, 2\]",
    ),
    (
        "augment-C-apply-string-images",
        lambda t, m: IDG().apply(np.full((2, 8, 8, 1), "a"), (0, 1)),
        InvalidParameterError,
        r"images must hold numbers",
    ),
    (
        "augment-C-flow-y-5",
        lambda t, m: IDG().flow(IMAGES, y=5),
        InvalidParameterError,
        r"y must hold one label per image of x \(2\), got 5",
    ),
    (
        "augment-C-flow-string-x",
        lambda t, m: IDG().flow(np.full((2, 8, 8, 1), "a")),
        InvalidParameterError,
        r"x must hold numbers",
    ),
    (
        "augment-C-truncated-png-iterate",
        lambda t, m: next(iter(IDG().flow_from_directory(_truncated(t / "d")))),
        ValueError,
        r"holds 1 image file\(s\) that cannot be read with color_mode='rgb': a/0.png: Invalid PNG data, size \d+\. Fix or remove",
    ),
    (
        "augment-C-truncated-png-model-fit",
        lambda t, m: _tiny_model().fit(
            IDG().flow_from_directory(_truncated(t / "d"), target_size=(8, 8)), steps_per_epoch=1, verbose=0
        ),
        ValueError,
        r"a/0.png: Invalid PNG data, size \d+\. Fix or remove",
    ),
    (
        "augment-B-legacy-featurewise_center",
        lambda t, m: IDG(featurewise_center=True),
        InvalidParameterError,
        r"featurewise_center is an option of the legacy Keras ImageDataGenerator",
    ),
    (
        "augment-B-flow_from_directory-None",
        lambda t, m: IDG().flow_from_directory(None),
        InvalidParameterError,
        r"directory must be a path, got None",
    ),
    (
        "augment-B-classes-missing-folder",
        lambda t, m: IDG().flow_from_directory(_folder(t / "d"), classes=["cats"]),
        InvalidParameterError,
        r"classes must be sub-folders of .*not found: 'cats' \(found: 'a', 'b'\)",
    ),
    (
        "augment-B-text-file-named-png",
        lambda t, m: (
            (_folder(t / "d") / "a" / "bad.png").write_text("not an image"),
            IDG().flow_from_directory(t / "d"),
        ),
        ValueError,
        r"cannot be read with color_mode='rgb': a/bad.png: Unknown image file format\. One of JPEG.*required\. Fix",
    ),
    (
        "augment-B-zero-byte-png",
        lambda t, m: ((_folder(t / "d") / "b" / "empty.png").write_bytes(b""), IDG().flow_from_directory(t / "d")),
        ValueError,
        r"b/empty.png: Input is empty",
    ),
]


@pytest.mark.parametrize("call, error, match", [row[1:] for row in ERRORS], ids=[row[0] for row in ERRORS])
def test_row_gets_a_clean_named_error(call, error, match, tmp_path, monkeypatch):
    with pytest.raises(error, match=match) as raised:
        call(tmp_path, monkeypatch)
    assert "Traceback" not in str(raised.value) and "{{function_node" not in str(raised.value)
    if error is ValueError:  # not PIL's UnidentifiedImageError nor TensorFlow's InvalidArgumentError
        assert type(raised.value) in (ValueError, InvalidParameterError)


def _stopwatch_before_use(tmp, monkeypatch):
    assert str(env.Stopwatch()) == "⏱ not run yet" and str(env.Stopwatch("fit")) == "⏱ fit: not run yet"


def _curve_with_numpy_float(tmp, monkeypatch):
    split = data.make_curve(noise=np.float32(0.3))
    assert split.x_train.shape == (30, 1) and np.all(np.isfinite(split.y_train))


def _hidden_folder_skipped(tmp, monkeypatch):
    folder = _folder(tmp / "d")
    _png(folder / ".ipynb_checkpoints" / "0-checkpoint.png")
    _png(folder / "a" / ".hidden.png")
    dataset = IDG().flow_from_directory(folder, target_size=(8, 8), batch_size=2)
    assert dataset.class_indices == {"a": 0, "b": 1} and dataset.samples == 4


def _mixed_gray_and_rgb(tmp, monkeypatch):
    folder = tmp / "d"
    _png(folder / "a" / "gray.png", "L")
    _png(folder / "b" / "rgb.png", "RGB")
    images, labels = next(iter(IDG().flow_from_directory(folder, target_size=(8, 8), batch_size=2, shuffle=False)))
    assert images.shape == (2, 8, 8, 3) and labels.shape == (2, 2)
    gray = next(
        iter(
            IDG().flow_from_directory(folder, target_size=(8, 8), color_mode="grayscale", batch_size=2, class_mode=None)
        )
    )
    assert gray.shape == (2, 8, 8, 1)


RESULTS = [
    ("env-D-Stopwatch-str-before-use", _stopwatch_before_use),
    ("data-B-make_curve-noise-np.float32", _curve_with_numpy_float),
    ("augment-D-ipynb_checkpoints-not-a-class", _hidden_folder_skipped),
    ("augment-B-mixed-grayscale-and-rgb-converted", _mixed_gray_and_rgb),
]


@pytest.mark.parametrize("check", [row[1] for row in RESULTS], ids=[row[0] for row in RESULTS])
def test_row_gets_the_documented_result(check, tmp_path, monkeypatch):
    check(tmp_path, monkeypatch)


def test_cache_dir_is_absolute_and_resolved(tmp_path, monkeypatch):
    monkeypatch.setenv("DLOPT_CACHE_DIR", str(tmp_path / "a" / ".." / "c"))
    path = env.cache_dir("x", create=False)
    assert path == (tmp_path / "c" / "x").resolve() and path.is_absolute() and not path.exists()
    monkeypatch.delenv("DLOPT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # ignored, as the XDG specification asks
    assert env.cache_dir(create=False) == (Path.home() / ".cache" / "dlopt").resolve()


def test_big_batches_are_prepared_few_at_a_time():
    from dlopt_helpers import augment

    assert augment._in_flight(32 * 256 * 256 * 3 * 4) is None  # the default: tf.data's AUTOTUNE
    assert augment._in_flight(6e8) == 1 and augment._in_flight(1e8) == 2
    with pytest.raises(InvalidParameterError, match=r"batch_size would need 4.1 GB"):
        IDG().flow(IMAGES, batch_size=16_000_000)  # repeat=True: a batch really holds 16 million images
    IDG().flow(IMAGES, batch_size=10**9, repeat=False)  # one pass: a batch holds at most the 2 images


def test_many_bad_files_are_named_in_one_error(tmp_path):
    folder = _folder(tmp_path / "d", per_class=1)
    for i in range(12):
        (folder / "a" / f"bad{i:02d}.jpg").write_bytes(b"\xff\xd8\xff" + bytes(20))
    with pytest.raises(ValueError, match=r"holds 12 image file\(s\).*a/bad00.jpg: .*; and 2 more\. Fix or remove"):
        IDG().flow_from_directory(folder, target_size=(8, 8))


# --- nothing lost: a learner's files survive every helper that writes ------------------------------


def _plant(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".png":  # a real image of the learner's own
        Image.fromarray(np.full((8, 8), 7, np.uint8)).save(path)
    else:
        path.write_text(text)
    return path


def test_a_learners_files_survive_every_helper_that_writes(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DLOPT_CACHE_DIR", str(cache))
    planted = {
        _plant(cache / "notes.txt", "cache root"): "cache root",
        _plant(cache / "image_folders" / "mine.txt", "image_folders"): "image_folders",
    }

    def intact():
        for path, text in planted.items():
            if path.suffix == ".png":
                assert np.all(np.asarray(Image.open(path)) == 7), f"{path} was changed"
            else:
                assert path.read_text() == text, f"{path} was changed or deleted"

    env.cache_dir("image_folders", create=True)
    intact()
    folder = data.make_image_folder(images_per_class=2, size=8)  # the default: into the cache
    planted[_plant(folder / "notes.md", "in the folder")] = "in the folder"
    planted[_plant(folder / "0" / "my_drawing.txt", "in a class folder")] = "in a class folder"
    planted[_plant(folder / "extra" / "x.txt", "a folder of mine")] = "a folder of mine"
    intact()
    assert data.make_image_folder(images_per_class=2, size=8) == folder  # same settings: reused
    intact()
    with pytest.raises(ValueError, match="overwrite must be True"):
        data.make_image_folder(folder, images_per_class=3, size=8)
    intact()
    data.make_image_folder(folder, images_per_class=3, size=8, overwrite=True)  # more files
    intact()
    assert len(list((folder / "0").glob("*.png"))) == 3
    data.make_image_folder(folder, images_per_class=1, size=8, overwrite=True)  # fewer: its own extras go
    intact()
    assert sorted(p.name for p in (folder / "0").iterdir()) == ["000.png", "my_drawing.txt"]
    # a learner's file where a new image would go: refused, not overwritten
    planted[_plant(folder / "0" / "004.png", "my own 004")] = "my own 004"
    with pytest.raises(ValueError, match=r"did not write where it would write new ones \(0/004.png\)"):
        data.make_image_folder(folder, images_per_class=5, size=8, overwrite=True)
    intact()
    # a manifest from before the file list was recorded: the files follow from its settings
    manifest = folder / "dlopt_manifest.json"
    manifest.write_text('{"source": "digits", "images_per_class": 1, "size": 8, "seed": 0}')
    data.make_image_folder(folder, images_per_class=2, size=16, overwrite=True)
    intact()
    # a foreign folder: refused, overwrite or not
    foreign = tmp_path / "foreign"
    planted[_plant(foreign / "thesis.tex", "years of work")] = "years of work"
    for overwrite in (False, True):
        with pytest.raises(ValueError, match="was not written by make_image_folder"):
            data.make_image_folder(foreign, overwrite=overwrite)
    intact()
    # a damaged manifest counts as foreign
    manifest.write_text("{not json")
    with pytest.raises(ValueError, match="was not written by make_image_folder"):
        data.make_image_folder(folder, overwrite=True)
    intact()
    # reading the folder writes nothing
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    IDG().flow_from_directory(folder, target_size=(8, 8), classes=["0", "1"], batch_size=2)
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    intact()


def test_make_image_folder_rewrites_its_own_missing_files(tmp_path):
    folder = data.make_image_folder(tmp_path / "d", images_per_class=2, size=8)
    stamp = (folder / "1" / "000.png").read_bytes()
    (folder / "0" / "001.png").unlink()  # a learner deleted one of its images
    assert data.make_image_folder(folder, images_per_class=2, size=8) == folder
    assert (folder / "0" / "001.png").is_file() and (folder / "1" / "000.png").read_bytes() == stamp
    assert os.path.isabs(folder)


def test_bounding_batches_in_flight_changes_no_value(tmp_path, monkeypatch):
    from dlopt_helpers import augment

    folder = _folder(tmp_path / "d", per_class=3)
    generator = IDG(rotation_range=20, horizontal_flip=True)

    def batches():
        dataset = generator.flow_from_directory(folder, target_size=(8, 8), batch_size=2, seed=1)
        return [x[0].numpy() for x, _ in zip(dataset, range(4))]

    default = batches()
    monkeypatch.setattr(augment.generator, "_BIG_BATCH", 1)  # every batch counts as big: 1 in flight
    assert augment._in_flight(2 * 8 * 8 * 3 * 4) == 1
    for a, b in zip(default, batches()):
        np.testing.assert_array_equal(a, b)
