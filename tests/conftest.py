"""Shared fixtures. Tests never reach the network beyond 127.0.0.1."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from json_schema import HOOKS, checking

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


@pytest.fixture(autouse=True)
def _json_outputs_match_the_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every `--format json` document a test makes (check, resolve, identify) is validated
    against docs/schema/check-output.schema.json; a violation fails that test at teardown.
    A hook whose function was renamed is skipped here and fails tests/test_json_schema.py."""
    found: list[str] = []
    for module_name, attribute, command in HOOKS:
        owner: object = importlib.import_module(module_name)
        *parents, name = attribute.split(".")
        for parent in parents:
            owner = getattr(owner, parent, None)
        if owner is not None and callable(getattr(owner, name, None)):
            monkeypatch.setattr(owner, name, checking(getattr(owner, name), command, found))
    yield
    assert not found, "JSON output breaks docs/schema/check-output.schema.json:\n" + "\n".join(found[:20])


@pytest.fixture
def root() -> Path:
    return ROOT
