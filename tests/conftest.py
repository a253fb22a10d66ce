"""Shared test setup: headless matplotlib, caches outside the repository."""

import os

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path, monkeypatch):
    """Every unit test writes its cache files under its own temporary folder."""
    monkeypatch.setenv("DLOPT_CACHE_DIR", str(tmp_path / "dlopt-cache"))
