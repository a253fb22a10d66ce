"""Parallel computing: the cores and GPUs of this machine, ``tf.data`` on several cores,
replicas with ``tf.distribute``, and worker processes (notebook ``06_parallel_computing``).

Everything here runs on a laptop: two *logical* CPU devices stand in for two GPUs
(``use_logical_cpus``), and two local processes on 127.0.0.1 stand in for two hosts
(``run_multiworker``). The code is the code a GPU machine or a cluster runs.

One module per idea; ``dh.parallel.<name>`` reaches every public name:

- ``devices``: CPU cores, GPUs, logical CPU devices, the ``tf.distribute`` strategy;
- ``throughput``: items per second (``Throughput``), speed-ups, Amdahl's law, the bar chart;
- ``pipelines``: a ``tf.data`` input pipeline in four modes, TensorFlow's thread pool;
- ``replicas``: the running example trained under a strategy (``train_replicated``);
- ``multiworker``: ``TF_CONFIG`` and a cluster of local worker processes (``run_multiworker``).

Starting and stopping processes (ports, process groups) is ``dlopt_helpers._process``.

Measured numbers (``Throughput``) print as ``⏱ label: 1,234 images/s``: like every
timing in the course they start with ⏱, so the test suite can tell them from results.
"""

from .devices import DeviceReport, device_report, strategy, use_logical_cpus
from .devices import cpu_cores as cpu_cores  # = env.usable_cores, called by notebook 06 (not in __all__, as before)
from .multiworker import LOCAL_HOSTS as LOCAL_HOSTS
from .multiworker import MultiWorkerResult, check_tf_config, make_tf_config, run_multiworker
from .pipelines import PIPELINE_MODES, compare_pipelines, encoded_photos, photo_pipeline, thread_scaling
from .replicas import ReplicatedRun, train_replicated
from .throughput import Throughput, amdahl_speedup, measure_throughput, plot_throughputs, report

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
