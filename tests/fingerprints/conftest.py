"""Fixtures for the structural fingerprint tests (writers are in `fpfixtures`)."""

from __future__ import annotations

from typing import Any

import pytest
from fpfixtures import load_real_configs


@pytest.fixture(scope="session")
def real_configs() -> dict[str, dict[str, Any]]:
    return load_real_configs()
