"""Parallel computing: the cores and GPUs of this machine, ``tf.data`` on several cores,
replicas with ``tf.distribute``, and worker processes (notebook ``06_parallel_computing``).

Everything here runs on a laptop: two *logical* CPU devices stand in for two GPUs
(``use_logical_cpus``), and two local processes on 127.0.0.1 stand in for two hosts
(``run_multiworker``). The code is the code a GPU machine or a cluster runs.

Measured numbers (``Throughput``) print as ``⏱ label: 1,234 images/s``: like every
timing in the course they start with ⏱, so the test suite can tell them from results.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._validation import (Boolean, Real, Instance, Integer, InvalidParameterError, Options, Sequence as Items, check,
                          check_choice, check_float, check_int, short_repr, validate_params)

__all__ = [
    "DeviceReport",
    "device_report",
    "use_logical_cpus",
    "strategy",
    "Throughput",
    "measure_throughput",
    "encoded_photos",
    "photo_pipeline",
    "PIPELINE_MODES",
    "compare_pipelines",
    "thread_scaling",
    "plot_throughputs",
    "report",
    "amdahl_speedup",
    "ReplicatedRun",
    "train_replicated",
    "make_tf_config",
    "check_tf_config",
    "MultiWorkerResult",
    "run_multiworker",
]

LOCAL_HOSTS = ("127.0.0.1", "localhost")


# --------------------------------------------------------------------------- devices
def cpu_cores() -> int:
    """CPU cores this process may use (the affinity mask, not the machine's total)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@dataclass(frozen=True)
class DeviceReport:
    """The compute TensorFlow can use here: CPU cores, GPUs, logical devices, thread pools."""

    cpu_cores: int
    gpus: tuple[str, ...]
    tf_devices: tuple[str, ...]
    intra_op_threads: int
    inter_op_threads: int

    def rows(self) -> list[tuple[str, str]]:
        def threads(n: int) -> str:
            return str(n) if n else "0 (automatic: TensorFlow uses every core)"

        return [
            ("cpu cores", str(self.cpu_cores)),
            ("gpus", ", ".join(self.gpus) if self.gpus else "none (training runs on the CPU)"),
            ("tf devices", ", ".join(self.tf_devices)),
            ("intra-op", threads(self.intra_op_threads)),
            ("inter-op", threads(self.inter_op_threads)),
        ]

    def __str__(self) -> str:
        return "\n".join(f"{name:>12} : {value}" for name, value in self.rows())

    __repr__ = __str__


def device_report() -> DeviceReport:
    """Cores, GPUs (with memory where TensorFlow reports it), logical devices and thread settings.

    Listing the logical devices starts TensorFlow's runtime: call ``use_logical_cpus``
    *before* this if you want several CPU devices.
    """
    import tensorflow as tf

    memory = _gpu_memory_gib()
    gpus = []
    for i, device in enumerate(tf.config.list_physical_devices("GPU")):
        details = tf.config.experimental.get_device_details(device)
        name = details.get("device_name", device.name)
        if details.get("compute_capability"):
            name += " (compute capability {}.{}".format(*details["compute_capability"])
            name += f", {memory[i]:.0f} GiB)" if i < len(memory) else ")"
        gpus.append(name)
    return DeviceReport(
        cpu_cores=cpu_cores(),
        gpus=tuple(gpus),
        tf_devices=tuple(d.name.replace("/device:", "") for d in tf.config.list_logical_devices()),
        intra_op_threads=tf.config.threading.get_intra_op_parallelism_threads(),
        inter_op_threads=tf.config.threading.get_inter_op_parallelism_threads(),
    )


def _gpu_memory_gib() -> list[float]:
    """Total memory of each NVIDIA GPU from ``nvidia-smi`` (TensorFlow reports only what it has used)."""
    try:
        done = subprocess.run(["nvidia-smi", "--query-gpu=memory.total", "--format=csv,noheader,nounits"],
                              capture_output=True, text=True, timeout=20, check=True)
        return [float(line) / 1024 for line in done.stdout.split()]
    except (OSError, subprocess.SubprocessError, ValueError):
        return []


def use_logical_cpus(n: int = 2) -> list[str]:
    """Split the CPU into ``n`` logical devices, so ``MirroredStrategy`` has ``n`` replicas without a GPU.

    The replicas share the same cores: this shows the *mechanics* of data parallelism
    (split the batch, all-reduce the gradients), not a speed-up. TensorFlow fixes its
    devices when it runs its first operation, so call this at the top of a notebook.

    Parameters
    ----------
    n : int in [1, 64]

    Returns
    -------
    list of str
        The logical CPU device names, e.g. ``['/device:CPU:0', '/device:CPU:1']``.
    """
    n = check_int("n", n, 1, 64)
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(n)]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is None or len(current) != n:
        try:
            tf.config.set_logical_device_configuration(cpu, wanted)
        except RuntimeError:
            have = len(tf.config.list_logical_devices("CPU"))
            if have != n:
                raise RuntimeError(
                    f"TensorFlow has already started with {have} CPU device(s), so it cannot be split into {n} "
                    "now. Call dh.parallel.use_logical_cpus(...) before anything runs a TensorFlow operation "
                    "(in a notebook: restart the kernel and call it in the first cell)."
                ) from None
    return [d.name for d in tf.config.list_logical_devices("CPU")]


@validate_params(cpu_replicas=Boolean(), verbose=Boolean())
def strategy(cpu_replicas: bool = False, verbose: bool = True):
    """A ``tf.distribute`` strategy for this machine, saying which it picked and why.

    - GPUs present: ``MirroredStrategy`` over all of them (one replica per GPU).
    - no GPU, ``cpu_replicas=True`` and several logical CPUs (``use_logical_cpus``):
      ``MirroredStrategy`` over the logical CPUs (for learning the mechanics).
    - otherwise the default strategy: one replica, no distribution, no overhead.
    """
    import tensorflow as tf

    gpus = tf.config.list_logical_devices("GPU")
    cpus = tf.config.list_logical_devices("CPU")
    if gpus:
        chosen = tf.distribute.MirroredStrategy([d.name for d in gpus])
        why = f"MirroredStrategy over {len(gpus)} GPU(s): one replica per GPU"
    elif cpu_replicas and len(cpus) > 1:
        chosen = tf.distribute.MirroredStrategy([d.name for d in cpus])
        why = f"MirroredStrategy over {len(cpus)} logical CPU devices (same cores: mechanics, not speed)"
    else:
        chosen = tf.distribute.get_strategy()
        why = "the default strategy: one replica on the CPU (no GPU found)"
        if cpu_replicas:
            why += "; call use_logical_cpus(2) first for CPU replicas"
    if verbose:
        print(f"strategy: {why}")
    return chosen


# --------------------------------------------------------------------------- measuring
@dataclass(frozen=True)
class Throughput:
    """Items processed per second: the median of several timed repetitions, warm-up excluded."""

    label: str
    items: int
    seconds: tuple[float, ...]
    unit: str = "items"

    def __post_init__(self):
        check("items", self.items, Integer(1))
        seconds = check("seconds", self.seconds, Items(Real(0, None, closed="neither"), min_len=1))
        object.__setattr__(self, "seconds", seconds)

    @property
    def rate(self) -> float:
        """Median items per second."""
        return self.items / statistics.median(self.seconds)

    def speedup_over(self, baseline: "Throughput") -> float:
        return self.rate / baseline.rate

    def __str__(self) -> str:
        return f"⏱ {self.label}: {_format_rate(self.rate)} {self.unit}/s"

    __repr__ = __str__


def _format_rate(rate: float) -> str:
    return f"{rate:,.0f}" if rate >= 100 else f"{rate:.3g}"


def measure_throughput(
    run: Callable[[], object],
    items: int,
    label: str = "",
    unit: str = "items",
    repeats: int = 5,
    warmup: int = 1,
) -> Throughput:
    """Time ``run()`` (which processes ``items`` items) ``repeats`` times after ``warmup`` untimed calls.

    The median is reported: one slow run (another program, a garbage collection)
    does not move it. Warm-up runs absorb one-off costs: tracing a ``tf.function``,
    filling caches, tf.data's autotuner finding its settings.
    """
    if not callable(run):
        raise ValueError(f"run must be callable, got {type(run).__name__}")
    items = check_int("items", items, 1)
    repeats = check_int("repeats", repeats, 1, 1000)
    warmup = check_int("warmup", warmup, 0, 1000)
    for _ in range(warmup):
        run()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return Throughput(str(label), items, tuple(seconds), str(unit))


def _check_results(results) -> tuple:
    if isinstance(results, (list, tuple)) and not results:
        raise InvalidParameterError("results must contain at least one Throughput")
    return check("results", results, Items(Instance(Throughput, what="a Throughput (from measure_throughput)"),
                                           min_len=1))


def report(results: Sequence[Throughput], baseline: int = 0) -> None:
    """Print each throughput with its speed-up over ``results[baseline]``: ``⏱ label: 1,234 images/s (×1.85)``."""
    results = _check_results(results)
    baseline = check_int("baseline", baseline, 0, len(results) - 1)
    for result in results:
        print(f"{result} (×{result.speedup_over(results[baseline]):.2f})")


def amdahl_speedup(parallel_fraction: float, workers: int) -> float:
    """Amdahl's law: the speed-up of a job whose fraction ``p`` runs in parallel on ``n`` workers.

    ``S(n) = 1 / ((1 - p) + p / n)``; it never exceeds ``1 / (1 - p)``.
    """
    p = check_float("parallel_fraction", parallel_fraction, 0, 1)
    n = check_int("workers", workers, 1)
    return 1.0 / ((1.0 - p) + p / n)


# --------------------------------------------------------------------------- tf.data on several cores
PIPELINE_MODES = ("serial", "tf.data default", "parallel", "parallel + prefetch")


def encoded_photos(n: int = 256, size: int = 320, seed: int = 0) -> list[bytes]:
    """``n`` JPEG files (as bytes, in memory): random ``size x size`` crops of scikit-learn's two photos.

    Decoding JPEGs is what a real input pipeline spends its CPU time on, so this is
    the workload of the ``tf.data`` measurements. Nothing is written to disk.
    """
    n = check_int("n", n, 1, 100_000)
    size = check_int("size", size, 16, 427)
    seed = check_int("seed", seed, 0, 2**32 - 1)
    import tensorflow as tf

    from .data import load_sample_images

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


def photo_pipeline(files: Sequence[bytes], mode: str = "parallel + prefetch", batch_size: int = 32,
                   output_size: int = 64):
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
        raise InvalidParameterError(f"files must be a non-empty sequence of encoded images (bytes), got "
                                    f"{short_repr(files)}")
    for i, data in enumerate(files):
        if not isinstance(data, (bytes, bytearray)) or not data.startswith(_IMAGE_SIGNATURES):
            raise InvalidParameterError(
                f"files[{i}] must be the bytes of an encoded image (JPEG, PNG, GIF, BMP or WebP), got "
                f"{short_repr(data) if not isinstance(data, (bytes, bytearray)) else repr(bytes(data[:12])) + '...'}")
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


def compare_pipelines(files: Sequence[bytes], modes: Sequence[str] = PIPELINE_MODES, repeats: int = 5,
                      batch_size: int = 32) -> list[Throughput]:
    """Images per second of ``photo_pipeline`` in each mode, measured in the same run."""
    if isinstance(modes, (list, tuple)) and not modes:
        raise ValueError("modes must name at least one of " + ", ".join(PIPELINE_MODES))
    modes = check("modes", modes, Items(Options(*PIPELINE_MODES), min_len=1))
    results = []
    for mode in modes:
        dataset = photo_pipeline(files, mode, batch_size=batch_size)
        results.append(
            measure_throughput(lambda d=dataset: _consume(d), len(files), mode, "images", repeats=repeats)
        )
    return results


def thread_scaling(threads: Sequence[int | None] = (1, None), size: int = 1024, repeats: int = 10,
                   timeout: float = 120, onednn: bool | None = None) -> list[Throughput]:
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
    env = _worker_env()
    if onednn is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = "1" if onednn else "0"
    gflop = 2 * size**3 / 1e9  # one size x size matmul
    results = []
    for value in threads:
        args = ["matmul", "--threads", str(value or 0), "--size", str(size), "--repeats", str(repeats)]
        try:
            done = subprocess.run(_worker_command(args), capture_output=True, text=True, timeout=timeout,
                                  env=env, check=False)
        except subprocess.TimeoutExpired:  # subprocess.run has killed the process
            raise RuntimeError(f"the thread-scaling process ({value or 'automatic'} threads, size {size}, {repeats} "
                               f"repeats) did not finish within timeout={timeout:g} s: raise timeout, or lower size "
                               "or repeats") from None
        if done.returncode != 0:
            raise RuntimeError(f"the thread-scaling process failed:\n{_tail(done.stderr)}")
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        if onednn is not None and measured.get("onednn") != env["TF_ENABLE_ONEDNN_OPTS"]:
            raise RuntimeError(f"the thread-scaling process ran with TF_ENABLE_ONEDNN_OPTS={measured.get('onednn')!r}, "
                               f"expected {env['TF_ENABLE_ONEDNN_OPTS']!r}")
        seconds = measured["seconds"]
        label = f"{value} thread{'s' if value != 1 else ''}" if value else "automatic (all cores)"
        if onednn is not None:
            label += f", oneDNN {'on' if onednn else 'off'}"
        # seconds per GFLOP, so that Throughput.rate reads in GFLOP/s
        results.append(Throughput(f"matmul {size}x{size}, {label}", 1, tuple(t / gflop for t in seconds), "GFLOP"))
    return results


def plot_throughputs(results: Sequence[Throughput], title: str = "", baseline: int = 0):
    """Bar chart of throughputs with the speed-up over ``results[baseline]`` written on each bar."""
    results = _check_results(results)
    baseline = check_int("baseline", baseline, 0, len(results) - 1)
    from .plotting import new_figure

    figure, ax = new_figure(figsize=(7, 0.6 * len(results) + 1.2))
    rates = [r.rate for r in results]
    bars = ax.barh(range(len(results)), rates, color="#0072B2")
    bars[baseline].set_color("#999999")
    ax.set_yticks(range(len(results)), [r.label for r in results])
    ax.invert_yaxis()
    ax.set_xlabel(f"{results[0].unit} per second (median)")
    for i, r in enumerate(results):
        ax.text(rates[i], i, f" ×{r.speedup_over(results[baseline]):.2f}", va="center")
    ax.set_xlim(0, max(rates) * 1.2)
    if title:
        ax.set_title(title)
    return figure


# --------------------------------------------------------------------------- replicas
@dataclass(frozen=True)
class ReplicatedRun:
    """The losses (one per step, averaged over the global batch) and final weights of a training run."""

    losses: np.ndarray
    weights: list[np.ndarray]
    replicas: int
    workers: int = 1

    def max_weight_gap(self, other: "ReplicatedRun") -> float:
        return float(max(np.abs(a - b).max() for a, b in zip(self.weights, other.weights)))

    def max_loss_gap(self, other: "ReplicatedRun") -> float:
        return float(np.abs(self.losses - other.losses).max())


def _digits_stream(seed: int):
    from .data import load_digits_images

    split = load_digits_images()
    order = np.random.default_rng(seed).permutation(len(split.x_train))
    return split.x_train[order], split.y_train[order]


def train_replicated(distribution=None, steps: int = 30, global_batch_size: int = 64,
                     learning_rate: float = 0.1, seed: int = 0, hidden_units: int = 32) -> ReplicatedRun:
    """Train the running example with a custom loop under a ``tf.distribute`` strategy.

    The same function runs on one device (``distribution=None``: the default
    strategy), on several replicas (``MirroredStrategy``) and in every worker of a
    ``MultiWorkerMirroredStrategy`` cluster. Each step:

    1. every input pipeline reads its shard of the data: global batch ``B`` is split
       into ``B / replicas`` examples per replica;
    2. each replica computes the loss of its examples divided by the **global** batch
       size (``tf.nn.compute_average_loss``) and its gradient;
    3. the optimizer all-reduces (sums) the replicas' gradients and every replica
       applies the same update, so the weights stay identical.

    The union of the replicas' examples at step ``k`` is exactly batch ``k`` of the
    single-device run, so the losses agree up to float round-off.
    """
    steps = check_int("steps", steps, 1, 100_000)
    global_batch_size = check_int("global_batch_size", global_batch_size, 1, 100_000)
    learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
    seed = check_int("seed", seed, 0, 2**31 - 1)
    import keras
    import tensorflow as tf

    from .models import build_running_example

    if distribution is not None and not hasattr(distribution, "num_replicas_in_sync"):
        raise InvalidParameterError(f"distribution must be a tf.distribute strategy (e.g. dh.parallel.strategy()) or "
                                    f"None, got {type(distribution).__name__}: {short_repr(distribution)}")
    distribution = distribution or tf.distribute.get_strategy()
    replicas = distribution.num_replicas_in_sync
    if global_batch_size % replicas:
        raise ValueError(
            f"global_batch_size must be a multiple of the {replicas} replicas, got {global_batch_size}"
        )
    x, y = _digits_stream(seed)

    def dataset_fn(context):
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).repeat()
        dataset = dataset.shard(context.num_input_pipelines, context.input_pipeline_id)
        return dataset.batch(context.get_per_replica_batch_size(global_batch_size), drop_remainder=True)

    with distribution.scope():
        model = build_running_example(hidden_units=hidden_units, seed=seed)
        optimizer = keras.optimizers.SGD(learning_rate)
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)

    def replica_step(images, labels):
        with tf.GradientTape() as tape:
            per_example = loss_fn(labels, model(images, training=True))
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch_size)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))  # all-reduce happens here
        return loss

    @tf.function
    def train_step(iterator):
        per_replica = distribution.run(replica_step, args=next(iterator))
        return distribution.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    iterator = iter(distribution.distribute_datasets_from_function(dataset_fn))
    losses = np.array([float(train_step(iterator)) for _ in range(steps)])
    workers = getattr(distribution.extended, "_num_workers", 1)
    return ReplicatedRun(losses, [w.copy() for w in model.get_weights()], replicas, workers)


# --------------------------------------------------------------------------- worker processes
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def make_tf_config(num_workers: int = 2, ports: Sequence[int] | None = None) -> list[dict]:
    """One ``TF_CONFIG`` per worker for a cluster of processes on this machine (127.0.0.1).

    On a real cluster the addresses are the hosts' names (``'host-0:12345'``) and each
    host sets its own ``TF_CONFIG`` with its own ``task.index``: the cluster part is
    the same everywhere.
    """
    num_workers = check_int("num_workers", num_workers, 1, 16)
    if ports is None:
        ports = [_free_port() for _ in range(num_workers)]
    ports = list(check("ports", ports, Items()))
    if len(ports) != num_workers or len(set(ports)) != len(ports):
        raise ValueError(f"ports must be {num_workers} different port numbers, got {ports!r}")
    for i, port in enumerate(ports):
        check_int(f"ports[{i}]", port, 1024, 65535)
        if _port_in_use(port):
            raise ValueError(f"ports[{i}]={port} is already in use on 127.0.0.1: pick another port or pass ports=None")
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    return [{"cluster": cluster, "task": {"type": "worker", "index": i}} for i in range(num_workers)]


def check_tf_config(config) -> dict:
    """Validate one ``TF_CONFIG`` (a dict or its JSON text) before a worker starts with it.

    Raises ``ValueError`` naming the faulty field. Only the ``worker`` job is supported
    (MultiWorkerMirroredStrategy with a chief is the same with ``"chief"`` added).
    """
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except json.JSONDecodeError as error:
            raise ValueError(f"TF_CONFIG must be valid JSON: {error}") from None
    if not isinstance(config, dict) or set(config) != {"cluster", "task"}:
        raise ValueError(f"TF_CONFIG must have exactly the keys 'cluster' and 'task', got {config!r}")
    cluster, task = config["cluster"], config["task"]
    if not isinstance(cluster, dict) or list(cluster) != ["worker"]:
        raise ValueError(f"TF_CONFIG['cluster'] must be {{'worker': ['host:port', ...]}}, got {cluster!r}")
    workers = cluster["worker"]
    if not isinstance(workers, list) or not workers:
        raise ValueError(f"TF_CONFIG['cluster']['worker'] must be a non-empty list of 'host:port', got {workers!r}")
    for i, address in enumerate(workers):
        host, _, port = str(address).rpartition(":")
        if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise ValueError(f"TF_CONFIG['cluster']['worker'][{i}] must look like 'host:port', got {address!r}")
    if len(set(workers)) != len(workers):
        raise ValueError(f"TF_CONFIG['cluster']['worker'] lists an address twice: {workers!r}")
    if not isinstance(task, dict) or task.get("type") != "worker" or set(task) != {"type", "index"}:
        raise ValueError(f"TF_CONFIG['task'] must be {{'type': 'worker', 'index': i}}, got {task!r}")
    check_int("TF_CONFIG['task']['index']", task["index"], 0, len(workers) - 1)
    return config


@dataclass(frozen=True)
class MultiWorkerResult:
    """What a local multi-worker run produced: every worker's losses and the chief's weights."""

    run: ReplicatedRun
    worker_losses: tuple[np.ndarray, ...]
    tf_configs: tuple[dict, ...]
    pids: tuple[int, ...]
    seconds: float
    fit_error: str | None = None
    logs: tuple[str, ...] = field(default=(), repr=False)

    @property
    def workers_agree(self) -> bool:
        """Every worker saw the same (all-reduced) loss at every step."""
        first = self.worker_losses[0]
        return all(np.array_equal(first, other) for other in self.worker_losses[1:])


def _worker_env() -> dict:
    env = dict(os.environ)
    package_parent = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    env.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["CUDA_VISIBLE_DEVICES"] = ""  # local workers share one machine: on the CPU, not fighting over one GPU
    env.pop("TF_CONFIG", None)
    return env


def _worker_command(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "dlopt_helpers._worker", *args]


def _tail(text: str, lines: int = 15) -> str:
    from ._tf import KNOWN_NOISE

    kept = [line for line in text.splitlines() if line.strip() and not KNOWN_NOISE.match(line)]
    return "\n".join(kept[-lines:]) or "(no output)"


def _stop_group(process: subprocess.Popen) -> None:
    """Stop a worker and everything it started; wait until they are gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:  # a worker blocked in a collective may not answer SIGTERM
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _supervise(commands: Sequence[Sequence[str]], envs: Sequence[dict], timeout: float, workdir: Path,
               names: Sequence[str]) -> tuple[list[int], list[str]]:
    """Start one process group per command, wait for all; on any failure or timeout stop them all.

    Returns the pids and the logs. Raises ``RuntimeError`` naming the failing process
    with the end of its log. No process outlives this function.
    """
    processes, logs = [], []
    try:
        for command, env, name in zip(commands, envs, names):
            log = open(workdir / f"{name}.log", "w+")  # noqa: SIM115 - closed in finally
            logs.append(log)
            processes.append(subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT,
                                              start_new_session=True))
        deadline = time.monotonic() + timeout
        while True:
            codes = [p.poll() for p in processes]
            for code, name, log in zip(codes, names, logs):
                if code not in (None, 0):
                    log.seek(0)
                    raise RuntimeError(f"{name} failed (exit code {code}); the end of its log:\n{_tail(log.read())}")
            if all(code == 0 for code in codes):
                break
            if time.monotonic() > deadline:
                waiting = [name for code, name in zip(codes, names) if code is None]
                raise RuntimeError(
                    f"{', '.join(waiting)} did not finish within {timeout:g} s and were stopped. A worker "
                    "waits for every address in TF_CONFIG['cluster'] to answer: check the addresses and that "
                    "every worker was started."
                )
            time.sleep(0.1)
        texts = []
        for log in logs:
            log.seek(0)
            texts.append(log.read())
        return [p.pid for p in processes], texts
    finally:
        for process in processes:
            _stop_group(process)
        for log in logs:
            log.close()


def run_multiworker(num_workers: int = 2, steps: int = 30, global_batch_size: int = 64,
                    learning_rate: float = 0.1, seed: int = 0, ports: Sequence[int] | None = None,
                    tf_configs: Sequence[dict] | None = None, timeout: float = 180,
                    use_fit: bool = False) -> MultiWorkerResult:
    """Train the running example with ``MultiWorkerMirroredStrategy`` in ``num_workers`` local processes.

    Each worker is a fresh Python process (``python -m dlopt_helpers._worker``) with its
    own ``TF_CONFIG`` on 127.0.0.1, running ``train_replicated`` under the strategy:
    a custom loop with ``strategy.run``, because ``model.fit`` under this strategy fails
    in Keras 3 (keras-team/keras#20585). ``use_fit=True`` tries ``model.fit`` first and
    reports its error in ``fit_error`` (``None`` once Keras fixes it).

    Ports in use, a malformed ``TF_CONFIG``, a worker that crashes or a cluster that
    never forms give a clear error; every worker process is stopped in all cases.
    """
    num_workers = check_int("num_workers", num_workers, 1, 16)
    steps = check_int("steps", steps, 1, 100_000)
    global_batch_size = check_int("global_batch_size", global_batch_size, 1, 100_000)
    if global_batch_size % num_workers:
        raise ValueError(f"global_batch_size must be a multiple of num_workers={num_workers}, got {global_batch_size}")
    learning_rate = check_float("learning_rate", learning_rate, 0, low_inclusive=False)
    seed = check_int("seed", seed, 0, 2**31 - 1)
    timeout = check_float("timeout", timeout, 1)
    if not isinstance(use_fit, bool):
        raise ValueError(f"use_fit must be True or False, got {use_fit!r}")
    if tf_configs is None:
        configs = make_tf_config(num_workers, ports)
    else:
        if ports is not None:
            raise ValueError("pass either ports or tf_configs, not both")
        configs = [check_tf_config(c) for c in tf_configs]
        if len(configs) != num_workers:
            raise ValueError(f"tf_configs must hold num_workers={num_workers} configs, got {len(configs)}")
        for i, config in enumerate(configs):
            hosts = {address.rpartition(":")[0] for address in config["cluster"]["worker"]}
            if not hosts <= set(LOCAL_HOSTS):
                raise ValueError(f"tf_configs[{i}] names hosts {sorted(hosts)}: this helper starts workers on "
                                 "this machine only (127.0.0.1 / localhost)")
    args = ["multiworker", "--steps", str(steps), "--global-batch-size", str(global_batch_size),
            "--learning-rate", repr(learning_rate), "--seed", str(seed)] + (["--fit"] if use_fit else [])
    names = [f"worker {i}" for i in range(num_workers)]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dlopt-workers-") as tmp:
        workdir = Path(tmp)
        envs = []
        for i, config in enumerate(configs):
            env = _worker_env()
            env["TF_CONFIG"] = json.dumps(config)
            env["DLOPT_WORKER_OUT"] = str(workdir / f"worker{i}.npz")
            envs.append(env)
        pids, logs = _supervise([_worker_command(args)] * num_workers, envs, timeout, workdir, names)
        results = [np.load(workdir / f"worker{i}.npz", allow_pickle=False) for i in range(num_workers)]
        losses = tuple(r["losses"] for r in results)
        chief = results[0]
        weights = [chief[f"w{j}"] for j in range(int(chief["n_weights"]))]
        fit_error = str(chief["fit_error"]) if "fit_error" in chief.files else None
        replicas = int(chief["replicas"])
    seconds = time.perf_counter() - start
    run = ReplicatedRun(losses[0], weights, replicas, num_workers)
    return MultiWorkerResult(run, losses, tuple(configs), tuple(pids), seconds, fit_error, tuple(logs))
