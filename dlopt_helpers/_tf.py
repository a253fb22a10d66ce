"""Import TensorFlow once, without its start-up noise in notebook outputs.

TensorFlow's C++ runtime writes notices with timestamps straight to file
descriptor 2 when it loads ("Could not find cuda drivers on your machine", the
absl pre-initialization warning, "Unable to register cuDNN factory" on GPU
machines). Jupyter kernels forward that descriptor into the cell's output, so
each run of a notebook would store different text and a learner would see red
warnings that mean nothing. ``import_tensorflow`` captures descriptor 2 while
TensorFlow loads and probes its devices, then:

- drops the lines whose *message* is one of the known start-up notices
  (``KNOWN_NOTICES``), whatever file or severity printed them, and passes every
  other line through unchanged, errors above all;
- if the import (or the device probe) fails, passes *everything* it captured
  through before the exception propagates: TensorFlow's own explanation of the
  failure is often only on descriptor 2.

``TF_CPP_MIN_LOG_LEVEL=0`` in the environment (TensorFlow's "show me every log
line") turns the filter off.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
import tempfile
from collections.abc import Callable
from types import ModuleType

# The prefix TensorFlow's C++ logging puts before a message: absl's "E0000 00:00:1732540000.1 12345 file.cc:52] "
# or TensorFlow's own "2024-11-25 10:00:00.123456: I tensorflow/core/util/port.cc:113] ".
_PREFIX = r"(?:[IWEF]\d{4} [\d:.]+ +\d+ [\w./-]+:\d+\] |\d{4}-\d\d-\d\d [\d:.]+: [IWEF] [\w./-]+:\d+\] )?"
# The start-up notices, by message (regular expressions): harmless on every machine the course runs on.
KNOWN_NOTICES = (
    # absl, before TensorFlow initializes its logging
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR",
    # oneDNN on x86 (off in the course: TF_ENABLE_ONEDNN_OPTS=0)
    r"oneDNN custom operations are on\. .*",
    # no GPU driver: TensorFlow runs on the CPU, as the course expects
    r"Could not find cuda drivers on your machine, GPU will not be used\.",
    # GPU wheels: the CUDA plugins register twice (TensorFlow and XLA); TensorRT is optional
    r"Unable to register (?:cuDNN|cuFFT|cuBLAS) factory: Attempting to register factory for plugin "
    r"(?:cuDNN|cuFFT|cuBLAS) when one has already been registered",
    r"TF-TRT Warning: Could not find TensorRT",
    r"successful NUMA node read from SysFS had negative value \(-1\), but there must be at least one NUMA node, "
    r"so returning NUMA node zero\..*",
    # the CPU feature notice and its second line
    r"This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations\.",
    r"To enable the following instructions: .* in other operations, rebuild TensorFlow with the appropriate "
    r"compiler flags\.",
)
# One captured line that is a known notice, whatever its severity or source file: ``KNOWN_NOISE.match(line)``.
KNOWN_NOISE = re.compile(rf"{_PREFIX}(?:{'|'.join(KNOWN_NOTICES)})\Z")
# Known only after "Could not find cuda drivers": with no driver, CUDA's initialization fails as it must.
# With a driver installed the same line is a real error and passes.
_NO_DRIVER = re.compile(rf"{_PREFIX}Could not find cuda drivers on your machine.*")
_NO_DRIVER_CONSEQUENCE = re.compile(rf"{_PREFIX}failed call to cuInit: .*\Z")


def filter_notices(text: str) -> str:
    """``text`` without its known start-up notices and blank lines; every other line kept, in order."""
    lines = text.splitlines()
    no_driver = any(_NO_DRIVER.match(line) for line in lines)
    return "\n".join(
        line
        for line in lines
        if line.strip() and not KNOWN_NOISE.match(line) and not (no_driver and _NO_DRIVER_CONSEQUENCE.match(line))
    )


def import_tensorflow():
    """Return the ``tensorflow`` module, imported with its known start-up notices filtered out."""
    if "tensorflow" in sys.modules:  # imported before us: nothing to filter any more
        _quiet_python_logger(sys.modules["tensorflow"])
        return sys.modules["tensorflow"]
    # probe the devices now, while the notices are captured (CUDA initializes on first use)
    tf = import_quietly("tensorflow", probe=lambda module: module.config.list_physical_devices())
    _quiet_python_logger(tf)
    return tf


def import_quietly(name: str, probe: Callable[[ModuleType], object] | None = None) -> ModuleType:
    """Import module ``name`` (then call ``probe(module)``) with descriptor 2 captured.

    On success the captured text is written to ``sys.stderr`` without the known notices; on failure it is
    written in full, then the exception propagates unchanged.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no usable descriptor 2 (some embedded interpreters): import plainly
        module = importlib.import_module(name)
        if probe is not None:
            probe(module)
        return module
    with tempfile.TemporaryFile() as captured:
        _flush_stderr()
        os.dup2(captured.fileno(), 2)
        try:
            module = importlib.import_module(name)
            if probe is not None:
                probe(module)
        except BaseException:
            _restore(saved, captured)
            _show(captured, keep_all=True)
            raise
        _restore(saved, captured)
        _show(captured, keep_all=os.environ.get("TF_CPP_MIN_LOG_LEVEL") == "0")
    return module


def _flush_stderr() -> None:
    with contextlib.suppress(AttributeError, OSError, ValueError):  # no stderr, or a closed one
        sys.stderr.flush()


def _restore(saved: int, captured) -> None:
    _flush_stderr()  # Python's own writes during the import belong to the capture
    os.dup2(saved, 2)
    os.close(saved)
    captured.seek(0)


def _show(captured, keep_all: bool) -> None:
    text = captured.read().decode(errors="replace")
    if not keep_all:
        text = filter_notices(text)
    if text.strip():
        print(text.rstrip("\n"), file=sys.stderr)


def _quiet_python_logger(tf) -> None:
    """In an interactive session (a Jupyter kernel) TensorFlow sets its Python logger to INFO, and
    then ``tf.distribute`` prints "INFO:tensorflow:Reduce to ..." at every step. Show warnings and
    errors only, unless ``TF_CPP_MIN_LOG_LEVEL=0`` asks for everything."""
    import logging

    if os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0") != "0":
        tf.get_logger().setLevel(logging.WARNING)
