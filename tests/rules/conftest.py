"""Fixtures for the rule tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from envs import rulebook
from rules_helpers import make_context, make_lineage

from licheck.model import Finding
from licheck.rules.evaluate import evaluate


@pytest.fixture
def run() -> Callable[..., list[Finding]]:
    """run(licence, context_yaml, **lineage_kwargs) -> findings."""
    def _run(licence: str | None, ctx: str = "{}", **kw: object) -> list[Finding]:
        return evaluate(make_lineage(licence, **kw), make_context(ctx), rulebook())  # type: ignore[arg-type]
    return _run
