"""How many learners one machine serves: N learners on the class hub run notebook 00 at the same time.

Everything goes the way a class goes, through the hub's HTTP path: the hub of ``make hub`` starts (its proxy, its
idle culler) with a throw-away clone of this repository as the teacher's course; N learners are created and their
servers started at once (each gets its own copy of the course through nbgitpuller); then each learner, with a
token of their own, opens notebook 00 of their copy (the contents API, as JupyterLab does), starts a kernel for it
(the sessions API) and runs every code cell over the kernel's websocket through the hub's proxy, as Run All does.
All N start running at the same moment.

Measured per N:
- ``spawn_seconds``: until the last learner's server is ready (the course cloned, the server up);
- ``seconds``: until the last learner's notebook has finished, and ``slowdown`` against one learner alone
  (measured in the same run);
- ``peak_mb_per_learner``: the largest peak resident memory of one learner, everything their server runs
  (the Jupyter server, the kernel, its seed workers);
- ``idle_server_mb``: one learner's server before they run anything (logged in, nothing running);
- ``hub_mb``: the hub itself, its proxy and its culler (peak).

Prints one line per N, ``hub_capacity learners=<N> spawn_seconds=… seconds=… slowdown=… peak_mb_per_learner=…
idle_server_mb=… hub_mb=…``, and a goal: 2 learners on 2 cores finish within 2.5x one learner's time (the work
doubles; more would mean thrashing).

    python benchmarks/hub_capacity.py            # N = 1, 2, 4 (DLOPT_HUB_LEARNERS=1,3,6 to choose: as many
                                                 # as the memory available holds, 2.5 GB each)

Needs the hub extra and its proxy: ``make hub`` installs both (``make bench`` and ``make test`` too).
"""

import datetime
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import _timing

from tests.servers import free_port, server

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "00_background.ipynb"
CELLS = 4 if _timing.QUICK else None  # quick (the test): its first code cells only (imports, data, a model)
PROXY = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"


LEARNER_MB = 2500  # measured: a learner running notebook 00 peaks at 2.4 GB


def _available_mb() -> float:
    """Memory available for new processes (Linux ``MemAvailable``), in MB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1000
    raise SystemExit("this benchmark reads /proc (Linux)")


class Hub:
    """The hub's REST API, as one user (a token of theirs)."""

    def __init__(self, base: str, token: str = ""):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body=None, timeout: float = 60):
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"token {self.token}"} if self.token else {}),
            },
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read()
        return json.loads(text) if text else None

    def token_for(self, name: str, password: str = "") -> str:
        """A new API token of ``name``: with their password, or made by the teacher (this token's owner)."""
        body = {"auth": {"username": name, "password": password}} if password else {"note": "hub_capacity"}
        return self.call("POST", f"/hub/api/users/{name}/tokens", body)["token"]


def _processes() -> tuple[dict[int, list[int]], dict[int, int], dict[int, str]]:
    """Every process's children, resident memory (bytes) and working directory (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss, cwd = {}, {}
    page = os.sysconf("SC_PAGE_SIZE")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            pid = int(proc.name)
            children.setdefault(int(fields[1]), []).append(pid)
            rss[pid] = int(fields[21]) * page
            cwd[pid] = os.readlink(proc / "cwd")
        except (OSError, IndexError, ValueError):
            continue
    return children, rss, cwd


def _subtree(children: dict[int, list[int]], roots) -> set[int]:
    found, stack = set(), list(roots)
    while stack:
        pid = stack.pop()
        if pid not in found:
            found.add(pid)
            stack.extend(children.get(pid, []))
    return found


def memory_mb(hub_pid: int, homes: dict[str, Path]) -> tuple[dict[str, float], float]:
    """Resident MB of each learner (every process working in their folder, and its children) and of the hub
    (its process tree without the learners')."""
    children, rss, cwd = _processes()
    learners, theirs = {}, set()
    for name, home in homes.items():
        prefix = str(home)
        pids = _subtree(children, [p for p, d in cwd.items() if d == prefix or d.startswith(prefix + os.sep)])
        learners[name] = sum(rss.get(p, 0) for p in pids) / 1e6
        theirs |= pids
    hub = _subtree(children, [hub_pid]) - theirs
    return learners, sum(rss.get(p, 0) for p in hub) / 1e6


class Learner:
    """One learner: their token, their server, their kernel."""

    def __init__(self, base: str, name: str, token: str):
        self.name, self.api = name, Hub(base, token)
        self.ws_base = base.replace("http://", "ws://")

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            server = self.api.call("GET", f"/hub/api/users/{self.name}").get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise SystemExit(f"the server of {self.name} did not start in time")

    def run_notebook(self) -> None:
        """Open the learner's copy of NOTEBOOK, start its kernel, run every code cell (stop at an error)."""
        prefix = f"/user/{self.name}/api"
        path = f"dlopt/notebooks/{NOTEBOOK}"
        cells = self.api.call("GET", f"{prefix}/contents/{path}?content=1")["content"]["cells"]
        session = self.api.call(
            "POST", f"{prefix}/sessions", {"path": path, "type": "notebook", "kernel": {"name": "python3"}}
        )
        import websocket  # websocket-client: a dependency of jupyter_server

        socket = websocket.create_connection(
            f"{self.ws_base}{prefix}/kernels/{session['kernel']['id']}/channels",
            header=[f"Authorization: token {self.api.token}"],
            timeout=900,
        )
        try:
            for cell in [cell for cell in cells if cell["cell_type"] == "code"][:CELLS]:
                self._execute(socket, "".join(cell["source"]))
        finally:
            socket.close()
            self.api.call("DELETE", f"{prefix}/sessions/{session['id']}")

    def _execute(self, socket, code: str) -> None:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": self.name,
            "session": "hub_capacity",
            "version": "5.3",
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        }
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False}
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
        socket.send(json.dumps(message))
        while True:
            frame = socket.recv()
            if isinstance(frame, bytes):  # a message with binary buffers (widgets): not the reply
                continue
            reply = json.loads(frame)
            state = reply["content"].get("execution_state") if reply.get("msg_type") == "status" else None
            if state in ("restarting", "dead"):  # the kernel died (out of memory?): no reply will come
                raise SystemExit(f"{self.name}: the kernel is {state} while running:\n{code[:300]}")
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if reply["msg_type"] == "error":
                raise SystemExit(f"{self.name}: a cell failed:\n{code[:300]}\n{reply['content']['evalue']}")
            if reply["channel"] == "shell" and reply["msg_type"] == "execute_reply":
                if reply["content"]["status"] != "ok":
                    raise SystemExit(f"{self.name}: a cell did not run ({reply['content']['status']}):\n{code[:300]}")
                return


def class_at_once(teacher: Hub, hub_pid: int, users: Path, names: list[str]) -> dict[str, float]:
    """Start ``names``' servers at once, then run NOTEBOOK in each at once; the figures of one line."""
    teacher.call("POST", "/hub/api/users", {"usernames": names})
    learners = [Learner(teacher.base, name, teacher.token_for(name)) for name in names]
    homes = {name: users / name for name in names}
    start = time.monotonic()
    # all at once: the hub answers a start request only when the server is up (or after 10 s), so one thread each
    starting = [
        threading.Thread(target=learner.api.call, args=("POST", f"/hub/api/users/{learner.name}/server"))
        for learner in learners
    ]
    for thread in starting:
        thread.start()
    for thread in starting:
        thread.join()
    for learner in learners:
        learner.wait_ready(start + 300)
    spawn = time.monotonic() - start
    time.sleep(2)  # the servers settle (their extensions load on start)
    idle = max(memory_mb(hub_pid, homes)[0].values())

    peaks, hub_peak, failures = dict.fromkeys(names, 0.0), [0.0], []
    done = threading.Event()

    def sample():
        while not done.is_set():
            learners_mb, hub_mb = memory_mb(hub_pid, homes)
            for name, mb in learners_mb.items():
                peaks[name] = max(peaks[name], mb)
            hub_peak[0] = max(hub_peak[0], hub_mb)
            time.sleep(0.5)

    def run(learner):
        try:
            learner.run_notebook()
        except BaseException as error:  # reported below, in the main thread
            failures.append(error)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.monotonic()
    threads = [threading.Thread(target=run, args=(learner,)) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - start
    done.set()
    sampler.join()
    if failures:
        raise SystemExit(str(failures[0]))
    for name in names:  # the class leaves: their servers stop (their folders stay)
        teacher.call("DELETE", f"/hub/api/users/{name}/server")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(teacher.call("GET", f"/hub/api/users/{n}")["servers"] for n in names):
        time.sleep(0.5)
    return {"spawn": spawn, "seconds": seconds, "peak": max(peaks.values()), "idle": idle, "hub": hub_peak[0]}


def main() -> None:
    default = "1,2" if _timing.QUICK else "1,2,4"
    counts = [int(n) for n in os.environ.get("DLOPT_HUB_LEARNERS", default).split(",")]
    # each learner running a chapter needs about 2.5 GB (the quick run only starts TensorFlow: no guard)
    most = 2 if _timing.QUICK else max(1, int(_available_mb() / LEARNER_MB))
    if not counts or min(counts) < 1 or max(counts) > most:
        raise SystemExit(
            f"DLOPT_HUB_LEARNERS must list counts from 1 to {most} (the memory available here, "
            f"{LEARNER_MB / 1000:g} GB per learner), e.g. 1,2,4; got {os.environ.get('DLOPT_HUB_LEARNERS')}"
        )
    if not PROXY.exists():
        raise SystemExit(f"the hub's proxy is not installed ({PROXY}): make hub installs it")
    passwords = {"DLOPT_HUB_PASSWORD": secrets.token_urlsafe(9), "DLOPT_HUB_ADMIN_PASSWORD": secrets.token_urlsafe(24)}
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    branch = "course"
    with tempfile.TemporaryDirectory(prefix="dlopt-hub-bench-") as folder:
        course = Path(folder) / "course"  # the teacher's course: this repository's HEAD (a detached one too)
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(course)], check=True)
        subprocess.run(["git", "-C", str(course), "checkout", "--quiet", "-B", branch, head.stdout.strip()], check=True)
        port = free_port()
        env = {
            **os.environ,
            **passwords,
            "DLOPT_HUB_DIR": str(Path(folder) / "hub"),
            "DLOPT_HUB_PORT": str(port),
            "DLOPT_HUB_API_PORT": str(free_port()),
            "DLOPT_HUB_PROXY_PORT": str(free_port()),
            "DLOPT_HUB_COURSE": str(course),
            "DLOPT_HUB_BRANCH": branch,
        }
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "jupyterhub", "-f", str(ROOT / "deploy" / "local" / "jupyterhub_config.py")]
        with server(command, f"{base}/hub/api", env, settle=60) as hub:
            teacher = Hub(base)
            deadline = time.monotonic() + 60
            while True:  # the proxy answers before it routes to the hub: wait for the hub's own answer
                try:
                    teacher.call("GET", "/hub/api")
                    break
                except urllib.error.HTTPError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            teacher.token = teacher.token_for("teacher", passwords["DLOPT_HUB_ADMIN_PASSWORD"])
            alone = None
            for round_, count in enumerate(sorted(set(counts) | {1})):
                names = [f"learner{round_}x{k}" for k in range(count)]
                figures = class_at_once(teacher, hub.pid, Path(folder) / "hub" / "users", names)
                alone = alone or figures["seconds"]
                print(
                    f"hub_capacity learners={count} spawn_seconds={figures['spawn']:.1f} "
                    f"seconds={figures['seconds']:.1f} slowdown={figures['seconds'] / alone:.2f} "
                    f"peak_mb_per_learner={figures['peak']:.0f} idle_server_mb={figures['idle']:.0f} "
                    f"hub_mb={figures['hub']:.0f}",
                    flush=True,
                )
                if count == 2:
                    _timing.goal("hub_two_learners_slowdown", figures["seconds"] / alone, 2.5, at_least=False)


if __name__ == "__main__":
    try:
        main()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"the hub said {error.code} to {error.url}: {error.read().decode()[:1500]}") from None
