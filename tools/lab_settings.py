#!/usr/bin/env python
"""Print the course's JupyterLab settings (``overrides.json``) for one language: ``lab_settings.py en|zh``.

``make lab`` writes them into the environment's ``share/jupyter/lab/settings/``: widget state saved with the
notebook (a reopened notebook shows its dashboards as they were, not "model not found"), no news pop-up, and
the interface language: English, or Chinese (the zh_CN language pack, installed with the ``lab`` extra) for the
Chinese edition.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LOCALES = {"en": "en", "zh": "zh_CN"}


def settings(language: str) -> dict:
    base = json.loads((Path(__file__).with_name("lab-overrides.json")).read_text(encoding="utf-8"))
    base["@jupyterlab/translation-extension:plugin"] = {"locale": LOCALES[language]}
    return base


if __name__ == "__main__":
    language = sys.argv[1] if len(sys.argv) > 1 else "en"
    if language not in LOCALES:
        sys.exit(f"language must be one of {sorted(LOCALES)}, got {language!r}")
    print(json.dumps(settings(language), indent=2))
