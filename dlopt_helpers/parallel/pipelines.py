"""``tf.data`` on several cores (a JPEG-decoding input pipeline in four modes) and TensorFlow's thread pool."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence

import numpy as np

from .._validation import (
    SEED_MAX,
    Integer,
    InvalidParameterError,
    Options,
    check,
    check_choice,
    check_float,
    check_int,
    short_repr,
)
from .._validation import Sequence as Items
from ._launch import tail, worker_command, worker_env
from .throughput import Throughput, measure_throughput

__all__ = ["PIPELINE_MODES", "encoded_photos", "photo_pipeline", "compare_pipelines", "thread_scaling"]

PIPELINE_MODES = ("serial", "tf.data default", "parallel", "parallel + prefetch")


def encoded_photos(n: int = 256, size: int = 320, seed: int = 0) -> list[bytes]:
    """``n`` JPEG files (as bytes, in memory): random ``size x size`` crops of scikit-learn's two photos.

    Decoding JPEGs is what a real input pipeline spends its CPU time on, so this is
    the workload of the ``tf.data`` measurements. Nothing is written to disk.
    """
    n = check_int("n", n, 1, 100_000)
    size = check_int("size", size, 16, 427)
    seed = check_int("seed", seed, 0, SEED_MAX)
    import tensorflow as tf

    from ..data import load_sample_images

    photos = list(load_sample_images().values())
    rng = np.random.default_rng(seed)
    files = []
    for i in range(n):
        photo = photos[i % len(photos)]
        top = rng.integers(0, photo.shape[0] - size + 1)
        left = rng.integers(0, photo.shape[1] - size + 1)
        crop = photo[top : top + size, left : left + size]
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        files.append(tf.io.encode_jpeg(np.ascontiguousarray(crop), quality=90).numpy())
    return files


#: the first bytes of the image formats ``tf.io.decode_jpeg`` (``decode_image``) reads
_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM", b"RIFF")


def photo_pipeline(
    files: Sequence[bytes], mode: str = "parallel + prefetch", batch_size: int = 32, output_size: int = 64
):
    """A ``tf.data`` input pipeline: decode JPEG -> float -> resize -> batch, run as ``mode`` says.

    Modes (the chapter compares them):

    - ``'serial'``: one element after another on one core. tf.data's automatic
      ``map_parallelization`` is switched off so this really is serial.
    - ``'tf.data default'``: ``map`` without ``num_parallel_calls``, default options.
      Since TF 2.x tf.data parallelizes such a map by itself when the function is stateless.
    - ``'parallel'``: ``map(num_parallel_calls=tf.data.AUTOTUNE)``.
    - ``'parallel + prefetch'``: the same plus ``prefetch(AUTOTUNE)``: the next batch is
      prepared while the current one trains.

    Each element's operations run on one thread (``max_intra_op_parallelism = 1``) in
    every mode, so the comparison measures how many elements run at once.
    """
    check_choice("mode", mode, PIPELINE_MODES)
    batch_size = check_int("batch_size", batch_size, 1, 4096)
    output_size = check_int("output_size", output_size, 1, 1024)
    if isinstance(files, (str, bytes)) or not isinstance(files, (list, tuple)) or len(files) == 0:
        raise InvalidParameterError(
            f"files must be a non-empty sequence of encoded images (bytes), got {short_repr(files)}"
        )
    for i, data in enumerate(files):
        if not isinstance(data, (bytes, bytearray)) or not data.startswith(_IMAGE_SIGNATURES):
            raise InvalidParameterError(
                f"files[{i}] must be the bytes of an encoded image (JPEG, PNG, GIF, BMP or WebP), got "
                f"{short_repr(data) if not isinstance(data, (bytes, bytearray)) else repr(bytes(data[:12])) + '...'}"
            )
    import tensorflow as tf

    def load(data):
        image = tf.io.decode_jpeg(data, channels=3)
        image = tf.image.convert_image_dtype(image, tf.float32)
        return tf.image.resize(image, (output_size, output_size), method="area")

    parallel = mode.startswith("parallel")
    dataset = tf.data.Dataset.from_tensor_slices(list(files))
    dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE if parallel else None)
    dataset = dataset.batch(batch_size)
    if mode == "parallel + prefetch":
        dataset = dataset.prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.threading.max_intra_op_parallelism = 1
    if mode == "serial":
        options.experimental_optimization.map_parallelization = False
    return dataset.with_options(options)


def _consume(dataset) -> int:
    count = 0
    for batch in dataset:
        count += int(batch.shape[0])
    return count


def compare_pipelines(
    files: Sequence[bytes], modes: Sequence[str] = PIPELINE_MODES, repeats: int = 5, batch_size: int = 32
) -> list[Throughput]:
    """Images per second of ``photo_pipeline`` in each mode, measured in the same run."""
    if isinstance(modes, (list, tuple)) and not modes:
        raise ValueError("modes must name at least one of " + ", ".join(PIPELINE_MODES))
    modes = check("modes", modes, Items(Options(*PIPELINE_MODES), min_len=1))
    results = []
    for mode in modes:
        dataset = photo_pipeline(files, mode, batch_size=batch_size)
        results.append(measure_throughput(lambda d=dataset: _consume(d), len(files), mode, "images", repeats=repeats))
    return results


def thread_scaling(
    threads: Sequence[int | None] = (1, None),
    size: int = 1024,
    repeats: int = 10,
    timeout: float = 120,
    onednn: bool | None = None,
) -> list[Throughput]:
    """Matrix-multiply speed with TensorFlow's intra-op pool limited to ``threads`` (``None``: automatic).

    The pool size is fixed when TensorFlow starts, so each setting runs in its own
    fresh Python process (``tf.config.threading.set_intra_op_parallelism_threads``).
    Reported in GFLOP/s (one ``size x size`` matmul = ``2 size^3`` floating-point operations).

    ``onednn``: ``None`` runs the processes as this one runs (``import dlopt_helpers`` switches
    TensorFlow's oneDNN CPU kernels off, for repeatable digits); ``True`` / ``False`` sets
    ``TF_ENABLE_ONEDNN_OPTS`` for them (TensorFlow's own default on x86 is on) and says so in the
    label, so the price of reproducibility can be measured.
    """
    if isinstance(threads, (list, tuple)) and not threads:
        raise ValueError("threads must name at least one setting")
    threads = check("threads", threads, Items((None, Integer(1, 1024)), min_len=1))
    size = check_int("size", size, 16, 8192)
    repeats = check_int("repeats", repeats, 1, 1000)
    timeout = check_float("timeout", timeout, 1)
    if onednn is not None and not isinstance(onednn, bool):
        raise ValueError(f"onednn must be None, True or False, got {onednn!r}")
    env = worker_env()
    if onednn is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = "1" if onednn else "0"
    gflop = 2 * size**3 / 1e9  # one size x size matmul
    results = []
    for value in threads:
        args = ["matmul", "--threads", str(value or 0), "--size", str(size), "--repeats", str(repeats)]
        try:
            done = subprocess.run(
                worker_command(args),
                capture_output=True,
                encoding="utf-8",
                errors="replace",
                timeout=timeout,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired:  # subprocess.run has killed the process
            raise RuntimeError(
                f"the thread-scaling process ({value or 'automatic'} threads, size {size}, {repeats} "
                f"repeats) did not finish within timeout={timeout:g} s: raise timeout, or lower size "
                "or repeats"
            ) from None
        if done.returncode != 0:
            raise RuntimeError(f"the thread-scaling process failed:\n{tail(done.stderr)}")
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        if onednn is not None and measured.get("onednn") != env["TF_ENABLE_ONEDNN_OPTS"]:
            raise RuntimeError(
                f"the thread-scaling process ran with TF_ENABLE_ONEDNN_OPTS={measured.get('onednn')!r}, "
                f"expected {env['TF_ENABLE_ONEDNN_OPTS']!r}"
            )
        seconds = measured["seconds"]
        label = f"{value} thread{'s' if value != 1 else ''}" if value else "automatic (all cores)"
        if onednn is not None:
            label += f", oneDNN {'on' if onednn else 'off'}"
        # seconds per GFLOP, so that Throughput.rate reads in GFLOP/s
        results.append(Throughput(f"matmul {size}x{size}, {label}", 1, tuple(t / gflop for t in seconds), "GFLOP"))
    return results
