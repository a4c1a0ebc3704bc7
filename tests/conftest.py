"""Shared fixtures. Tests never reach the network beyond 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the user's real cache, token and Hub."""
    cache = tmp_path_factory.mktemp("licheck-cache")
    monkeypatch.setenv("LICHECK_CACHE_DIR", str(cache))
    monkeypatch.setenv("HF_HOME", str(cache / "hf-home"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    # A test that forgets to point at the mock Hub must fail, not reach the Internet.
    monkeypatch.setenv("HF_ENDPOINT", os.environ.get("LICHECK_TEST_DEAD_ENDPOINT", "http://127.0.0.1:9"))


@pytest.fixture
def root() -> Path:
    return ROOT
