"""Worker processes: a ``MultiWorkerMirroredStrategy`` cluster of local processes (``TF_CONFIG`` on 127.0.0.1).

Two processes on this machine stand in for two hosts; the code is the code a cluster runs.
Starting and stopping the processes (free ports, process groups, nothing left behind) is
``dlopt_helpers._process``, shared with the test suite's servers.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import _process
from .._validation import SEED_MAX, check, check_float, check_int
from .._validation import Sequence as Items
from ._launch import tail, worker_command, worker_env
from .replicas import ReplicatedRun

__all__ = ["LOCAL_HOSTS", "make_tf_config", "check_tf_config", "MultiWorkerResult", "run_multiworker"]

LOCAL_HOSTS = ("127.0.0.1", "localhost")


def make_tf_config(num_workers: int = 2, ports: Sequence[int] | None = None) -> list[dict]:
    """One ``TF_CONFIG`` per worker for a cluster of processes on this machine (127.0.0.1).

    On a real cluster the addresses are the hosts' names (``'host-0:12345'``) and each
    host sets its own ``TF_CONFIG`` with its own ``task.index``: the cluster part is
    the same everywhere.
    """
    num_workers = check_int("num_workers", num_workers, 1, 16)
    if ports is None:
        ports = [_process.free_port() for _ in range(num_workers)]
    ports = list(check("ports", ports, Items()))
    if len(ports) != num_workers or len(set(ports)) != len(ports):
        raise ValueError(f"ports must be {num_workers} different port numbers, got {ports!r}")
    for i, port in enumerate(ports):
        check_int(f"ports[{i}]", port, 1024, 65535)
        if _process.port_in_use(port):
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


def _supervise(
    commands: Sequence[Sequence[str]], envs: Sequence[dict], timeout: float, workdir: Path, names: Sequence[str]
) -> tuple[list[int], list[str]]:
    """Start one process group per command, wait for all; on any failure or timeout stop them all.

    Returns the pids and the logs. Raises ``RuntimeError`` naming the failing process
    with the end of its log. No process outlives this function.
    """
    processes, logs = [], []
    try:
        for command, env, name in zip(commands, envs, names):
            log = open(workdir / f"{name}.log", "w+", encoding="utf-8", errors="replace")  # noqa: SIM115 (closed in finally)
            logs.append(log)
            processes.append(_process.start_group(command, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + timeout
        while True:
            codes = [p.poll() for p in processes]
            for code, name, log in zip(codes, names, logs):
                if code not in (None, 0):
                    log.seek(0)
                    raise RuntimeError(f"{name} failed (exit code {code}); the end of its log:\n{tail(log.read())}")
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
            _process.stop_group(process)  # the worker and everything it started, on every OS
        for log in logs:
            log.close()


def run_multiworker(
    num_workers: int = 2,
    steps: int = 30,
    global_batch_size: int = 64,
    learning_rate: float = 0.1,
    seed: int = 0,
    ports: Sequence[int] | None = None,
    tf_configs: Sequence[dict] | None = None,
    timeout: float = 180,
    use_fit: bool = False,
) -> MultiWorkerResult:
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
    seed = check_int("seed", seed, 0, SEED_MAX)
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
                raise ValueError(
                    f"tf_configs[{i}] names hosts {sorted(hosts)}: this helper starts workers on "
                    "this machine only (127.0.0.1 / localhost)"
                )
    args = [
        "multiworker",
        "--steps",
        str(steps),
        "--global-batch-size",
        str(global_batch_size),
        "--learning-rate",
        repr(learning_rate),
        "--seed",
        str(seed),
    ] + (["--fit"] if use_fit else [])
    names = [f"worker {i}" for i in range(num_workers)]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dlopt-workers-") as tmp:
        workdir = Path(tmp)
        envs = []
        for i, config in enumerate(configs):
            env = worker_env()
            env["TF_CONFIG"] = json.dumps(config)
            env["DLOPT_WORKER_OUT"] = str(workdir / f"worker{i}.npz")
            envs.append(env)
        pids, logs = _supervise([worker_command(args)] * num_workers, envs, timeout, workdir, names)
        results = [np.load(workdir / f"worker{i}.npz", allow_pickle=False) for i in range(num_workers)]
        losses = tuple(r["losses"] for r in results)
        chief = results[0]
        weights = [chief[f"w{j}"] for j in range(int(chief["n_weights"]))]
        fit_error = str(chief["fit_error"]) if "fit_error" in chief.files else None
        replicas = int(chief["replicas"])
    seconds = time.perf_counter() - start
    run = ReplicatedRun(losses[0], weights, replicas, num_workers)
    return MultiWorkerResult(run, losses, tuple(configs), tuple(pids), seconds, fit_error, tuple(logs))
