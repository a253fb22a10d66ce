"""The compute of this machine: CPU cores, GPUs, logical CPU devices, and the ``tf.distribute`` strategy to use."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from .._validation import Boolean, check_int, validate_params
from ..env import usable_cores

__all__ = ["cpu_cores", "DeviceReport", "device_report", "use_logical_cpus", "strategy"]

#: CPU cores this process may use (the affinity mask on Linux, every core on macOS and Windows):
#: the course's one core count, ``env.usable_cores``, under the name notebook 06 uses.
cpu_cores = usable_cores


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
        cpu_cores=usable_cores(),
        gpus=tuple(gpus),
        tf_devices=tuple(d.name.replace("/device:", "") for d in tf.config.list_logical_devices()),
        intra_op_threads=tf.config.threading.get_intra_op_parallelism_threads(),
        inter_op_threads=tf.config.threading.get_inter_op_parallelism_threads(),
    )


def _gpu_memory_gib() -> list[float]:
    """Total memory of each NVIDIA GPU from ``nvidia-smi`` (TensorFlow reports only what it has used)."""
    try:
        done = subprocess.run(
            ["nvidia-smi", "--query-gpu=memory.total", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
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
