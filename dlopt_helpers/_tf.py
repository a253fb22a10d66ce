"""Import TensorFlow once, without its start-up noise in notebook outputs.

TensorFlow's C++ runtime writes notices with timestamps straight to file
descriptor 2 when it loads ("Could not find cuda drivers on your machine", the
absl pre-initialization warning, a failed ``cuInit`` on machines without a GPU).
Jupyter kernels forward that descriptor into the cell's output, so each run of a
notebook would store different text and a learner would see red warnings that
mean nothing. ``import_tensorflow`` captures descriptor 2 while TensorFlow loads
and probes its devices, drops exactly those known notices, and passes every other
line through unchanged.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile

KNOWN_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IWE]\d{4} [\d:.]+ +\d+ (cudart_stub|cuda_platform|cuda_executor|cuda_dnn|cuda_fft|cuda_blas|cpu_feature_guard)\.cc:\d+\] .*"
    r"|To enable the following instructions: .* in other operations, rebuild TensorFlow .*)$"
)


def import_tensorflow():
    """Return the ``tensorflow`` module, imported with its known start-up notices filtered out."""
    if "tensorflow" in sys.modules:  # imported before us: nothing to filter any more
        _quiet_python_logger(sys.modules["tensorflow"])
        return sys.modules["tensorflow"]
    try:
        saved = os.dup(2)
    except OSError:  # no usable descriptor 2 (some embedded interpreters): import plainly
        import tensorflow as tf

        _quiet_python_logger(tf)
        return tf
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow as tf

            tf.config.list_physical_devices()  # probes CUDA now, while the notices are captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines()
    kept = [line for line in lines if line.strip() and not KNOWN_NOISE.match(line)]
    if kept:
        print("\n".join(kept), file=sys.stderr)
    _quiet_python_logger(tf)
    return tf


def _quiet_python_logger(tf) -> None:
    """In an interactive session (a Jupyter kernel) TensorFlow sets its Python logger to INFO, and
    then ``tf.distribute`` prints "INFO:tensorflow:Reduce to ..." at every step. Show warnings and
    errors only, unless ``TF_CPP_MIN_LOG_LEVEL=0`` asks for everything."""
    import logging

    if os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0") != "0":
        tf.get_logger().setLevel(logging.WARNING)
