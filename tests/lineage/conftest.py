"""Fixtures for the lineage tests: the loopback mock Hub and registries pointed at it."""

from __future__ import annotations

from pathlib import Path

import pytest
from envs import corpus
from mockhub import MockHub, mock_hub  # noqa: F401 - re-exported fixture

from licheck.cache import Cache
from licheck.sources.hub import HubSource
from licheck.sources.registry import SourceRegistry


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "licheck-cache")


@pytest.fixture
def hub_registry(mock_hub: MockHub, cache: Cache) -> SourceRegistry:  # noqa: F811
    """Only the Hub source (no catalogue), so results depend on the mock's data alone."""
    return SourceRegistry([HubSource(corpus=corpus(), cache=cache, timeout=5.0)])
