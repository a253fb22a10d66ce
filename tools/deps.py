"""The course's dependency files, derived from the one spec in pyproject.toml.

    python tools/deps.py write   rewrite requirements.txt from pyproject.toml
    python tools/deps.py check   exit 1 (with a diff) when requirements.txt is not what `write` would produce
    python tools/deps.py lock    rewrite constraints.txt from `pip freeze` of the running interpreter (make lock)

pyproject.toml holds every version range: the runtime `dependencies` (what `import dlopt_helpers` and the
notebooks need) and the extras `lab`, `privacy`, `test`, `dev`. requirements.txt is the same ranges flattened
into one file, for tools that only read a requirements file; edit pyproject.toml, never requirements.txt.
constraints.txt pins the exact versions the course was tested with. Standard library only (no sed, no tomli on
3.11+), so it runs before anything is installed.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10: the `test` extra installs tomli
    try:
        import tomli as tomllib
    except ImportError:
        sys.exit("tools/deps.py needs Python 3.11+ or `pip install tomli` on Python 3.10")

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
REQUIREMENTS = ROOT / "requirements.txt"
CONSTRAINTS = ROOT / "constraints.txt"
SELF = "dlopt-helpers"
HEADER = (
    "# Generated from pyproject.toml by `python tools/deps.py write`: edit pyproject.toml, not this file\n"
    '# (tests/test_packaging.py checks that the two agree). The same ranges as `pip install -e ".[all]"`;\n'
    "# add `-c constraints.txt` for the exact versions the course is tested with.\n"
)
LOCK_HEADER = "# Exact versions the course is tested with (make lock). The ranges are in pyproject.toml.\n"


def _name(requirement: str) -> str:
    """The normalized project name of a requirement string (PEP 503)."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if not match:
        raise ValueError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def project(pyproject: Path = PYPROJECT) -> dict:
    """The ``[project]`` table of pyproject.toml."""
    return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]


def sections(pyproject: Path = PYPROJECT) -> dict[str, list[str]]:
    """``{"runtime": [...], extra: [...]}``: each extra's own requirements, references to the package dropped."""
    project_table = project(pyproject)
    result = {"runtime": list(project_table["dependencies"])}
    for extra, requirements in project_table.get("optional-dependencies", {}).items():
        own = [r for r in requirements if _name(r) != SELF]
        if own:
            result[extra] = own
    return result


def requirements_txt(pyproject: Path = PYPROJECT) -> str:
    """requirements.txt's text: every range once, in pyproject's order, under a comment naming its extra."""
    lines, seen = [HEADER], set()
    for section, requirements in sections(pyproject).items():
        fresh = [r for r in requirements if _name(r) not in seen]
        if not fresh:
            continue
        title = "runtime: import dlopt_helpers and the notebooks" if section == "runtime" else f"extra [{section}]"
        lines.append(f"# {title}\n")
        for requirement in fresh:
            seen.add(_name(requirement))
            lines.append(f"{requirement}\n")
    return "".join(lines)


def check() -> int:
    expected, actual = requirements_txt(), REQUIREMENTS.read_text(encoding="utf-8") if REQUIREMENTS.exists() else ""
    if expected == actual:
        print("requirements.txt matches pyproject.toml")
        return 0
    sys.stdout.writelines(difflib.unified_diff(actual.splitlines(True), expected.splitlines(True), "now", "expected"))
    print("requirements.txt is out of date: run `python tools/deps.py write`", file=sys.stderr)
    return 1


def lock() -> str:
    """constraints.txt's text from the running interpreter's installed packages (the course itself left out)."""
    frozen = subprocess.run(
        # --all keeps setuptools (the wheel test builds with it); pip itself is upgraded by make, not pinned
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable", "--exclude", SELF, "--exclude", "pip"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pins = [line for line in frozen.splitlines() if line and not line.startswith("#") and "==" in line]
    return LOCK_HEADER + "".join(f"{line}\n" for line in pins)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "write":
        REQUIREMENTS.write_text(requirements_txt(), encoding="utf-8")
        print(f"wrote {REQUIREMENTS.name}")
        return 0
    if command == "check":
        return check()
    if command == "lock":
        CONSTRAINTS.write_text(lock(), encoding="utf-8")
        print(f"wrote {CONSTRAINTS.name}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
