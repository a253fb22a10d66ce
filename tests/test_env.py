import re

import numpy as np
import pytest

import dlopt_helpers as dh


def _weights(seed):
    dh.set_seed(seed)
    import random

    import keras
    import tensorflow as tf

    layer = keras.layers.Dense(4)  # default initializer: drawn from the global seed
    layer.build((None, 3))
    return layer.kernel.numpy(), np.random.rand(3), tf.random.uniform((2,)).numpy(), np.array([random.random()])


def test_set_seed_makes_runs_repeat_and_seeds_differ():
    first, second, other = _weights(7), _weights(7), _weights(8)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(first[0], other[0])
    assert not np.allclose(first[1], other[1])


def test_set_seed_returns_seed_and_enables_determinism():
    from tensorflow.python.framework import config as tf_config  # the query is not public API

    assert dh.set_seed(3) == 3
    assert tf_config.is_op_determinism_enabled()
    dh.set_seed(3, deterministic=False)  # Keras' XLA needs it off (notebook 06)
    assert not tf_config.is_op_determinism_enabled()
    dh.set_seed(3)
    assert tf_config.is_op_determinism_enabled()


def test_tensorflow_python_logger_shows_warnings_only():
    import logging

    import tensorflow as tf

    from dlopt_helpers._tf import import_tensorflow

    tf.get_logger().setLevel(logging.INFO)  # what TensorFlow sets in a Jupyter kernel
    import_tensorflow()  # what `import dlopt_helpers` runs, also when TensorFlow came first
    assert tf.get_logger().level == logging.WARNING  # TF_CPP_MIN_LOG_LEVEL=3 in the tests


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "0", None])
def test_set_seed_rejects_bad_seed(seed):
    with pytest.raises(ValueError, match="seed must"):
        dh.set_seed(seed)


def test_set_seed_rejects_non_bool_deterministic():
    with pytest.raises(ValueError, match="deterministic must be True or False"):
        dh.set_seed(0, deterministic="yes")


def test_environment_report_lists_versions_and_devices():
    import keras
    import sklearn
    import tensorflow as tf

    report = dh.environment_report()
    assert report.tensorflow == tf.__version__
    assert report.keras == keras.__version__ and report.keras_backend == "tensorflow"
    assert report.scikit_learn == sklearn.__version__
    assert report.cpu_cores >= 1
    assert "CPU:0" in report.tf_devices
    assert len(report.gpus) == len(tf.config.list_physical_devices("GPU"))
    text = str(report)
    for name in ("tensorflow", "keras", "scikit-learn", "cpu cores", "gpus"):
        assert re.search(rf"^ *{name} : ", text, re.M), name


def test_environment_report_matches_sanitize_file():
    """The nbval sanitize pattern must cover every line of the report (machine-specific values)."""
    import configparser
    from pathlib import Path

    config = configparser.ConfigParser()
    config.read(Path(__file__).with_name("nbval_sanitize.cfg"), encoding="utf-8")
    pattern = re.compile(config["environment-report"]["regex"])
    lines = str(dh.environment_report()).splitlines()
    assert all(pattern.search(line) for line in lines)


def test_cache_dir_uses_env_and_creates(tmp_path, monkeypatch):
    monkeypatch.setenv("DLOPT_CACHE_DIR", str(tmp_path / "c"))
    path = dh.cache_dir("a", "b")
    assert path == tmp_path / "c" / "a" / "b" and path.is_dir()


def test_cache_dir_falls_back_to_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("DLOPT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert dh.cache_dir(create=False) == tmp_path / "dlopt"


@pytest.mark.parametrize("part", ["", "..", "a/b", 3])
def test_cache_dir_rejects_bad_parts(part):
    with pytest.raises(ValueError, match="parts must be plain folder names"):
        dh.cache_dir(part)


def test_stopwatch_prints_a_line_the_sanitizer_matches(capsys):
    import configparser
    from pathlib import Path

    with dh.Stopwatch("fit"):
        pass
    out = capsys.readouterr().out
    config = configparser.ConfigParser()
    config.read(Path(__file__).with_name("nbval_sanitize.cfg"), encoding="utf-8")
    section = config["timings"]
    assert re.sub(section["regex"], section["replace"], out).strip() == "⏱ fit: TIME"
    assert dh.env.format_seconds(0.0123) == "12.3 ms" and dh.env.format_seconds(4.5) == "4.50 s"
