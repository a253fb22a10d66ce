"""Shared test setup: headless matplotlib, caches outside the repository."""

import os
import tempfile

# hypothesis keeps a cache (constants, examples) in ./.hypothesis unless told otherwise: a temp folder instead
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "dlopt-hypothesis"))

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")
# property-based tests: the same examples on every run and machine, no example database in the repository
settings.register_profile("dlopt", database=None, derandomize=True, deadline=None)
settings.load_profile("dlopt")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path, monkeypatch):
    """Every unit test writes its cache files under its own temporary folder."""
    monkeypatch.setenv("DLOPT_CACHE_DIR", str(tmp_path / "dlopt-cache"))
