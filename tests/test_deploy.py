"""deploy/: the one-machine hub's configuration, the learners' course sync, and the cluster path's files.

The hub itself runs in tests/e2e/test_hub.py (three learners in Chromium); here, without servers: the
configuration loads and says what docs/instructor.md ("Setup") promises, nbgitpuller keeps a learner's edit while the
teacher's other changes arrive, and the Zero to JupyterHub values and image are valid and built from the
project's own dependency spec.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

pytest.importorskip("jupyterhub", reason="the hub extra (make installs it)")


def _course_spawner():
    """deploy/local/course_spawner.py, as the hub's configuration imports it (by its folder, not the package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("course_spawner", DEPLOY / "local" / "course_spawner.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _config(tmp_path, monkeypatch, **env):
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("DLOPT_HUB_DIR", str(tmp_path / "hub"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY / "local")).load_config()


def test_the_one_machine_hub_is_configured_for_a_class(tmp_path, monkeypatch):
    config = _config(tmp_path, monkeypatch, DLOPT_HUB_PORT="18123", DLOPT_HUB_MEMORY="3G")
    assert config.JupyterHub.ip == "127.0.0.1" and config.JupyterHub.port == 18123
    assert config.JupyterHub.hub_ip == "127.0.0.1" and "127.0.0.1" in config.ConfigurableHTTPProxy.api_url
    assert config.JupyterHub.authenticator_class == "shared-password"
    assert len(config.SharedPasswordAuthenticator.admin_password) >= 32  # JupyterHub's minimum for the admin
    assert config.Authenticator.admin_users == {"teacher"}
    assert config.JupyterHub.spawner_class == "course_spawner.CourseSpawner"
    assert config.Spawner.mem_limit == "3G" and config.Spawner.cmd[0] == sys.executable
    assert [s["name"] for s in config.JupyterHub.services] == ["idle-culler"]
    assert (tmp_path / "hub" / "class-password").stat().st_mode & 0o077 == 0  # the password file is private
    roster = tmp_path / "roster.txt"
    roster.write_text("ada\nbo\n\n")
    assert _config(tmp_path, monkeypatch, DLOPT_HUB_ROSTER=str(roster)).Authenticator.allowed_users == {"ada", "bo"}


def test_the_hub_does_not_load_tensorflow(tmp_path):
    """The hub's process loads its configuration and the spawner, never the course's package (TensorFlow: ~700 MB)."""
    code = (
        "import sys; from traitlets.config.loader import PyFileConfigLoader; from traitlets import import_item;"
        "c = PyFileConfigLoader('jupyterhub_config.py', path=sys.argv[1]).load_config();"
        "import_item(c.JupyterHub.spawner_class);"
        "assert 'tensorflow' not in sys.modules and 'dlopt_helpers' not in sys.modules, 'the hub imported the course'"
    )
    env = {"PATH": "/usr/bin:/bin", "DLOPT_HUB_DIR": str(tmp_path / "hub"), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code, str(DEPLOY / "local")], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout


def test_syncing_the_course_keeps_a_learners_edit_and_brings_the_rest(tmp_path):
    sync_course = _course_spawner().sync_course

    course = tmp_path / "course"
    course.mkdir()
    _git(course, "init", "--quiet", "--initial-branch=main")
    _git(course, "config", "user.email", "t@example.org")
    _git(course, "config", "user.name", "Teacher")
    (course / "a.md").write_text("one\ntwo\nthree\n")
    (course / "b.md").write_text("b\n")
    _git(course, "add", ".")
    _git(course, "commit", "--quiet", "-m", "first")

    copy = tmp_path / "users" / "ada" / "dlopt"
    sync_course(str(course), copy)
    assert (copy / "a.md").read_text() == "one\ntwo\nthree\n"
    (copy / "a.md").write_text("one\nmy answer\nthree\n")  # the learner edits a.md
    (copy / "b.md").unlink()  # and deletes b.md by mistake

    (course / "a.md").write_text("one\ntwo (fixed by the teacher)\nthree\n")  # a conflicting fix
    (course / "c.md").write_text("new chapter\n")
    _git(course, "add", ".")
    _git(course, "commit", "--quiet", "-m", "the teacher's update")
    sync_course(str(course), copy)
    assert "my answer" in (copy / "a.md").read_text()  # the learner's side wins where both changed
    assert (copy / "c.md").read_text() == "new chapter\n"  # everything else follows the teacher
    assert (copy / "b.md").read_text() == "b\n"  # a deleted file comes back


def test_the_cluster_values_are_valid_zero_to_jupyterhub_values():
    yaml = pytest.importorskip("yaml")
    values = yaml.safe_load((DEPLOY / "k8s" / "values.yaml").read_text())
    single = values["singleuser"]
    assert single["image"]["name"] and single["image"]["tag"]
    assert single["memory"]["limit"] and single["memory"]["guarantee"] and single["cpu"]["limit"]
    assert single["lifecycleHooks"]["postStart"]["exec"]["command"][0] == "gitpuller"
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"]
    assert set(values) <= {"hub", "singleuser", "cull", "scheduling", "proxy", "prePuller", "ingress"}


def test_the_learners_image_is_built_from_the_projects_dependency_spec():
    dockerfile = (DEPLOY / "k8s" / "Dockerfile").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert re.search(r"^COPY .*pyproject\.toml.*constraints\.txt", dockerfile, re.M)
    install = re.search(r'pip install .*"/tmp/dlopt\[([\w,]+)\]" -c /tmp/dlopt/constraints\.txt', dockerfile)
    assert install, "the image must install the project itself, pinned by constraints.txt"
    assert set(install.group(1).split(",")) <= set(project["optional-dependencies"])
    python = re.search(r"^FROM \S+:python-(3\.\d+)", dockerfile, re.M).group(1)
    low, high = re.findall(r"3\.(\d+)", project["requires-python"])
    assert int(low) <= int(python.split(".")[1]) < int(high)
