"""dlopt_helpers.parallel: pipelines give the same data in every mode, replicas and workers train like
one device, workers that fail are reported and stopped, nothing is left running, and bad input."""

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

import dlopt_helpers as dh
from dlopt_helpers import _process, parallel
from dlopt_helpers.parallel._launch import worker_env
from dlopt_helpers.parallel.multiworker import _supervise

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 1e-5  # float32 round-off of a different summation order; measured 2.4e-7
WORKER_MARKS = ("dlopt_helpers._worker", "dlopt-test-sleeper")
# every process this test process starts inherits this mark (an orphan keeps it); another test
# process's workers (a second pytest, an xdist sibling) carry another value or none
OWNER = "DLOPT_TEST_OWNER"
os.environ[OWNER] = str(os.getpid())


def _processes():
    """(command line, environment) of each worker-like process this user can read.

    psutil where installed (Linux, macOS, Windows), else Linux's /proc; neither: the check is skipped.
    Only processes whose command line names a worker are asked for their environment.
    """
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        for proc in psutil.process_iter(["cmdline"]):
            command = " ".join(proc.info["cmdline"] or [])
            if any(mark in command for mark in WORKER_MARKS):
                try:
                    yield command, proc.environ()
                except psutil.Error:  # it ended meanwhile, or it is not ours
                    continue
        return
    if not Path("/proc").is_dir():
        pytest.skip("listing stray worker processes needs psutil or /proc (Linux)")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                if not any(mark in command for mark in WORKER_MARKS):
                    continue
                lines = (entry / "environ").read_bytes().decode(errors="replace").split("\0")
            except OSError:
                continue
            yield command, dict(line.partition("=")[::2] for line in lines)


def stray_workers() -> list[str]:
    """Command lines of the worker processes this test process started that still run (none may
    outlive a helper call). Workers of other test processes running at the same time do not count."""
    return [command for command, environ in _processes() if environ.get(OWNER) == os.environ[OWNER]]


@pytest.mark.slow  # starts processes or trains (make check leaves it out)
@pytest.mark.parametrize("how", ["psutil", "/proc"])
def test_the_stray_worker_scan_sees_a_running_worker(monkeypatch, how):
    """The check behind every `not stray_workers()` below is not vacuous, by either path."""
    if how == "/proc":
        monkeypatch.setitem(sys.modules, "psutil", None)  # import psutil -> ImportError
        if not Path("/proc").is_dir():
            pytest.skip("no /proc here (macOS, Windows): the psutil path is the one used")
    else:
        pytest.importorskip("psutil")
    sleeper = _process.start_group([sys.executable, "-c", "import time; time.sleep(120)", "dlopt-test-sleeper"])
    try:
        deadline = time.monotonic() + 30
        while not stray_workers() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any("dlopt-test-sleeper" in command for command in stray_workers())
    finally:
        _process.stop_group(sleeper)
    assert not stray_workers()


# --------------------------------------------------------------------------- devices and measuring
def test_device_report_and_default_strategy(capsys):
    report = parallel.device_report()
    assert report.cpu_cores >= 1 and report.tf_devices
    assert "cpu cores" in str(report) and "intra-op" in str(report)
    chosen = parallel.strategy()
    assert "strategy:" in capsys.readouterr().out
    if not tf.config.list_physical_devices("GPU"):
        assert chosen.num_replicas_in_sync == 1


def test_use_logical_cpus_after_start_says_what_to_do():
    tf.constant(1.0)  # the runtime has started in this process
    have = len(tf.config.list_logical_devices("CPU"))
    with pytest.raises(RuntimeError, match="before anything runs a TensorFlow operation"):
        parallel.use_logical_cpus(have + 1)
    assert len(parallel.use_logical_cpus(have)) == have  # asking for what is there is fine


def test_measure_throughput_counts_calls_and_takes_the_median():
    calls = []
    result = parallel.measure_throughput(lambda: calls.append(1), items=10, label="x", repeats=4, warmup=2)
    assert len(calls) == 6 and len(result.seconds) == 4
    assert result.rate == pytest.approx(10 / np.median(result.seconds))
    assert str(result).startswith("⏱ x: ") and str(result).endswith("items/s")
    slower = parallel.Throughput("y", 10, tuple(2 * s for s in result.seconds))
    assert result.speedup_over(slower) == pytest.approx(2.0)


def test_amdahl_speedup_matches_the_formula():
    assert parallel.amdahl_speedup(0.0, 8) == 1.0
    assert parallel.amdahl_speedup(1.0, 8) == pytest.approx(8.0)
    assert parallel.amdahl_speedup(0.9, 8) == pytest.approx(1 / (0.1 + 0.9 / 8))
    assert parallel.amdahl_speedup(0.95, 10**9) == pytest.approx(20.0, rel=1e-6)  # the limit 1 / (1 - p)


def test_every_pipeline_mode_yields_the_same_batches_in_the_same_order():
    files = parallel.encoded_photos(40, size=64)
    reference = [b.numpy() for b in parallel.photo_pipeline(files, "serial", batch_size=16, output_size=16)]
    assert [b.shape for b in reference] == [(16, 16, 16, 3), (16, 16, 16, 3), (8, 16, 16, 3)]
    decoded = tf.image.resize(
        tf.image.convert_image_dtype(tf.io.decode_jpeg(files[0]), tf.float32), (16, 16), method="area"
    ).numpy()
    np.testing.assert_allclose(reference[0][0], decoded, atol=1e-6)
    for mode in parallel.PIPELINE_MODES[1:]:
        batches = [b.numpy() for b in parallel.photo_pipeline(files, mode, batch_size=16, output_size=16)]
        assert len(batches) == len(reference)
        for got, want in zip(batches, reference):
            np.testing.assert_array_equal(got, want)


def test_compare_pipelines_and_plot():
    files = parallel.encoded_photos(8, size=32)
    results = parallel.compare_pipelines(files, modes=("serial", "parallel"), repeats=2)
    assert [r.label for r in results] == ["serial", "parallel"] and all(r.items == 8 for r in results)
    figure = parallel.plot_throughputs(results, title="t")
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts[0] == " ×1.00" and texts[1].startswith(" ×")


@pytest.mark.slow  # starts processes or trains (make check leaves it out)
def test_thread_scaling_runs_each_setting_in_a_fresh_process():
    results = parallel.thread_scaling(threads=(1,), size=64, repeats=2)
    assert len(results) == 1 and results[0].unit == "GFLOP" and results[0].rate > 0
    assert "1 thread" in results[0].label
    assert not stray_workers()


@pytest.mark.slow  # starts processes or trains (make check leaves it out)
@pytest.mark.parametrize("onednn", [True, False])
def test_thread_scaling_sets_onednn_in_the_fresh_process_and_names_it(onednn):
    """The course runs with oneDNN off (import dlopt_helpers); notebook 06 measures what that costs."""
    results = parallel.thread_scaling(threads=(None,), size=64, repeats=2, onednn=onednn)
    assert results[0].label == f"matmul 64x64, automatic (all cores), oneDNN {'on' if onednn else 'off'}"
    assert results[0].rate > 0 and not stray_workers()


# --------------------------------------------------------------------------- replicas and workers
@pytest.mark.slow  # starts processes or trains (make check leaves it out)
def test_mirrored_replicas_train_like_one_device():
    """Two logical CPUs must be configured before TensorFlow starts: a fresh process."""
    script = textwrap.dedent(
        """
        import json, dlopt_helpers as dh
        dh.parallel.use_logical_cpus(2)
        dh.set_seed(0)
        single = dh.parallel.train_replicated(steps=12)
        mirrored = dh.parallel.train_replicated(dh.parallel.strategy(cpu_replicas=True, verbose=False), steps=12)
        print(json.dumps({"replicas": mirrored.replicas, "loss_gap": mirrored.max_loss_gap(single),
                          "weight_gap": mirrored.max_weight_gap(single), "first": single.losses[0],
                          "last": single.losses[-1]}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=worker_env(),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2
    assert result["loss_gap"] < TOLERANCE and result["weight_gap"] < TOLERANCE
    assert result["last"] < result["first"]  # it trains


@pytest.mark.slow  # starts processes or trains (make check leaves it out)
def test_two_workers_train_like_one_device_and_fit_is_still_broken():
    """Also the canary for keras-team/keras#20585: when model.fit works under
    MultiWorkerMirroredStrategy, this test fails and the notebook should switch to fit."""
    single = parallel.train_replicated(steps=8)
    result = parallel.run_multiworker(num_workers=2, steps=8, use_fit=True, timeout=240)
    assert result.workers_agree and result.run.workers == 2 and result.run.replicas == 2
    assert result.run.max_loss_gap(single) < TOLERANCE and result.run.max_weight_gap(single) < TOLERANCE
    assert [c["task"]["index"] for c in result.tf_configs] == [0, 1]
    assert not any(_process.group_alive(pid) for pid in result.pids) and not stray_workers()
    assert result.fit_error, (
        "model.fit under MultiWorkerMirroredStrategy works now (keras-team/keras#20585 fixed?): "
        "use fit in notebook 06 and in dlopt_helpers.parallel"
    )
    assert "PerReplica" in result.fit_error


def test_a_port_in_use_is_refused_before_anything_starts():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ValueError, match=rf"ports\[1\]={port} is already in use"):
            parallel.run_multiworker(num_workers=2, ports=[_process.free_port(), port])
    assert not stray_workers()


@pytest.mark.slow  # starts processes or trains (make check leaves it out)
@pytest.mark.parametrize("groups", ["process groups", "no process groups (as on Windows)"])
def test_a_crashing_worker_is_reported_and_every_process_stopped(tmp_path, monkeypatch, groups):
    if groups == "process groups" and not _process.has_process_groups():
        pytest.skip("process groups need POSIX (Linux, macOS)")
    if groups != "process groups":
        monkeypatch.delattr(os, "killpg", raising=False)  # the supervisor's fallback branch runs here too
    crash = [sys.executable, "-c", "import sys; print('boom: bad TF_CONFIG', file=sys.stderr); sys.exit(3)"]
    sleeper = [sys.executable, "-c", "import time; time.sleep(120)", "dlopt-test-sleeper"]
    env = dict(os.environ)
    with pytest.raises(RuntimeError, match=r"(?s)worker 1 failed \(exit code 3\).*boom: bad TF_CONFIG"):
        _supervise([sleeper, crash], [env, env], timeout=60, workdir=tmp_path, names=["worker 0", "worker 1"])
    assert not stray_workers()


@pytest.mark.slow  # starts processes or trains (make check leaves it out)
def test_a_cluster_that_never_forms_times_out_and_is_stopped():
    # worker 0 of a two-worker cluster, started alone: it waits for worker 1 forever
    config = parallel.make_tf_config(2)[0]
    with pytest.raises(RuntimeError, match=r"did not finish within 15 s.*check the addresses"):
        parallel.run_multiworker(num_workers=1, tf_configs=[config], timeout=15)
    assert not stray_workers()


# --------------------------------------------------------------------------- bad input
GOOD_CONFIG = {"cluster": {"worker": ["127.0.0.1:20001", "127.0.0.1:20002"]}, "task": {"type": "worker", "index": 0}}


@pytest.mark.parametrize(
    "config, message",
    [
        ("{not json", "TF_CONFIG must be valid JSON"),
        ({"cluster": GOOD_CONFIG["cluster"]}, "exactly the keys 'cluster' and 'task'"),
        ({**GOOD_CONFIG, "cluster": {"ps": ["a:1"]}}, r"TF_CONFIG\['cluster'\] must be"),
        ({**GOOD_CONFIG, "cluster": {"worker": []}}, "non-empty list"),
        ({**GOOD_CONFIG, "cluster": {"worker": ["127.0.0.1"]}}, r"\[0\] must look like 'host:port'"),
        ({**GOOD_CONFIG, "cluster": {"worker": ["a:1", "a:1"]}}, "lists an address twice"),
        ({**GOOD_CONFIG, "task": {"type": "chief", "index": 0}}, r"TF_CONFIG\['task'\] must be"),
        ({**GOOD_CONFIG, "task": {"type": "worker", "index": 2}}, r"\['index'\] must be in \[0, 1\], got 2"),
    ],
)
def test_bad_tf_config(config, message):
    with pytest.raises(ValueError, match=message):
        parallel.check_tf_config(config)


def test_good_tf_config_and_make_tf_config():
    assert parallel.check_tf_config(json.dumps(GOOD_CONFIG)) == GOOD_CONFIG
    configs = parallel.make_tf_config(3)
    assert [c["task"]["index"] for c in configs] == [0, 1, 2]
    assert all(parallel.check_tf_config(c) for c in configs)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: parallel.use_logical_cpus(0), r"n must be in \[1, 64\], got 0"),
        (lambda: parallel.strategy(cpu_replicas="yes"), "cpu_replicas must be True or False"),
        (lambda: parallel.measure_throughput(1, 10), "run must be callable"),
        (lambda: parallel.measure_throughput(lambda: None, 0), r"items must be >= 1, got 0"),
        (lambda: parallel.measure_throughput(lambda: None, 1, repeats=0), r"repeats must be in \[1, 1000\]"),
        (lambda: parallel.amdahl_speedup(1.5, 2), r"parallel_fraction must be in \[0, 1\], got 1.5"),
        (lambda: parallel.amdahl_speedup(0.5, 0), r"workers must be >= 1, got 0"),
        (lambda: parallel.encoded_photos(0), r"n must be in \[1, 100000\], got 0"),
        (lambda: parallel.encoded_photos(2, size=500), r"size must be in \[16, 427\], got 500"),
        (lambda: parallel.photo_pipeline([b"x"], "fast"), "mode must be one of 'serial'"),
        (lambda: parallel.photo_pipeline([], "serial"), "files must be a non-empty sequence"),
        (lambda: parallel.compare_pipelines([b"x"], modes=()), "modes must name at least one"),
        (lambda: parallel.thread_scaling(threads=()), "threads must name at least one"),
        (lambda: parallel.thread_scaling(threads=(0,)), r"threads\[0\] must be in \[1, 1024\], got 0"),
        (lambda: parallel.thread_scaling(onednn="yes"), "onednn must be None, True or False"),
        (lambda: parallel.plot_throughputs([]), "results must contain at least one"),
        (lambda: parallel.train_replicated(steps=0), r"steps must be in \[1, 100000\], got 0"),
        (lambda: parallel.train_replicated(learning_rate=0.0), "learning_rate must be > 0"),
        (lambda: parallel.make_tf_config(2, ports=[20001]), "ports must be 2 different port numbers"),
        (lambda: parallel.make_tf_config(2, ports=[20001, 20001]), "ports must be 2 different port numbers"),
        (lambda: parallel.make_tf_config(2, ports=[80, 20001]), r"ports\[0\] must be in \[1024, 65535\], got 80"),
        (lambda: parallel.run_multiworker(num_workers=0), r"num_workers must be in \[1, 16\], got 0"),
        (lambda: parallel.run_multiworker(num_workers=3, global_batch_size=64), "multiple of num_workers=3"),
        (lambda: parallel.run_multiworker(timeout=0), "timeout must be >= 1"),
        (lambda: parallel.run_multiworker(ports=[1, 2], tf_configs=[GOOD_CONFIG]), "either ports or tf_configs"),
        (lambda: parallel.run_multiworker(tf_configs=[GOOD_CONFIG]), "must hold num_workers=2 configs"),
        (
            lambda: parallel.run_multiworker(
                num_workers=1,
                tf_configs=[{"cluster": {"worker": ["10.0.0.5:2222"]}, "task": {"type": "worker", "index": 0}}],
            ),
            "this machine only",
        ),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
    assert not stray_workers()


def test_train_replicated_needs_a_batch_that_splits_evenly():
    class TwoReplicas:  # only what train_replicated reads before it trains
        num_replicas_in_sync = 2

    with pytest.raises(ValueError, match="global_batch_size must be a multiple of the 2 replicas, got 63"):
        parallel.train_replicated(TwoReplicas(), global_batch_size=63)


def test_exercises_registered_for_the_chapter():
    assert len(dh.exercises.exercises_for("06_parallel_computing")) >= 3
