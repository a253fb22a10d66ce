"""pytest options shared by tests/ and notebooks/.

``--one-core`` pins each pytest process, and every Jupyter kernel or worker it starts, to a
single CPU core: the second machine setup under which ``make test`` validates the notebooks.
TensorFlow then sizes its thread pools for one core (reductions are split and summed in
another order, so a trained model's digits change) and ``dh.experiments`` runs its seeds
in-process instead of in worker processes. A stored output that depends on the machine fails
there on any single machine. With pytest-xdist each worker gets a different core, so the pass
still uses the whole machine. Needs Linux (``os.sched_setaffinity``).
"""

import os
import warnings


def pytest_addoption(parser):
    parser.addoption(
        "--one-core",
        action="store_true",
        help="pin each test process and the kernels it starts to one CPU core (with -n: a core per worker)",
    )


def pytest_configure(config):
    if not config.getoption("one_core"):
        return
    if not hasattr(os, "sched_setaffinity"):
        # macOS and Windows cannot pin a process to a core: this pass then runs like the first one
        warnings.warn("--one-core needs Linux (os.sched_setaffinity): running on all cores instead", stacklevel=1)
        config.option.one_core = False
        return
    # an xdist worker has ``workerinput``; the controller (numprocesses set) does not. The
    # PYTEST_XDIST_WORKER variable is not used: a pytest started from inside a worker inherits it.
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker is None and getattr(config.option, "numprocesses", None):
        return  # the xdist controller: its workers inherit its affinity and pin themselves
    cores = sorted(os.sched_getaffinity(0))
    index = int(worker[2:]) if worker and worker[2:].isdigit() else 0
    os.sched_setaffinity(0, {cores[index % len(cores)]})
