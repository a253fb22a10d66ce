"""Efficiency: post-training int8 quantization with the TensorFlow Lite converter (``quantize``, ``LiteModel``)."""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
import warnings

import numpy as np

from .._validation import (
    Array,
    InvalidParameterError,
    check,
    check_choice,
    check_int,
    short_repr,
)
from ._checks import _check_batch, _check_model

# --------------------------------------------------------------------------- efficiency
# The Python warnings ``_quiet`` hides, each by category and message (a regular expression matched at the start):
# - the deprecation of ``tf.lite.Interpreter`` in favour of LiteRT (``ai_edge_litert``): deliberately hidden, the
#   course's TensorFlow range (<2.22) still ships the interpreter and LiteRT is not a dependency; when a TensorFlow
#   inside the range drops it, ``LiteModel`` fails loudly instead;
# - the int8 converter's "Statistics for quantized inputs were expected": ``quantize`` keeps float32 inputs on
#   purpose (a drop-in replacement), so there are no input statistics to give.
# Every other warning raised inside ``_quiet`` is shown after it, as if ``_quiet`` were not there.
_QUIET_WARNINGS = (
    (UserWarning, r"\s*Warning: tf\.lite\.Interpreter is deprecated"),
    (UserWarning, r"Statistics for quantized inputs were expected, but not specified; continuing anyway"),
)


@contextlib.contextmanager
def _quiet():
    """Silence what the TFLite converter and interpreter print (artifact paths, tensor ids, the XNNPACK line) at
    the file-descriptor level and the warnings named in ``_QUIET_WARNINGS``; show every other warning; re-raise
    errors with the captured text."""
    import io

    saved = [os.dup(1), os.dup(2)]
    python_side = io.StringIO()  # in a Jupyter kernel sys.stdout is not file descriptor 1
    with warnings.catch_warnings(record=True) as caught:  # the caller's filters apply, then ours
        for category, message in _QUIET_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=category)
        with (
            tempfile.TemporaryFile() as captured,
            contextlib.redirect_stdout(python_side),
            contextlib.redirect_stderr(python_side),
        ):
            os.dup2(captured.fileno(), 1)
            os.dup2(captured.fileno(), 2)
            try:
                yield
            except Exception as error:
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
                captured.seek(0)
                text = (python_side.getvalue() + captured.read().decode(errors="replace"))[-2000:]
                raise RuntimeError(f"TensorFlow Lite failed: {error}\n{text}") from error
            finally:
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
                for fd in saved:
                    os.close(fd)
    for warning in caught:  # recorded while the output was captured: shown now, where the caller sees them
        warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno, line=warning.line)


def quantize(model, representative=None, mode: str = "int8") -> bytes:
    """Convert a Keras model to a TensorFlow Lite flatbuffer.

    ``mode='float32'`` keeps float weights (the fair baseline: same runtime);
    ``mode='int8'`` is full-integer post-training quantization: weights *and* activations
    in int8, with activation ranges calibrated on ``representative`` (a few hundred inputs).
    Inputs and outputs stay float32, so the model is a drop-in replacement. The int8 result is checked:
    if the converter fell back to float tensors, a ``RuntimeError`` says so instead of returning a float model.
    """
    check_choice("mode", mode, ("float32", "int8"))
    _check_model("model", model)
    if mode == "int8":
        if representative is None or (not isinstance(representative, (str, bytes)) and np.size(representative) == 0):
            raise InvalidParameterError("representative must hold some inputs to calibrate int8 activations")
        samples = _check_batch("representative", representative, model)
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if mode == "int8":

        def calibration():
            for sample in samples:
                yield [sample[None]]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = calibration
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    with _quiet():
        flatbuffer = converter.convert()
    if mode == "int8":
        with _quiet():
            details = tf.lite.Interpreter(model_content=flatbuffer).get_tensor_details()
        if not any(detail["dtype"] == np.int8 for detail in details):
            raise RuntimeError(
                f"the int8 conversion produced a model without int8 tensors ({len(flatbuffer):,} bytes, float): "
                "the calibration on representative did not give usable activation ranges; pass a few hundred "
                "typical inputs"
            )
    return flatbuffer


class LiteModel:
    """Run a TensorFlow Lite flatbuffer: ``predict`` (whole batches) and ``latency`` (one input at a time)."""

    def __init__(self, flatbuffer: bytes):
        if not isinstance(flatbuffer, (bytes, bytearray)) or not flatbuffer:
            raise InvalidParameterError(
                f"flatbuffer must be the bytes returned by quantize(), got {short_repr(flatbuffer)}"
            )
        if bytes(flatbuffer[4:8]) != b"TFL3":  # the file identifier of every TensorFlow Lite flatbuffer
            raise InvalidParameterError(
                "flatbuffer must be the bytes returned by quantize() (a TensorFlow Lite model "
                f"starts with the identifier TFL3 at byte 4), got {len(flatbuffer):,} bytes "
                f"starting {bytes(flatbuffer[:8])!r}"
            )
        import tensorflow as tf

        self.flatbuffer = bytes(flatbuffer)
        try:
            with _quiet():
                self._interpreter = tf.lite.Interpreter(model_content=self.flatbuffer, num_threads=1)
        except RuntimeError as error:
            raise InvalidParameterError(f"flatbuffer must be a valid TensorFlow Lite model: {error}") from None
        self._input = self._interpreter.get_input_details()[0]
        self._output = self._interpreter.get_output_details()[0]
        self._batch = None

    @property
    def size_bytes(self) -> int:
        return len(self.flatbuffer)

    def _prepare(self, batch: int) -> None:
        if self._batch != batch:
            shape = [batch, *self._input["shape"][1:]]
            self._interpreter.resize_tensor_input(self._input["index"], shape)
            with _quiet():
                self._interpreter.allocate_tensors()
            self._batch = batch

    def _check_x(self, x) -> np.ndarray:
        x = check("x", x, Array(dtype=np.float32, finite=False))
        expected = tuple(int(d) for d in self._input["shape"][1:])
        if x.ndim != len(expected) + 1 or tuple(x.shape[1:]) != expected:
            raise InvalidParameterError(
                f"x must be a batch of inputs of shape (n, {', '.join(map(str, expected))}) "
                f"for this model, got shape {x.shape}"
            )
        return x

    def predict(self, x) -> np.ndarray:
        """Outputs (logits) for a batch of float inputs."""
        x = self._check_x(x)
        self._prepare(len(x))
        self._interpreter.set_tensor(self._input["index"], x)
        self._interpreter.invoke()
        return self._interpreter.get_tensor(self._output["index"]).copy()

    def latency(self, x, repeats: int = 200) -> float:
        """Median seconds to run one input (batch of 1), on one thread."""
        repeats = check_int("repeats", repeats, 1, 100_000)
        x = self._check_x(x)
        self._prepare(1)
        times = []
        for i in range(repeats):
            start = time.perf_counter()
            self._interpreter.set_tensor(self._input["index"], x[i % len(x)][None])
            self._interpreter.invoke()
            self._interpreter.get_tensor(self._output["index"])
            times.append(time.perf_counter() - start)
        return statistics.median(times)
