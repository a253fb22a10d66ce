"""Seeds, the machine the course runs on, and where it may write.

Introduced in ``notebooks/00_background.ipynb``; every notebook after it starts
with ``dh.set_seed(...)`` and may show ``dh.environment_report()``.
"""

from __future__ import annotations

import os
import platform
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._validation import SEED_MAX, Boolean, Instance, Integer, InvalidParameterError, validate_params

__all__ = [
    "set_seed",
    "environment_report",
    "EnvironmentReport",
    "cache_dir",
    "Stopwatch",
    "usable_cores",
    "one_blas_thread",
]


_THREADS = []  # the threadpoolctl controller, made once (scanning the loaded libraries takes milliseconds)


def one_blas_thread():
    """A context in which NumPy's BLAS uses one thread.

    For the small products of the course's NumPy networks (64 × 64): they are too small to split, and two BLAS threads
    on two busy cores spin-wait (a trial took 8 times longer while a test suite ran beside it). Used by
    ``deep.NumpyMLP.fit`` and the network doctor dashboard.
    """
    if not _THREADS:
        from threadpoolctl import ThreadpoolController

        _THREADS.append(ThreadpoolController())
    return _THREADS[0].limit(limits=1, user_api="blas")


def usable_cores() -> int:
    """CPU cores this process may run on (``taskset`` and container limits respected where the OS tells)."""
    if hasattr(os, "sched_getaffinity"):  # Linux; macOS and Windows have no affinity call
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


@validate_params(seed=Integer(0, SEED_MAX), deterministic=Boolean())
def set_seed(seed: int = 0, deterministic: bool = True) -> int:
    """Seed Python, NumPy and TensorFlow / Keras in one call.

    Parameters
    ----------
    seed : int in [0, SEED_MAX]
        The seed. The same seed gives the same weights, shuffles and augmentations.
    deterministic : bool
        Also ask TensorFlow for deterministic kernels
        (``tf.config.experimental.enable_op_determinism``). Ops that have no
        deterministic implementation then raise instead of silently varying.

    Returns
    -------
    int
        The seed, so a notebook can print what it used.

    Examples
    --------
    >>> import dlopt_helpers as dh
    >>> dh.set_seed(42)
    42
    """
    import keras
    import tensorflow as tf

    os.environ["PYTHONHASHSEED"] = str(seed)  # for subprocesses started from here
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)  # Python, NumPy, TensorFlow and Keras' own generator
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    else:
        _disable_op_determinism()
    return seed


def _disable_op_determinism() -> None:
    """Undo ``enable_op_determinism`` (TensorFlow has no public call for it; Keras' XLA needs it off)."""
    try:
        from tensorflow.python.framework.config import disable_op_determinism
    except ImportError:  # a TensorFlow without it: determinism, once on, stays on
        return
    disable_op_determinism()


@dataclass(frozen=True)
class EnvironmentReport:
    """What the course runs on: library versions, CPU cores and the devices TensorFlow sees."""

    python: str
    platform: str
    tensorflow: str
    keras: str
    keras_backend: str
    scikit_learn: str
    numpy: str
    cpu_cores: int
    gpus: tuple[str, ...] = field(default_factory=tuple)
    tf_devices: tuple[str, ...] = field(default_factory=tuple)

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("python", self.python),
            ("platform", self.platform),
            ("tensorflow", self.tensorflow),
            ("keras", f"{self.keras} (backend: {self.keras_backend})"),
            ("scikit-learn", self.scikit_learn),
            ("numpy", self.numpy),
            ("cpu cores", str(self.cpu_cores)),
            ("gpus", ", ".join(self.gpus) if self.gpus else "none (training runs on the CPU)"),
            ("tf devices", ", ".join(self.tf_devices)),
        ]

    def __str__(self) -> str:
        return "\n".join(f"{name:>12} : {value}" for name, value in self.rows())

    def __repr__(self) -> str:  # shown by Jupyter as text/plain
        return str(self)


def environment_report() -> EnvironmentReport:
    """Report library versions, CPU cores and GPUs found, without changing anything.

    Examples
    --------
    >>> report = dlopt_helpers.environment_report()  # doctest: +SKIP
    >>> report.cpu_cores >= 1
    True
    """
    import keras
    import sklearn
    import tensorflow as tf

    gpus = []
    for device in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(device)
        gpus.append(details.get("device_name", device.name))
    devices = tuple(d.name.replace("/physical_device:", "") for d in tf.config.list_physical_devices())
    cores = usable_cores()
    return EnvironmentReport(
        python=platform.python_version(),
        platform=f"{platform.system()} {platform.machine()}",
        tensorflow=tf.__version__,
        keras=keras.__version__,
        keras_backend=keras.backend.backend(),
        scikit_learn=sklearn.__version__,
        numpy=np.__version__,
        cpu_cores=cores,
        gpus=tuple(gpus),
        tf_devices=devices,
    )


@validate_params(create=Boolean())
def cache_dir(*parts: str, create: bool = True) -> Path:
    """Directory for files the course generates (image folders, downloads never): an absolute, resolved path.

    ``$DLOPT_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/dlopt``, else ``~/.cache/dlopt``.
    Never inside the repository, so running the course leaves ``git status`` clean.
    ``$DLOPT_CACHE_DIR`` must be an absolute path (``~`` is expanded): a relative one would
    land wherever the kernel runs (``notebooks/`` inside the repository), so it is refused.
    A relative ``$XDG_CACHE_HOME`` is ignored, as the XDG specification asks.
    ``create`` (True or False) makes the folders if they are missing.
    """
    for part in parts:
        if (
            not isinstance(part, str)
            or not part
            or os.sep in part
            or part in (".", "..")
            or (os.altsep and os.altsep in part)
        ):
            raise InvalidParameterError(f"parts must be plain folder names, got {part!r}")
    root = os.environ.get("DLOPT_CACHE_DIR")
    if root:
        base = Path(root).expanduser()
        if not base.is_absolute():
            raise InvalidParameterError(
                f"DLOPT_CACHE_DIR must be an absolute path, got {root!r}: a relative path would be written "
                f"relative to the current folder ({os.getcwd()}); set it to e.g. "
                f"{str(Path.home() / '.cache' / 'dlopt')!r}"
            )
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        xdg_base = Path(xdg).expanduser() if xdg else None
        base = (xdg_base if xdg_base is not None and xdg_base.is_absolute() else Path.home() / ".cache") / "dlopt"
    base = base.resolve()
    if base.exists() and not base.is_dir():
        variable = "DLOPT_CACHE_DIR" if root else "the course cache"
        raise InvalidParameterError(f"{variable} must name a folder, got {str(base)!r}, which is a file")
    path = base.joinpath(*parts)
    if path.exists() and not path.is_dir():
        raise InvalidParameterError(f"cache_dir{parts!r} must be a folder, got {str(path)!r}, which is a file")
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InvalidParameterError(
                f"the course cache {str(path)!r} cannot be created ({error.strerror or error}): "
                "set DLOPT_CACHE_DIR to a writable folder"
            ) from None
    return path


class Stopwatch:
    """Time a block and show it as ``⏱ 1.23 s``.

    Timings vary from run to run, so the course prints them only through this
    class; the test suite's sanitize file replaces the ``⏱ …`` text.

    Examples
    --------
    >>> with Stopwatch("training") as watch:  # doctest: +SKIP
    ...     model.fit(...)
    ⏱ training: 1.23 s
    """

    @validate_params(label=Instance(str), verbose=Boolean())
    def __init__(self, label: str = "", verbose: bool = True):
        self.label = label
        self.verbose = verbose
        self.seconds = float("nan")  # until the block has run

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        start = getattr(self, "_start", None)
        if start is None:
            raise RuntimeError("Stopwatch.__exit__ was called before __enter__: use it as `with Stopwatch(...):`")
        self.seconds = time.perf_counter() - start
        if self.verbose and exc and exc[0] is None:
            print(self)

    def __str__(self) -> str:
        label = f"{self.label}: " if self.label else ""
        if self.seconds != self.seconds:  # NaN: the block has not run (or not finished) yet
            return f"⏱ {label}not run yet"
        return f"⏱ {label}{format_seconds(self.seconds)}"


def format_seconds(seconds: float) -> str:
    """``0.0123 -> '12.3 ms'``, ``4.5 -> '4.50 s'``."""
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"
