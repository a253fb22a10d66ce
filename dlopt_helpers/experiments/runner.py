"""Running the arms of a comparison over seeds, in worker processes when cores allow (``compare``, ``summarize``)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from .._validation import check_int
from ..env import usable_cores
from .comparison import Comparison, _check_fmt, _check_name, _check_seeds, _metrics_of


def _set_threads(threads: int) -> None:
    """One TensorFlow thread pool size per worker process, set before TensorFlow starts its runtime."""
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:  # the runtime already started in this process: keep its pools
        pass


def _keep_worker_alive() -> None:
    """Raise loky's memory-leak bound in this worker process from 300 MB to 4 GB.

    After each task loky replaces a worker whose memory grew by more than 300 MB since it
    started. TensorFlow's runtime and trace caches grow that much with the first models, so
    workers were replaced mid-comparison, each replacement re-importing TensorFlow (about
    8-15 s). The models here are small; 4 GB still catches a real leak.
    """
    try:
        from joblib.externals.loky import process_executor
    except ImportError:  # another joblib layout: keep its default
        return
    process_executor._MAX_MEMORY_LEAK_SIZE = max(getattr(process_executor, "_MAX_MEMORY_LEAK_SIZE", 0), 4 * 10**9)


def _run_one(run: Callable, seed: int, arm_kwargs: dict, threads: int | None):
    """Run one (arm, seed) from a fresh seed; in a worker process, with ``threads`` TF threads."""
    if threads is not None:  # in a loky worker process
        _set_threads(threads)
        _keep_worker_alive()
    import keras

    from ..env import set_seed

    set_seed(seed)
    try:
        return run(seed=seed, **arm_kwargs)
    finally:
        # Keras' global state (layer names, graphs) reset for the next run. Not a full gc.collect()
        # per run (``free_memory``): it cost ~0.2 s, about a tenth of a small model's run, and
        # Python's own collector frees the old models as the runs go on.
        keras.backend.clear_session(free_memory=False)


def compare(
    run: Callable,
    arms: Mapping[str, Mapping] | None = None,
    seeds=5,
    *,
    metric: str = "value",
    higher_is_better: bool | Mapping[str, bool] = True,
    n_jobs: int | None = None,
    fmt: str = ".3f",
) -> Comparison:
    """Run ``run(seed=s, **arms[arm])`` for every arm and seed; return the :class:`Comparison`.

    Parameters
    ----------
    run : callable ``run(seed, **kwargs) -> float | dict``
        Builds, trains and measures one model from scratch. Each call starts from
        ``dh.set_seed(seed)``. A float is stored under ``metric``; a dict may hold several
        numbers (each becomes a metric) and other things (curves, arrays), kept in
        ``Comparison.details``. It must build its own model: a Keras model cannot travel to
        a worker process.
    arms : dict arm name -> dict of keyword arguments, optional
        The settings compared. ``None`` measures one arm, ``"run"``.
    seeds : int >= 2 or sequence of distinct ints
        How many seeds (``0 .. seeds-1``) or which. Every arm runs on the same seeds, so
        differences are paired.
    metric : str
        Name of the number when ``run`` returns a float.
    higher_is_better : bool or dict metric -> bool
        Direction of each metric, for rankings and claims (``False`` for losses).
    n_jobs : int >= 1, optional
        Worker processes; ``None`` uses every usable core (1 when pinned to one core).
        With 1, everything runs in this process.
    fmt : str
        Format of the printed numbers (``".3f"``, ``".3g"``, ``".2e"``).

    Examples
    --------
    >>> result = dh.experiments.compare(train_and_score, {"sgd": {"optimizer": "sgd"},
    ...                                                   "adam": {"optimizer": "adam"}}, seeds=5)  # doctest: +SKIP
    >>> result.claim_better("adam", "sgd")  # doctest: +SKIP
    """
    if not callable(run):
        raise ValueError(f"run must be callable, got {run!r}")
    arms = {"run": {}} if arms is None else arms
    if not isinstance(arms, Mapping) or not arms:
        raise ValueError(f"arms must be a non-empty dict of arm name -> keyword arguments, got {arms!r}")
    for name, kwargs in arms.items():
        _check_name("arm names", name)
        if not isinstance(kwargs, Mapping):
            raise ValueError(f"arms[{name!r}] must be a dict of keyword arguments, got {kwargs!r}")
    metric = _check_name("metric", metric)
    seeds = _check_seeds(seeds)
    fmt = _check_fmt(fmt)
    cores = usable_cores()
    n_jobs = cores if n_jobs is None else check_int("n_jobs", n_jobs, 1, 64)
    tasks = [(arm, seed) for arm in arms for seed in seeds]
    n_jobs = min(n_jobs, len(tasks))

    if n_jobs == 1:
        results = [_run_one(run, seed, dict(arms[arm]), None) for arm, seed in tasks]
    else:
        from joblib import Parallel, delayed

        threads = max(1, cores // n_jobs)
        try:
            with warnings.catch_warnings():
                # loky replaces a worker whose memory grew by > 300 MB (TensorFlow's caches) and warns from
                # its manager thread while jobs are pending; the job is not lost, the warning would only
                # land in a notebook's output at random
                warnings.filterwarnings("ignore", message="A worker stopped while some jobs", category=UserWarning)
                results = Parallel(n_jobs=n_jobs, backend="loky")(
                    delayed(_run_one)(run, seed, dict(arms[arm]), threads) for arm, seed in tasks
                )
        except Exception as error:
            if "pickl" in str(error).lower():
                raise ValueError(
                    "run could not be sent to a worker process (it must build its model itself and use only "
                    f"picklable data); pass n_jobs=1 to run in this process. Cause: {error}"
                ) from error
            raise

    values: dict[str, dict[str, list[float]]] = {arm: {} for arm in arms}
    details: dict[str, list] = {arm: [] for arm in arms}
    expected: tuple[str, ...] | None = None
    for (arm, seed), result in zip(tasks, results):
        numbers_, extra = _metrics_of(result, metric, arm, seed)
        if expected is None:
            expected = tuple(numbers_)
        elif tuple(numbers_) != expected:
            raise ValueError(
                f"run must return the same metrics for every arm and seed: got {tuple(numbers_)} "
                f"for arm {arm!r}, seed {seed}, and {expected} before"
            )
        for key, value in numbers_.items():
            values[arm].setdefault(key, []).append(value)
        details[arm].append(extra)
    if isinstance(higher_is_better, bool):
        directions = {m: higher_is_better for m in expected}
    elif isinstance(higher_is_better, Mapping):
        directions = {m: bool(higher_is_better.get(m, True)) for m in expected}
    else:
        raise ValueError(f"higher_is_better must be a bool or a dict metric -> bool, got {higher_is_better!r}")
    return Comparison(values, seeds, directions, fmt=fmt, details=details)


def summarize(
    values: Mapping[str, Iterable[float]],
    metric: str = "value",
    *,
    over: str = "seeds",
    higher_is_better: bool = True,
    fmt: str = ".3f",
) -> Comparison:
    """A :class:`Comparison` from values measured elsewhere (cross-validation folds, seeds run by hand).

    ``values``: arm name -> one value per run; every arm the same number of runs (>= 2),
    in the same order (run ``i`` of each arm is paired).
    """
    if not isinstance(values, Mapping) or not values:
        raise ValueError(f"values must be a non-empty dict of arm name -> values, got {values!r}")
    metric = _check_name("metric", metric)
    over = _check_name("over", over)
    arrays = {}
    for arm, runs in values.items():
        _check_name("arm names", arm)
        try:
            array = np.asarray(list(runs), dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"values[{arm!r}] must be a sequence of numbers, got {runs!r}") from None
        if array.ndim != 1 or len(array) < 2 or not np.all(np.isfinite(array)):
            raise ValueError(f"values[{arm!r}] must hold at least 2 finite numbers, got {runs!r}")
        arrays[arm] = array
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) != 1:
        raise ValueError(f"every arm must have the same number of runs, got {sorted(lengths)}")
    if not isinstance(higher_is_better, bool):
        raise ValueError(f"higher_is_better must be True or False, got {higher_is_better!r}")
    fmt = _check_fmt(fmt)
    n = lengths.pop()
    return Comparison(
        {arm: {metric: array} for arm, array in arrays.items()},
        tuple(range(n)),
        {metric: higher_is_better},
        fmt=fmt,
        over=over,
    )
