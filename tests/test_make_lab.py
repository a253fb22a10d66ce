"""`make lab` starts JupyterLab on notebooks/: start it headless, ask its API, stop it."""

import json
import os
import secrets
import urllib.request

import pytest
from servers import free_port, lab_settings_lock, server

pytestmark = pytest.mark.slow  # `make check` leaves these out; `make test` runs them


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def test_make_lab_serves_the_course_notebooks(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),  # throw-away server state
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),  # and workspaces
    }
    args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    base = f"http://127.0.0.1:{port}"
    # server() waits for the API, and on leaving stops the whole process group and checks nothing survives
    command = ["make", "--no-print-directory", "lab", "LANG=C.UTF-8", f"LAB_ARGS={args}"]
    with lab_settings_lock(), server(command, f"{base}/api/status?token={token}", env):
        status, body = _get(f"{base}/api/status?token={token}")
        assert status == 200 and "started" in json.loads(body)
        _, body = _get(f"{base}/api/contents?token={token}")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert {"00_background.ipynb", "01_core_concepts.ipynb"} <= names  # root is notebooks/
        status, page = _get(f"{base}/lab?token={token}")
        assert status == 200 and "JupyterLab" in page
        _, body = _get(f"{base}/api/kernelspecs?token={token}")
        assert "python3" in json.loads(body)["kernelspecs"]


def _schema(plugin: str) -> dict:
    """The installed JSON schema of a Lab plugin: core plugins under lab/schemas, extensions under labextensions."""
    import sys
    from pathlib import Path

    package, name = plugin.split(":")
    share = Path(sys.prefix) / "share" / "jupyter"
    for folder in (share / "lab" / "schemas" / package, *share.glob(f"labextensions/{package}/schemas/{package}")):
        if (folder / f"{name}.json").is_file():
            return json.loads((folder / f"{name}.json").read_text())
    raise AssertionError(f"no installed schema for {plugin}")


@pytest.mark.parametrize(("lang", "locale", "root"), [("C.UTF-8", "en", "notebooks"), ("zh", "zh_CN", "notebooks/zh")])
def test_make_lab_installs_the_course_settings(tmp_path, lang, locale, root):
    """tools/lab_settings.py: widget state saved with notebooks, no news pop-up, the interface language (make lab
    LANG=zh: the Chinese edition in Lab's Chinese UI, from the zh_CN language pack); every key exists in Lab."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    import lab_settings

    overrides = lab_settings.settings("zh" if lang == "zh" else "en")
    assert overrides["@jupyterlab/translation-extension:plugin"] == {"locale": locale}
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": True}
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    for plugin, values in overrides.items():  # a misspelt key would be ignored by Lab without a word
        properties = _schema(plugin)["properties"]
        for key, value in values.items():
            assert key in properties, f"{plugin} has no setting {key!r}"
            allowed = [option["const"] for option in properties[key].get("oneOf", [])]
            types = {"boolean": bool, "string": str, "integer": int, "number": (int, float)}
            assert value in allowed if allowed else isinstance(value, types[properties[key]["type"]]), (plugin, key)

    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
    }
    args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    base = f"http://127.0.0.1:{port}"
    command = ["make", "--no-print-directory", "lab", f"LANG={lang}", f"LAB_ARGS={args}"]
    with lab_settings_lock(), server(command, f"{base}/api/status?token={token}", env):
        installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
        assert json.loads(installed.read_text()) == overrides
        _, body = _get(f"{base}/api/contents?token={token}")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert "00_background.ipynb" in names and ("zh" in names) == (root == "notebooks"), f"root must be {root}"
        if locale != "en":
            _, body = _get(f"{base}/lab/api/translations?token={token}")
            assert locale in json.loads(body)["data"], "the zh_CN language pack is not installed"
        for plugin, values in overrides.items():  # what the running Lab hands the browser
            _, body = _get(f"{base}/lab/api/settings/{plugin}?token={token}")
            properties = json.loads(body)["schema"]["properties"]
            assert {key: properties[key]["default"] for key in values} == values
