"""``import dlopt_helpers`` captures descriptor 2 while TensorFlow loads (dlopt_helpers/_tf.py).

Known start-up notices go, by message; every other line stays, errors above all; when the import fails,
everything captured is shown before the error. Simulated with fake modules that write to descriptor 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dlopt_helpers import _tf

ROOT = Path(__file__).resolve().parents[1]

ABSL = "W0000 00:00:1795674246.188210   10707"
# what TensorFlow 2.21 writes on a CPU machine and (the cu* lines) with the GPU wheels
NOTICES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1795674246.188210   10707 port.cc:153] oneDNN custom operations are on. You may see slightly "
    "different numerical results due to floating-point round-off errors from different computation orders. To turn "
    "them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.",
    "2024-11-25 10:00:00.123456: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on. You may see "
    "slightly different numerical results.",
    "I0000 00:00:1795674246.188479   10707 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will "
    "not be used.",
    "I0000 00:00:1795674246.231384   10707 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use "
    "available CPU instructions in performance-critical operations.",
    "To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow with the "
    "appropriate compiler flags.",
    "E0000 00:00:1732540000.713467   12345 cuda_dnn.cc:8310] Unable to register cuDNN factory: Attempting to register "
    "factory for plugin cuDNN when one has already been registered",
    "E0000 00:00:1732540000.720411   12345 cuda_fft.cc:485] Unable to register cuFFT factory: Attempting to register "
    "factory for plugin cuFFT when one has already been registered",
    "E0000 00:00:1732540000.740000   12345 cuda_blas.cc:1418] Unable to register cuBLAS factory: Attempting to "
    "register factory for plugin cuBLAS when one has already been registered",
    "2024-11-25 10:00:01.5: W tensorflow/compiler/tf2tensorrt/utils/py_utils.cc:38] TF-TRT Warning: Could not find "
    "TensorRT",
    "E0000 00:00:1795674261.823788   10707 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: Failed "
    "call to cuInit: UNKNOWN ERROR (303)",  # known only because "Could not find cuda drivers" came first
]
# real problems, from the same source files and severities as the notices: they must come through
ERRORS = [
    "E0000 00:00:1732540001.000000   12345 cuda_dnn.cc:535] Could not create cudnn handle: CUDNN_STATUS_INTERNAL_ERROR",
    "E0000 00:00:1732540001.000000   12345 cuda_blas.cc:190] failed to create cublas handle: "
    "CUBLAS_STATUS_NOT_INITIALIZED",
    f"{ABSL} cudart_stub.cc:29] Could not load dynamic library 'libcudart.so.12'; dlerror: libcudart.so.12: cannot "
    f"open shared object file",
    "I0000 00:00:1732540001.0 12345 cpu_feature_guard.cc:227] This TensorFlow binary is optimized for a CPU this "
    "machine lacks",
    f"{ABSL} gpu_device.cc:2344] Cannot dlopen some GPU libraries. Skipping registering GPU devices...",
    "F0000 00:00:1732540001.0 12345 port.cc:1] oneDNN custom operations are on: FATAL, a message that merely "
    "starts like a notice",  # a notice's words with a different ending
    "Illegal instruction: the TensorFlow binary needs AVX",
]


def test_known_notices_go_and_everything_else_stays_in_order():
    text = "\n".join(NOTICES[:3] + [ERRORS[0]] + NOTICES[3:] + ERRORS[1:] + ["", "   "])
    assert _tf.filter_notices(text).splitlines() == ERRORS


@pytest.mark.parametrize("line", NOTICES[:-1])
def test_each_notice_is_known_by_its_message(line):
    assert _tf.KNOWN_NOISE.match(line)


@pytest.mark.parametrize("line", ERRORS)
def test_errors_are_not_known_notices_whatever_their_file_or_severity(line):
    assert not _tf.KNOWN_NOISE.match(line)
    assert _tf.filter_notices(f"{NOTICES[0]}\n{line}\n{NOTICES[3]}") == line


def test_a_failed_cuinit_passes_when_a_driver_was_found():
    cuinit = NOTICES[-1]
    assert _tf.filter_notices(f"{NOTICES[0]}\n{cuinit}") == cuinit
    assert _tf.filter_notices(f"{NOTICES[3]}\n{cuinit}") == ""


@pytest.fixture
def fake_module(tmp_path, monkeypatch):
    """``fake_module(name, body)``: a module that runs ``body`` on import, with ``os`` imported."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    names = []

    def make(name: str, body: str) -> str:
        (tmp_path / f"{name}.py").write_text("import os\n" + textwrap.dedent(body))
        names.append(name)
        return name

    yield make
    for name in names:
        sys.modules.pop(name, None)


def _writes(lines):
    return "".join(f"os.write(2, {(line + chr(10)).encode()!r})\n" for line in lines)


def test_import_quietly_passes_errors_and_drops_notices(fake_module, capfd):
    name = fake_module("fake_tf_ok", _writes([NOTICES[0], ERRORS[0], NOTICES[6]]) + "VALUE = 7\n")
    probed = []
    module = _tf.import_quietly(name, probe=probed.append)
    assert module.VALUE == 7 and probed == [module]
    err = capfd.readouterr().err
    assert err == ERRORS[0] + "\n"


def test_a_failing_import_shows_everything_it_captured_then_raises(fake_module, capfd):
    name = fake_module(
        "fake_tf_broken",
        _writes(
            [
                NOTICES[0],
                NOTICES[3],
                "E0000 00:00:1.0 1 cuda_dnn.cc:9] Loaded runtime CuDNN library: 8.1.0 but "
                "source was compiled with: 8.9.4",
            ]
        )
        + "raise ImportError('libcudnn.so.8: cannot open shared object file')\n",
    )
    with pytest.raises(ImportError, match="libcudnn"):
        _tf.import_quietly(name)
    err = capfd.readouterr().err
    assert "Loaded runtime CuDNN library: 8.1.0" in err
    assert NOTICES[3] in err  # on failure nothing is hidden: the notices may be the clue
    # descriptor 2 is the terminal's again
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "after\n"


def test_a_failing_probe_shows_everything_too(fake_module, capfd):
    name = fake_module("fake_tf_probe", "")

    def probe(module):
        import os

        os.write(2, b"F0000 00:00:1.0 1 cuda_executor.cc:1] Check failed: device ordinal\n")
        raise RuntimeError("no device")

    with pytest.raises(RuntimeError, match="no device"):
        _tf.import_quietly(name, probe=probe)
    assert "Check failed: device ordinal" in capfd.readouterr().err


def test_log_level_0_shows_every_line(fake_module, capfd, monkeypatch):
    name = fake_module("fake_tf_verbose", _writes([NOTICES[0], NOTICES[3]]))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    _tf.import_quietly(name)
    assert capfd.readouterr().err.splitlines() == [NOTICES[0], NOTICES[3]]


def test_import_dlopt_helpers_shows_tensorflows_own_error(tmp_path):
    """End to end: a TensorFlow that fails to import (a stand-in package first on the path)."""
    fake = tmp_path / "tensorflow"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "import os\n"
        "os.write(2, b'E0000 00:00:1.0 1 cuda_dnn.cc:9] Could not load library libcudnn_ops.so.9\\n')\n"
        "raise ImportError('DLL load failed while importing _pywrap_tensorflow_internal')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import dlopt_helpers"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
            "PATH": "/usr/bin:/bin",
            "TF_CPP_MIN_LOG_LEVEL": "3",
        },
        cwd=str(tmp_path),
    )
    assert done.returncode != 0
    assert "Could not load library libcudnn_ops.so.9" in done.stderr
    assert "DLL load failed while importing _pywrap_tensorflow_internal" in done.stderr


# --------------------------------------------------------------------------- trends._quiet: only named warnings
def test_trends_quiet_hides_only_the_named_warnings():
    import warnings

    from dlopt_helpers.trends import _quiet

    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with _quiet():
            warnings.warn(
                "    Warning: tf.lite.Interpreter is deprecated and is scheduled for deletion in\n    TF 2.20.",
                UserWarning,
                stacklevel=1,
            )
            warnings.warn(
                "Statistics for quantized inputs were expected, but not specified; continuing anyway.", stacklevel=1
            )
            warnings.warn("tf.lite.TFLiteConverter is deprecated: use LiteRT", DeprecationWarning, stacklevel=1)
            warnings.warn("the calibration saw only zeros", UserWarning, stacklevel=1)
            print("Saved artifact at '/tmp/x'")  # printed noise stays hidden
    assert [(w.category, str(w.message)) for w in shown] == [
        (DeprecationWarning, "tf.lite.TFLiteConverter is deprecated: use LiteRT"),
        (UserWarning, "the calibration saw only zeros"),
    ]


def test_trends_quiet_respects_an_error_filter():
    import warnings

    from dlopt_helpers.trends import _quiet

    with warnings.catch_warnings(), pytest.raises(RuntimeError, match="TensorFlow Lite failed: surprise"):
        warnings.simplefilter("error")
        with _quiet():
            warnings.warn("surprise", UserWarning, stacklevel=1)


def test_quantize_and_interpret_raise_no_other_warning():
    import warnings

    import keras
    import numpy as np

    from dlopt_helpers import trends

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    samples = np.random.default_rng(0).random((40, 4)).astype(np.float32)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        lite = trends.LiteModel(trends.quantize(model, samples, mode="int8"))
        lite.predict(samples[:2])
    assert [str(w.message) for w in shown] == []
