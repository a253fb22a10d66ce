"""The install files agree with each other, and `make` reuses an installed environment."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _requirements(lines):
    result = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            result[requirement.name.lower()] = str(requirement.specifier)
    return result


def _requirements_txt():
    return _requirements((ROOT / "requirements.txt").read_text().splitlines())


def test_environment_yml_has_the_same_packages_and_ranges():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert _requirements(pip_section) == _requirements_txt()
    assert "-e ." in pip_section
    assert any(str(d).startswith("python=3.1") for d in env["dependencies"])


def test_pyproject_dependencies_use_the_same_ranges():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = _requirements_txt()
    for name, spec in _requirements(project["dependencies"]).items():
        assert requirements[name] == spec, name


def test_constraints_pin_a_version_inside_every_range():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = Version(version)
    for name, spec in _requirements_txt().items():
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert Requirement(f"{name}{spec}").specifier.contains(pins[name]), f"{name}=={pins[name]} outside {spec}"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Python 3.10 installs without constraints.txt (see Makefile)")
def test_installed_versions_are_the_pinned_ones():
    from importlib.metadata import version

    for line in (ROOT / "constraints.txt").read_text().splitlines():
        name, _, pinned = line.partition("==")
        if name.lower() in {"tensorflow", "keras", "scikit-learn", "numpy", "nbval", "ipywidgets"}:
            assert version(name) == pinned, name


def test_readme_documents_the_commands():
    readme = (ROOT / "README.md").read_text()
    for command in ("make lab", "make test", "pip install -r requirements.txt", "conda env create -f environment.yml"):
        assert command in readme, command


def test_ci_runs_make_test_and_venv_is_ignored():
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.M)
    assert ".venv/" in (ROOT / ".gitignore").read_text().splitlines()


def test_second_make_test_does_not_reinstall():
    """With the environment installed, `make` plans no install step (dry run)."""
    plan = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "pip install" not in plan and "venv" not in plan.split("pytest")[0].replace(".venv/bin", "")
    assert "pytest" in plan


def test_make_test_validates_the_notebooks_under_two_machine_setups():
    """All cores, then one core per notebook: stored outputs must hold on both."""
    plan = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    runs = [line for line in plan.splitlines() if "-m pytest" in line]
    assert any("pytest tests" in line for line in runs)
    assert any("pytest notebooks -n" in line and "--one-core" not in line for line in runs)
    assert any("pytest notebooks -n" in line and "--one-core" in line for line in runs)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="pinning needs Linux and two cores")
def test_one_core_pins_each_xdist_worker_and_its_children_to_its_own_core(tmp_path):
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")  # the option as make test uses it
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import os, subprocess, sys\n"
        "import pytest\n"
        "@pytest.mark.parametrize('i', range(2))\n"
        "def test_cores(i):\n"
        "    child = subprocess.run([sys.executable, '-c', 'import os; print(sorted(os.sched_getaffinity(0)))'],\n"
        "                           capture_output=True, text=True, check=True).stdout.strip()\n"
        "    with open(f\"cores-{os.environ['PYTEST_XDIST_WORKER']}-{i}.txt\", 'w') as out:\n"
        "        print('CORES', os.environ.get('PYTEST_XDIST_WORKER'), sorted(os.sched_getaffinity(0)), child, file=out)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(probe), "-n", "2", "--dist", "each", "--one-core", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    lines = [path.read_text().split() for path in sorted(tmp_path.glob("cores-*.txt"))]
    assert len(lines) == 4, result.stdout[-2000:]  # --dist each: both tests on both workers
    workers = {}
    for _, worker, *rest in lines:
        own, child = " ".join(rest).split("] ")
        assert own.count(",") == 0 and own + "]" == child, (own, child)  # one core, inherited by the child
        workers[worker] = own
    assert len(set(workers.values())) == len(workers) == 2  # two workers, two different cores
