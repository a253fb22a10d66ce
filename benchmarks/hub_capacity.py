"""How many learners one machine serves: N learners run notebook 00 at the same time, as on the class hub.

Each learner is what `make hub` gives them: a copy of the course in a folder of their own and a kernel of the
course's environment, which runs notebook 00 top to bottom (nbclient, as when a learner clicks Run All); all N
start at the same moment. Left out: the hub and each learner's idle Jupyter server (a few hundred MB each, no CPU
while idle), so this is the training load a class puts on the machine, not a browser session. Measured per N: the time until the last learner's notebook has finished, against one
learner alone in the same run, and each learner's peak memory (the kernel and its worker processes, RSS).

Prints one line per N, `hub_capacity learners=<N> seconds=<s> slowdown=<x> peak_mb_per_learner=<mb>`, and a
goal: 2 learners on 2 cores finish within 2.5x one learner's time (the work doubles; more would mean thrashing).

    python benchmarks/hub_capacity.py            # N = 1, 2, 4 (DLOPT_HUB_LEARNERS=1,2,3 to choose, at most 8)
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import _timing

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "10_faq_references.ipynb" if _timing.QUICK else "00_background.ipynb"
RUN = (
    "import sys, nbformat; from nbclient import NotebookClient;"
    "nb = nbformat.read(sys.argv[1], 4);"
    "NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': sys.argv[2]}}).execute()"
)


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(proc.name))
            rss[int(proc.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total / 1e6


def learners_at_once(count: int) -> tuple[float, float]:
    """Seconds until ``count`` learners have all run the notebook, and the largest peak memory of one (MB)."""
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": "0", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory(prefix="dlopt-hub-") as folder:
        homes = []
        for k in range(count):  # each learner's own copy, as nbgitpuller gives it
            home = Path(folder) / f"learner{k}"
            shutil.copytree(ROOT / "notebooks", home / "notebooks", ignore=shutil.ignore_patterns("zh", ".*"))
            homes.append(home)
        start = time.perf_counter()
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", RUN, str(home / "notebooks" / NOTEBOOK), str(home / "notebooks")],
                cwd=home,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for home in homes
        ]
        peaks = [0.0] * count
        done = threading.Event()

        def sample():
            while not done.is_set():
                for k, process in enumerate(processes):
                    if process.poll() is None:
                        peaks[k] = max(peaks[k], _tree_rss_mb(process.pid))
                time.sleep(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        for process in processes:
            _, error = process.communicate()
            if process.returncode != 0:
                raise SystemExit(f"a learner's notebook failed:\n{error.decode()[-2000:]}")
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
    return seconds, max(peaks)


def main() -> None:
    default = "1,2" if _timing.QUICK else "1,2,4"
    counts = [int(n) for n in os.environ.get("DLOPT_HUB_LEARNERS", default).split(",")]
    if not counts or min(counts) < 1 or max(counts) > 8:
        raise SystemExit("DLOPT_HUB_LEARNERS must list counts from 1 to 8, e.g. 1,2,4")
    alone = None
    for count in sorted(set(counts) | {1}):
        seconds, peak = learners_at_once(count)
        alone = alone or seconds
        print(
            f"hub_capacity learners={count} seconds={seconds:.1f} slowdown={seconds / alone:.2f} "
            f"peak_mb_per_learner={peak:.0f}",
            flush=True,
        )
        if count == 2:
            _timing.goal("hub_two_learners_slowdown", seconds / alone, 2.5, at_least=False)


if __name__ == "__main__":
    main()
