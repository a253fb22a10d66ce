"""`make lab` starts JupyterLab on notebooks/: start it headless, ask its API, stop it."""

import json
import os
import secrets
import urllib.request

from servers import free_port, server


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
    with server(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], f"{base}/api/status?token={token}", env):
        status, body = _get(f"{base}/api/status?token={token}")
        assert status == 200 and "started" in json.loads(body)
        _, body = _get(f"{base}/api/contents?token={token}")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert {"00_background.ipynb", "01_core_concepts.ipynb"} <= names  # root is notebooks/
        status, page = _get(f"{base}/lab?token={token}")
        assert status == 200 and "JupyterLab" in page
        _, body = _get(f"{base}/api/kernelspecs?token={token}")
        assert "python3" in json.loads(body)["kernelspecs"]
