"""JupyterHub for a class on one machine: ``make hub`` (127.0.0.1; for a real server see docs/instructor.md, "Setup").

- learners log in with their name and the class password (JupyterHub's SharedPasswordAuthenticator); the
  teacher (``teacher``) logs in with the admin password and sees every learner's server;
- each learner gets ``users/<name>/dlopt``, a copy of the course synced from the teacher's repository with
  nbgitpuller at every start (their edited notebooks keep their edits; everything else follows the teacher);
- the course's own environment runs every learner's server and kernels (the hub's Python: the venv of make);
- idle servers are stopped after ``DLOPT_HUB_IDLE`` seconds (jupyterhub-idle-culler), and each server and its
  kernels get an address-space limit of ``DLOPT_HUB_MEMORY`` (default 6G: TensorFlow alone maps about 2.8 GB).

Everything the hub writes (database, secrets, the learners' folders) goes to ``DLOPT_HUB_DIR`` (default
``build/hub``); its proxy (configurable-http-proxy, from npm) is installed into the venv by make.
"""

import os
import secrets
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines it while loading this file)

ROOT = Path(__file__).resolve().parents[2]
STATE = Path(os.environ.get("DLOPT_HUB_DIR", ROOT / "build" / "hub")).resolve()
STATE.mkdir(parents=True, exist_ok=True)
PORT = int(os.environ.get("DLOPT_HUB_PORT", "8000"))


def _secret(name: str, variable: str, length: int) -> str:
    """A password from the environment, or one made once and kept in the hub folder (printed by make hub)."""
    if os.environ.get(variable):
        return os.environ[variable]
    path = STATE / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(length), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


# the hub, its proxy (configurable-http-proxy from npm, installed by make hub) and its API: on 127.0.0.1 only
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = PORT
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("DLOPT_HUB_API_PORT", PORT + 1))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('DLOPT_HUB_PROXY_PORT', PORT + 2))}"
# installed by make (npm, into the venv)
PROXY = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [os.environ.get("DLOPT_HUB_PROXY", str(PROXY))]
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server

# logging in: one class password for learners, an admin password for the teacher
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = _secret("class-password", "DLOPT_HUB_PASSWORD", 9)
c.SharedPasswordAuthenticator.admin_password = _secret("teacher-password", "DLOPT_HUB_ADMIN_PASSWORD", 24)
c.Authenticator.admin_users = {"teacher"}
print(
    f"dlopt hub on http://127.0.0.1:{PORT}: learners log in with any name and the class password in "
    f"{STATE / 'class-password'}; the teacher as 'teacher' with {STATE / 'teacher-password'}",
    file=sys.stderr,
)
roster = os.environ.get("DLOPT_HUB_ROSTER")  # a file with one learner name per line: only they may log in
if roster:
    c.Authenticator.allowed_users = {n.strip() for n in Path(roster).read_text().splitlines() if n.strip()}
else:
    c.Authenticator.allow_all = True

# each learner's server: the course's environment, in the learner's own folder, with their copy of the course
# course_spawner.py, next to this file: imported without the course's package (which would load TensorFlow,
# about 700 MB, into the hub's process)
sys.path.insert(0, str(Path(__file__).resolve().parent))
c.JupyterHub.spawner_class = "course_spawner.CourseSpawner"
c.CourseSpawner.home_dir_template = str(STATE / "users" / "{username}")
c.CourseSpawner.course_repository = os.environ.get("DLOPT_HUB_COURSE", str(ROOT))
c.CourseSpawner.course_branch = os.environ.get("DLOPT_HUB_BRANCH", "main")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
# Jupyter refuses to run as root unless told (containers, CI machines; the hub runs every server as its own user)
c.Spawner.args = (["--allow-root"] if os.geteuid() == 0 else []) + os.environ.get("DLOPT_HUB_SERVER_ARGS", "").split()
c.Spawner.default_url = "/lab/tree/dlopt/notebooks"
c.Spawner.mem_limit = os.environ.get("DLOPT_HUB_MEMORY", "6G")
c.Spawner.environment = {"TF_ENABLE_ONEDNN_OPTS": "0", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# idle servers are stopped (their files stay): the standard culler, as a hub service
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={os.environ.get('DLOPT_HUB_IDLE', '3600')}",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
